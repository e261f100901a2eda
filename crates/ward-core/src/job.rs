//! Background jobs as stored: claimed under a lease, retried with backoff.

use crate::JobId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// What a job does. The runner has one handler per kind and claims only kinds it has a handler for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
)]
pub enum JobKind {
    /// Removes expired sessions and the throttle counts of past windows.
    #[serde(rename = "sessions.cleanup")]
    #[strum(serialize = "sessions.cleanup")]
    SessionsCleanup,
    /// Downloads and imports the configured security feeds.
    #[serde(rename = "feeds.sync")]
    #[strum(serialize = "feeds.sync")]
    FeedsSync,
    /// Extends cyber alerts to organisations newly exposed to their advisories.
    #[serde(rename = "alerts.extend")]
    #[strum(serialize = "alerts.extend")]
    AlertsExtend,
    /// Takes the escalation steps of overdue alert answers that have fallen due, and queues
    /// their notices.
    #[serde(rename = "alerts.escalate")]
    #[strum(serialize = "alerts.escalate")]
    AlertsEscalate,
    /// Sends one alert e-mail to one user of a targeted organisation.
    #[serde(rename = "notify.email")]
    #[strum(serialize = "notify.email")]
    NotifyEmail,
    /// Posts one alert to one targeted organisation's signed webhook.
    #[serde(rename = "notify.webhook")]
    #[strum(serialize = "notify.webhook")]
    NotifyWebhook,
    /// Records the incident reminders that have fallen due (regulatory clocks due soon or
    /// overdue, overdue tasks) and queues their notices.
    #[serde(rename = "incidents.remind")]
    #[strum(serialize = "incidents.remind")]
    IncidentsRemind,
    /// Sends the reminders of certificates nearing expiry that have fallen due (each once).
    #[serde(rename = "certificates.remind")]
    #[strum(serialize = "certificates.remind")]
    CertificatesRemind,
    /// Sends one certificate expiry reminder to one user of the organisation holding it.
    #[serde(rename = "notify.certificate")]
    #[strum(serialize = "notify.certificate")]
    NotifyCertificate,
    /// Queues each daily digest that has fallen due (once per person per day).
    #[serde(rename = "notices.digest")]
    #[strum(serialize = "notices.digest")]
    NoticesDigest,
    /// Sends one person's daily digest e-mail.
    #[serde(rename = "notify.digest")]
    #[strum(serialize = "notify.digest")]
    NotifyDigest,
    /// Releases the suppliers' advisories whose embargo has ended (each once).
    #[serde(rename = "supplier_advisories.release")]
    #[strum(serialize = "supplier_advisories.release")]
    SupplierAdvisoriesRelease,
    /// Test support: writes one audit record naming the job. Only builds with the app's
    /// `test-support` feature have a handler for it, so elsewhere such a job is never claimed.
    #[serde(rename = "audit.probe")]
    #[strum(serialize = "audit.probe")]
    AuditProbe,
}

impl JobKind {
    /// The stored name (`feeds.sync`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    /// Gave up after `max_attempts`.
    Dead,
}

impl JobStatus {
    /// The stored name (`queued`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub payload: serde_json::Value,
    pub status: JobStatus,
    pub run_at: Timestamp,
    pub attempts: u32,
    pub max_attempts: u32,
    pub lease_owner: Option<String>,
    pub lease_until: Option<Timestamp>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
}

/// A notification delivery (an e-mail or webhook job) that gave up after its retries, kept so
/// that it can be listed and replayed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeadDelivery {
    /// The job that gave up.
    #[schema(value_type = String)]
    pub job: JobId,
    /// `notify.email` or `notify.webhook`.
    #[schema(value_type = String)]
    pub kind: JobKind,
    /// What the delivery told of.
    pub about: DeliveryAbout,
    /// The alert it told of (an alert's e-mail or webhook, or an escalation).
    #[schema(value_type = Option<String>)]
    pub alert: Option<crate::AlertId>,
    /// The organisation the delivery was for (whose user, or whose webhook).
    #[schema(value_type = String)]
    pub org: crate::OrgId,
    /// Who it was for, in words (`user 0190…`, `the organisation's webhook`).
    pub recipient: String,
    /// The job's payload, queued again by a replay.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// The last error (no secrets: the jobs keep them out).
    pub error: String,
    pub attempts: u32,
    #[schema(value_type = String, format = DateTime)]
    pub died_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub replayed_at: Option<Timestamp>,
    pub replayed_by: Option<String>,
    /// The job a replay queued.
    #[schema(value_type = Option<String>)]
    pub replay_job: Option<JobId>,
}

/// What a delivery that gave up told of.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeliveryAbout {
    /// An alert (as issued or extended, or an escalation of an overdue answer).
    Alert,
    /// An incident's regulatory clock or task.
    IncidentReminder,
    /// A certificate nearing expiry.
    CertificateReminder,
    /// A person's daily digest of notices.
    Digest,
    /// A supplier's advisory: its arrival under embargo (to the national team) or a revision (to
    /// the organisations its alert reached).
    SupplierAdvisory,
    /// The findings of a technology assessment, reported to the organisation that asked.
    TechAssessment,
}

impl DeliveryAbout {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Alert => "Alert",
            Self::IncidentReminder => "Incident reminder",
            Self::CertificateReminder => "Certificate reminder",
            Self::Digest => "Daily digest",
            Self::SupplierAdvisory => "Supplier advisory",
            Self::TechAssessment => "Technology assessment",
        }
    }

    /// The audit action written when such a delivery gives up.
    pub fn dead_action(self, kind: JobKind) -> &'static str {
        match (self, kind) {
            (Self::Alert, JobKind::NotifyWebhook) => "alert.webhook.dead",
            (Self::Alert, _) => "alert.email.dead",
            (Self::IncidentReminder, _) => "incident.reminder.dead",
            (Self::CertificateReminder, _) => "certificate.reminder.dead",
            (Self::Digest, _) => "notice.digest.dead",
            (Self::SupplierAdvisory, _) => "supplier_advisory.email.dead",
            (Self::TechAssessment, _) => "tech_assessment.email.dead",
        }
    }
}

/// Delay before retry number `attempt` (1-based): 2^attempt seconds, capped at one hour.
pub fn backoff(attempt: u32) -> jiff::SignedDuration {
    let secs = 1_i64.checked_shl(attempt.min(12)).unwrap_or(3600).min(3600);
    jiff::SignedDuration::from_secs(secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn kinds_and_statuses_have_one_spelling() {
        crate::text::check_serde_agrees::<JobKind>().unwrap();
        crate::text::check_serde_agrees::<JobStatus>().unwrap();
        crate::text::check_serde_agrees::<DeliveryAbout>().unwrap();
        for k in JobKind::iter() {
            assert_eq!(k.as_str().parse::<JobKind>().unwrap(), k);
        }
        for s in JobStatus::iter() {
            assert_eq!(s.as_str().parse::<JobStatus>().unwrap(), s);
        }
        assert_eq!(JobKind::SessionsCleanup.as_str(), "sessions.cleanup");
        assert_eq!(JobStatus::Succeeded.as_str(), "succeeded");
        assert!(
            "feeds.Sync".parse::<JobKind>().is_err(),
            "stored names are read exactly"
        );
    }
}
