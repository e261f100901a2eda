//! Incidents: an organisation records and edits its own cyber incidents and adds to their
//! time-zone-aware timelines (its admins, members and the incident responders deployed to it);
//! the organisation, its ICB and region and the national team read them. The regulatory clocks
//! are computed against the time of the request, never stored.

use serde::{Deserialize, Serialize};
use ward_core::incident::{
    ClockState, Incident, IncidentDetails, IncidentLinks, IncidentStatus, TimelineEntry, TimelineInput,
};
use ward_core::{IncidentId, OrgId, TimelineEntryId, UserId};
use ward_store::incidents::IncidentFilter;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};

/// An incident as shown: the stored incident with its clocks at the time of the request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentView {
    pub incident: Incident,
    /// NCSC category number, 1 to 6.
    pub category_number: u8,
    pub clocks: Vec<ClockState>,
    /// Some clock is past due without its report.
    pub overdue: bool,
    pub org_code: String,
    pub org_name: String,
}

/// One incident with its timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentPage {
    pub view: IncidentView,
    pub timeline: Vec<TimelineView>,
    /// The response's tasks, earliest due first.
    pub tasks: Vec<crate::incident_tasks::TaskView>,
    /// The alerts, exposures and risks it is linked to.
    pub links: IncidentLinks,
    /// The suppliers implicated, named.
    pub suppliers: Vec<NamedOrg>,
}

/// An organisation with its ODS code and name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedOrg {
    pub id: OrgId,
    pub code: String,
    pub name: String,
}

/// A timeline entry with its time as written and its author's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineView {
    pub entry: TimelineEntry,
    /// The time in the zone it was written in (RFC 9557).
    pub local: String,
    pub author_name: Option<String>,
}

/// Which incidents to list (query parameters of the API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    /// Only this organisation and the organisations beneath it.
    pub org: Option<OrgId>,
    /// Only incidents with this status (`open`, `contained`, `recovered`, `closed`).
    pub status: Option<IncidentStatus>,
}

/// How many incidents one organisation has with one status and category.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IncidentFigure {
    pub count: ward_store::incidents::IncidentCount,
    pub category_number: u8,
    pub org_code: String,
    pub org_name: String,
}

/// A new incident for an organisation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIncident {
    pub org: OrgId,
    pub details: IncidentDetails,
}

pub(crate) fn invalid(errors: Vec<ward_core::ValidationError>) -> AppError {
    AppError::Invalid(
        errors
            .into_iter()
            .map(|e| FieldProblem {
                path: e.field,
                message: e.message,
            })
            .collect(),
    )
}

fn person(actor: &Actor, field: &str) -> AppResult<UserId> {
    actor
        .user_id()
        .ok_or_else(|| AppError::invalid(field, "is written by a signed-in person, not a token"))
}

impl App {
    /// Record an incident for an organisation in the caller's footprint.
    pub async fn create_incident(&self, actor: &Actor, new: NewIncident) -> AppResult<IncidentView> {
        let created_by = person(actor, "created_by")?;
        self.record_incident(actor, created_by, new).await
    }

    /// Record an incident reported by an account, for Ward itself (`ward incidents report`): the
    /// operator at the command line names who reported it. Refused for anyone else, whose
    /// incidents are always their own.
    pub async fn report_incident_for(
        &self,
        actor: &Actor,
        reporter: UserId,
        new: NewIncident,
    ) -> AppResult<IncidentView> {
        if !actor.is_system() {
            return Err(AppError::forbidden(
                "only Ward's operator records an incident for someone else",
            ));
        }
        self.record_incident(actor, reporter, new).await
    }

    async fn record_incident(
        &self,
        actor: &Actor,
        created_by: UserId,
        new: NewIncident,
    ) -> AppResult<IncidentView> {
        let now = self.now();
        let scope = authorise_on(self.store(), actor, Action::WriteIncidents, new.org, now).await?;
        let details = new.details.validate().map_err(invalid)?;
        let incident = Incident {
            id: IncidentId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            org: new.org,
            details,
            created_by,
            created_at: now,
            updated_at: now,
        };
        // A service, asset or supplier refused by the store is named as the field it came from.
        self.store()
            .create_incident(&scope, &incident, &actor.audit(now))
            .await
            .map_err(crate::exercises::refused)?;
        Ok(self.incident_views(vec![incident]).await?.remove(0))
    }

    /// Replace an incident's details.
    pub async fn update_incident(
        &self,
        actor: &Actor,
        id: IncidentId,
        details: IncidentDetails,
    ) -> AppResult<IncidentView> {
        let scope = authorise(actor, Action::WriteIncidents, self.now())?;
        let details = details.validate().map_err(invalid)?;
        let after = self
            .store()
            .update_incident(&scope, id, &details, &actor.audit(self.now()))
            .await
            .map_err(crate::exercises::refused)?;
        Ok(self.incident_views(vec![after]).await?.remove(0))
    }

