//! Golden matching cases written from the OSV schema, the purl spec and NVD's CPE match rules.

use ward_core::vuln::{Affected, RangeKind, VendorProduct};
use ward_engine::matcher::report;
use ward_engine::{Inventory, MatchedBy, Verdict, exposed_orgs, match_advisory, match_all};

use crate::helpers::*;

fn sector() -> Inventory {
    let rows = [
        (asset(1), org(1), purl("pkg:npm/lodash@4.17.19")),
        (asset(2), org(2), purl("pkg:npm/lodash@4.17.19")),
        (asset(2), org(2), purl("pkg:npm/lodash@4.17.19")),
        (asset(3), org(2), purl("pkg:npm/lodash@4.17.21")),
        (asset(4), org(3), purl("pkg:npm/lodash.set@4.3.2")),
        (asset(5), org(3), purl("pkg:pypi/Django@3.2.0")),
        (asset(6), org(3), purl("pkg:pypi/django@3.2")),
        (asset(7), org(4), purl("pkg:cargo/odd@not-a-version")),
        (asset(8), org(4), purl("pkg:githubactions/actions/checkout@v3")),
        (
            asset(9),
            org(5),
            purl("pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-12"),
        ),
        (
            asset(10),
            org(5),
            purl("pkg:deb/debian/openssl@3.0.11-1~deb12u1?distro=debian-11"),
        ),
    ];
    Inventory::build(rows.iter().map(|(a, o, s)| (*a, *o, s)))
}

#[test]
fn one_advisory_is_a_lookup_with_assets_fixed_versions_and_orgs() {
    let inv = sector();
    let adv = advisory(
        "GHSA-35jh-r3h4-6jhm",
        vec![package(
            "npm",
            "lodash",
            RangeKind::Semver,
            vec![introduced("0"), fixed("4.17.21")],
            &[],
        )],
    );
    let found = match_advisory(&inv, &adv);
    assert_eq!(found.matches.len(), 1, "{found:?}");
    let m = &found.matches[0];
    assert_eq!(m.verdict, Verdict::Affected);
    assert_eq!(m.assets(&inv).len(), 2, "duplicate rows on one asset count once");
    let r = report(&inv, &adv, m);
    assert_eq!(r.fixed, vec!["4.17.21"]);
    assert_eq!(r.version, "4.17.19");
    assert_eq!(r.purl.as_deref(), Some("pkg:npm/lodash@4.17.19"));
    assert_eq!(r.assets, vec![asset(1), asset(2)]);
    let mut expected = vec![org(1), org(2)];
    expected.sort();
    assert_eq!(exposed_orgs(&inv, &found.matches), expected);
}

#[test]
fn pypi_names_and_versions_meet_in_normal_form() {
    let inv = sector();
    let adv = advisory(
        "PYSEC-X",
        vec![package(
            "PyPI",
            "DJANGO",
            RangeKind::Ecosystem,
            vec![introduced("3.0"), fixed("3.2.1")],
            &[],
        )],
    );
    let found = match_advisory(&inv, &adv);
    let assets: Vec<_> = found
        .matches
        .iter()
        .flat_map(|m| m.assets(&inv).to_vec())
        .collect();
    assert_eq!(assets.len(), 2, "both spellings of the name match: {found:?}");
    assert!(found.matches.iter().all(|m| m.verdict == Verdict::Affected));
}

#[test]
fn unparsable_versions_and_unknown_ecosystems_are_flagged_not_dropped() {
    let inv = sector();
    let rust = advisory(
        "RUSTSEC-X",
        vec![package(
            "crates.io",
            "odd",
            RangeKind::Semver,
            vec![introduced("0"), fixed("1.0.0")],
            &[],
        )],
    );
    let found = match_advisory(&inv, &rust);
    assert_eq!(found.matches.len(), 1);
    match &found.matches[0].verdict {
        Verdict::CannotEvaluate(reason) => assert!(reason.contains("not-a-version"), "{reason}"),
        other => panic!("expected cannot evaluate, got {other:?}"),
    }
    let actions = |versions: &[&str]| {
        advisory(
            "GHSA-actions",
            vec![package(
                "GitHub Actions",
                "actions/checkout",
                RangeKind::Ecosystem,
                vec![introduced("0"), fixed("v4")],
                versions,
            )],
        )
    };
    let unknown = match_advisory(&inv, &actions(&[]));
    assert_eq!(unknown.matches.len(), 1);
    assert!(
        matches!(&unknown.matches[0].verdict, Verdict::CannotEvaluate(r) if r.contains("GitHub Actions"))
    );
    let listed = match_advisory(&inv, &actions(&["v3"]));
    assert_eq!(
        listed.matches[0].verdict,
        Verdict::Affected,
        "an identical listed version decides"
    );
}

