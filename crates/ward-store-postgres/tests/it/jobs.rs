use std::collections::HashSet;
use std::sync::Arc;

use crate::support::*;
use jiff::SignedDuration;
use ward_core::JobId;
use ward_core::job::{Job, JobKind, JobStatus};
use ward_store::{JobStore, StoreError};

fn job(n: u128, kind: JobKind, run_at_offset_s: i64) -> Job {
    Job {
        id: JobId::from_uuid(id(n)),
        kind,
        payload: serde_json::json!({ "n": n as u64, "nested": [1, 2, { "x": null }] }),
        status: JobStatus::Queued,
        run_at: t0() + SignedDuration::from_secs(run_at_offset_s),
        attempts: 0,
        max_attempts: 3,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        created_at: t0(),
    }
}

#[tokio::test]
async fn concurrent_claimers_on_two_servers_never_share_a_job() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let a = Arc::new(db.store.clone());
    let b = Arc::new(db.second_server().await);
    for n in 0..60 {
        a.enqueue_job(&job(n + 1, JobKind::FeedsSync, 0), None)
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..6 {
        let s = if w % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let worker = format!("worker-{w}");
            let mut mine = Vec::new();
            let lease = t0() + SignedDuration::from_secs(300);
            while let Some(j) = s
                .claim_job(&[JobKind::FeedsSync], &worker, t0(), lease)
                .await
                .unwrap()
            {
                assert_eq!(j.lease_owner.as_deref(), Some(worker.as_str()));
                assert_eq!(j.attempts, 1);
                assert!(s.complete_job(j.id, &worker).await.unwrap());
                mine.push(j.id);
            }
            mine
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 60, "every job claimed");
    assert_eq!(distinct.len(), 60, "no job claimed twice");
    assert_eq!(a.count_jobs(JobStatus::Succeeded).await.unwrap(), 60);
    b.pool().close().await;
}

#[tokio::test]
async fn leases_retries_and_dead_jobs() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    let j = job(1, JobKind::FeedsSync, 10);
    s.enqueue_job(&j, None).await.unwrap();
    assert_eq!(
        s.get_job(j.id).await.unwrap(),
        j,
        "round trip with payload and micros"
    );
    let lease = |secs| t0() + SignedDuration::from_secs(secs);
    assert!(
        s.claim_job(&[JobKind::FeedsSync], "w1", t0(), lease(60))
            .await
            .unwrap()
            .is_none(),
        "not due yet"
    );
    assert!(
        s.claim_job(&[JobKind::SessionsCleanup], "w1", lease(20), lease(60))
            .await
            .unwrap()
            .is_none(),
        "other kinds only"
    );
    let c = s
        .claim_job(&[JobKind::FeedsSync], "w1", lease(20), lease(60))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (c.status, c.attempts, c.lease_until),
        (JobStatus::Running, 1, Some(lease(60)))
    );
    assert!(
        s.claim_job(&[JobKind::FeedsSync], "w2", lease(30), lease(90))
            .await
            .unwrap()
            .is_none(),
        "leased"
    );
    // The lease runs out: another worker takes over and the first loses it.
    let c = s
        .claim_job(&[JobKind::FeedsSync], "w2", lease(61), lease(120))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((c.attempts, c.lease_owner.as_deref()), (2, Some("w2")));
    assert!(!s.complete_job(j.id, "w1").await.unwrap());
    assert!(s.fail_job(j.id, "w2", "timeout", Some(lease(200))).await.unwrap());
    let failed = s.get_job(j.id).await.unwrap();
    assert_eq!((failed.status, failed.run_at), (JobStatus::Queued, lease(200)));
    assert_eq!(failed.last_error.as_deref(), Some("timeout"));
    let c = s
        .claim_job(&[JobKind::FeedsSync], "w3", lease(200), lease(260))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.attempts, 3);
    assert!(s.fail_job(j.id, "w3", "gave up", None).await.unwrap());
    assert_eq!(s.get_job(j.id).await.unwrap().status, JobStatus::Dead);
    assert_eq!(s.count_jobs(JobStatus::Dead).await.unwrap(), 1);
    assert!(matches!(
        s.get_job(JobId::from_uuid(id(99))).await,
        Err(StoreError::NotFound { .. })
    ));
}

#[tokio::test]
async fn an_expired_final_attempt_is_marked_dead_not_retried() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    let mut j = job(1, JobKind::AuditProbe, 0);
    j.max_attempts = 1;
    s.enqueue_job(&j, None).await.unwrap();
    let lease = |secs| t0() + SignedDuration::from_secs(secs);
    s.claim_job(&[JobKind::AuditProbe], "w1", t0(), lease(10))
        .await
        .unwrap()
        .unwrap();
    assert!(
        s.claim_job(&[JobKind::AuditProbe], "w2", lease(11), lease(20))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(s.get_job(j.id).await.unwrap().status, JobStatus::Dead);
}

#[tokio::test]
async fn dedupe_keys_return_the_live_job() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    let first = s
        .enqueue_job(&job(1, JobKind::AuditProbe, 0), Some("feed:osv"))
        .await
        .unwrap();
    let second = s
        .enqueue_job(&job(2, JobKind::AuditProbe, 0), Some("feed:osv"))
        .await
        .unwrap();
    assert_eq!(
        (first, second),
        (JobId::from_uuid(id(1)), JobId::from_uuid(id(1)))
    );
    assert_eq!(s.count_jobs(JobStatus::Queued).await.unwrap(), 1);
    let c = s
        .claim_job(
            &[JobKind::AuditProbe],
            "w",
            t0(),
            t0() + SignedDuration::from_secs(5),
        )
        .await
        .unwrap()
        .unwrap();
    s.complete_job(c.id, "w").await.unwrap();
    let third = s
        .enqueue_job(&job(3, JobKind::AuditProbe, 0), Some("feed:osv"))
        .await
        .unwrap();
    assert_eq!(
        third,
        JobId::from_uuid(id(3)),
        "a finished job no longer blocks its key"
    );
}
