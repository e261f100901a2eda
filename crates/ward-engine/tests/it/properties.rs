//! Property tests: purl normalisation is idempotent and round-trips; one advisory's lookup equals
//! the full recompute filtered to that advisory.

use proptest::prelude::*;
use ward_core::vuln::{Advisory, RangeKind};
use ward_engine::purl::{Purl, normalise};
use ward_engine::{Inventory, match_advisory, match_all};

use crate::helpers::*;

fn segment() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[A-Za-z0-9._~-]{1,8}|%40[a-z]{1,5}|[a-z]{1,3}%2[0F][A-Z]{1,2}").unwrap()
}

fn purl_text() -> impl Strategy<Value = String> {
    let ty = prop::sample::select(vec![
        "npm", "NPM", "pypi", "maven", "nuget", "golang", "composer", "gem", "cargo", "deb", "rpm", "apk",
        "generic", "GitHub",
    ]);
    (
        ty,
        prop::collection::vec(segment(), 0..3),
        segment(),
        prop::option::of("[0-9A-Za-z.+_-]{1,10}"),
        prop::collection::vec(("[A-Za-z]{1,5}", "[A-Za-z0-9/%=-]{0,6}"), 0..3),
        prop::option::of("[a-z/]{1,8}"),
    )
        .prop_map(|(ty, ns, name, version, qualifiers, subpath)| {
            let mut s = format!("pkg:{ty}/");
            for n in ns {
                s.push_str(&n);
                s.push('/');
            }
            s.push_str(&name);
            if let Some(v) = version {
                s.push('@');
                s.push_str(&v);
            }
            let q: Vec<String> = qualifiers.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
            if !q.is_empty() {
                s.push('?');
                s.push_str(&q.join("&"));
            }
            if let Some(p) = subpath {
                s.push('#');
                s.push_str(&p);
            }
            s
        })
}

proptest! {
    #[test]
    fn purl_normalisation_is_idempotent(text in purl_text()) {
        if let Ok(once) = normalise(&text) {
            let twice = normalise(&once);
            prop_assert_eq!(twice.as_ref(), Ok(&once), "from {}", text);
            let parsed = Purl::parse(&once).unwrap();
            prop_assert_eq!(parsed.to_string(), once);
        }
    }

    #[test]
    fn purl_parsing_never_panics(text in "\\PC{0,40}") {
        let _ = Purl::parse(&format!("pkg:{text}"));
    }

    #[test]
    fn one_advisory_equals_full_recompute_filtered(
        rows in prop::collection::vec((0u128..40, 0u128..5, 0usize..6, 0u32..4, 0u32..12), 1..120),
        specs in prop::collection::vec((0usize..6, 0u32..4, 0u32..12, 0u32..4, 0u32..12, any::<bool>()), 1..12),
    ) {
        const NAMES: [&str; 6] = ["lodash", "left-pad", "@scope/pkg", "express", "react", "vue"];
        let software: Vec<_> = rows
            .iter()
            .map(|(a, o, n, major, minor)| {
                let name = NAMES[*n].replace('@', "%40");
                (asset(*a), org(*o), purl(&format!("pkg:npm/{name}@{major}.{minor}.0")))
            })
            .collect();
        let inv = Inventory::build(software.iter().map(|(a, o, s)| (*a, *o, s)));
        let advisories: Vec<Advisory> = specs
            .iter()
            .enumerate()
            .map(|(i, (n, imaj, imin, fmaj, fmin, listed))| {
                let events = vec![introduced(&format!("{imaj}.{imin}.0")), fixed(&format!("{fmaj}.{fmin}.0"))];
                let versions: &[&str] = if *listed { &["1.1.0"] } else { &[] };
                advisory(&format!("ADV-{i}"), vec![package("npm", NAMES[*n], RangeKind::Semver, events, versions)])
            })
            .collect();
        let all = match_all(&inv, &advisories);
        for (i, a) in advisories.iter().enumerate() {
            let one = match_advisory(&inv, a);
            let filtered: Vec<_> = all
                .of_advisory(u32::try_from(i).unwrap())
                .iter()
                .cloned()
                .map(|mut m| { m.advisory = 0; m })
                .collect();
            prop_assert_eq!(one.matches, filtered);
        }
    }
}