    /// Add an entry to an incident's timeline; its author is the signed-in person.
    pub async fn add_timeline_entry(
        &self,
        actor: &Actor,
        id: IncidentId,
        input: TimelineInput,
    ) -> AppResult<TimelineView> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteIncidents, now)?;
        let author = person(actor, "author")?;
        let (at, zone, text) = input.validate().map_err(invalid)?;
        let entry = TimelineEntry {
            id: TimelineEntryId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            incident: id,
            at,
            zone,
            text,
            author,
            recorded_at: now,
        };
        self.store()
            .add_timeline_entry(&scope, &entry, &actor.audit(now))
            .await?;
        let names = self.store().people_names(&[author]).await?;
        Ok(TimelineView {
            local: entry.local(),
            author_name: names.get(&author).cloned(),
            entry,
        })
    }

    /// Replace what an incident is linked to: alerts its organisation received, exposures of its
    /// assets and risks in its register (or those of organisations beneath it). Anything else is
    /// not found.
    pub async fn set_incident_links(
        &self,
        actor: &Actor,
        id: IncidentId,
        links: IncidentLinks,
    ) -> AppResult<IncidentLinks> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteIncidents, now)?;
        let links = links.validate().map_err(invalid)?;
        Ok(self
            .store()
            .set_incident_links(&scope, id, &links, &actor.audit(now))
            .await?)
    }

    /// The incidents in the caller's footprint counted by organisation, status and NCSC
    /// category (one set-based query), for figures that sum them by any of those.
    pub async fn incident_figures(&self, actor: &Actor) -> AppResult<Vec<IncidentFigure>> {
        let scope = authorise(actor, Action::ReadIncidents, self.now())?;
        let counts = self.store().incident_counts(&scope).await?;
        let orgs: Vec<OrgId> = counts
            .iter()
            .map(|c| c.org)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let labels = self.store().org_labels(&ward_store::Scope::All, &orgs).await?;
        Ok(counts
            .into_iter()
            .map(|c| {
                let (org_code, org_name) = labels.get(&c.org).cloned().unwrap_or_default();
                IncidentFigure {
                    category_number: c.category.number(),
                    org_code,
                    org_name,
                    count: c,
                }
            })
            .collect())
    }

    /// One incident in the caller's footprint, with its timeline.
    pub async fn incident(&self, actor: &Actor, id: IncidentId) -> AppResult<IncidentPage> {
        let scope = authorise(actor, Action::ReadIncidents, self.now())?;
        let incident = self.store().get_incident(&scope, id).await?;
        let entries = self.store().incident_timeline(&scope, id).await?;
        let authors: Vec<UserId> = entries
            .iter()
            .map(|e| e.author)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let names = self.store().people_names(&authors).await?;
        let timeline = entries
            .into_iter()
            .map(|entry| TimelineView {
                local: entry.local(),
                author_name: names.get(&entry.author).cloned(),
                entry,
            })
            .collect();
        let tasks = self.store().incident_tasks(&scope, id).await?;
        let links = self.store().incident_links(&scope, id).await?;
        let named = self
            .store()
            .org_labels(&ward_store::Scope::All, &incident.details.suppliers)
            .await?;
        let suppliers = incident
            .details
            .suppliers
            .iter()
            .map(|id| {
                let (code, name) = named.get(id).cloned().unwrap_or_default();
                NamedOrg { id: *id, code, name }
            })
            .collect();
        Ok(IncidentPage {
            links,
            suppliers,
            view: self.incident_views(vec![incident]).await?.remove(0),
            timeline,
            tasks: self.task_views(tasks).await?,
        })
    }

    /// The incidents in the caller's footprint that `q` selects, latest detection first.
    pub async fn incidents(&self, actor: &Actor, q: &IncidentQuery) -> AppResult<Vec<IncidentView>> {
        let scope = authorise(actor, Action::ReadIncidents, self.now())?;
        if let Some(org) = q.org {
            authorise_on(self.store(), actor, Action::ReadIncidents, org, self.now()).await?;
        }
        let filter = IncidentFilter {
            org: q.org,
            status: q.status,
        };
        let incidents = self.store().list_incidents(&scope, &filter).await?;
        self.incident_views(incidents).await
    }

    pub(crate) async fn incident_views(&self, incidents: Vec<Incident>) -> AppResult<Vec<IncidentView>> {
        let now = self.now();
        let orgs: Vec<OrgId> = incidents
            .iter()
            .map(|i| i.org)
            .collect::<std::collections::BTreeSet<OrgId>>()
            .into_iter()
            .collect();
        let labels = self.store().org_labels(&ward_store::Scope::All, &orgs).await?;
        Ok(incidents
            .into_iter()
            .map(|incident| {
                let clocks = incident.clocks(now);
                IncidentView {
                    category_number: incident.details.category.number(),
                    overdue: clocks.iter().any(|c| c.overdue),
                    clocks,
                    org_code: labels.get(&incident.org).map(|l| l.0.clone()).unwrap_or_default(),
                    org_name: labels.get(&incident.org).map(|l| l.1.clone()).unwrap_or_default(),
                    incident,
                }
            })
            .collect())
    }
}
