//! PyPI versions against the order the Python `packaging` library (before 22.0) gave them, recorded
//! in `tests/data/pypi_legacy_order.json` by `bench/reference_pypi_legacy.py`: mostly legacy (non-PEP
//! 440) strings, plus valid versions that every legacy one must precede.

use std::cmp::Ordering;

use ward_versions::{Ecosystem, Version, parse};

/// The recorded groups, in increasing order: (legacy, versions that compare equal).
fn reference() -> Vec<(bool, Vec<String>)> {
    let text = include_str!("../data/pypi_legacy_order.json");
    let document: serde_json::Value = serde_json::from_str(text).unwrap();
    document["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            let versions = group["versions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect();
            (group["legacy"].as_bool().unwrap(), versions)
        })
        .collect()
}

#[test]
fn pypi_versions_order_as_packaging_legacy_version_did() {
    let groups = reference();
    let mut ranked: Vec<(usize, Version)> = Vec::new();
    let mut wrong_kind = Vec::new();
    for (rank, (legacy, versions)) in groups.iter().enumerate() {
        for text in versions {
            let version =
                parse(Ecosystem::PyPI, text).unwrap_or_else(|err| panic!("{text:?} should parse: {err}"));
            if version.is_legacy() != *legacy {
                wrong_kind.push(format!("{text:?} legacy: packaging {legacy}, ward {}", !legacy));
            }
            ranked.push((rank, version));
        }
    }
    assert!(
        ranked.len() > 1000,
        "the corpus is there ({} versions)",
        ranked.len()
    );
    assert!(
        wrong_kind.is_empty(),
        "{} disagree on legacy: {wrong_kind:#?}",
        wrong_kind.len()
    );

    // Sort by ward's order and walk adjacent pairs: ward's order is total (see properties.rs), so
    // agreeing on every adjacent pair means agreeing on every pair.
    ranked.sort_by(|a, b| a.1.cmp(&b.1));
    let mut disagreements = Vec::new();
    for pair in ranked.windows(2) {
        let ((rank_a, a), (rank_b, b)) = (&pair[0], &pair[1]);
        let ours = a.cmp(b);
        let reference = rank_a.cmp(rank_b);
        if ours != reference {
            disagreements.push(format!(
                "{:?} vs {:?}: ward {ours:?}, packaging {reference:?}",
                a.as_str(),
                b.as_str()
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} adjacent pairs disagree, such as {:#?}",
        disagreements.len(),
        &disagreements[..disagreements.len().min(25)]
    );
}

#[test]
fn every_legacy_version_precedes_every_valid_one() {
    let groups = reference();
    let first_valid = groups.iter().position(|(legacy, _)| !legacy).unwrap();
    assert!(
        groups[first_valid..].iter().all(|(legacy, _)| !legacy),
        "the recording puts legacy first"
    );
    let newest_legacy = parse(Ecosystem::PyPI, &groups[first_valid - 1].1[0]).unwrap();
    let oldest_valid = parse(Ecosystem::PyPI, &groups[first_valid].1[0]).unwrap();
    assert_eq!(newest_legacy.cmp(&oldest_valid), Ordering::Less);
}
