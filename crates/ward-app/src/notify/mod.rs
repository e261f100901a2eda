//! Notifications of alerts: e-mail over SMTP, delivered from the job queue.
//!
//! When an alert is issued or extended, Ward queues one `notify.email` job per user holding a
//! role in each newly targeted organisation ([`App::queue_alert_emails`]). The job reads the alert
//! and the organisation's record when it runs and sends a plain-text message; a failing mail
//! server only fails the job, which the runner retries with backoff until it is dead, when an
//! `alert.email.dead` audit record says so. The alert itself is stored before anything is queued.

mod dead;
pub(crate) mod smtp;
mod tech_assessment;
mod webhook;

pub use dead::DeadDeliveryView;

pub use webhook::{WEBHOOK_ATTEMPTS, WebhookJob, WebhookTarget, signature};

use crate::App;
use crate::error::AppResult;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncTransport, Message};
use serde::{Deserialize, Serialize};
use std::fmt;
use ward_core::alert::escalation::{Escalation, EscalationLevel};
use ward_core::alert::{Alert, Clock, Recipient};
use ward_core::audit::AuditActor;
use ward_core::job::{DeadDelivery, DeliveryAbout, Job, JobKind};
use ward_core::notice::NoticeTopic;
use ward_core::{AlertId, OrgId, UserId};
use ward_store::Scope;

use crate::notices::fan_out::Telling;

/// A payload as JSON, or an internal error.
pub(crate) fn json(v: serde_json::Result<serde_json::Value>) -> AppResult<serde_json::Value> {
    v.map_err(|e| crate::error::AppError::Internal(e.to_string()))
}

/// Attempts a delivery gets before it is dead (backoff 2, 4, 8, 16 seconds between them).
pub const EMAIL_ATTEMPTS: u32 = 5;

/// Where alert e-mail goes. The URL may hold credentials, so Debug never shows it.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://HOST:PORT` (plain, as to a local relay), `smtp://HOST?tls=required` (STARTTLS) or
    /// `smtps://USER:PASSWORD@HOST` (TLS), as lettre reads it.
    pub smtp_url: String,
    /// The From address (`Ward <ward@example.nhs.uk>`).
    pub from: String,
}

impl fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &"<redacted>")
            .field("from", &self.from)
            .finish()
    }
}

/// What one `notify.email` job delivers: the alert, to one user, about one organisation's record.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EmailPayload {
    alert: AlertId,
    org: OrgId,
    user: UserId,
    /// Set when the message tells of an overdue answer (the organisation's, told to `user`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    escalation: Option<EscalationNote>,
}

/// Which escalation step a notice is for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct EscalationNote {
    pub(crate) clock: Clock,
    pub(crate) level: EscalationLevel,
    /// The organisation whose people (or webhook) are told.
    pub(crate) to: OrgId,
}

impl App {
    /// Tell each user holding an active role in each of `orgs` of the alert: an in-app notice each,
    /// and a `notify.email` job for those who want e-mail straight away (when a mail server is
    /// configured; see [`crate::notices::fan_out`]). Also queues one `notify.webhook` job per
    /// organisation with a configured webhook. Returns how many jobs were queued.
    pub async fn queue_alert_emails(&self, alert: &Alert, orgs: &[OrgId]) -> AppResult<u64> {
        let mut queued = 0;
        if !self.settings().webhooks.is_empty() {
            let index = self.exposure_index().await?;
            for &org in orgs {
                if self.webhook_for(&index.org_ref_of(org).code).is_none() {
                    continue;
                }
                let payload = webhook::WebhookPayload {
                    alert: alert.id,
                    org,
                    escalation: None,
                };
                self.enqueue_job(
                    JobKind::NotifyWebhook,
                    json(serde_json::to_value(&payload))?,
                    None,
                    WEBHOOK_ATTEMPTS,
                    Some(&format!("notify.webhook:{}:{org}", alert.id)),
                )
                .await?;
                queued += 1;
            }
        }
        let now = self.now();
        // Everyone holding an active role at each organisation, once per organisation.
        let mut people: Vec<(OrgId, UserId)> = self
            .people_at(orgs, now)
            .await?
            .into_iter()
            .map(|g| (g.org, g.user))
            .collect();
        people.sort();
        people.dedup();
        for chunk in people.chunk_by(|a, b| a.0 == b.0) {
            let org = chunk[0].0;
            let telling = Telling {
                topic: NoticeTopic::of_alert(alert.severity),
                org,
                title: format!("{} alert: {}", alert.severity.label(), alert.title),
                body: format!(
                    "Your organisation is targeted by this alert ({}). Acknowledge it and answer in Ward.",
                    alert.advisories.join(", ")
                ),
                link: format!("/alerts/{}", alert.id),
                key: format!("notify.email:{}:{org}", alert.id),
                kind: JobKind::NotifyEmail,
                attempts: EMAIL_ATTEMPTS,
            };
            let mut each = Vec::with_capacity(chunk.len());
            for &(_, user) in chunk {
                let payload = EmailPayload {
                    alert: alert.id,
                    org,
                    user,
                    escalation: None,
                };
                each.push((user, json(serde_json::to_value(&payload))?));
            }
            queued += self.tell(&telling, each).await?;
        }
        Ok(queued)
    }

