//! Background jobs with leases. Claims are single `UPDATE ... RETURNING` statements on the one
//! writer connection, so two claimers can never take the same job.

use crate::SqliteStore;
use crate::codec::{DbResult, get, get_parsed, get_ts, get_ts_opt, opt_ts, to_u32, to_u64, ts};
use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::QueryBuilder;
use sqlx::sqlite::SqliteRow;
use ward_core::JobId;
use ward_core::job::{Job, JobKind, JobStatus};
use ward_store::{JobStore, StoreError, StoreResult};

const JOB_COLUMNS: &str = "id, kind, payload, status, run_at, attempts, max_attempts, lease_owner, lease_until, last_error, created_at";

fn job_from_row(row: &SqliteRow) -> StoreResult<Job> {
    let payload: String = get(row, "payload")?;
    let status: String = get(row, "status")?;
    Ok(Job {
        id: get_parsed(row, "id")?,
        kind: get_parsed(row, "kind")?,
        payload: serde_json::from_str(&payload)
            .map_err(|_| StoreError::Backend("stored job payload is not JSON".into()))?,
        status: status
            .parse()
            .map_err(|_| StoreError::Backend(format!("stored job status '{status}' is unknown")))?,
        run_at: get_ts(row, "run_at")?,
        attempts: to_u32("attempts", get(row, "attempts")?)?,
        max_attempts: to_u32("max_attempts", get(row, "max_attempts")?)?,
        lease_owner: get(row, "lease_owner")?,
        lease_until: get_ts_opt(row, "lease_until")?,
        last_error: get(row, "last_error")?,
        created_at: get_ts(row, "created_at")?,
    })
}

#[async_trait]
impl JobStore for SqliteStore {
    async fn enqueue_job(&self, job: &Job, dedupe_key: Option<&str>) -> StoreResult<JobId> {
        let payload = serde_json::to_string(&job.payload)
            .map_err(|e| StoreError::Invalid(format!("payload: cannot be written as JSON: {e}")))?;
        let mut tx = self.begin_write().await?;
        if let Some(key) = dedupe_key {
            let existing: Option<String> = sqlx::query_scalar(
                "SELECT id FROM jobs WHERE dedupe_key = ? AND status IN ('queued', 'running')",
            )
            .bind(key)
            .fetch_optional(&mut *tx)
            .await
            .db()?;
            if let Some(id) = existing {
                return crate::codec::parse("id", &id);
            }
        }
        sqlx::query(
            "INSERT INTO jobs (id, kind, payload, status, run_at, attempts, max_attempts, lease_owner, \
             lease_until, last_error, created_at, dedupe_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(job.id.to_string())
        .bind(job.kind.as_str())
        .bind(payload)
        .bind(job.status.as_str())
        .bind(ts(job.run_at))
        .bind(i64::from(job.attempts))
        .bind(i64::from(job.max_attempts))
        .bind(&job.lease_owner)
        .bind(opt_ts(job.lease_until))
        .bind(&job.last_error)
        .bind(ts(job.created_at))
        .bind(dedupe_key)
        .execute(&mut *tx)
        .await
        .db()?;
        tx.commit().await.db()?;
        Ok(job.id)
    }

    async fn claim_job(
        &self,
        kinds: &[JobKind],
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> StoreResult<Option<Job>> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let mut tx = self.begin_write().await?;
        let mut qb = QueryBuilder::new("UPDATE jobs SET status = 'running', lease_owner = ");
        qb.push_bind(worker)
            .push(", lease_until = ")
            .push_bind(ts(lease_until));
        qb.push(", attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE kind IN (");
        let mut list = qb.separated(", ");
        for k in kinds {
            list.push_bind(k.as_str());
        }
        qb.push(") AND ((status = 'queued' AND run_at <= ")
            .push_bind(ts(now));
        qb.push(") OR (status = 'running' AND lease_until <= ")
            .push_bind(ts(now));
        qb.push(")) ORDER BY run_at, created_at, id LIMIT 1) RETURNING ")
            .push(JOB_COLUMNS);
        let row = qb.build().fetch_optional(&mut *tx).await.db()?;
        let job = row.as_ref().map(job_from_row).transpose()?;
        tx.commit().await.db()?;
        Ok(job)
    }

    async fn complete_job(&self, id: JobId, worker: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET status = 'succeeded', lease_owner = NULL, lease_until = NULL \
             WHERE id = ? AND status = 'running' AND lease_owner = ?",
        )
        .bind(id.to_string())
        .bind(worker)
        .execute(&self.write)
        .await
        .db()?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<bool> {
        let done = match retry_at {
            Some(at) => sqlx::query(
                "UPDATE jobs SET status = 'queued', run_at = ?, lease_owner = NULL, lease_until = NULL, \
                 last_error = ? WHERE id = ? AND status = 'running' AND lease_owner = ?",
            )
            .bind(ts(at))
            .bind(error)
            .bind(id.to_string())
            .bind(worker),
            None => sqlx::query(
                "UPDATE jobs SET status = 'dead', lease_owner = NULL, lease_until = NULL, last_error = ? \
                 WHERE id = ? AND status = 'running' AND lease_owner = ?",
            )
            .bind(error)
            .bind(id.to_string())
            .bind(worker),
        }
        .execute(&self.write)
        .await
        .db()?;
        Ok(done.rows_affected() == 1)
    }

    async fn get_job(&self, id: JobId) -> StoreResult<Job> {
        let mut qb = QueryBuilder::new("SELECT ");
        qb.push(JOB_COLUMNS)
            .push(" FROM jobs WHERE id = ")
            .push_bind(id.to_string());
        match qb.build().fetch_optional(&self.read).await.db()? {
            Some(row) => job_from_row(&row),
            None => Err(StoreError::not_found("job", id)),
        }
    }

    async fn count_jobs(&self, status: JobStatus) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = ?")
            .bind(status.as_str())
            .fetch_one(&self.read)
            .await
            .db()?;
        to_u64("count", n)
    }
}