#[test]
fn release_suffixes_select_the_distribution() {
    let inv = sector();
    let adv = advisory(
        "DSA-X",
        vec![package(
            "Debian:12",
            "openssl",
            RangeKind::Ecosystem,
            vec![introduced("0"), fixed("3.0.11-1~deb12u2")],
            &[],
        )],
    );
    let found = match_advisory(&inv, &adv);
    let assets: Vec<_> = found
        .matches
        .iter()
        .flat_map(|m| m.assets(&inv).to_vec())
        .collect();
    let nine = inv.asset_index(asset(9));
    assert_eq!(assets.len(), 1);
    assert_eq!(Some(assets[0]), nine);
}

#[test]
fn withdrawn_advisories_match_nothing_and_word_only_entries_are_noted() {
    let inv = sector();
    let mut adv = advisory(
        "GHSA-w",
        vec![package(
            "npm",
            "lodash",
            RangeKind::Semver,
            vec![introduced("0")],
            &[],
        )],
    );
    assert_eq!(match_advisory(&inv, &adv).matches.len(), 2);
    adv.withdrawn = Some(jiff::Timestamp::UNIX_EPOCH);
    assert!(match_advisory(&inv, &adv).matches.is_empty());
    let words = advisory(
        "CVE-words",
        vec![Affected {
            vendor_product: Some(VendorProduct {
                vendor: "Apache".into(),
                product: "Log4j".into(),
            }),
            ..Affected::default()
        }],
    );
    let found = match_advisory(&inv, &words);
    assert!(found.matches.is_empty());
    assert_eq!(found.notes.len(), 1);
}

const ADC: &str = "cpe:2.3:a:citrix:netscaler_application_delivery_controller";

#[test]
fn cpe_matches_need_vendor_and_product_and_honour_platforms() {
    let rows = [
        (asset(1), org(1), cpe(&format!("{ADC}:13.1-49.13:*:*:*:*:*:*:*"))),
        (
            asset(2),
            org(1),
            named(Some("Citrix"), "NetScaler ADC", "13.1-49.13"),
        ),
        (asset(3), org(2), named(None, "NetScaler ADC", "14.1-4.42")),
        (
            asset(4),
            org(2),
            named(Some("Other Corp"), "NetScaler ADC", "13.1-49.13"),
        ),
        (
            asset(5),
            org(3),
            cpe("cpe:2.3:a:acme:netscaler_application_delivery_controller:13.1-49.13"),
        ),
        (asset(6), org(3), cpe(&format!("{ADC}:*:*:*:*:*:*:*:*"))),
    ];
    let inv = Inventory::build(rows.iter().map(|(a, o, s)| (*a, *o, s)));
    let mut c = criterion(&format!("{ADC}:*:*:*:*:*:*:*:*"), Some("13.1-51.15"), true);
    c.version_start_including = Some("13.1".into());
    let adv = advisory(
        "CVE-2023-4966",
        vec![Affected {
            cpes: vec![c],
            ..Affected::default()
        }],
    );
    let found = match_advisory(&inv, &adv);
    let affected: Vec<_> = found
        .matches
        .iter()
        .filter(|m| m.verdict == Verdict::Affected)
        .flat_map(|m| m.assets(&inv).to_vec())
        .filter_map(|a| inv.asset_id(a))
        .collect();
    assert_eq!(
        affected,
        vec![asset(1), asset(2)],
        "same CPE by string and by alias; not another vendor's"
    );
    let undecided: Vec<_> = found
        .matches
        .iter()
        .filter(|m| m.verdict != Verdict::Affected)
        .collect();
    assert_eq!(
        undecided.len(),
        1,
        "a CPE without version cannot be evaluated: {found:?}"
    );
    assert!(matches!(undecided[0].by, MatchedBy::Cpe { .. }));
    assert_eq!(report(&inv, &adv, &found.matches[0]).fixed, vec!["13.1-51.15"]);

    // Platform condition: the app is affected only on assets that also run the platform.
    let rows = [
        (asset(1), org(1), cpe("cpe:2.3:a:vendor:app:1.0:*:*:*:*:*:*:*")),
        (
            asset(1),
            org(1),
            cpe("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*"),
        ),
        (asset(2), org(2), cpe("cpe:2.3:a:vendor:app:1.0:*:*:*:*:*:*:*")),
    ];
    let inv = Inventory::build(rows.iter().map(|(a, o, s)| (*a, *o, s)));
    let adv = advisory(
        "CVE-platform",
        vec![Affected {
            cpes: vec![
                criterion("cpe:2.3:a:vendor:app:*:*:*:*:*:*:*:*", Some("2.0"), true),
                criterion("cpe:2.3:o:microsoft:windows:-:*:*:*:*:*:*:*", None, false),
            ],
            ..Affected::default()
        }],
    );
    let found = match_advisory(&inv, &adv);
    assert_eq!(found.matches.len(), 1);
    let ids: Vec<_> = found.matches[0]
        .assets(&inv)
        .iter()
        .filter_map(|a| inv.asset_id(*a))
        .collect();
    assert_eq!(ids, vec![asset(1)]);
}

