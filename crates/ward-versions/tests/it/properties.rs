//! Total-order properties of every comparator, on generators of realistic version strings per
//! ecosystem and on small random strings.

use std::cmp::Ordering;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use ward_versions::{Ecosystem, Version, parse};

/// Checks reflexivity, antisymmetry, transitivity and consistency with equality on every pair and
/// triple of `versions`, and that sorting yields a non-decreasing sequence.
fn total_order(versions: &[Version]) -> Result<(), TestCaseError> {
    for a in versions {
        prop_assert_eq!(a.cmp(a), Ordering::Equal);
        for b in versions {
            let ab = a.cmp(b);
            prop_assert_eq!(ab, b.cmp(a).reverse(), "antisymmetry: {} vs {}", a, b);
            prop_assert_eq!(ab == Ordering::Equal, a == b, "equality: {} vs {}", a, b);
            for c in versions {
                let bc = b.cmp(c);
                let ac = a.cmp(c);
                if ab != Ordering::Greater && bc != Ordering::Greater {
                    prop_assert!(
                        ac != Ordering::Greater,
                        "transitivity: {} <= {} <= {} but {} > {}",
                        a,
                        b,
                        c,
                        a,
                        c
                    );
                }
                if ab == Ordering::Equal {
                    prop_assert_eq!(ac, bc, "equal values order alike: {} = {} vs {}", a, b, c);
                }
            }
        }
    }
    let mut sorted = versions.to_vec();
    sorted.sort();
    prop_assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
    Ok(())
}

/// Parses every string (all must parse) and checks the order.
fn check_all(eco: Ecosystem, inputs: &[String]) -> Result<(), TestCaseError> {
    let mut versions = Vec::new();
    for input in inputs {
        match parse(eco, input) {
            Ok(v) => versions.push(v),
            Err(err) => {
                return Err(TestCaseError::fail(format!(
                    "{eco}: {input:?} should parse: {err}"
                )));
            }
        }
    }
    total_order(&versions)
}

/// Parses what parses (random strings) and checks the order on those.
fn check_parsable(eco: Ecosystem, inputs: &[String]) -> Result<(), TestCaseError> {
    let versions: Vec<Version> = inputs.iter().filter_map(|s| parse(eco, s).ok()).collect();
    total_order(&versions)
}

fn pick(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(options).prop_map(str::to_owned)
}

fn small() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..3, Just(10u32), Just(11u32)]
}

fn dotted(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(small(), min..=max)
        .prop_map(|parts| parts.iter().map(u32::to_string).collect::<Vec<_>>().join("."))
}

fn semver() -> impl Strategy<Value = String> {
    let pre = prop::collection::vec(pick(&["alpha", "beta", "rc", "0", "1", "2", "11", "x-y"]), 0..3);
    (
        small(),
        small(),
        small(),
        pre,
        prop::option::of(pick(&["build.5", "sha.abc"])),
    )
        .prop_map(|(a, b, c, pre, build)| {
            let mut v = format!("{a}.{b}.{c}");
            if !pre.is_empty() {
                v.push('-');
                v.push_str(&pre.join("."));
            }
            if let Some(build) = build {
                v.push('+');
                v.push_str(&build);
            }
            v
        })
}

fn go() -> impl Strategy<Value = String> {
    let pseudo = (
        small(),
        small(),
        small(),
        0usize..3,
        pick(&["20191109021931", "20200101000000"]),
    )
        .prop_map(|(a, b, c, form, ts)| match form {
            0 => format!("v{a}.0.0-{ts}-daa7c04131f5"),
            1 => format!("v{a}.{b}.{c}-0.{ts}-daa7c04131f5"),
            _ => format!("v{a}.{b}.{c}-pre.0.{ts}-daa7c04131f5"),
        });
    prop_oneof![
        semver().prop_map(|v| format!("v{v}")),
        semver(),
        (small(), small()).prop_map(|(a, b)| format!("v{}.{b}.0+incompatible", a + 2)),
        pseudo,
    ]
}

fn pypi() -> impl Strategy<Value = String> {
    let pre = prop::option::of((
        pick(&["a", "b", "rc", "alpha", "c", "pre", "-beta", ".rc"]),
        small(),
    ));
    let post = prop::option::of((pick(&[".post", "-", "post", ".rev"]), small()));
    let dev = prop::option::of(small());
    let local = prop::option::of(pick(&["abc", "5", "abc.5", "ubuntu-1"]));
    let valid = (prop::option::of(0u32..3), dotted(1, 4), pre, post, dev, local).prop_map(
        |(epoch, release, pre, post, dev, local)| {
            let mut v = epoch.map(|e| format!("{e}!")).unwrap_or_default();
            v.push_str(&release);
            if let Some((tag, n)) = pre {
                v.push_str(&format!("{tag}{n}"));
            }
            if let Some((tag, n)) = post {
                v.push_str(&format!("{tag}{n}"));
            }
            if let Some(n) = dev {
                v.push_str(&format!(".dev{n}"));
            }
            if let Some(local) = local {
                v.push('+');
                v.push_str(&local);
            }
            v
        },
    );
    prop_oneof![4 => valid, 1 => pick(&["2004d", "1.0-SNAPSHOT-foo", "0.3.0.dev-r123", "1.0_beta_2", "dev"])]
}

