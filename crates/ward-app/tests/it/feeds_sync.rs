//! `sync_feeds` against a local HTTP server started here: ETag/304, retries after server errors,
//! an interrupted download resumed with `Range`, a CSAF provider followed through its ROLIE feed,
//! only changed documents fetched again, and the `feeds.sync` job.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Response, StatusCode, header};
use ward_app::feeds::{DownloadOptions, FeedSource, SourceKind, SyncOptions, SyncOutcome, SyncReport};

use crate::support::{app_over, operator};

/// One resource the server serves.
#[derive(Clone, Default)]
struct Resource {
    body: Vec<u8>,
    etag: String,
    /// Answer this many requests with 503 first.
    fail_first: u32,
    /// Break off the next full (200) response after half the body.
    cut_next: bool,
}

/// What the server saw: path, Range header, If-None-Match header, status sent.
type Log = Vec<(String, Option<String>, Option<String>, u16)>;

#[derive(Clone, Default)]
struct Server {
    resources: Arc<Mutex<HashMap<String, Resource>>>,
    log: Arc<Mutex<Log>>,
}

impl Server {
    fn put(&self, path: &str, body: Vec<u8>, etag: &str) {
        let r = Resource {
            body,
            etag: format!("\"{etag}\""),
            ..Resource::default()
        };
        self.resources.lock().unwrap().insert(path.to_owned(), r);
    }

    fn edit(&self, path: &str, f: impl FnOnce(&mut Resource)) {
        f(self.resources.lock().unwrap().get_mut(path).unwrap());
    }

    fn requests(&self, path: &str) -> Log {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.0 == path)
            .cloned()
            .collect()
    }
}

async fn serve(State(server): State<Server>, Path(path): Path<String>, headers: HeaderMap) -> Response<Body> {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (range, if_none_match, if_range) = (
        text(header::RANGE),
        text(header::IF_NONE_MATCH),
        text(header::IF_RANGE),
    );
    let mut resources = server.resources.lock().unwrap();
    let Some(r) = resources.get_mut(&path) else {
        server.log.lock().unwrap().push((path, range, if_none_match, 404));
        return Response::builder().status(404).body(Body::empty()).unwrap();
    };
    let respond = |status: StatusCode, builder: axum::http::response::Builder, body: Body| {
        server.log.lock().unwrap().push((
            path.clone(),
            range.clone(),
            if_none_match.clone(),
            status.as_u16(),
        ));
        builder
            .status(status)
            .header(header::ETAG, &r.etag)
            .body(body)
            .unwrap()
    };
    if r.fail_first > 0 {
        r.fail_first -= 1;
        return respond(
            StatusCode::SERVICE_UNAVAILABLE,
            Response::builder(),
            Body::empty(),
        );
    }
    if if_none_match.as_deref() == Some(r.etag.as_str()) {
        return respond(StatusCode::NOT_MODIFIED, Response::builder(), Body::empty());
    }
    let start = range
        .as_deref()
        .and_then(|v| v.strip_prefix("bytes="))
        .and_then(|v| v.strip_suffix('-'))
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|_| if_range.as_deref() == Some(r.etag.as_str()));
    if let Some(start) = start.filter(|s| *s < r.body.len()) {
        let len = r.body.len();
        let part = r.body[start..].to_vec();
        let b = Response::builder()
            .header(header::CONTENT_RANGE, format!("bytes {start}-{}/{len}", len - 1))
            .header(header::CONTENT_LENGTH, part.len());
        return respond(StatusCode::PARTIAL_CONTENT, b, Body::from(part));
    }
    let b = Response::builder().header(header::CONTENT_LENGTH, r.body.len());
    if r.cut_next {
        r.cut_next = false;
        // Half the body, a pause (so the server flushes it to the socket), then a broken stream:
        // the connection closes before Content-Length bytes were sent.
        let half = r.body[..r.body.len() / 2].to_vec();
        let stream = futures_util::stream::unfold(Some(half), |state| async move {
            match state {
                Some(half) => Some((Ok::<Vec<u8>, std::io::Error>(half), None)),
                None => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Some((Err(std::io::Error::other("cut")), None))
                }
            }
        });
        return respond(StatusCode::OK, b, Body::from_stream(stream));
    }
    let body = Body::from(r.body.clone());
    respond(StatusCode::OK, b, body)
}

