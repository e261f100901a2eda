//! Incidents: each organisation's cyber incidents and their timelines.

use async_trait::async_trait;
use ward_core::incident::{Incident, IncidentDetails, IncidentStatus, TimelineEntry};
use ward_core::{IncidentId, OrgId};

use crate::{AuditMeta, Scope, StoreResult};

/// Which incidents to list. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    /// Only this organisation and those beneath it.
    pub org: Option<OrgId>,
    pub status: Option<IncidentStatus>,
}

/// Incidents. Each incident is owned by its organisation: every method takes the caller's scope
/// and treats an incident outside it as not found.
#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Record a new incident (audited as `incident.create`). Its organisation must be inside the
    /// scope; its services and assets must be the organisation's own, else it is refused as
    /// invalid naming the field.
    async fn create_incident(&self, scope: &Scope, incident: &Incident, audit: &AuditMeta)
    -> StoreResult<()>;
    /// Replace an incident's details (audited as `incident.update`). Returns it as stored.
    async fn update_incident(
        &self,
        scope: &Scope,
        id: IncidentId,
        details: &IncidentDetails,
        audit: &AuditMeta,
    ) -> StoreResult<Incident>;
    async fn get_incident(&self, scope: &Scope, id: IncidentId) -> StoreResult<Incident>;
    /// The incidents in scope the filter selects, most recently detected first.
    async fn list_incidents(&self, scope: &Scope, filter: &IncidentFilter) -> StoreResult<Vec<Incident>>;
    /// Add an entry to an incident's timeline (audited as `incident.timeline`).
    async fn add_timeline_entry(
        &self,
        scope: &Scope,
        entry: &TimelineEntry,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// An incident's timeline, earliest first.
    async fn incident_timeline(&self, scope: &Scope, id: IncidentId) -> StoreResult<Vec<TimelineEntry>>;
}

/// Refusals of incident writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;

    pub fn not_the_orgs(field: &str, what: &str, n: usize) -> StoreError {
        StoreError::Invalid(format!(
            "{field}: {n} of them {} not {what}",
            if n == 1 { "is" } else { "are" }
        ))
    }
}
