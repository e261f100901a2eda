//! No input panics: the same entry points as the fuzz target, on random text, in every test run.

use proptest::prelude::*;
use ward_versions::{CpeRange, Ecosystem, OsvAffected, compare, npm, osv_affects, vers_contains};

fn versionish() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-zA-Z.~^_+:*!|<>=, -]{0,16}",
        "\\PC{0,12}",
        "vers:(npm|pypi|maven|deb|rpm|golang|generic)/[0-9a-z.<>=!|*%-]{0,16}",
    ]
}

fn osv_json() -> impl Strategy<Value = String> {
    let event = (
        prop::sample::select(&["introduced", "fixed", "last_affected", "limit"][..]),
        versionish(),
    )
        .prop_map(|(kind, v)| format!(r#"{{"{kind}":{}}}"#, serde_json_string(&v)));
    (
        prop::sample::select(&["SEMVER", "ECOSYSTEM", "GIT"][..]),
        prop::collection::vec(event, 0..5),
        versionish(),
    )
        .prop_map(|(kind, events, listed)| {
            format!(
                r#"{{"ranges":[{{"type":"{kind}","events":[{}]}}],"versions":[{}]}}"#,
                events.join(","),
                serde_json_string(&listed)
            )
        })
}

fn serde_json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ranges_never_panic(a in versionish(), b in versionish(), c in versionish()) {
        let _ = npm::satisfies(&a, &b);
        let _ = vers_contains(&a, &b);
        for &eco in Ecosystem::ALL {
            let _ = compare(eco, &a, &b);
            let range = CpeRange { start_excluding: Some(a.clone()), end_including: Some(c.clone()), ..CpeRange::default() };
            let _ = range.contains(&b, eco);
        }
    }

    #[test]
    fn osv_evaluation_never_panics(json in osv_json(), version in versionish()) {
        let affected: OsvAffected = serde_json::from_str(&json).unwrap();
        for &eco in Ecosystem::ALL {
            let _ = osv_affects(eco, &affected, &version);
        }
    }
}
