//! The real SBOMs in `../shared/data/sbom` scanned against advisories we wrote as fixtures for real,
//! published vulnerabilities of components they carry: exactly those are found, nothing else. Also:
//! the real OSV corpus (crates.io and PyPI) finds nothing in these npm, Maven, Go and Composer SBOMs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ward_core::vuln::{Advisory, Sbom};
use ward_engine::{Verdict, scan};

use crate::skip::shared_data;

/// The JSON SBOMs in `dir`, by file name.
fn sboms(dir: &Path) -> Vec<(String, Sbom)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = ward_feeds::parse_cyclonedx_json(&name, &text).unwrap();
            assert_eq!(doc.skipped(), 0, "{name}: {:?}", doc.problems);
            (name, doc.value)
        })
        .collect()
}

fn fixtures() -> Vec<Advisory> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/osv");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            let text = std::fs::read_to_string(path).unwrap();
            let parsed = ward_feeds::parse_osv_json(&path.display().to_string(), &text).unwrap();
            assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
            parsed.items
        })
        .collect()
}

#[test]
fn fixtures_find_exactly_the_published_vulnerabilities() {
    let Some(sbom_dir) = shared_data("sbom") else {
        return;
    };
    let sboms = sboms(&sbom_dir);
    assert!(
        sboms.len() >= 7,
        "expected the seven JSON SBOMs, found {}",
        sboms.len()
    );
    let advisories = fixtures();
    assert_eq!(advisories.len(), 9);
    let result = scan(&sboms, &advisories);
    assert!(result.components > 3000, "{} components", result.components);
    assert!(result.notes.is_empty(), "{:?}", result.notes);
    let found: BTreeSet<(String, String, String)> = result
        .findings
        .iter()
        .map(|f| {
            assert_eq!(f.verdict, Verdict::Affected, "{f:?}");
            let sbom = f.sbom.split(['_', '-']).next().unwrap_or_default().to_owned();
            (sbom, f.advisory.clone(), f.version.clone())
        })
        .collect();
    let expected: BTreeSet<(String, String, String)> = [
        ("juice", "GHSA-35jh-r3h4-6jhm", "2.4.2"),
        ("juice", "GHSA-35jh-r3h4-6jhm", "4.17.19"),
        ("juice", "GHSA-jf85-cpcp-j695", "2.4.2"),
        ("protonmail", "GHSA-35jh-r3h4-6jhm", "4.17.19"),
        ("dropwizard", "GHSA-57j2-w4cx-62h2", "2.9.10"),
        ("keycloak", "GHSA-57j2-w4cx-62h2", "2.10.1"),
        ("keycloak", "GHSA-2qrg-x229-3v8q", "1.2.17"),
        ("proton", "GHSA-w73w-5m7g-f7qc", "v3.2.0"),
        (
            "proton",
            "GHSA-hp87-p4gw-j4gq",
            "v3.0.0-20200313102051-9f266ea9e77c",
        ),
        ("laravel", "GHSA-wxmh-65f7-jcvw", "1.9.0"),
    ]
    .into_iter()
    .map(|(s, a, v)| (s.to_owned(), a.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(found, expected);
    let psr7 = result
        .findings
        .iter()
        .find(|f| f.advisory == "GHSA-wxmh-65f7-jcvw")
        .unwrap();
    assert_eq!(psr7.fixed, vec!["1.9.1", "2.4.5"]);
    assert_eq!(psr7.aliases, vec!["CVE-2023-29197"]);
    assert_eq!(psr7.purl.as_deref(), Some("pkg:composer/guzzlehttp/psr7@1.9.0"));
    let log4j = result
        .findings
        .iter()
        .find(|f| f.advisory == "GHSA-2qrg-x229-3v8q")
        .unwrap();
    assert!(log4j.fixed.is_empty(), "last_affected gives no fixed version");
}

fn corpus(osv_dir: &Path) -> Vec<Advisory> {
    let mut advisories = Vec::new();
    let mut stack = vec![osv_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            let parsed = match path.extension().and_then(|e| e.to_str()) {
                Some("json") => ward_feeds::parse_osv_json(&name, &text),
                Some("yaml" | "yml") => ward_feeds::parse_osv_yaml(&name, &text),
                _ => continue,
            };
            if let Ok(parsed) = parsed {
                advisories.extend(parsed.items);
            }
        }
    }
    advisories
}

#[test]
fn the_real_osv_corpus_finds_nothing_in_other_ecosystems() {
    let Some(osv_dir) = shared_data("osv") else {
        return;
    };
    let Some(sbom_dir) = shared_data("sbom") else {
        return;
    };
    let advisories = corpus(&osv_dir);
    assert!(advisories.len() > 3500, "{} advisories", advisories.len());
    let result = scan(&sboms(&sbom_dir), &advisories);
    assert!(result.findings.is_empty(), "{:?}", result.findings.first());
}