/// Legacy-looking PyPI strings: a release, then pieces that hit `LegacyVersion`'s substitutions,
/// zero padding and trailing-zero rules (many are still valid PEP 440, which is the point: mixed).
fn pypi_legacy() -> impl Strategy<Value = String> {
    let sep = pick(&["", ".", "-", "_", " ", "+", "~", "--"]);
    let token = pick(&[
        "a",
        "c",
        "rc",
        "pre",
        "preview",
        "dev",
        "DEV",
        "final",
        "post",
        "foo",
        "r",
        "SNAPSHOT",
        "@",
        "0",
        "1",
        "10",
        "00000000",
        "000000000",
        "123456789",
        "1234567890",
    ]);
    (dotted(1, 3), prop::collection::vec((sep, token), 0..4)).prop_map(|(release, pieces)| {
        let mut v = release;
        for (sep, token) in pieces {
            v.push_str(&sep);
            v.push_str(&token);
        }
        v
    })
}

fn maven() -> impl Strategy<Value = String> {
    let token = pick(&[
        "0", "1", "2", "10", "alpha", "beta", "a", "b", "m", "rc", "cr", "snapshot", "SNAPSHOT", "ga",
        "final", "Final", "release", "sp", "foo", "RC", "M",
    ]);
    let sep = pick(&[".", "-", ""]);
    (small(), prop::collection::vec((sep, token), 0..5)).prop_map(|(first, rest)| {
        let mut v = first.to_string();
        for (sep, token) in rest {
            v.push_str(&sep);
            v.push_str(&token);
        }
        v
    })
}

fn nuget() -> impl Strategy<Value = String> {
    let labels = prop::collection::vec(
        pick(&["alpha", "Alpha", "beta", "RC", "rc", "0", "1", "10"]),
        0..3,
    );
    (dotted(1, 4), labels, prop::option::of(pick(&["meta", "sha.1"]))).prop_map(|(core, labels, meta)| {
        let mut v = core;
        if !labels.is_empty() {
            v.push('-');
            v.push_str(&labels.join("."));
        }
        if let Some(meta) = meta {
            v.push('+');
            v.push_str(&meta);
        }
        v
    })
}

fn rubygems() -> impl Strategy<Value = String> {
    let part = prop_oneof![
        small().prop_map(|n| n.to_string()),
        pick(&["a", "b", "pre", "rc", "rc1", "A", "beta2"])
    ];
    (
        small(),
        prop::collection::vec(part, 0..4),
        prop::option::of(pick(&["beta", "rc.1", "pre-2"])),
    )
        .prop_map(|(first, parts, suffix)| {
            let mut v = first.to_string();
            for part in parts {
                v.push('.');
                v.push_str(&part);
            }
            if let Some(suffix) = suffix {
                v.push('-');
                v.push_str(&suffix);
            }
            v
        })
}

fn debian() -> impl Strategy<Value = String> {
    let upstream_tail = prop::collection::vec(
        pick(&[".", "~", "+", "a", "b", "dfsg", "1", "0", "10", "~rc"]),
        0..4,
    );
    let revision = prop::option::of(pick(&["1", "0.1", "1ubuntu1", "1+deb12u1", "2~bpo1", "10"]));
    (prop::option::of(0u32..3), small(), upstream_tail, revision).prop_map(
        |(epoch, first, tail, revision)| {
            let mut v = epoch.map(|e| format!("{e}:")).unwrap_or_default();
            v.push_str(&first.to_string());
            v.push_str(&tail.concat());
            if let Some(revision) = revision {
                v.push('-');
                v.push_str(&revision);
            }
            v
        },
    )
}

fn rpm() -> impl Strategy<Value = String> {
    let tail = prop::collection::vec(
        pick(&[".", "~", "^", "_", "a", "git", "1", "0", "10", "~rc", "^git"]),
        0..4,
    );
    let release = prop::option::of(pick(&[
        "1",
        "1.el8",
        "1.el8_2",
        "43.module+el8.5.0",
        "2.fc38",
        "0.1",
    ]));
    (prop::option::of(0u32..3), small(), tail, release).prop_map(|(epoch, first, tail, release)| {
        let mut v = epoch.map(|e| format!("{e}:")).unwrap_or_default();
        v.push_str(&first.to_string());
        v.push_str(&tail.concat());
        if let Some(release) = release {
            v.push('-');
            v.push_str(&release);
        }
        v
    })
}

