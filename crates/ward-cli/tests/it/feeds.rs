//! `ward feeds import` on a folder of good feed files, archives and one malformed file: the good
//! ones are stored, the bad one is named with its path, and the exit code is 3.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use ward_store::{AdminStore, AdvisoryStore, ExploitSignalStore};

fn ward(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .args(args)
        .env(
            "WARD_DATABASE_URL",
            format!("sqlite://{}", dir.join("ward.db").display()),
        )
        .env_remove("WARD_CONFIG")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn osv(id: &str, package: &str) -> String {
    serde_json::json!({"id": id, "modified": "2025-01-01T00:00:00Z", "aliases": [format!("CVE-{id}")],
        "affected": [{"package": {"ecosystem": "PyPI", "name": package},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0"}]}]}]})
    .to_string()
}

const OSV_YAML: &str = "id: PYSEC-2099-7
modified: \"2025-01-01T00:00:00Z\"
aliases:
- CVE-2099-7
affected:
- package:
    ecosystem: PyPI
    name: yaml-demo
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: \"0\"
    - fixed: \"2.0\"
";

const KEV: &str = r#"{"title": "KEV", "catalogVersion": "2025.08.25", "count": 1, "vulnerabilities": [
  {"cveID": "CVE-2024-3400", "vendorProject": "Palo Alto Networks", "product": "PAN-OS",
   "vulnerabilityName": "PAN-OS command injection", "dateAdded": "2024-04-12", "dueDate": "2024-04-19",
   "knownRansomwareCampaignUse": "Unknown", "requiredAction": "Apply mitigations.", "shortDescription": "x",
   "notes": "", "cwes": ["CWE-77"]}]}"#;

/// A folder with good files in every shape and one broken file; returns it and the broken file.
fn feed_folder(root: &Path) -> (PathBuf, PathBuf) {
    let feeds = root.join("feeds");
    std::fs::create_dir_all(feeds.join("osv/nested")).unwrap();
    std::fs::write(
        feeds.join("osv/GHSA-2099-0001.json"),
        osv("GHSA-2099-0001", "alpha"),
    )
    .unwrap();
    std::fs::write(feeds.join("osv/nested/PYSEC-2099-7.yaml"), OSV_YAML).unwrap();
    std::fs::write(feeds.join("kev.json"), KEV).unwrap();
    std::fs::write(feeds.join("notes.txt"), "not a feed, not read").unwrap();
    let broken = feeds.join("osv/nested/broken.json");
    std::fs::write(&broken, &osv("GHSA-2099-0009", "broken")[..40]).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(feeds.join("all.zip")).unwrap());
    for (id, package) in [("GHSA-2099-0002", "beta"), ("GHSA-2099-0003", "gamma")] {
        zip.start_file(format!("{id}.json"), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(osv(id, package).as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(feeds.join("GHSA-2099-0004.json.gz")).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(osv("GHSA-2099-0004", "delta").as_bytes()).unwrap();
    gz.finish().unwrap();
    (feeds, broken)
}

const GOOD_IDS: [&str; 5] = [
    "GHSA-2099-0001",
    "GHSA-2099-0002",
    "GHSA-2099-0003",
    "GHSA-2099-0004",
    "PYSEC-2099-7",
];

#[tokio::test]
async fn feeds_import_stores_the_good_files_and_names_the_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let (feeds, broken) = feed_folder(dir.path());
    let feeds_arg = feeds.display().to_string();

    let o = ward(dir.path(), &["feeds", "import", &feeds_arg]);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(3), "{out}{err}");
    assert!(
        err.contains(&broken.display().to_string()),
        "the bad file is named: {err}"
    );
    assert!(err.contains("everything else was stored"), "{err}");
    assert!(
        !err.contains("notes.txt"),
        "other files in folders are not read: {err}"
    );
    let advisories = out
        .lines()
        .find(|l| l.starts_with("advisories"))
        .unwrap_or_default();
    let cells: Vec<&str> = advisories.split_whitespace().collect();
    assert_eq!(cells.get(1..3), Some(&["5", "5"][..]), "{out}");
    assert!(out.contains("1 rejected"), "{out}");

    // The good records are in the database.
    let store = {
        // The key `ward` created beside the database on first start.
        let key = std::fs::read_to_string(dir.path().join("instance.key")).unwrap();
        let key = ward_core::keys::InstanceKey::parse_hex(&key).unwrap();
        ward_store_sqlite::SqliteStore::open(
            &format!("sqlite://{}", dir.path().join("ward.db").display()),
            &key,
        )
        .await
        .unwrap()
    };
    store.migrate().await.unwrap();
    for id in GOOD_IDS {
        assert_eq!(store.get_advisory(id).await.unwrap().id, id);
    }
    assert!(store.get_kev("CVE-2024-3400").await.unwrap().is_some());
    let by_alias = store.find_advisories("CVE-2099-7").await.unwrap();
    assert_eq!(by_alias.len(), 1);
    store.close().await;

    // Again, as JSON: nothing new, the same file rejected.
    let o = ward(dir.path(), &["--json", "feeds", "import", &feeds_arg]);
    assert_eq!(o.status.code(), Some(3));
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(summary["inserted"], 0);
    assert_eq!(
        summary["unchanged"], 6,
        "five advisories and one KEV entry: {summary}"
    );
    assert_eq!(summary["files_rejected"], 1);
    assert_eq!(summary["problems"][0]["file"], broken.display().to_string());

    // Without the broken file, everything is stored: exit 0.
    std::fs::remove_file(&broken).unwrap();
    let o = ward(dir.path(), &["feeds", "import", &feeds_arg]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Serves `KEV` at `/kev.json` with an ETag, answering 304 to a matching `If-None-Match`.
async fn kev_server() -> String {
    async fn kev(headers: axum::http::HeaderMap) -> axum::response::Response {
        use axum::response::IntoResponse;
        let etag = "\"kev-1\"";
        if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(etag) {
            return (axum::http::StatusCode::NOT_MODIFIED, [("etag", etag)]).into_response();
        }
        ([("etag", etag)], KEV).into_response()
    }
    let router = axum::Router::new().route("/kev.json", axum::routing::get(kev));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feeds_sync_uses_the_configured_sources_and_asks_conditionally() {
    let base = kev_server().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ward.toml");
    std::fs::write(
        &config,
        format!(
            "feeds_cache_dir = \"cache\"\n\n[[feeds]]\nname = \"kev\"\nkind = \"kev\"\nurl = \"{base}/kev.json\"\n"
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--config", config.as_str()];
        all.extend_from_slice(args);
        ward(dir.path(), &all)
    };
    let first = run(&["feeds", "sync"]);
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("kev") && l.contains("downloaded")),
        "{out}"
    );
    let second = run(&["--json", "feeds", "sync", "--source", "kev"]);
    assert!(second.status.success());
    let report: serde_json::Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(report["sources"][0]["outcome"], "not_modified", "{report}");
    let unknown = run(&["feeds", "sync", "--source", "nvd"]);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("configured: kev"));
    let status = run(&["--json", "feeds", "status"]);
    let rows: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(rows[0]["state"]["etag"], "\"kev-1\"");
    assert!(rows[0]["state"]["last_success"].is_string(), "{rows}");
}
