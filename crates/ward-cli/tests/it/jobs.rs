//! Two `ward serve` processes over one PostgreSQL database: every job runs exactly once.

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use ward_core::job::JobStatus;
use ward_store::Store;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
    }
}

/// Both servers and the test share one instance key, as servers sharing a database must.
fn serve(url: &str, key_file: &std::path::Path) -> Server {
    Server(
        Command::new(env!("CARGO_BIN_EXE_ward"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--metrics-listen",
                "127.0.0.1:0",
                "--workers",
                "3",
            ])
            .env("WARD_DATABASE_URL", url)
            .env("WARD_INSTANCE_KEY_FILE", key_file)
            .env("WARD_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

#[tokio::test]
async fn two_servers_share_one_queue_and_run_each_job_once() {
    // Made first so dropped last: the servers stop before their database goes, also on a failure.
    let Some(db) = ward_testkit::PgDatabase::create().await else {
        return;
    };
    let url = db.url.clone();
    let key = ward_testkit::test_key();
    let key_dir = tempfile::tempdir().unwrap();
    let key_file = key_dir.path().join("instance.key");
    std::fs::write(&key_file, key.to_hex()).unwrap();
    let store: Arc<dyn Store> = db.dyn_store();
    let app = ward_app::App::new(
        Arc::clone(&store),
        Arc::new(ward_core::clock::SystemClock),
        ward_app::AppSettings::default(),
        &key,
    )
    .unwrap();

    let _a = serve(&url, &key_file);
    let _b = serve(&url, &key_file);
    const JOBS: usize = 300;
    let mut ids = Vec::with_capacity(JOBS);
    for i in 0..JOBS {
        ids.push(
            app.enqueue_job(
                ward_core::job::JobKind::AuditProbe,
                serde_json::json!({"n": i}),
                None,
                3,
                None,
            )
            .await
            .unwrap(),
        );
    }
    // Wait (bounded) for the queue to drain; this is a liveness bound, not a speed assertion.
    // (The servers also queue their own housekeeping job, so count ours by id.)
    let mut pending = ids.len();
    for _ in 0..600 {
        pending = 0;
        for id in &ids {
            if store.get_job(*id).await.unwrap().status != JobStatus::Succeeded {
                pending += 1;
            }
        }
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(pending, 0, "all jobs finished");

    let mut runs: BTreeMap<String, usize> = BTreeMap::new();
    let mut workers: BTreeMap<String, usize> = BTreeMap::new();
    let mut from = 1;
    loop {
        let page = store.audit_page(from, 1000).await.unwrap();
        let Some(last) = page.last() else { break };
        from = last.seq + 1;
        for r in page.iter().filter(|r| r.event.action == "job.probe") {
            *runs.entry(r.event.entity_id.clone()).or_default() += 1;
            let process = r.event.detail.clone().unwrap_or_default();
            let process = process
                .rsplit_once('-')
                .map_or(process.clone(), |(p, _)| p.to_owned());
            *workers.entry(process).or_default() += 1;
        }
    }
    assert_eq!(runs.len(), JOBS, "every job ran");
    assert!(runs.values().all(|n| *n == 1), "no job ran twice");
    for id in &ids {
        let job = store.get_job(*id).await.unwrap();
        assert_eq!(job.attempts, 1, "job {id} claimed once");
    }
    eprintln!("jobs per server process: {workers:?}");
    let report = ward_app::audit::verify_chain(store.as_ref(), app.audit_keys(), &[], |_| {})
        .await
        .unwrap();
    assert!(
        report.first_break.is_none(),
        "audit chain intact under concurrent appends"
    );
}
