//! Alert storage: alerts, each targeted organisation's record, and the timeline.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;
use ward_core::alert::escalation::Escalation;
use ward_core::alert::figures::RecordFacts;
use ward_core::alert::{Alert, AlertEvent, Recipient, Response};
use ward_core::job::{DeadDelivery, Job};
use ward_core::{AlertId, JobId, OrgId};

use crate::{AuditMeta, Scope, StoreResult};

/// An alert with its figures over the recipients inside the caller's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AlertSummary {
    pub alert: Alert,
    /// Organisations targeted (inside the caller's scope).
    pub organisations: u64,
    pub acknowledged: u64,
    pub closed: u64,
    /// Records with at least one clock run out (at the time given to the list).
    pub overdue: u64,
    /// Affected assets across those records.
    pub assets: u64,
}

/// One alert as the caller may see it: its records and timeline entries inside the caller's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AlertDetail {
    pub alert: Alert,
    /// By organisation id.
    pub recipients: Vec<Recipient>,
    /// Oldest first; the issue itself and entries about organisations in scope.
    pub events: Vec<AlertEvent>,
}

/// Alerts. An alert is visible inside a scope that covers one of its recipients or its issuer
/// (everything under [`Scope::All`]); otherwise it does not exist for the caller. Records and
/// timeline entries of organisations outside the scope are never returned.
#[async_trait]
pub trait AlertStore: Send + Sync {
    /// Store a new alert with its records, the timeline's `issued` and `targeted` entries, and one
    /// `alert.issue` audit record, in one transaction. Every recipient must lie inside `scope`
    /// (else `NotFound` naming the organisation, and nothing is stored).
    async fn create_alert(
        &self,
        scope: &Scope,
        alert: &Alert,
        recipients: &[Recipient],
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Add the records of organisations the alert does not reach yet (those it reaches are left
    /// alone), each with an `extended` entry; one `alert.extend` audit record when any was added.
    /// Returns how many were added.
    async fn extend_alert(
        &self,
        scope: &Scope,
        id: AlertId,
        recipients: &[Recipient],
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
    /// Whether any alert exists (so that work after imports is queued only when it can matter).
    async fn any_alert(&self) -> StoreResult<bool>;
    /// The alerts visible in `scope`, newest first, with figures at `now`.
    async fn list_alerts(&self, scope: &Scope, now: Timestamp) -> StoreResult<Vec<AlertSummary>>;
    /// One alert visible in `scope`.
    async fn get_alert(&self, scope: &Scope, id: AlertId) -> StoreResult<AlertDetail>;
    /// Record an organisation's answer (any answer also acknowledges). Refused as a conflict when
    /// its record is closed, or on a second acknowledgement; `NotFound` when the record is outside
    /// `scope`. Appends the timeline entry and the audit record (`alert.acknowledge`,
    /// `alert.applicability`, `alert.update`, `alert.close`). Returns the record as stored.
    async fn respond_to_alert(
        &self,
        scope: &Scope,
        id: AlertId,
        org: OrgId,
        response: &Response,
        audit: &AuditMeta,
    ) -> StoreResult<Recipient>;
    /// Note on the timeline of alert `id` (inside `scope`) that Ward no longer sees each of `orgs`
    /// exposed, with `text` (a `no_longer_exposed` entry each; their records stay as they are),
    /// and one `alert.no_longer_exposed` audit record, in one transaction. Organisations the
    /// alert does not reach are left out. Returns how many entries were added.
    async fn note_no_longer_exposed(
        &self,
        scope: &Scope,
        id: AlertId,
        orgs: &[OrgId],
        text: &str,
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
}

/// Escalation of overdue answers. Ward itself takes the steps (the `alerts.escalate` job); people
/// read them with the alert, inside their scope.
#[async_trait]
pub trait EscalationStore: Send + Sync {
    /// Every open record with an unanswered acknowledgement or first update past its clock at
    /// `now` that has not yet been escalated to the last level for that clock. Not scoped: only
    /// Ward itself calls it.
    async fn records_to_escalate(&self, now: Timestamp) -> StoreResult<Vec<Recipient>>;
    /// Record the steps not taken yet, each only while its record is still open and its clock
    /// unanswered, each with an `escalated` timeline entry and an `alert.escalate` audit record,
    /// in one transaction. Returns the steps recorded, in the order given; a step already taken
    /// (by this runner or another) is left out, so each step is recorded once.
    async fn record_escalations(
        &self,
        steps: &[Escalation],
        audit: &AuditMeta,
    ) -> StoreResult<Vec<Escalation>>;
    /// The steps taken on one alert for the organisations inside `scope`, in the order taken.
    async fn alert_escalations(&self, scope: &Scope, alert: AlertId) -> StoreResult<Vec<Escalation>>;
    /// Steps whose notices (e-mail and webhook jobs) are not queued yet, oldest first, at most `limit`.
    async fn unqueued_escalations(&self, limit: u32) -> StoreResult<Vec<Escalation>>;
    /// Note that a step's notices are queued.
    async fn mark_escalation_queued(&self, step: &Escalation, at: Timestamp) -> StoreResult<()>;
}

/// What the response figures read: the facts of each record, and the ICBs, regions and national
/// body each organisation's figures add up to.
#[async_trait]
pub trait AlertFigureStore: Send + Sync {
    /// Each record of an organisation inside `scope`, with its facts (when applicability was
    /// first recorded, how many escalation steps were taken).
    async fn response_facts(&self, scope: &Scope) -> StoreResult<Vec<(OrgId, RecordFacts)>>;
    /// For each of `orgs`, the organisations of kind ICB, region or national body at or above it
    /// that lie inside `scope`, as (organisation, area, the area's kind).
    async fn figure_areas(
        &self,
        scope: &Scope,
        orgs: &[OrgId],
    ) -> StoreResult<Vec<(OrgId, OrgId, ward_core::org::OrgKind)>>;
}

/// Notification deliveries that gave up, and their replay.
#[async_trait]
pub trait DeliveryStore: Send + Sync {
    /// Keep a delivery that gave up, with its audit record (`alert.email.dead`,
    /// `alert.webhook.dead`), in one transaction. Recording the same job again changes nothing.
    async fn record_dead_delivery(&self, dead: &DeadDelivery, audit: &AuditMeta) -> StoreResult<()>;
    /// The deliveries that gave up for organisations inside `scope`, newest first.
    async fn dead_deliveries(&self, scope: &Scope) -> StoreResult<Vec<DeadDelivery>>;
    /// Queue `job` (a fresh job with the dead one's kind and payload) and mark the dead delivery
    /// replayed, with an `alert.delivery.replay` audit record, in one transaction. `NotFound` when
    /// it is outside `scope`; a conflict when it was replayed already.
    async fn replay_dead_delivery(
        &self,
        scope: &Scope,
        dead: JobId,
        job: &Job,
        audit: &AuditMeta,
    ) -> StoreResult<DeadDelivery>;
}

/// Refusals of alert writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;

    pub fn closed() -> StoreError {
        StoreError::Conflict("this organisation has closed the alert: it takes no more answers".into())
    }

    pub fn already_replayed() -> StoreError {
        StoreError::Conflict("this delivery has already been replayed".into())
    }

    pub fn already_acknowledged() -> StoreError {
        StoreError::Conflict("this organisation has already acknowledged the alert".into())
    }
}