fn alpine() -> impl Strategy<Value = String> {
    let parts = prop::collection::vec(pick(&["0", "00", "05", "1", "2", "10"]), 0..3);
    let letter = prop::option::of(pick(&["a", "b", "z"]));
    let suffixes = prop::collection::vec(
        (
            pick(&["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"]),
            prop::option::of(small()),
        ),
        0..2,
    );
    let revision = prop::option::of(small());
    (small(), parts, letter, suffixes, revision).prop_map(|(first, parts, letter, suffixes, revision)| {
        let mut v = first.to_string();
        for part in parts {
            v.push('.');
            v.push_str(&part);
        }
        if let Some(letter) = letter {
            v.push_str(&letter);
        }
        for (suffix, n) in suffixes {
            v.push('_');
            v.push_str(&suffix);
            if let Some(n) = n {
                v.push_str(&n.to_string());
            }
        }
        if let Some(r) = revision {
            v.push_str(&format!("-r{r}"));
        }
        v
    })
}

fn packagist() -> impl Strategy<Value = String> {
    let suffix = prop::option::of((
        pick(&["-dev", "-alpha", "-beta", "-RC", "-p", "-patch", "-pl", "-foo"]),
        small(),
    ));
    (prop::option::of(Just("v")), dotted(1, 5), suffix).prop_map(|(v, core, suffix)| {
        let mut text = v.unwrap_or_default().to_owned();
        text.push_str(&core);
        if let Some((tag, n)) = suffix {
            text.push_str(&format!("{tag}{n}"));
        }
        text
    })
}

fn generic() -> impl Strategy<Value = String> {
    let piece = pick(&["0", "1", "2", "10", "13", "49", "R", "r", "S", "a", "build"]);
    let sep = pick(&[".", "-", "", "_"]);
    (small(), prop::collection::vec((sep, piece), 0..5)).prop_map(|(first, rest)| {
        let mut v = first.to_string();
        for (sep, piece) in rest {
            v.push_str(&sep);
            v.push_str(&piece);
        }
        v
    })
}

/// Small strings over the characters versions are made of, to reach corners no generator thinks of.
fn chaos() -> impl Strategy<Value = String> {
    "[0-9a-cegprsvxA-C.~^_+:*!-]{0,10}"
}

const CASES: u32 = 96;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn semver_is_a_total_order(v in prop::collection::vec(semver(), 1..10)) {
        check_all(Ecosystem::CratesIo, &v)?;
        check_all(Ecosystem::Npm, &v)?;
    }

    #[test]
    fn go_is_a_total_order(v in prop::collection::vec(go(), 1..10)) { check_all(Ecosystem::Go, &v)?; }

    #[test]
    fn pypi_is_a_total_order(v in prop::collection::vec(pypi(), 1..10)) { check_all(Ecosystem::PyPI, &v)?; }

    #[test]
    fn pypi_mixed_legacy_and_pep440_is_a_total_order(
        v in prop::collection::vec(prop_oneof![pypi_legacy(), pypi()], 1..12),
    ) {
        check_all(Ecosystem::PyPI, &v)?;
        let versions: Vec<Version> = v.iter().map(|s| parse(Ecosystem::PyPI, s).unwrap()).collect();
        for a in versions.iter().filter(|a| a.is_legacy()) {
            for b in versions.iter().filter(|b| !b.is_legacy()) {
                prop_assert_eq!(a.cmp(b), Ordering::Less, "legacy {} before PEP 440 {}", a, b);
            }
        }
    }

    #[test]
    fn maven_is_a_total_order(v in prop::collection::vec(maven(), 1..12)) { check_all(Ecosystem::Maven, &v)?; }

    #[test]
    fn nuget_is_a_total_order(v in prop::collection::vec(nuget(), 1..10)) { check_all(Ecosystem::NuGet, &v)?; }

    #[test]
    fn rubygems_is_a_total_order(v in prop::collection::vec(rubygems(), 1..10)) {
        check_all(Ecosystem::RubyGems, &v)?;
    }

    #[test]
    fn debian_is_a_total_order(v in prop::collection::vec(debian(), 1..10)) { check_all(Ecosystem::Debian, &v)?; }

    #[test]
    fn rpm_is_a_total_order(v in prop::collection::vec(rpm(), 1..10)) { check_all(Ecosystem::RedHat, &v)?; }

    #[test]
    fn alpine_is_a_total_order(v in prop::collection::vec(alpine(), 1..10)) { check_all(Ecosystem::Alpine, &v)?; }

    #[test]
    fn packagist_is_a_total_order(v in prop::collection::vec(packagist(), 1..10)) {
        check_all(Ecosystem::Packagist, &v)?;
    }

    #[test]
    fn generic_is_a_total_order(v in prop::collection::vec(generic(), 1..10)) {
        check_all(Ecosystem::Generic, &v)?;
    }

    #[test]
    fn every_scheme_is_a_total_order_on_random_strings(v in prop::collection::vec(chaos(), 1..14)) {
        for eco in [
            Ecosystem::CratesIo, Ecosystem::Go, Ecosystem::Npm, Ecosystem::PyPI, Ecosystem::Maven,
            Ecosystem::NuGet, Ecosystem::RubyGems, Ecosystem::Debian, Ecosystem::RedHat, Ecosystem::Alpine,
            Ecosystem::Packagist, Ecosystem::Generic,
        ] {
            check_parsable(eco, &v)?;
        }
    }
}