    /// Queue the notices of one escalation step told to organisation `to`: an in-app notice and
    /// (by preference) a `notify.email` job per user in `users`, and one `notify.webhook` job when
    /// `to` has a webhook. Returns how many jobs were queued.
    pub(crate) async fn queue_escalation_jobs(
        &self,
        step: &Escalation,
        to: OrgId,
        users: &[UserId],
    ) -> AppResult<u64> {
        let note = EscalationNote {
            clock: step.clock,
            level: step.level,
            to,
        };
        let step_key = format!("{}:{}:{}:{}", step.alert, step.org, step.clock, step.level);
        let mut queued = 0;
        if !self.settings().webhooks.is_empty() {
            let index = self.exposure_index().await?;
            if self.webhook_for(&index.org_ref_of(to).code).is_some() {
                let payload = webhook::WebhookPayload {
                    alert: step.alert,
                    org: step.org,
                    escalation: Some(note),
                };
                self.enqueue_job(
                    JobKind::NotifyWebhook,
                    json(serde_json::to_value(&payload))?,
                    None,
                    WEBHOOK_ATTEMPTS,
                    Some(&format!("notify.webhook:escalation:{step_key}")),
                )
                .await?;
                queued += 1;
            }
        }
        if users.is_empty() {
            return Ok(queued);
        }
        let alert = self.store().get_alert(&Scope::All, step.alert).await?.alert;
        let overdue_org = self
            .store()
            .org_labels(&Scope::All, &[step.org])
            .await?
            .remove(&step.org)
            .map_or_else(|| "an organisation".to_owned(), |(code, _)| code.to_string());
        let telling = Telling {
            topic: NoticeTopic::Escalation,
            org: to,
            title: format!(
                "Overdue: {} from {overdue_org} on {}",
                step.clock.label().to_lowercase(),
                alert.title
            ),
            body: format!(
                "Escalation ({}): {overdue_org} has not given its {} on this {} alert in time.",
                step.level.label(),
                step.clock.label().to_lowercase(),
                alert.severity.label().to_lowercase()
            ),
            link: format!("/alerts/{}", step.alert),
            key: format!("notify.email:escalation:{step_key}"),
            kind: JobKind::NotifyEmail,
            attempts: EMAIL_ATTEMPTS,
        };
        let mut each = Vec::with_capacity(users.len());
        for &user in users {
            let payload = EmailPayload {
                alert: step.alert,
                org: step.org,
                user,
                escalation: Some(note),
            };
            each.push((user, json(serde_json::to_value(&payload))?));
        }
        queued += self.tell(&telling, each).await?;
        Ok(queued)
    }

    /// [`App::queue_alert_emails`], logging a failure: the alert is already stored and stands.
    pub(crate) async fn queue_alert_emails_logged(&self, alert: &Alert, orgs: &[OrgId]) {
        if let Err(e) = self.queue_alert_emails(alert, orgs).await {
            tracing::warn!(alert = %alert.id, error = %e, "alert e-mail was not queued");
        }
    }

