//! The job runner Ward builds for production handles production job kinds only: a job of the
//! test-only kind `audit.probe` (which writes audit records on demand) is never claimed or run.

use std::sync::Arc;

use ward_app::jobs::JobRunner;
use ward_core::job::JobStatus;
use ward_store::Store;

use crate::support::app_over;

async fn probe_records(store: &dyn Store) -> usize {
    store
        .audit_page(1, 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.event.action == "job.probe")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_production_runner_never_runs_the_test_probe() {
    for db in ward_testkit::fresh_stores().await {
        let (backend, store) = (db.backend(), Arc::clone(&db.store));
        let app = app_over(Arc::clone(&store));
        // Queue the test-only job, as a bug or anyone able to queue jobs could.
        let id = app
            .enqueue_job(
                ward_core::job::JobKind::AuditProbe,
                serde_json::json!({}),
                None,
                3,
                None,
            )
            .await
            .unwrap();
        let runner = JobRunner::new(app.clone(), "production-worker".into());
        assert!(
            !runner.run_once().await.unwrap(),
            "{backend}: the production runner claims no audit.probe job"
        );
        // What `ward serve` builds; without the `test-support` feature (`cargo test -p ward-app`,
        // as in a release) it adds nothing.
        #[cfg(not(feature = "test-support"))]
        let runner = JobRunner::new(app.clone(), "serve-worker".into()).with_test_support_handlers();
        assert!(
            !runner.run_once().await.unwrap(),
            "{backend}: the production runner claims no audit.probe job"
        );
        let job = store.get_job(id).await.unwrap();
        assert_eq!(job.status, JobStatus::Queued, "{backend}: left alone");
        assert_eq!(job.attempts, 0, "{backend}: never claimed");
        assert_eq!(
            probe_records(store.as_ref()).await,
            0,
            "{backend}: no probe audit record"
        );
    }
}
