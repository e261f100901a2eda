//! Reminders before a certificate expires (60 and 30 days before, `REMINDER_DAYS`), each sent
//! once per certificate whatever the number of runners: the `certificates.remind` job records a
//! reminder (one row keyed by certificate and days, with its `certificate.reminder` audit record)
//! and only the runner that wrote the row queues its notices, one `notify.certificate` e-mail job
//! per admin (or, for a supplier, supplier contact) of the organisation holding it who wants
//! e-mail straight away, and an in-app notice for each of them. A failing mail server only fails
//! those jobs, which the runner retries with backoff, then lists with the failed deliveries.

use serde::{Deserialize, Serialize};
use ward_core::audit::AuditActor;
use ward_core::certificate::{Certificate, REMINDER_DAYS};
use ward_core::job::{Job, JobKind};
use ward_core::notice::NoticeTopic;
use ward_core::role::Role;
use ward_core::{CertificateId, OrgId, UserId};

use crate::notices::fan_out::Telling;
use ward_store::{AuditMeta, Scope};

use crate::{App, AppError, AppResult};

/// Attempts a reminder e-mail gets before it is dead.
const ATTEMPTS: u32 = 5;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReminderRun {
    /// Reminders recorded by this run: (certificate, days before expiry).
    pub reminders: Vec<(CertificateId, i32)>,
    /// E-mail jobs queued.
    pub notices: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ReminderPayload {
    certificate: CertificateId,
    days_before: i32,
    user: UserId,
    /// The organisation holding the certificate (whose admins see the delivery if it gives up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    org: Option<OrgId>,
}

impl App {
    /// Record and notify every reminder that has fallen due today (as Ward itself).
    pub async fn send_certificate_reminders(&self) -> AppResult<ReminderRun> {
        let now = self.now();
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let furthest = REMINDER_DAYS.iter().copied().max().unwrap_or(0);
        let until = today
            .checked_add(jiff::Span::new().days(i64::from(furthest)))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let meta = AuditMeta {
            actor: AuditActor::system("certificates.remind"),
            at: now,
            request_id: None,
        };
        let mut run = ReminderRun::default();
        for due in self.store().certificates_expiring(today, until).await? {
            let Some(days) = due.certificate.reminder_due(today, &due.sent) else {
                continue;
            };
            if !self
                .store()
                .record_certificate_reminder(&due.certificate, days, &meta)
                .await?
            {
                continue;
            }
            run.reminders.push((due.certificate.id, days));
            let c = &due.certificate;
            let users = self
                .holders(c.org, &[Role::OrgAdmin, Role::SupplierContact], now)
                .await?;
            let telling = Telling {
                topic: NoticeTopic::Reminder,
                org: c.org,
                title: format!("{} certificate expires in {days} days", c.kind.label()),
                body: format!(
                    "Your organisation's {} certificate expires on {}. Renew it and record the new one in Ward.",
                    c.kind.label(),
                    c.expires_on
                ),
                link: "/suppliers/certificates".into(),
                key: format!("notify.certificate:{}:{days}", c.id),
                kind: JobKind::NotifyCertificate,
                attempts: ATTEMPTS,
            };
            let mut each = Vec::with_capacity(users.len());
            for user in users {
                let payload = ReminderPayload {
                    certificate: c.id,
                    days_before: days,
                    user,
                    org: Some(c.org),
                };
                each.push((user, crate::notify::json(serde_json::to_value(&payload))?));
            }
            run.notices += self.tell(&telling, each).await?;
        }
        Ok(run)
    }

    /// Queues the `certificates.remind` job (once: a queued or running one is enough).
    pub async fn queue_certificate_reminders(&self) -> AppResult<()> {
        self.enqueue_job(
            JobKind::CertificatesRemind,
            serde_json::json!({}),
            None,
            3,
            Some("certificates.remind"),
        )
        .await
        .map(|_| ())
    }

    async fn send_certificate_reminder_email(&self, p: &ReminderPayload) -> Result<(), String> {
        let Some(mail) = self.settings().mail.clone() else {
            return Err("no smtp_url is configured".into());
        };
        let user = self.store().get_user(p.user).await.map_err(|e| e.to_string())?;
        if user.disabled {
            return Ok(());
        }
        let Some(c) = self
            .store()
            .list_certificates(&Scope::All)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .find(|c| c.id == p.certificate)
        else {
            // Removed since: nothing to remind of.
            return Ok(());
        };
        let org = self
            .store()
            .get_org(&Scope::All, c.org)
            .await
            .map_err(|e| e.to_string())?;
        self.send_mail(
            &mail,
            user.email.as_str(),
            subject(&c, p.days_before),
            body(&c, &format!("{} ({})", org.name, org.code), p.days_before),
        )
        .await
    }
}

fn subject(c: &Certificate, days: i32) -> String {
    format!(
        "[Ward] {} certificate expires in {days} days ({})",
        c.kind.label(),
        c.expires_on
    )
}

fn body(c: &Certificate, org: &str, days: i32) -> String {
    format!(
        "Ward certificate reminder for {org}\n\n\
         Certificate: {}\nReference: {}\nIssued: {}\nExpires: {} (in {days} days or fewer)\n\n\
         Renew it before it expires and record the new certificate in Ward: /suppliers/certificates\n",
        c.kind.label(),
        c.reference.as_deref().unwrap_or("(none recorded)"),
        c.issued_on,
        c.expires_on,
    )
}

/// The `certificates.remind` job: [`App::send_certificate_reminders`].
pub struct CertificateReminderJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for CertificateReminderJob {
    fn kind(&self) -> JobKind {
        JobKind::CertificatesRemind
    }

    async fn run(&self, app: &App, _job: &Job) -> Result<(), String> {
        let run = app
            .send_certificate_reminders()
            .await
            .map_err(|e| e.to_string())?;
        if !run.reminders.is_empty() {
            tracing::info!(
                reminders = run.reminders.len(),
                notices = run.notices,
                "certificate reminders sent"
            );
        }
        Ok(())
    }
}

/// The `notify.certificate` job: one reminder e-mail to one user.
pub struct CertificateEmailJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for CertificateEmailJob {
    fn kind(&self) -> JobKind {
        JobKind::NotifyCertificate
    }

    async fn run(&self, app: &App, job: &Job) -> Result<(), String> {
        let p: ReminderPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| format!("bad notify.certificate payload: {e}"))?;
        let result = app.send_certificate_reminder_email(&p).await;
        if let (Err(msg), Some(org)) = (&result, p.org) {
            let about = (ward_core::job::DeliveryAbout::CertificateReminder, None, org);
            crate::notify::dead_delivery_if_final(app, job, about, format!("user {}", p.user), msg).await;
        }
        result
    }
}
