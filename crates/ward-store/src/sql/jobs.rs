//! Background jobs with leases, once for both backends. A claim is one `UPDATE ... RETURNING` of
//! the oldest due job; on PostgreSQL, where several servers claim at once, the job is picked
//! `FOR UPDATE SKIP LOCKED`; SQLite's single writer already serialises claimers.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::JobId;
use ward_core::job::{Job, JobKind, JobStatus};

use super::{Arg, Dialect, Exec, RowRead, Sql, SqlBackend, Tx, corrupt_column};
use crate::{JobStore, StoreError, StoreResult};

/// How often enqueue retries when a duplicate it saw finishes before it can be read back.
const ENQUEUE_TRIES: usize = 5;

/// The columns of a job, its payload read as JSON text (`jsonb` on PostgreSQL).
fn job_columns(dialect: Dialect) -> String {
    let payload = dialect.pick("payload", "payload::text AS payload");
    format!(
        "id, kind, {payload}, status, run_at, attempts, max_attempts, lease_owner, lease_until, last_error, created_at"
    )
}

fn job_from_row<R: RowRead>(row: &R) -> StoreResult<Job> {
    Ok(Job {
        id: row.id("id")?,
        kind: row.parsed("kind")?,
        payload: serde_json::from_str(&row.text("payload")?).map_err(|_| corrupt_column("payload"))?,
        status: row.parsed("status")?,
        run_at: row.ts("run_at")?,
        attempts: row.u32("attempts")?,
        max_attempts: row.u32("max_attempts")?,
        lease_owner: row.opt_text("lease_owner")?,
        lease_until: row.opt_ts("lease_until")?,
        last_error: row.opt_text("last_error")?,
        created_at: row.ts("created_at")?,
    })
}

fn kind_list(kinds: &[JobKind]) -> Arg {
    Arg::Texts(kinds.iter().map(|k| k.as_str().to_owned()).collect())
}

/// Inserts a job; None when a live job (queued or running) already holds `dedupe_key`.
/// `payload` is the job's payload as JSON text.
pub(super) async fn insert_job<E: Exec + ?Sized>(
    db: &mut E,
    job: &Job,
    payload: &str,
    dedupe_key: Option<&str>,
) -> StoreResult<Option<JobId>> {
    let payload_arg = db.dialect().pick("$3", "$3::jsonb");
    let q = Sql::new(format!(
        "INSERT INTO jobs (id, kind, payload, status, run_at, attempts, max_attempts, lease_owner, \
         lease_until, last_error, created_at, dedupe_key) \
         VALUES ($1, $2, {payload_arg}, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') \
         DO NOTHING RETURNING id"
    ))
    .arg(job.id)
    .arg(job.kind.as_str())
    .arg(payload)
    .arg(job.status.as_str())
    .arg(job.run_at)
    .arg(job.attempts)
    .arg(job.max_attempts)
    .arg(job.lease_owner.as_deref())
    .arg(job.lease_until)
    .arg(job.last_error.as_deref())
    .arg(job.created_at)
    .arg(dedupe_key);
    db.fetch_optional(q).await?.map(|r| r.id("id")).transpose()
}

#[async_trait]
impl<B: SqlBackend> JobStore for B {
    async fn enqueue_job(&self, job: &Job, dedupe_key: Option<&str>) -> StoreResult<JobId> {
        let payload = serde_json::to_string(&job.payload)
            .map_err(|e| StoreError::Invalid(format!("payload: cannot be written as JSON: {e}")))?;
        let mut tx = self.write().await?;
        for _ in 0..ENQUEUE_TRIES {
            let id = match insert_job(&mut tx, job, &payload, dedupe_key).await? {
                Some(id) => Some(id),
                None => {
                    let q = Sql::new(
                        "SELECT id FROM jobs WHERE dedupe_key = $1 AND status IN ('queued', 'running') LIMIT 1",
                    )
                    .arg(dedupe_key);
                    tx.fetch_optional(q).await?.map(|r| r.id("id")).transpose()?
                }
            };
            if let Some(id) = id {
                tx.commit().await?;
                return Ok(id);
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
        let mut tx = self.write().await?;
        let dialect = tx.dialect();
        // A running job whose lease ran out on its last allowed attempt is not retried again.
        let mut q = Sql::new(
            "UPDATE jobs SET status = 'dead', lease_owner = NULL, lease_until = NULL, \
             last_error = coalesce(last_error, 'lease expired on the final attempt') \
             WHERE status = 'running' AND attempts >= max_attempts AND lease_until <= ",
        );
        q.bind(now).push(" AND ");
        q.in_list(dialect, "kind", kind_list(kinds));
        tx.execute(q).await?;
        let mut q = Sql::new("UPDATE jobs SET status = 'running', lease_owner = ");
        q.bind(worker).push(", lease_until = ").bind(lease_until);
        q.push(", attempts = attempts + 1 WHERE id = (SELECT id FROM jobs WHERE ");
        q.in_list(dialect, "kind", kind_list(kinds));
        q.push(" AND ((status = 'queued' AND run_at <= ").bind(now);
        q.push(") OR (status = 'running' AND lease_until <= ").bind(now);
        q.push(")) ORDER BY run_at, created_at, id LIMIT 1");
        if dialect == Dialect::Postgres {
            // Concurrent claimers on other servers skip the row this one takes.
            q.push(" FOR UPDATE SKIP LOCKED");
        }
        q.push(") RETURNING ").push(&job_columns(dialect));
        let job = tx
            .fetch_optional(q)
            .await?
            .as_ref()
            .map(job_from_row)
            .transpose()?;
        tx.commit().await?;
        Ok(job)
    }

    async fn complete_job(&self, id: JobId, worker: &str) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let done = tx
            .execute(
                Sql::new(
                    "UPDATE jobs SET status = 'succeeded', lease_until = NULL \
                     WHERE id = $1 AND status = 'running' AND lease_owner = $2",
                )
                .arg(id)
                .arg(worker),
            )
            .await?;
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<bool> {
        let mut q = match retry_at {
            Some(at) => {
                let mut q = Sql::new("UPDATE jobs SET status = 'queued', run_at = ");
                q.bind(at);
                q
            }
            None => Sql::new("UPDATE jobs SET status = 'dead'"),
        };
        q.push(", lease_owner = NULL, lease_until = NULL, last_error = ")
            .bind(error);
        q.push(" WHERE id = ").bind(id);
        q.push(" AND status = 'running' AND lease_owner = ").bind(worker);
        let mut tx = self.write().await?;
        let done = tx.execute(q).await?;
        tx.commit().await?;
        Ok(done == 1)
    }

    async fn get_job(&self, id: JobId) -> StoreResult<Job> {
        let mut db = self.read().await?;
        let q = Sql::new(format!(
            "SELECT {} FROM jobs WHERE id = $1",
            job_columns(db.dialect())
        ))
        .arg(id);
        match db.fetch_optional(q).await? {
            Some(row) => job_from_row(&row),
            None => Err(StoreError::not_found("job", id)),
        }
    }

    async fn count_jobs(&self, status: JobStatus) -> StoreResult<u64> {
        let q = Sql::new("SELECT count(*) AS n FROM jobs WHERE status = $1").arg(status.as_str());
        self.read().await?.fetch_one(q).await?.u64("n")
    }
}