    async fn send_alert_email(&self, mail: &MailSettings, p: &EmailPayload) -> Result<(), String> {
        let user = self.store().get_user(p.user).await.map_err(|e| e.to_string())?;
        if user.disabled {
            return Ok(());
        }
        let detail = self
            .store()
            .get_alert(&Scope::All, p.alert)
            .await
            .map_err(|e| e.to_string())?;
        let Some(record) = detail.recipients.iter().find(|r| r.org == p.org) else {
            return Ok(());
        };
        let org = self
            .exposure_index()
            .await
            .map_err(|e| e.to_string())?
            .org_ref_of(p.org);
        let org_name = format!("{} ({})", org.name, org.code);
        let subject = match p.escalation {
            Some(n) => escalation_subject(&detail.alert, n, &org.code),
            None => subject(&detail.alert),
        };
        let body = match p.escalation {
            Some(n) => escalation_body(&detail.alert, record, &org_name, n),
            None => body(&detail.alert, record, &org_name),
        };
        self.send_mail(mail, user.email.as_str(), subject, body).await
    }

    /// Send one plain-text message to one address through the configured mail server (over the
    /// App's pooled connection: [`smtp`]).
    pub(crate) async fn send_mail(
        &self,
        mail: &MailSettings,
        to: &str,
        subject: String,
        body: String,
    ) -> Result<(), String> {
        let from: Mailbox = mail
            .from
            .parse()
            .map_err(|e| format!("the from address is not valid: {e}"))?;
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("the recipient's address is not valid: {e}"))?;
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| format!("the message could not be built: {e}"))?;
        // One pooled transport per configured URL, kept by the App.
        self.mailer()
            .transport(&mail.smtp_url)?
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP delivery failed: {e}"))
    }
}

/// The subject line: severity and title.
fn subject(alert: &Alert) -> String {
    format!("[Ward {} alert] {}", alert.severity, alert.title)
}

/// The subject of an escalation: whose answer is overdue, on which alert.
fn escalation_subject(alert: &Alert, n: EscalationNote, org_code: &str) -> String {
    format!(
        "[Ward {} alert] Overdue: {} from {org_code} on {}",
        alert.severity,
        n.clock.label().to_lowercase(),
        alert.title
    )
}

/// The body of an escalation: which answer is overdue since when, and then the alert as sent.
fn escalation_body(alert: &Alert, record: &Recipient, org_name: &str, n: EscalationNote) -> String {
    let overdue = match n.clock {
        Clock::Acknowledge => format!(
            "has not given its acknowledgement on this alert, due by {}",
            record.clocks.acknowledge_by
        ),
        Clock::FirstUpdate => format!(
            "has not given its first update on this alert, due by {}",
            record.clocks.first_update_by
        ),
        Clock::Remediate => format!(
            "has not closed this alert as remediated, due by {}",
            record.clocks.remediate_by
        ),
    };
    format!(
        "Escalation ({}): {org_name} {overdue}.\n\n{}",
        n.level.label(),
        body(alert, record, org_name)
    )
}

/// The plain-text body: what the alert is, this organisation's clocks, and where to answer.
/// Nothing secret: the alert's own text, dates, a count of assets and a relative link.
fn body(alert: &Alert, record: &Recipient, org_name: &str) -> String {
    let mut b = format!(
        "Ward cyber alert for {org_name}\n\n\
         Title: {}\nSeverity: {}\nTLP: {}\nAdvisories: {}\n\n\
         Your clocks:\n  Acknowledge by: {}\n  First update by: {}\n  Remediate by: {}\n\n\
         Affected assets Ward sees in your organisation: {}\n",
        alert.title,
        alert.severity,
        alert.tlp.as_str(),
        alert.advisories.join(", "),
        record.clocks.acknowledge_by,
        record.clocks.first_update_by,
        record.clocks.remediate_by,
        record.assets.len(),
    );
    if !alert.actions.is_empty() {
        b.push_str("\nRequired actions:\n");
        for a in &alert.actions {
            b.push_str(&format!("  - {a}\n"));
        }
    }
    b.push_str(&format!(
        "\nOpen the alert in Ward to acknowledge and answer: /alerts/{}\n",
        alert.id
    ));
    b
}

