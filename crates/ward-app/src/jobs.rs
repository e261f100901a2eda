//! Background jobs: a runner that claims jobs under a lease, runs the handler for the job's kind,
//! and records success, or failure with exponential backoff until the job gives up.
//! Several servers may run runners over one database; the store guarantees a job has one owner.

use crate::App;
use crate::error::{AppError, AppResult};
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeMap;
use std::sync::Arc;
use ward_core::JobId;
use ward_core::job::{Job, JobKind, JobStatus, backoff};

/// Work of one kind.
#[async_trait]
pub trait JobHandler: Send + Sync {
    fn kind(&self) -> JobKind;
    /// Do the work. An `Err` is retried with backoff; the message is stored (keep secrets out of it).
    async fn run(&self, app: &App, job: &Job) -> Result<(), String>;
}

impl App {
    /// Queue a job to run at `run_at` (now when None).
    pub async fn enqueue_job(
        &self,
        kind: JobKind,
        payload: serde_json::Value,
        run_at: Option<Timestamp>,
        max_attempts: u32,
        dedupe_key: Option<&str>,
    ) -> AppResult<JobId> {
        let now = self.now();
        let job = Job {
            id: JobId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            kind,
            payload,
            status: JobStatus::Queued,
            run_at: run_at.unwrap_or(now),
            attempts: 0,
            max_attempts: max_attempts.max(1),
            lease_owner: None,
            lease_until: None,
            last_error: None,
            created_at: now,
        };
        Ok(self.store().enqueue_job(&job, dedupe_key).await?)
    }
}

/// Claims and runs jobs until told to stop.
pub struct JobRunner {
    app: App,
    handlers: BTreeMap<JobKind, Arc<dyn JobHandler>>,
    worker: String,
    lease: SignedDuration,
    idle_wait: std::time::Duration,
}

impl JobRunner {
    /// A runner with Ward's production handlers; `worker` names this process in leases.
    pub fn new(app: App, worker: String) -> Self {
        let mut r = Self {
            app,
            handlers: BTreeMap::new(),
            worker,
            lease: SignedDuration::from_mins(5),
            idle_wait: std::time::Duration::from_millis(500),
        };
        r.register(Arc::new(SessionCleanup));
        r.register(Arc::new(crate::feeds::FeedSyncJob));
        r.register(Arc::new(crate::alerts::AlertExtendJob));
        r.register(Arc::new(crate::alerts::AlertEscalateJob));
        r.register(Arc::new(crate::notify::EmailJob));
        r.register(Arc::new(crate::notify::WebhookJob));
        r.register(Arc::new(crate::incident_reminders::IncidentRemindJob));
        r.register(Arc::new(crate::suppliers::CertificateReminderJob));
        r.register(Arc::new(crate::suppliers::CertificateEmailJob));
        r.register(Arc::new(crate::notices::digest::NoticeDigestJob));
        r.register(Arc::new(crate::notices::digest::DigestEmailJob));
        r.register(Arc::new(crate::supplier_advisories::EmbargoReleaseJob));
        r
    }

    /// Adds the handlers that exist only for tests ([`AuditProbe`], [`JobKind::AuditProbe`]) in a build
    /// with the `test-support` feature, which only test builds turn on (through a dev-dependency,
    /// so that the `ward` binary a test starts has them). In every other build, a release above all,
    /// the runner is returned unchanged.
    #[cfg(feature = "test-support")]
    #[must_use]
    pub fn with_test_support_handlers(mut self) -> Self {
        self.register(Arc::new(AuditProbe));
        self
    }

    /// Without the `test-support` feature (every release build) there are no test-only handlers:
    /// the runner is returned unchanged.
    #[cfg(not(feature = "test-support"))]
    #[must_use]
    pub fn with_test_support_handlers(self) -> Self {
        self
    }

    pub fn register(&mut self, h: Arc<dyn JobHandler>) {
        self.handlers.insert(h.kind(), h);
    }

    pub fn with_idle_wait(mut self, d: std::time::Duration) -> Self {
        self.idle_wait = d;
        self
    }

    /// Claim and run one job; false when nothing was due.
    pub async fn run_once(&self) -> AppResult<bool> {
        let now = self.app.now();
        let kinds: Vec<JobKind> = self.handlers.keys().copied().collect();
        let Some(job) = self
            .app
            .store()
            .claim_job(&kinds, &self.worker, now, now + self.lease)
            .await?
        else {
            return Ok(false);
        };
        // A job whose lease ran out on its final attempt (its runner died) is not run again.
        if job.attempts > job.max_attempts {
            let msg = "gave up: the lease expired on the final attempt";
            self.app.store().fail_job(job.id, &self.worker, msg, None).await?;
            return Ok(true);
        }
        let Some(handler) = self.handlers.get(&job.kind) else {
            return Err(AppError::Internal(format!(
                "no handler for job kind {}",
                job.kind
            )));
        };
        match handler.run(&self.app, &job).await {
            Ok(()) => {
                if !self.app.store().complete_job(job.id, &self.worker).await? {
                    tracing::warn!(job = %job.id, "lease lost before completion");
                }
            }
            Err(msg) => {
                let retry = (job.attempts < job.max_attempts).then(|| self.app.now() + backoff(job.attempts));
                tracing::warn!(job = %job.id, kind = %job.kind, attempts = job.attempts, "job failed");
                self.app
                    .store()
                    .fail_job(job.id, &self.worker, &msg, retry)
                    .await?;
            }
        }
        Ok(true)
    }

    /// Run until `shutdown` resolves, sleeping briefly when idle.
    pub async fn run_until(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let worked = match self.run_once().await {
                Ok(w) => w,
                Err(e) => {
                    tracing::error!(error = %e, "job runner");
                    false
                }
            };
            if worked {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => break,
                () = tokio::time::sleep(self.idle_wait) => {}
            }
        }
    }
}

/// Removes expired sessions and the throttle counts of past windows.
struct SessionCleanup;

#[async_trait]
impl JobHandler for SessionCleanup {
    fn kind(&self) -> JobKind {
        JobKind::SessionsCleanup
    }
    async fn run(&self, app: &App, _job: &Job) -> Result<(), String> {
        app.store()
            .delete_expired_sessions(app.now())
            .await
            .map_err(|e| e.to_string())?;
        app.prune_throttle().await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// Test support only: writes one audit record naming the job, so tests can prove each job ran
/// exactly once. Compiled only with the `test-support` feature and never registered by
/// [`JobRunner::new`]: in production it would let whoever can queue a job write audit records.
#[cfg(feature = "test-support")]
pub struct AuditProbe;

#[cfg(feature = "test-support")]
#[async_trait]
impl JobHandler for AuditProbe {
    fn kind(&self) -> JobKind {
        JobKind::AuditProbe
    }
    async fn run(&self, app: &App, job: &Job) -> Result<(), String> {
        let e = ward_core::audit::AuditEvent {
            at: app.now(),
            actor: ward_core::audit::AuditActor::system("jobs"),
            action: "job.probe".into(),
            entity: "job".into(),
            entity_id: job.id.to_string(),
            org: None,
            before: None,
            after: None,
            detail: job.lease_owner.clone(),
            request_id: None,
        };
        app.store()
            .append_audit(&e)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
