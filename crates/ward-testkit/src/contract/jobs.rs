//! Jobs: queueing, claiming under leases, completion, retries with backoff, dead jobs, dedupe,
//! and many claimers at once. Each check keeps to its own job kind, so that the checks sharing one
//! database do not claim each other's jobs.

use super::fixtures::{at, new_id, next_number};
use crate::{check_eq, check_err};
use std::collections::BTreeSet;
use std::sync::Arc;
use ward_core::JobId;
use ward_core::job::{Job, JobKind, JobStatus, backoff};
use ward_store::{Store, StoreError};

fn job(kind: JobKind, run_at: i64, max_attempts: u32) -> Job {
    Job {
        id: new_id(JobId::new_at),
        kind,
        payload: serde_json::json!({ "n": next_number(), "nested": { "list": [1, 2, 3], "text": "é" } }),
        status: JobStatus::Queued,
        run_at: at(run_at),
        attempts: 0,
        max_attempts,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        created_at: at(0),
    }
}

/// One job through every state, lease expiry, ordering and dedupe.
pub async fn jobs_lifecycle(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let kind = JobKind::AuditProbe;
    let kinds = [kind];
    let queued_before = store.count_jobs(JobStatus::Queued).await?;
    let dead_before = store.count_jobs(JobStatus::Dead).await?;

    let j1 = job(kind, 0, 3);
    check_eq!(
        store.enqueue_job(&j1, None).await?,
        j1.id,
        "enqueue returns the id"
    );
    check_eq!(store.get_job(j1.id).await?, j1, "job round trip");
    check_eq!(
        store.count_jobs(JobStatus::Queued).await? - queued_before,
        1,
        "queued count"
    );
    let later = job(kind, 100_000, 3);
    store.enqueue_job(&later, None).await?;
    check_err!(
        store.get_job(new_id(JobId::new_at)).await,
        StoreError::NotFound { .. },
        "unknown job"
    );

    check_eq!(
        store
            .claim_job(&[JobKind::FeedsSync], "w1", at(10), at(70))
            .await?,
        None,
        "other kinds"
    );
    check_eq!(
        store.claim_job(&[], "w1", at(10), at(70)).await?,
        None,
        "no kinds"
    );
    let claimed = store.claim_job(&kinds, "w1", at(10), at(70)).await?;
    let expected = Job {
        status: JobStatus::Running,
        attempts: 1,
        lease_owner: Some("w1".into()),
        lease_until: Some(at(70)),
        ..j1.clone()
    };
    check_eq!(claimed, Some(expected), "claimed job");
    check_eq!(
        store.claim_job(&kinds, "w2", at(10), at(70)).await?,
        None,
        "nothing else due"
    );
    check_eq!(
        store.complete_job(j1.id, "w2").await?,
        false,
        "only the lease owner completes"
    );
    check_eq!(store.complete_job(j1.id, "w1").await?, true, "owner completes");
    check_eq!(
        store.get_job(j1.id).await?.status,
        JobStatus::Succeeded,
        "succeeded"
    );
    check_eq!(store.complete_job(j1.id, "w1").await?, false, "completing twice");

    // Failure with a retry, then failure for good.
    let j2 = job(kind, 0, 2);
    store.enqueue_job(&j2, None).await?;
    let first = store.claim_job(&kinds, "w1", at(20), at(80)).await?;
    check_eq!(first.map(|j| j.id), Some(j2.id), "second job claimed");
    let retry_at = at(20).checked_add(backoff(1))?;
    check_eq!(
        store.fail_job(j2.id, "w9", "not mine", Some(retry_at)).await?,
        false,
        "only the owner fails a job"
    );
    check_eq!(
        store.fail_job(j2.id, "w1", "boom", Some(retry_at)).await?,
        true,
        "failure recorded"
    );
    let after = store.get_job(j2.id).await?;
    check_eq!(
        (
            after.status,
            after.run_at,
            after.last_error.as_deref(),
            after.lease_owner.as_deref(),
            after.attempts
        ),
        (JobStatus::Queued, retry_at, Some("boom"), None, 1),
        "requeued with backoff"
    );
    check_eq!(
        store.claim_job(&kinds, "w1", at(21), at(81)).await?,
        None,
        "not due before its retry time"
    );
    let again = store.claim_job(&kinds, "w1", retry_at, at(90)).await?;
    check_eq!(
        again.map(|j| (j.id, j.attempts)),
        Some((j2.id, 2)),
        "claimed again on retry"
    );
    check_eq!(
        store.fail_job(j2.id, "w1", "boom again", None).await?,
        true,
        "final failure"
    );
    let dead = store.get_job(j2.id).await?;
    check_eq!(
        (dead.status, dead.last_error.as_deref()),
        (JobStatus::Dead, Some("boom again")),
        "dead job"
    );
    check_eq!(
        store.count_jobs(JobStatus::Dead).await? - dead_before,
        1,
        "dead count"
    );
    check_eq!(
        store.claim_job(&kinds, "w1", at(50_000), at(50_060)).await?,
        None,
        "dead jobs are not claimed"
    );

    // An expired lease lets another worker take the job; the first loses it.
    let j3 = job(kind, 200, 5);
    store.enqueue_job(&j3, None).await?;
    check_eq!(
        store
            .claim_job(&kinds, "w1", at(200), at(260))
            .await?
            .map(|j| j.id),
        Some(j3.id),
        "w1 claims"
    );
    check_eq!(
        store.claim_job(&kinds, "w2", at(259), at(320)).await?,
        None,
        "lease still held"
    );
    let stolen = store.claim_job(&kinds, "w2", at(260), at(320)).await?;
    check_eq!(
        stolen.map(|j| (j.id, j.attempts, j.lease_owner)),
        Some((j3.id, 2, Some("w2".to_owned()))),
        "w2 claims after expiry"
    );
    check_eq!(store.complete_job(j3.id, "w1").await?, false, "w1 lost the lease");
    check_eq!(
        store.fail_job(j3.id, "w1", "late", None).await?,
        false,
        "w1 cannot fail it either"
    );
    check_eq!(store.complete_job(j3.id, "w2").await?, true, "w2 completes");

    // Oldest due first.
    let newer = job(kind, 300, 1);
    let older = job(kind, 290, 1);
    store.enqueue_job(&newer, None).await?;
    store.enqueue_job(&older, None).await?;
    check_eq!(
        store
            .claim_job(&kinds, "w1", at(400), at(460))
            .await?
            .map(|j| j.id),
        Some(older.id),
        "oldest run_at first"
    );
    check_eq!(
        store
            .claim_job(&kinds, "w1", at(400), at(460))
            .await?
            .map(|j| j.id),
        Some(newer.id),
        "then the next"
    );
    for j in [&older, &newer] {
        check_eq!(
            store.complete_job(j.id, "w1").await?,
            true,
            "completing the ordered jobs"
        );
    }

    // Dedupe: one live job per key.
    let key = format!("contract-key-{}", next_number());
    let d1 = job(kind, 1_000, 1);
    let d2 = job(kind, 1_000, 1);
    check_eq!(
        store.enqueue_job(&d1, Some(&key)).await?,
        d1.id,
        "first keyed job"
    );
    check_eq!(
        store.enqueue_job(&d2, Some(&key)).await?,
        d1.id,
        "duplicate returns the live job"
    );
    check_err!(
        store.get_job(d2.id).await,
        StoreError::NotFound { .. },
        "duplicate not stored"
    );
    check_eq!(
        store
            .claim_job(&kinds, "w1", at(1_000), at(1_060))
            .await?
            .map(|j| j.id),
        Some(d1.id),
        "keyed job claimed"
    );
    check_eq!(
        store.enqueue_job(&d2, Some(&key)).await?,
        d1.id,
        "running job still dedupes"
    );
    store.complete_job(d1.id, "w1").await?;
    check_eq!(
        store.enqueue_job(&d2, Some(&key)).await?,
        d2.id,
        "after completion the key is free"
    );
    Ok(())
}

/// Eight claimers drain 200 jobs; every job is claimed and completed exactly once.
pub async fn jobs_claimed_once_under_concurrency(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let kind = JobKind::SessionsCleanup;
    let mut ids = BTreeSet::new();
    for _ in 0..200 {
        let j = job(kind, 0, 1);
        ids.insert(store.enqueue_job(&j, None).await?);
    }
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let worker = format!("worker-{w}");
            let mut mine = Vec::new();
            while let Some(j) = store.claim_job(&[kind], &worker, at(1), at(10_000)).await? {
                if !store.complete_job(j.id, &worker).await? {
                    anyhow::bail!("{worker} could not complete job {} it had just claimed", j.id);
                }
                mine.push(j.id);
                tokio::task::yield_now().await;
            }
            anyhow::Ok(mine)
        }));
    }
    let mut claimed = Vec::new();
    for t in tasks {
        claimed.extend(t.await??);
    }
    check_eq!(claimed.len(), 200, "claims made");
    let unique: BTreeSet<JobId> = claimed.into_iter().collect();
    check_eq!(unique, ids, "each job claimed exactly once");
    Ok(())
}