async fn start(server: Server) -> String {
    let router = axum::Router::new()
        .route("/{*path}", axum::routing::get(serve))
        .with_state(server);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

fn kev_json() -> Vec<u8> {
    let entry = |cve: &str, ransomware: &str| {
        serde_json::json!({"cveID": cve, "vendorProject": "Acme", "product": "Widget",
            "vulnerabilityName": "Acme Widget flaw", "dateAdded": "2024-01-10", "shortDescription": "A flaw.",
            "requiredAction": "Apply updates.", "dueDate": "2024-01-31", "knownRansomwareCampaignUse": ransomware,
            "notes": "", "cwes": ["CWE-787"]})
    };
    serde_json::to_vec(
        &serde_json::json!({"title": "KEV", "catalogVersion": "2025.08.25",
        "dateReleased": "2025-08-25T15:01:48.6769Z", "count": 2,
        "vulnerabilities": [entry("CVE-2024-0001", "Known"), entry("CVE-2024-0002", "Unknown")]}),
    )
    .unwrap()
}

/// An EPSS gzip of `n` scores, large enough that half of it is a real partial download.
fn epss_gz(n: usize) -> Vec<u8> {
    let mut csv =
        String::from("#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\n");
    for i in 0..n {
        csv.push_str(&format!(
            "CVE-2020-{i:05},0.{:05},0.{:05}\n",
            (i * 7919) % 100_000,
            (i * 104_729) % 100_000
        ));
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
    enc.write_all(csv.as_bytes()).unwrap();
    enc.finish().unwrap()
}

fn osv_zip(ids: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for id in ids {
        let advisory = serde_json::json!({"id": id, "modified": "2025-01-01T00:00:00Z", "aliases": [],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "demo-package"},
                          "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2"}]}]}]});
        zip.start_file(format!("{id}.json"), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(&serde_json::to_vec(&advisory).unwrap()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn csaf_doc(id: &str, cve: &str, status: &str) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "document": {"category": "csaf_vex", "csaf_version": "2.0", "title": id,
            "publisher": {"category": "vendor", "name": "Example PSIRT", "namespace": "https://psirt.example"},
            "tracking": {"id": id, "status": "final", "version": "1",
                "initial_release_date": "2025-01-01T00:00:00Z", "current_release_date": "2025-01-02T00:00:00Z",
                "revision_history": [{"date": "2025-01-01T00:00:00Z", "number": "1", "summary": "First."}]}},
        "product_tree": {"full_product_names": [{"name": "Example Router 2.0", "product_id": "P1",
            "product_identification_helper": {"purl": "pkg:generic/example/router@2.0"}}]},
        "vulnerabilities": [{"cve": cve, "product_status": {status: ["P1"]}}]
    }))
    .unwrap()
}

fn rolie_feed(base: &str, updated_b: &str) -> Vec<u8> {
    let entry = |name: &str, updated: &str| {
        serde_json::json!({"id": name, "updated": updated,
            "link": [{"rel": "self", "href": format!("{base}/csaf/docs/{name}.json")}],
            "content": {"type": "application/json", "src": format!("{base}/csaf/docs/{name}.json")}})
    };
    serde_json::to_vec(
        &serde_json::json!({"feed": {"id": "example-white", "title": "Example CSAF feed",
        "entry": [entry("a", "2025-01-02T00:00:00Z"), entry("b", updated_b)]}}),
    )
    .unwrap()
}

fn options(dir: &tempfile::TempDir) -> SyncOptions {
    SyncOptions {
        download: DownloadOptions {
            cache_dir: dir.path().to_path_buf(),
            retries: 3,
            backoff: Duration::from_millis(1),
            timeout: Duration::from_secs(20),
            max_bytes: 64 * 1024 * 1024,
        },
    }
}

