//! Background jobs shared by several servers: claimed with `FOR UPDATE SKIP LOCKED` under a lease.

use async_trait::async_trait;
use jiff::Timestamp;
use sqlx::postgres::PgRow;
use ward_core::JobId;
use ward_core::job::{Job, JobKind, JobStatus};
use ward_store::{JobStore, StoreError, StoreResult};

use crate::PgStore;
use crate::error::{corrupt, map_db_error};
use crate::rows::{col, count_col, from_micros, from_opt_micros, micros, opt_micros, u32_col};

macro_rules! job_columns {
    () => {
        "id, kind, payload, status, run_at, attempts, max_attempts, lease_owner, lease_until, last_error, created_at"
    };
}

/// How often enqueue retries when a duplicate it saw finishes before it can be read back.
const ENQUEUE_TRIES: usize = 5;

fn job_from_row(row: &PgRow) -> StoreResult<Job> {
    let status: String = col(row, "status")?;
    Ok(Job {
        id: JobId::from_uuid(col(row, "id")?),
        kind: col::<String>(row, "kind")?
            .parse()
            .map_err(|_| corrupt("job kind"))?,
        payload: col(row, "payload")?,
        status: status.parse().map_err(|_| corrupt("job status"))?,
        run_at: from_micros(col(row, "run_at")?)?,
        attempts: u32_col(row, "attempts")?,
        max_attempts: u32_col(row, "max_attempts")?,
        lease_owner: col(row, "lease_owner")?,
        lease_until: from_opt_micros(col(row, "lease_until")?)?,
        last_error: col(row, "last_error")?,
        created_at: from_micros(col(row, "created_at")?)?,
    })
}

#[async_trait]
impl JobStore for PgStore {
    async fn enqueue_job(&self, job: &Job, dedupe_key: Option<&str>) -> StoreResult<JobId> {
        for _ in 0..ENQUEUE_TRIES {
            let inserted = sqlx::query(concat!(
                "INSERT INTO jobs (",
                job_columns!(),
                ", dedupe_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running')
                 DO NOTHING RETURNING id"
            ))
            .bind(job.id.as_uuid())
            .bind(job.kind.as_str())
            .bind(&job.payload)
            .bind(job.status.as_str())
            .bind(micros(job.run_at))
            .bind(i64::from(job.attempts))
            .bind(i64::from(job.max_attempts))
            .bind(&job.lease_owner)
            .bind(opt_micros(job.lease_until))
            .bind(&job.last_error)
            .bind(micros(job.created_at))
            .bind(dedupe_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_db_error)?;
            if let Some(r) = inserted {
                return Ok(JobId::from_uuid(col(&r, "id")?));
            }
            let existing = sqlx::query(
                "SELECT id FROM jobs WHERE dedupe_key = $1 AND status IN ('queued', 'running') LIMIT 1",
            )
            .bind(dedupe_key)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_db_error)?;
            if let Some(r) = existing {
                return Ok(JobId::from_uuid(col(&r, "id")?));
            }
            // The duplicate finished between the two statements: try again.
        }
        Err(StoreError::Conflict(
            "the job's dedupe key kept changing hands".into(),
        ))
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
        let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        // A running job whose lease ran out on its last allowed attempt is not retried again.
        sqlx::query(
            "UPDATE jobs SET status = 'dead', lease_owner = NULL, lease_until = NULL,
                    last_error = coalesce(last_error, 'lease expired on the final attempt')
              WHERE status = 'running' AND attempts >= max_attempts AND lease_until <= $2 AND kind = ANY($1)",
        )
        .bind(&kinds)
        .bind(micros(now))
        .execute(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let row = sqlx::query(concat!(
            "UPDATE jobs SET status = 'running', lease_owner = $2, lease_until = $4, attempts = attempts + 1
              WHERE id = (
                  SELECT id FROM jobs
                   WHERE kind = ANY($1)
                     AND ((status = 'queued' AND run_at <= $3) OR (status = 'running' AND lease_until <= $3))
                   ORDER BY run_at, id
                   LIMIT 1
                   FOR UPDATE SKIP LOCKED)
              RETURNING ",
            job_columns!()
        ))
        .bind(&kinds)
        .bind(worker)
        .bind(micros(now))
        .bind(micros(lease_until))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_db_error)?;
        let job = row.as_ref().map(job_from_row).transpose()?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(job)
    }

    async fn complete_job(&self, id: JobId, worker: &str) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE jobs SET status = 'succeeded', lease_until = NULL
              WHERE id = $1 AND status = 'running' AND lease_owner = $2",
        )
        .bind(id.as_uuid())
        .bind(worker)
        .execute(&self.pool)
        .await
        .map_err(map_db_error)?;
        Ok(r.rows_affected() > 0)
    }

    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<bool> {
        let r = sqlx::query(
            "UPDATE jobs
                SET status = CASE WHEN $4::bigint IS NULL THEN 'dead' ELSE 'queued' END,
                    run_at = COALESCE($4::bigint, run_at),
                    last_error = $3, lease_owner = NULL, lease_until = NULL
              WHERE id = $1 AND status = 'running' AND lease_owner = $2",
        )
        .bind(id.as_uuid())
        .bind(worker)
        .bind(error)
        .bind(opt_micros(retry_at))
        .execute(&self.pool)
        .await
        .map_err(map_db_error)?;
        Ok(r.rows_affected() > 0)
    }

    async fn get_job(&self, id: JobId) -> StoreResult<Job> {
        let row = sqlx::query(concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = $1"))
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_db_error)?;
        match row {
            Some(r) => job_from_row(&r),
            None => Err(StoreError::not_found("job", id)),
        }
    }

    async fn count_jobs(&self, status: JobStatus) -> StoreResult<u64> {
        let row = sqlx::query("SELECT count(*) AS n FROM jobs WHERE status = $1")
            .bind(status.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(map_db_error)?;
        count_col(&row, "n")
    }
}
