//! Alert storage: alerts, each targeted organisation's record, and the timeline.

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;
use ward_core::alert::{Alert, AlertEvent, Recipient, Response};
use ward_core::{AlertId, OrgId};

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
}

/// Refusals of alert writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;

    pub fn closed() -> StoreError {
        StoreError::Conflict("this organisation has closed the alert: it takes no more answers".into())
    }

    pub fn already_acknowledged() -> StoreError {
        StoreError::Conflict("this organisation has already acknowledged the alert".into())
    }
}