fn outcomes(r: &SyncReport) -> Vec<(String, SyncOutcome)> {
    r.sources.iter().map(|s| (s.name.clone(), s.outcome)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_downloads_then_asks_conditionally_then_fetches_only_changes() {
    let server = Server::default();
    let base = start(server.clone()).await;
    let epss = epss_gz(20_000);
    server.put("kev.json", kev_json(), "kev-1");
    server.put("epss_scores-current.csv.gz", epss.clone(), "epss-1");
    server.put(
        "PyPI/all.zip",
        osv_zip(&["PYSEC-2025-1", "PYSEC-2025-2", "GHSA-aaaa-bbbb-cccc"]),
        "zip-1",
    );
    let metadata = serde_json::json!({"canonical_url": format!("{base}/csaf/provider-metadata.json"),
        "distributions": [{"rolie": {"feeds": [{"tlp_label": "WHITE", "url": format!("{base}/csaf/feed.json")}]}}],
        "metadata_version": "2.0", "role": "csaf_provider"});
    server.put(
        "csaf/provider-metadata.json",
        serde_json::to_vec(&metadata).unwrap(),
        "meta-1",
    );
    server.put(
        "csaf/feed.json",
        rolie_feed(&base, "2025-01-02T00:00:00Z"),
        "feed-1",
    );
    server.put(
        "csaf/docs/a.json",
        csaf_doc("EX-2025-001", "CVE-2025-1000", "known_not_affected"),
        "a-1",
    );
    server.put(
        "csaf/docs/b.json",
        csaf_doc("EX-2025-002", "CVE-2025-2000", "known_affected"),
        "b-1",
    );
    server.edit("PyPI/all.zip", |r| r.fail_first = 2);
    server.edit("epss_scores-current.csv.gz", |r| r.cut_next = true);

    let source = |name: &str, kind, path: &str| FeedSource {
        name: name.into(),
        kind,
        url: format!("{base}/{path}"),
    };
    let sources = vec![
        source("kev", SourceKind::Kev, "kev.json"),
        source("epss", SourceKind::Epss, "epss_scores-current.csv.gz"),
        source("osv-pypi", SourceKind::OsvZip, "PyPI/all.zip"),
        source("example-csaf", SourceKind::Csaf, "csaf/provider-metadata.json"),
    ];
    let (store, _db) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store.clone());
    let cache = tempfile::tempdir().unwrap();
    let opts = options(&cache);

    let first = app.sync_feeds(&operator(), &sources, &opts).await.unwrap();
    assert!(first.is_clean(), "{first:#?}");
    assert!(
        outcomes(&first)
            .iter()
            .all(|(_, o)| *o == SyncOutcome::Downloaded),
        "{first:#?}"
    );
    // The cut download resumed from the bytes that arrived (at most half, as the server sent).
    let resumed = first.sources[1].resumed_from.expect("the cut download resumed");
    assert!(resumed > 0 && resumed <= epss.len() as u64 / 2, "{resumed}");
    let epss_log = server.requests("epss_scores-current.csv.gz");
    assert_eq!(epss_log.len(), 2);
    assert_eq!(epss_log[1].1, Some(format!("bytes={resumed}-")));
    assert_eq!(epss_log[1].3, 206);
    assert_eq!(first.sources[1].bytes, epss.len() as u64 - resumed);
    let zip_log: Vec<u16> = server.requests("PyPI/all.zip").iter().map(|e| e.3).collect();
    assert_eq!(zip_log, vec![503, 503, 200], "server errors retried");
    let imported = |i: usize, kind: &str| first.sources[i].import.as_ref().unwrap().by_kind[kind];
    assert_eq!(
        (imported(0, "kev").inserted, imported(1, "epss").inserted),
        (2, 20_000)
    );
    assert_eq!(imported(2, "advisories").inserted, 3);
    assert_eq!(first.sources[3].documents, 2);
    assert_eq!(imported(3, "vex").inserted, 2);
    let totals = store.vuln_totals().await.unwrap();
    assert_eq!(
        (totals.advisories, totals.kev, totals.epss, totals.vex),
        (5, 2, 20_000, 2)
    );
    let epss_row = store.get_epss("CVE-2020-00003").await.unwrap().unwrap();
    assert_eq!(epss_row.epss, 0.23757);
    let state = store.get_feed_source(&sources[0].url).await.unwrap().unwrap();
    assert_eq!(state.etag.as_deref(), Some("\"kev-1\""));
    assert!(state.last_success.is_some() && state.last_error.is_none());

    // Second sync: 304 everywhere, nothing imported.
    let second = app.sync_feeds(&operator(), &sources, &opts).await.unwrap();
    assert!(
        outcomes(&second)
            .iter()
            .all(|(_, o)| *o == SyncOutcome::NotModified),
        "{second:#?}"
    );
    for s in &second.sources {
        assert_eq!(s.import.as_ref().map_or(0, |i| i.records), 0, "{}", s.name);
    }
    for path in [
        "kev.json",
        "epss_scores-current.csv.gz",
        "PyPI/all.zip",
        "csaf/feed.json",
    ] {
        let last = server.requests(path).pop().unwrap();
        assert_eq!(last.3, 304, "{path}");
        assert!(last.2.is_some(), "{path} asked with If-None-Match");
    }
    assert_eq!(server.requests("csaf/docs/a.json").len(), 1);
    assert_eq!(store.vuln_totals().await.unwrap().vex, 2);

    // The feed changes for document b only: only b is fetched again.
    server.put(
        "csaf/docs/b.json",
        csaf_doc("EX-2025-002", "CVE-2025-2000", "fixed"),
        "b-2",
    );
    server.put(
        "csaf/feed.json",
        rolie_feed(&base, "2025-02-01T00:00:00Z"),
        "feed-2",
    );
    let third = app.sync_feeds(&operator(), &sources[3..], &opts).await.unwrap();
    let csaf = &third.sources[0];
    assert_eq!((csaf.documents, csaf.documents_unchanged), (1, 1), "{csaf:#?}");
    assert_eq!(server.requests("csaf/docs/a.json").len(), 1);
    assert_eq!(server.requests("csaf/docs/b.json").len(), 2);
    assert_eq!(csaf.import.as_ref().unwrap().by_kind["vex"].updated, 1);
    let vex = store
        .vex_for(&ward_store::Scope::All, "CVE-2025-2000")
        .await
        .unwrap();
    assert_eq!(vex[0].statement.status, ward_core::vuln::VexStatus::Fixed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_source_is_reported_and_the_job_retries() {
    let server = Server::default();
    let base = start(server.clone()).await;
    server.put("kev.json", kev_json(), "kev-1");
    server.put("down.zip", Vec::new(), "down");
    server.edit("down.zip", |r| r.fail_first = 1_000);
    let (store, _db) = ward_testkit::fresh_sqlite().await;
    let app = app_over(store.clone());
    let cache = tempfile::tempdir().unwrap();
    let sources = vec![
        FeedSource {
            name: "down".into(),
            kind: SourceKind::OsvZip,
            url: format!("{base}/down.zip"),
        },
        FeedSource {
            name: "kev".into(),
            kind: SourceKind::Kev,
            url: format!("{base}/kev.json"),
        },
    ];
    let report = app
        .sync_feeds(&operator(), &sources, &options(&cache))
        .await
        .unwrap();
    assert_eq!(report.sources[0].outcome, SyncOutcome::Failed);
    assert!(
        report.sources[0].error.as_deref().unwrap().contains("503"),
        "{report:#?}"
    );
    assert_eq!(
        server.requests("down.zip").len(),
        4,
        "first attempt and three retries"
    );
    assert_eq!(
        report.sources[1].outcome,
        SyncOutcome::Downloaded,
        "the other source still syncs"
    );
    let state = store.get_feed_source(&sources[0].url).await.unwrap().unwrap();
    assert!(state.last_error.unwrap().contains("503"));
    assert_eq!(state.last_success, None);

    // The same sources as a job: it fails (so the runner retries it later) and the next run is queued.
    let payload = serde_json::json!({"sources": sources, "cache_dir": cache.path(), "every_minutes": 60,
        "retries": 1, "backoff_ms": 1});
    let id = app
        .enqueue_job(ward_core::job::JobKind::FeedsSync, payload, None, 3, None)
        .await
        .unwrap();
    let runner = ward_app::jobs::JobRunner::new(app.clone(), "test-worker".into());
    assert!(runner.run_once().await.unwrap());
    let job = store.get_job(id).await.unwrap();
    assert_eq!(
        job.status,
        ward_core::job::JobStatus::Queued,
        "failed and queued for a retry"
    );
    assert!(job.last_error.unwrap().contains("down"));
    assert_eq!(
        store.count_jobs(ward_core::job::JobStatus::Queued).await.unwrap(),
        2,
        "retry and next run"
    );
}
