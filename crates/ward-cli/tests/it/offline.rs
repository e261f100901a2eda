//! `ward versions` and `ward scan`: no database, exit codes as documented.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use ward_testkit::skip::shared_data;

fn ward(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .env("WARD_DATABASE_URL", "sqlite:///nonexistent/never-opened.db")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ward-engine/tests/fixtures/osv")
}

#[test]
fn versions_compare_and_sort() {
    let cmp = |eco: &str, a: &str, b: &str| {
        let o = ward(&["versions", "compare", "--ecosystem", eco, a, b], "");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout(&o).trim().to_owned()
    };
    assert_eq!(cmp("PyPI", "1.0", "1.0.0"), "=");
    assert_eq!(cmp("Maven", "1.0-rc1", "1.0"), "<");
    assert_eq!(cmp("Debian", "1:1.0", "2.0"), ">");
    let bad = ward(
        &["versions", "compare", "--ecosystem", "crates.io", "1.0", "1.0.0"],
        "",
    );
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("1.0"));
    let sorted = ward(
        &["versions", "sort", "--ecosystem", "npm"],
        "1.10.0\n1.2.0\n\nv1.9.0\n1.2.0-beta\n",
    );
    assert!(sorted.status.success());
    assert_eq!(stdout(&sorted), "1.2.0-beta\n1.2.0\nv1.9.0\n1.10.0\n");
    let bad = ward(&["versions", "sort", "--ecosystem", "npm"], "1.0.0\nbanana\n");
    assert_eq!(bad.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("line 2"));
}

#[test]
fn scan_reports_matches_as_json_with_exit_codes() {
    let Some(sbom_dir) = shared_data("sbom") else {
        return;
    };
    let fixtures = fixtures();
    let xml = sbom_dir.join("laravel-7.12.0_bom.1.4.xml");
    let keycloak = sbom_dir.join("keycloak-10.0.2_bom.json");
    let o = ward(
        &[
            "scan",
            "--advisories",
            fixtures.to_str().unwrap(),
            "--format",
            "json",
            xml.to_str().unwrap(),
            keycloak.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let matches = v["matches"].as_array().unwrap();
    let mut ids: Vec<&str> = matches.iter().map(|m| m["advisory"].as_str().unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "GHSA-2qrg-x229-3v8q",
            "GHSA-57j2-w4cx-62h2",
            "GHSA-wxmh-65f7-jcvw"
        ]
    );
    for m in matches {
        for key in [
            "advisory",
            "aliases",
            "purl",
            "ecosystem",
            "version",
            "fixed",
            "sbom",
            "component",
        ] {
            assert!(!m[key].is_null(), "{key} missing in {m}");
        }
    }
    let psr7 = matches
        .iter()
        .find(|m| m["advisory"] == "GHSA-wxmh-65f7-jcvw")
        .unwrap();
    assert_eq!(psr7["fixed"], serde_json::json!(["1.9.1", "2.4.5"]));
    assert_eq!(psr7["ecosystem"], "Packagist");

    let clean = sbom_dir.join("cern-lhc-vdm-editor-e564943_bom.json");
    let o = ward(
        &[
            "scan",
            "--advisories",
            fixtures.to_str().unwrap(),
            clean.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("0 affected"));

    let missing = ward(
        &["scan", "--advisories", "/nonexistent", clean.to_str().unwrap()],
        "",
    );
    assert_eq!(missing.status.code(), Some(3));
    let advisory = fixtures.join("GHSA-wxmh-65f7-jcvw.json");
    let not_sbom = ward(
        &[
            "scan",
            "--advisories",
            fixtures.to_str().unwrap(),
            advisory.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(not_sbom.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&not_sbom.stderr).contains("not an SBOM"));
}

#[test]
fn scan_reads_advisories_from_a_zip_archive() {
    let Some(sbom_dir) = shared_data("sbom") else {
        return;
    };
    // An OSV-style export: every fixture advisory as an entry, plus a text file and a JSON entry
    // that is not an advisory.
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    names.sort();
    for p in &names {
        zip.start_file(p.file_name().unwrap().to_str().unwrap(), opts)
            .unwrap();
        zip.write_all(&std::fs::read(p).unwrap()).unwrap();
    }
    zip.start_file("README.txt", opts).unwrap();
    zip.write_all(b"not an advisory").unwrap();
    zip.start_file("stray.json", opts).unwrap();
    zip.write_all(br#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": []}"#)
        .unwrap();
    zip.finish().unwrap();

    let keycloak = sbom_dir.join("keycloak-10.0.2_bom.json");
    let xml = sbom_dir.join("laravel-7.12.0_bom.1.4.xml");
    let o = ward(
        &[
            "scan",
            "--advisories",
            zip_path.to_str().unwrap(),
            "--format",
            "json",
            xml.to_str().unwrap(),
            keycloak.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut ids: Vec<&str> = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["advisory"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        [
            "GHSA-2qrg-x229-3v8q",
            "GHSA-57j2-w4cx-62h2",
            "GHSA-wxmh-65f7-jcvw"
        ],
        "the same matches as from the folder"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("all.zip!stray.json: not an advisory"), "{stderr}");
}

#[test]
fn exercises_scenarios_lists_the_library_without_a_database() {
    let o = ward(&["--json", "exercises", "scenarios"], "");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "wannacry-2017",
            "advanced-2022",
            "synnovis-2024",
            "regional-ddos",
            "insider",
            "medical-device"
        ]
    );
    let first = &v[0]["injects"][0];
    assert_eq!(first["offset_minutes"], 0);
    assert!(first["target"].is_string() && first["expected"].is_string());
    let o = ward(&["exercises", "scenarios"], "");
    assert!(o.status.success());
    assert!(stdout(&o).contains("synnovis-2024"));
}
