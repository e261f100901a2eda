//! Golden cases per ecosystem, written from each scheme's specification, through the public API.

use std::cmp::Ordering;

use ward_versions::{Ecosystem, compare, npm, osv_affects, parse, vers_contains};

/// Asserts that `chain` is strictly increasing under `eco`, checking every pair (not only neighbours).
fn increasing(eco: Ecosystem, chain: &[&str]) {
    for (i, a) in chain.iter().enumerate() {
        for b in &chain[i + 1..] {
            assert_eq!(compare(eco, a, b).unwrap(), Ordering::Less, "{eco}: {a} < {b}");
            assert_eq!(compare(eco, b, a).unwrap(), Ordering::Greater, "{eco}: {b} > {a}");
        }
    }
}

fn equal(eco: Ecosystem, pairs: &[(&str, &str)]) {
    for (a, b) in pairs {
        assert_eq!(compare(eco, a, b).unwrap(), Ordering::Equal, "{eco}: {a} = {b}");
        assert_eq!(parse(eco, a).unwrap(), parse(eco, b).unwrap());
    }
}

#[test]
fn maven() {
    // Maven orders unknown qualifiers after the release: jackson's `2.10.0.pr1` sorts after `2.10.0`.
    increasing(
        Ecosystem::Maven,
        &[
            "1-alpha",
            "1-alpha1",
            "1-beta",
            "1-milestone1",
            "1-rc1",
            "1-snapshot",
            "1",
            "1-sp",
            "1-sp1",
            "1.0.1",
        ],
    );
    increasing(
        Ecosystem::Maven,
        &[
            "2.9.10",
            "2.9.10.1",
            "2.9.10.8",
            "2.10.0",
            "2.10.0.pr1",
            "2.12.7.1",
        ],
    );
    equal(
        Ecosystem::Maven,
        &[
            ("1.0", "1"),
            ("1.0-rc1", "1-cr1"),
            ("1.0.0.Final", "1"),
            ("1-ga", "1"),
            ("1.0-RELEASE", "1"),
        ],
    );
}

#[test]
fn debian() {
    increasing(
        Ecosystem::Debian,
        &[
            "1.0~rc1",
            "1.0",
            "1.0-1",
            "1.0-1+deb12u1",
            "1.0-2",
            "1.0.1",
            "2:0.9",
            "3:0.1~beta",
        ],
    );
    equal(Ecosystem::Debian, &[("0:1.0-1", "1.0-1"), ("1.0", "1.0-0")]);
    equal(Ecosystem::Ubuntu, &[("1.0-1ubuntu1", "1.0-1ubuntu01")]);
}

#[test]
fn rpm() {
    increasing(
        Ecosystem::RedHat,
        &["1.0~rc1", "1.0", "1.0^git1", "1.0.1", "1:0.5"],
    );
    increasing(
        Ecosystem::RockyLinux,
        &[
            "2.4.37-43.module+el8.5.0",
            "2.4.37-43.module+el8.10.0",
            "2.4.37-44",
        ],
    );
    equal(Ecosystem::AlmaLinux, &[("0:1.2-3.el9", "1.2-3.el9")]);
}

#[test]
fn pypi() {
    increasing(
        Ecosystem::PyPI,
        &[
            "not-pep-440",
            "1.0.dev1",
            "1.0a1",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local.1",
            "1.0.post1",
            "2.0",
            "1!0.1",
        ],
    );
    equal(
        Ecosystem::PyPI,
        &[("1.0", "1.0.0"), ("1.0-RC1", "1.0rc1"), ("1.0.post1", "1.0-1")],
    );
    assert!(parse(Ecosystem::PyPI, "not-pep-440").unwrap().is_legacy());
}

#[test]
fn go() {
    increasing(
        Ecosystem::Go,
        &[
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-aaaaaaaaaaaa",
            "v0.1.0",
            "v1.2.3",
            "v1.2.4-0.20191109021931-daa7c04131f5",
            "v1.2.4-pre",
            "v1.2.4-pre.0.20191109021931-daa7c04131f5",
            "v1.2.4",
            "v2.0.0+incompatible",
            "v2.0.1",
        ],
    );
    equal(
        Ecosystem::Go,
        &[("1.2.3", "v1.2.3"), ("v2.0.0+incompatible", "v2.0.0")],
    );
}

#[test]
fn npm_ranges() {
    let cases = [
        ("^1.2.3", "1.8.0", true),
        ("^1.2.3", "2.0.0", false),
        ("~1.2.3", "1.3.0", false),
        ("1.x || >=2.5.0", "2.6.0", true),
        ("1.x || >=2.5.0", "2.4.0", false),
        ("1.2.3 - 2.3", "2.3.5", true),
        ("<4.17.21", "4.17.20", true),
        ("<4.17.21", "4.17.21-beta", false),
        (">=4.0.0 <4.17.21", "4.17.15", true),
    ];
    for (range, version, expected) in cases {
        assert_eq!(
            npm::satisfies(range, version).unwrap(),
            expected,
            "{version} in {range}"
        );
    }
    increasing(
        Ecosystem::Npm,
        &["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0", "v1.0.1"],
    );
}

#[test]
fn nuget_rubygems_alpine_packagist() {
    increasing(
        Ecosystem::NuGet,
        &["1.0.0-alpha", "1.0.0-BETA", "1.0.0", "1.0.0.1", "1.0.1"],
    );
    increasing(
        Ecosystem::RubyGems,
        &["1.0.a", "1.0.b1", "1.0.rc1", "1.0", "1.0.1"],
    );
    increasing(
        Ecosystem::Alpine,
        &["1.2.3_rc1-r0", "1.2.3-r0", "1.2.3-r1", "1.2.3_p1-r0", "1.2.4-r0"],
    );
    increasing(
        Ecosystem::Packagist,
        &["1.0.0-beta1", "1.0.0-RC1", "1.0.0", "1.0.1", "v1.1"],
    );
}

#[test]
fn generic_vendor_versions() {
    increasing(Ecosystem::Generic, &["13.1-49.13", "13.1-51.15", "14.1-4.42"]);
    increasing(
        Ecosystem::Generic,
        &["10.0.17763", "10.0.19044", "10.0.19045", "10.0.22621"],
    );
    increasing(
        Ecosystem::Generic,
        &["22.7R1", "22.7R2", "22.7R2.1", "22.7S1", "23.2R1"],
    );
    increasing(Ecosystem::Generic, &["2023.0.6", "2023.0.10", "2024.0"]);
}

#[test]
fn ranges_through_the_public_api() {
    assert!(vers_contains("vers:maven/>=2.0.0|<2.15.0", "2.14.1").unwrap());
    assert!(!vers_contains("vers:maven/>=2.0.0|<2.15.0", "2.15.0").unwrap());
    let affected: ward_versions::OsvAffected = serde_json::from_str(
        r#"{"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0-beta9"},{"fixed":"2.15.0"},
            {"introduced":"2.16.0"},{"fixed":"2.16.1"}]}]}"#,
    )
    .unwrap();
    let log4j = |v| osv_affects(Ecosystem::Maven, &affected, v).unwrap();
    assert!(log4j("2.14.1"));
    assert!(!log4j("2.15.0"));
    assert!(log4j("2.16.0"));
    assert!(!log4j("2.17.1"));
    assert!(!log4j("1.2.17"));
}