#[test]
fn ambiguous_criteria_are_refused_with_a_note() {
    let rows = [(
        asset(1),
        org(1),
        cpe("cpe:2.3:a:git-scm:git:2.30.0:*:*:*:*:*:*:*"),
    )];
    let inv = Inventory::build(rows.iter().map(|(a, o, s)| (*a, *o, s)));
    let adv = advisory(
        "CVE-ambiguous",
        vec![Affected {
            cpes: vec![criterion("cpe:2.3:a:*:git:*:*:*:*:*:*:*:*", None, true)],
            ..Affected::default()
        }],
    );
    let found = match_advisory(&inv, &adv);
    assert!(found.matches.is_empty());
    assert_eq!(found.notes.len(), 1);
    assert!(found.notes[0].reason.contains("concrete"), "{:?}", found.notes);
}

#[test]
fn full_recompute_is_sorted_and_repeatable() {
    let inv = sector();
    let advisories = vec![
        advisory(
            "B",
            vec![package(
                "npm",
                "lodash",
                RangeKind::Semver,
                vec![introduced("0")],
                &[],
            )],
        ),
        advisory(
            "A",
            vec![
                package("PyPI", "django", RangeKind::Ecosystem, vec![introduced("0")], &[]),
                package(
                    "npm",
                    "lodash.set",
                    RangeKind::Semver,
                    vec![introduced("4.0.0")],
                    &[],
                ),
            ],
        ),
    ];
    let first = match_all(&inv, &advisories);
    let second = match_all(&inv, &advisories);
    assert_eq!(first, second);
    let mut sorted = first.matches.clone();
    sorted.sort();
    assert_eq!(first.matches, sorted);
    assert_eq!(first.of_advisory(0).len(), 2);
    assert_eq!(
        first.of_advisory(1).len(),
        3,
        "two distinct django version strings and lodash.set"
    );
    assert!(first.of_advisory(2).is_empty());
}

/// One install of log4j-core recorded with both its package URL and its CPE, and an advisory that
/// names it both ways (OSV ranges and NVD criteria): the asset is exposed once, through the package;
/// an asset that has only the CPE is still exposed through it.
#[test]
fn software_named_by_purl_and_cpe_is_exposed_once() {
    let mut both = purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1");
    both.cpe = Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*".into());
    let rows = [
        (asset(1), org(1), both),
        (
            asset(2),
            org(1),
            cpe("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"),
        ),
    ];
    let inv = Inventory::build(rows.iter().map(|(a, o, s)| (*a, *o, s)));
    let mut by_package = package(
        "Maven",
        "org.apache.logging.log4j:log4j-core",
        RangeKind::Ecosystem,
        vec![introduced("2.0"), fixed("2.15.0")],
        &[],
    );
    by_package.cpes = vec![criterion(
        "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*",
        Some("2.15.0"),
        true,
    )];
    let adv = advisory("CVE-2021-44228", vec![by_package]);
    let found = match_advisory(&inv, &adv);
    assert_eq!(found.matches.len(), 2, "one match per identifier: {found:?}");
    let counted: Vec<(MatchedBy, Vec<u32>)> = found
        .matches
        .iter()
        .map(|m| {
            let assets = m
                .assets(&inv)
                .iter()
                .copied()
                .filter(|a| !ward_engine::matcher::counted_through_package(&inv, &found.matches, m, *a))
                .collect();
            (m.by, assets)
        })
        .collect();
    let mut exposures: Vec<u32> = counted.iter().flat_map(|(_, a)| a.clone()).collect();
    exposures.sort_unstable();
    assert_eq!(exposures, [0, 1], "each asset once: {counted:?}");
    let through_cpe = counted
        .iter()
        .find(|(by, _)| matches!(by, MatchedBy::Cpe { .. }))
        .map(|(_, a)| a.clone());
    assert_eq!(through_cpe, Some(vec![1]), "the CPE-only asset stays");
}
