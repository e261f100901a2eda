//! Incidents: each organisation's cyber incidents and their timelines.

use async_trait::async_trait;
use ward_core::coordinated::{CoordinatedIncident, SharedEntry};
use ward_core::incident::{Incident, IncidentDetails, IncidentLinks, IncidentStatus, TimelineEntry};
use ward_core::incident_reminder::Reminder;
use ward_core::incident_task::IncidentTask;
use ward_core::{CoordinatedIncidentId, IncidentId, IncidentTaskId, OrgId, UserId};

use crate::{AuditMeta, Scope, StoreResult};

/// Which incidents to list. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    /// Only this organisation and those beneath it.
    pub org: Option<OrgId>,
    pub status: Option<IncidentStatus>,
}

/// How many incidents of one organisation have one status and one NCSC category: the figures a
/// recovery-metrics page sums by organisation, ICB, region, status or category.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct IncidentCount {
    pub org: OrgId,
    pub status: IncidentStatus,
    pub category: ward_core::incident::NcscCategory,
    pub count: u64,
}

/// Incidents. Each incident is owned by its organisation: every method takes the caller's scope
/// and treats an incident outside it as not found.
#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// The incidents in scope counted by organisation, status and category, in one query (ordered
    /// by organisation, status, category).
    async fn incident_counts(&self, scope: &Scope) -> StoreResult<Vec<IncidentCount>>;
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
    /// Add a task to an incident in scope (audited as `incident.task.add`). The task's
    /// organisation is the incident's, whatever the task says.
    async fn add_incident_task(
        &self,
        scope: &Scope,
        task: &IncidentTask,
        audit: &AuditMeta,
    ) -> StoreResult<IncidentTask>;
    /// Mark a task of an incident in scope done by `by` at `audit.at`, or open again when
    /// `done` is false (audited as `incident.task.done` or `incident.task.reopen`). Returns it as
    /// stored; a task of another incident is not found.
    async fn set_incident_task_done(
        &self,
        scope: &Scope,
        incident: IncidentId,
        task: IncidentTaskId,
        done: Option<UserId>,
        audit: &AuditMeta,
    ) -> StoreResult<IncidentTask>;
    /// Change a task's title, owner and due day (audited as `incident.task.edit`); a task of
    /// another incident is not found.
    async fn edit_incident_task(
        &self,
        scope: &Scope,
        incident: IncidentId,
        task: IncidentTaskId,
        plan: &ward_core::incident_task::TaskInput,
        audit: &AuditMeta,
    ) -> StoreResult<IncidentTask>;
    /// An incident's tasks, earliest due first.
    async fn incident_tasks(&self, scope: &Scope, id: IncidentId) -> StoreResult<Vec<IncidentTask>>;
    /// Replace what an incident in scope is linked to (audited as `incident.links`). Every alert
    /// must have been sent to the incident's organisation or one beneath it, every risk be in
    /// their registers, every exposure be of their assets to a known advisory; any other is
    /// refused as not found, and nothing is written.
    async fn set_incident_links(
        &self,
        scope: &Scope,
        id: IncidentId,
        links: &IncidentLinks,
        audit: &AuditMeta,
    ) -> StoreResult<IncidentLinks>;
    /// What an incident in scope is linked to, each kind sorted.
    async fn incident_links(&self, scope: &Scope, id: IncidentId) -> StoreResult<IncidentLinks>;
    /// Every incident (Ward itself reads them all) with an obligation that may need a reminder:
    /// a regulatory clock that applies and is not met, or an open task; with its open tasks.
    async fn incidents_to_remind(&self) -> StoreResult<Vec<(Incident, Vec<IncidentTask>)>>;
    /// Record the reminders not recorded yet (each incident, subject and stage once, whoever
    /// records it first; audited as `incident.reminder`); returns those this call recorded.
    async fn record_incident_reminders(
        &self,
        reminders: &[Reminder],
        audit: &AuditMeta,
    ) -> StoreResult<Vec<Reminder>>;
    /// Recorded reminders whose notices are not queued yet, oldest first.
    async fn unqueued_incident_reminders(&self, limit: u32) -> StoreResult<Vec<Reminder>>;
    /// Note that a reminder's notices are queued.
    async fn mark_incident_reminder_queued(
        &self,
        reminder: &Reminder,
        at: jiff::Timestamp,
    ) -> StoreResult<()>;
    /// An incident's reminders, in the order recorded.
    async fn incident_reminders(&self, scope: &Scope, id: IncidentId) -> StoreResult<Vec<Reminder>>;

    // Sector-wide incidents. A coordinated incident is written by its coordinating organisation's
    // scope (its area inside the scope), and visible to a scope holding its area or any of its
    // local incidents; its local incidents are shown only where each is in scope.

    /// Open a coordinated incident (audited as `coordinated.create`); its area must be in scope.
    async fn create_coordinated(
        &self,
        scope: &Scope,
        c: &CoordinatedIncident,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Link a local incident under a coordinated incident (audited as `coordinated.link`, once:
    /// linking it again changes nothing). The coordinated incident's area and the incident must
    /// both be in scope, else not found.
    async fn link_to_coordinated(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
        incident: IncidentId,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    async fn get_coordinated(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
    ) -> StoreResult<CoordinatedIncident>;
    /// The coordinated incidents visible in scope, latest first.
    async fn list_coordinated(&self, scope: &Scope) -> StoreResult<Vec<CoordinatedIncident>>;
    /// The local incidents of a visible coordinated incident that are in scope, latest detection
    /// first.
    async fn coordinated_members(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
    ) -> StoreResult<Vec<Incident>>;
    /// Add to a coordinated incident's shared timeline (audited as `coordinated.timeline`); its
    /// area must be in scope.
    async fn add_shared_entry(
        &self,
        scope: &Scope,
        entry: &SharedEntry,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The shared timeline of a visible coordinated incident, earliest first.
    async fn shared_timeline(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
    ) -> StoreResult<Vec<SharedEntry>>;
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