/// The `notify.email` job: sends one alert e-mail (or one incident reminder). A failure on the final attempt writes an
/// `alert.email.dead` audit record before the runner marks the job dead.
pub struct EmailJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for EmailJob {
    fn kind(&self) -> JobKind {
        JobKind::NotifyEmail
    }

    async fn run(&self, app: &App, job: &Job) -> Result<(), String> {
        let Some(mail) = app.settings().mail.clone() else {
            return Err("no smtp_url is configured".into());
        };
        // An incident reminder (no alert): a delivery that gives up leaves the dead job as its record.
        if job.payload.get("reminder").is_some() {
            let p: crate::incident_reminders::ReminderEmail = serde_json::from_value(job.payload.clone())
                .map_err(|e| format!("bad notify.email payload: {e}"))?;
            let result = app.send_reminder_email(&mail, &p).await;
            if let Err(msg) = &result {
                let about = (DeliveryAbout::IncidentReminder, None, p.reminder.org);
                dead_delivery_if_final(app, job, about, format!("user {}", p.user), msg).await;
            }
            return result;
        }
        // A supplier advisory's arrival under embargo, or a revision of one.
        if job.payload.get("supplier_advisory").is_some() {
            let p: crate::supplier_advisories::AdvisoryEmail = serde_json::from_value(job.payload.clone())
                .map_err(|e| format!("bad notify.email payload: {e}"))?;
            let result = app.send_advisory_email(&mail, &p).await;
            if let Err(msg) = &result {
                let about = (DeliveryAbout::SupplierAdvisory, None, p.org);
                dead_delivery_if_final(app, job, about, format!("user {}", p.user), msg).await;
            }
            return result;
        }
        // A technology assessment's findings, reported to the organisation that asked.
        if job.payload.get("tech_assessment").is_some() {
            let p: tech_assessment::TechAssessmentEmail = serde_json::from_value(job.payload.clone())
                .map_err(|e| format!("bad notify.email payload: {e}"))?;
            let result = app.send_tech_assessment_email(&mail, &p).await;
            if let Err(msg) = &result {
                let about = (DeliveryAbout::TechAssessment, None, p.org);
                dead_delivery_if_final(app, job, about, format!("user {}", p.user), msg).await;
            }
            return result;
        }
        let p: EmailPayload = serde_json::from_value(job.payload.clone())
            .map_err(|e| format!("bad notify.email payload: {e}"))?;
        let result = app.send_alert_email(&mail, &p).await;
        if let Err(msg) = &result {
            let to = p.escalation.map_or(p.org, |n| n.to);
            let about = (DeliveryAbout::Alert, Some(p.alert), to);
            dead_delivery_if_final(app, job, about, format!("user {}", p.user), msg).await;
        }
        result
    }
}

/// On a delivery's final attempt (its job is about to be marked dead), keep it with its audit
/// record so that it can be listed and replayed: what it told of, the alert if any, and the
/// organisation it was for (whose admins see it). Every delivery job (alert e-mail and webhook,
/// incident and certificate reminders, digests) calls this when it fails.
pub(crate) async fn dead_delivery_if_final(
    app: &App,
    job: &Job,
    (about, alert, org): (DeliveryAbout, Option<AlertId>, OrgId),
    recipient: String,
    error: &str,
) {
    if job.attempts < job.max_attempts {
        return;
    }
    let dead = DeadDelivery {
        job: job.id,
        kind: job.kind,
        about,
        alert,
        org,
        recipient,
        payload: job.payload.clone(),
        error: error.to_owned(),
        attempts: job.attempts,
        died_at: app.now(),
        replayed_at: None,
        replayed_by: None,
        replay_job: None,
    };
    let meta = ward_store::AuditMeta {
        actor: AuditActor::system("notify"),
        at: app.now(),
        request_id: None,
    };
    if let Err(err) = app.store().record_dead_delivery(&dead, &meta).await {
        tracing::error!(error = %err, job = %job.id, "the dead delivery was not recorded");
    }
}
