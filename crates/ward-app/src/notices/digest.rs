//! The daily digest: one e-mail per person who sends any topic to the digest, listing that day's
//! notices of those topics.
//!
//! The `notices.digest` job is queued every hour (its dedupe key keeps one queued across
//! replicas); once the configured hour (UTC) has come, a run works out each person's digest for
//! the day: the 24 hours up to that hour. The store records a digest per (person, day) together
//! with its `notify.digest` e-mail job and a `notice.digest` audit record in one transaction, so a
//! second run, or a second replica at the same moment, queues nothing more. The e-mail job is a
//! delivery like the others: retried with backoff, then kept with the failed deliveries for replay.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::audit::AuditActor;
use ward_core::job::{DeliveryAbout, Job, JobKind, JobStatus};
use ward_core::notice::{Notice, digest_window};
use ward_core::{JobId, OrgId, UserId};
use ward_store::{AuditMeta, DigestClaim};

use crate::App;
use crate::error::{AppError, AppResult};
use crate::notify::{EMAIL_ATTEMPTS, MailSettings, dead_delivery_if_final};

/// What one `notify.digest` job sends: one person's digest of one day.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct DigestEmail {
    user: UserId,
    org: OrgId,
    day: Date,
    from: Timestamp,
    to: Timestamp,
}

/// What one run of the digest did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DigestRun {
    /// The day whose digests were due (None before the configured hour).
    pub day: Option<Date>,
    /// Digests this run queued (those another run queued first are not counted).
    pub queued: u64,
}

impl App {
    /// When today's digest falls due: the configured hour (UTC) of `now`'s day, or None before it.
    fn digest_due(&self, now: Timestamp) -> Option<(Date, Timestamp)> {
        let zoned = now.to_zoned(jiff::tz::TimeZone::UTC);
        let hour = i8::try_from(self.settings().digest_hour.min(23)).unwrap_or(0);
        if zoned.hour() < hour {
            return None;
        }
        let day = zoned.date();
        let at = day
            .at(hour, 0, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()?
            .timestamp();
        Some((day, at))
    }

    /// Queue today's digest of everyone who sends a topic to the digest and had notices of those
    /// topics in the day, each once whatever the number of runs or replicas (as Ward itself: the
    /// `notices.digest` job). Nothing is queued when no mail server is configured.
    pub async fn send_notice_digests(&self) -> AppResult<DigestRun> {
        let now = self.now();
        let Some((day, at)) = self.digest_due(now) else {
            return Ok(DigestRun::default());
        };
        let mut run = DigestRun {
            day: Some(day),
            queued: 0,
        };
        if self.settings().mail.is_none() {
            return Ok(run);
        }
        let (from, to) = digest_window(at);
        let meta = AuditMeta {
            actor: AuditActor::system("notices.digest"),
            at: now,
            request_id: None,
        };
        for user in self.store().digest_users().await? {
            let notices = self.digest_notices(user, from, to).await?;
            let Some(first) = notices.first() else {
                continue;
            };
            let payload = DigestEmail {
                user,
                org: first.org,
                day,
                from,
                to,
            };
            let job = Job {
                id: JobId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
                kind: JobKind::NotifyDigest,
                payload: serde_json::to_value(&payload).map_err(|e| AppError::Internal(e.to_string()))?,
                status: JobStatus::Queued,
                run_at: now,
                attempts: 0,
                max_attempts: EMAIL_ATTEMPTS,
                lease_owner: None,
                lease_until: None,
                last_error: None,
                created_at: now,
            };
            let claim = DigestClaim {
                user,
                day,
                org: first.org,
                notices: u32::try_from(notices.len()).unwrap_or(u32::MAX),
            };
            if self.store().claim_digest(&claim, &job, &meta).await? {
                run.queued += 1;
            }
        }
        Ok(run)
    }

    /// The person's notices of their digest topics in [`from`, `to`), for organisations where
    /// they still hold an active role (none for a disabled account).
    async fn digest_notices(&self, user: UserId, from: Timestamp, to: Timestamp) -> AppResult<Vec<Notice>> {
        let now = self.now();
        if self.store().get_user(user).await?.disabled {
            return Ok(Vec::new());
        }
        let topics = self.store().notice_preferences(user).await?.digest_topics();
        let mut orgs: Vec<OrgId> = self
            .store()
            .grants_of(user)
            .await?
            .into_iter()
            .filter(|g| g.is_active(now))
            .map(|g| g.org)
            .collect();
        orgs.sort();
        orgs.dedup();
        if topics.is_empty() || orgs.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self
            .store()
            .notices_between(user, &orgs, &topics, from, to)
            .await?)
    }

    /// Queue the `notices.digest` job when today's digest has fallen due (once: a queued or
    /// running one is enough).
    pub async fn queue_notice_digest(&self) -> AppResult<()> {
        if self.digest_due(self.now()).is_none() {
            return Ok(());
        }
        self.enqueue_job(
            JobKind::NoticesDigest,
            serde_json::json!({}),
            None,
            3,
            Some("notices.digest"),
        )
        .await
        .map(|_| ())
    }

    async fn send_digest_email(&self, mail: &MailSettings, p: &DigestEmail) -> Result<(), String> {
        let notices = self
            .digest_notices(p.user, p.from, p.to)
            .await
            .map_err(|e| e.to_string())?;
        if notices.is_empty() {
            return Ok(());
        }
        let user = self.store().get_user(p.user).await.map_err(|e| e.to_string())?;
        let subject = format!(
            "[Ward] Your daily digest for {}: {} notices",
            p.day,
            notices.len()
        );
        self.send_mail(mail, user.email.as_str(), subject, digest_body(p.day, &notices))
            .await
    }
}

/// The digest's plain text: one entry per notice, oldest first, each with its link.
fn digest_body(day: Date, notices: &[Notice]) -> String {
    let mut b = format!(
        "Ward daily digest for {day}\n\nThe notices of the last 24 hours you asked to receive as a digest:\n\n"
    );
    for n in notices {
        b.push_str(&format!(
            "- {} ({})\n  {}\n  Open in Ward: {}\n\n",
            n.title,
            ward_core::local_time::show(n.created_at),
            n.body,
            n.link
        ));
    }
    b.push_str("Change what you receive and how in Ward: /notices/preferences\n");
    b
}

/// The `notices.digest` job: [`App::send_notice_digests`].
pub struct NoticeDigestJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for NoticeDigestJob {
    fn kind(&self) -> JobKind {
        JobKind::NoticesDigest
    }

    async fn run(&self, app: &App, _job: &Job) -> Result<(), String> {
        let run = app.send_notice_digests().await.map_err(|e| e.to_string())?;
        if run.queued > 0 {
            tracing::info!(digests = run.queued, "daily digests queued");
        }
        Ok(())
    }
}

/// The `notify.digest` job: sends one person's digest; a final failure is kept for replay.
pub struct DigestEmailJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for DigestEmailJob {
    fn kind(&self) -> JobKind {
        JobKind::NotifyDigest
    }

    async fn run(&self, app: &App, job: &Job) -> Result<(), String> {
        let Some(mail) = app.settings().mail.clone() else {
            return Err("no smtp_url is configured".into());
        };
        let p: DigestEmail = serde_json::from_value(job.payload.clone())
            .map_err(|e| format!("bad notify.digest payload: {e}"))?;
        let result = app.send_digest_email(&mail, &p).await;
        if let Err(msg) = &result {
            let about = (DeliveryAbout::Digest, None, p.org);
            dead_delivery_if_final(app, job, about, format!("user {}", p.user), msg).await;
        }
        result
    }
}
