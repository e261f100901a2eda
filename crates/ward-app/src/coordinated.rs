//! Sector-wide incidents: the national team (anywhere) or a regional lead (within its region)
//! opens a coordinated incident, links organisations' local incidents under it and writes its
//! shared timeline. One situation view shows the organisations and services affected and each
//! local incident's status and clocks (overdue flagged). Whoever reads incidents sees a
//! coordinated incident whose area or any local incident is in their footprint: the national team
//! all of it, a region its own organisations', an organisation the shared timeline and its own
//! incident only, never another organisation's local details.

use serde::Serialize;
use ward_core::coordinated::{CoordinatedIncident, CoordinatedInput, SharedEntry};
use ward_core::incident::TimelineInput;
use ward_core::{CoordinatedIncidentId, IncidentId, TimelineEntryId, UserId};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult};
use crate::incidents::{IncidentView, invalid};

/// One organisation affected, as far as the viewer may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AffectedOrg {
    pub org_code: String,
    pub org_name: String,
    /// Its local incidents under the coordinated incident.
    pub incidents: usize,
    /// Services its incidents name as affected.
    pub services: usize,
    /// Some clock of its incidents is overdue.
    pub overdue: bool,
}

/// A shared timeline entry with its time as written and its author's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SharedEntryView {
    pub entry: SharedEntry,
    pub local: String,
    pub author_name: Option<String>,
}

/// The situation view of a coordinated incident, cut to the viewer's footprint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Situation {
    pub coordinated: CoordinatedIncident,
    pub area_code: String,
    pub area_name: String,
    /// The local incidents the viewer may see, with their status and clocks.
    pub incidents: Vec<IncidentView>,
    pub organisations: Vec<AffectedOrg>,
    /// Services named as affected by the incidents shown.
    pub services: usize,
    pub timeline: Vec<SharedEntryView>,
    /// Whether the viewer coordinates it (may link incidents and write the shared timeline).
    pub coordinates: bool,
}

/// Link a local incident under a coordinated incident.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkIncident {
    pub incident: IncidentId,
}

fn person(actor: &Actor, field: &str) -> AppResult<UserId> {
    actor
        .user_id()
        .ok_or_else(|| AppError::invalid(field, "is written by a signed-in person, not a token"))
}

impl App {
    /// Open a coordinated incident for the caller's own organisation (or `area`, inside its
    /// footprint).
    pub async fn coordinate_incident(
        &self,
        actor: &Actor,
        input: CoordinatedInput,
    ) -> AppResult<CoordinatedIncident> {
        let now = self.now();
        let area = input.area.unwrap_or(actor.org);
        let scope = authorise_on(self.store(), actor, Action::CoordinateIncidents, area, now).await?;
        let created_by = person(actor, "created_by")?;
        let (title, summary) = input.validate().map_err(invalid)?;
        let c = CoordinatedIncident {
            id: CoordinatedIncidentId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            area,
            title,
            summary,
            created_by,
            created_at: now,
        };
        self.store()
            .create_coordinated(&scope, &c, &actor.audit(now))
            .await?;
        Ok(c)
    }

    /// Link a local incident (inside the caller's footprint) under a coordinated incident it
    /// coordinates.
    pub async fn link_to_coordinated(
        &self,
        actor: &Actor,
        id: CoordinatedIncidentId,
        link: LinkIncident,
    ) -> AppResult<Situation> {
        let now = self.now();
        let scope = authorise(actor, Action::CoordinateIncidents, now)?;
        self.store()
            .link_to_coordinated(&scope, id, link.incident, &actor.audit(now))
            .await?;
        self.situation(actor, id).await
    }

    /// Add to a coordinated incident's shared timeline.
    pub async fn add_shared_entry(
        &self,
        actor: &Actor,
        id: CoordinatedIncidentId,
        input: TimelineInput,
    ) -> AppResult<SharedEntryView> {
        let now = self.now();
        let scope = authorise(actor, Action::CoordinateIncidents, now)?;
        let author = person(actor, "author")?;
        let (at, zone, text) = input.validate().map_err(invalid)?;
        let entry = SharedEntry {
            id: TimelineEntryId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            coordinated: id,
            at,
            zone,
            text,
            author,
            recorded_at: now,
        };
        self.store()
            .add_shared_entry(&scope, &entry, &actor.audit(now))
            .await?;
        let names = self.store().people_names(&[author]).await?;
        Ok(SharedEntryView {
            local: entry.local(),
            author_name: names.get(&author).cloned(),
            entry,
        })
    }

    /// The coordinated incidents the caller sees, latest first.
    pub async fn coordinated_incidents(&self, actor: &Actor) -> AppResult<Vec<CoordinatedIncident>> {
        let scope = authorise(actor, Action::ReadIncidents, self.now())?;
        Ok(self.store().list_coordinated(&scope).await?)
    }

    /// The situation view of a coordinated incident, cut to the caller's footprint.
    pub async fn situation(&self, actor: &Actor, id: CoordinatedIncidentId) -> AppResult<Situation> {
        let now = self.now();
        let scope = authorise(actor, Action::ReadIncidents, now)?;
        let coordinated = self.store().get_coordinated(&scope, id).await?;
        let members = self.store().coordinated_members(&scope, id).await?;
        let entries = self.store().shared_timeline(&scope, id).await?;
        let incidents = self.incident_views(members).await?;
        let mut organisations: std::collections::BTreeMap<String, AffectedOrg> =
            std::collections::BTreeMap::new();
        let mut services = std::collections::BTreeSet::new();
        for v in &incidents {
            let o = organisations
                .entry(v.org_code.clone())
                .or_insert_with(|| AffectedOrg {
                    org_code: v.org_code.clone(),
                    org_name: v.org_name.clone(),
                    incidents: 0,
                    services: 0,
                    overdue: false,
                });
            o.incidents += 1;
            o.services += v.incident.details.services.len();
            o.overdue |= v.overdue;
            services.extend(v.incident.details.services.iter().copied());
        }
        let authors: Vec<UserId> = entries
            .iter()
            .map(|e| e.author)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let names = self.store().people_names(&authors).await?;
        let labels = self
            .store()
            .org_labels(&ward_store::Scope::All, &[coordinated.area])
            .await?;
        let (area_code, area_name) = labels.get(&coordinated.area).cloned().unwrap_or_default();
        let coordinates = match authorise(actor, Action::CoordinateIncidents, now) {
            Ok(s) => crate::authz::scope_contains(self.store(), &s, coordinated.area).await?,
            Err(_) => false,
        };
        Ok(Situation {
            area_code,
            area_name,
            organisations: organisations.into_values().collect(),
            services: services.len(),
            incidents,
            timeline: entries
                .into_iter()
                .map(|entry| SharedEntryView {
                    local: entry.local(),
                    author_name: names.get(&entry.author).cloned(),
                    entry,
                })
                .collect(),
            coordinates,
            coordinated,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::authz::{Action, scope_for};
    use strum::IntoEnumIterator;
    use ward_core::OrgId;
    use ward_core::role::Role;
    use ward_store::Scope;

    #[test]
    fn only_the_national_team_and_a_region_within_itself_coordinate() {
        let org = OrgId::from_uuid(uuid::Uuid::nil());
        let who: Vec<Role> = Role::iter()
            .filter(|r| scope_for(*r, org, Action::CoordinateIncidents).is_some())
            .collect();
        assert_eq!(who, vec![Role::NationalAnalyst, Role::RegionalLead]);
        assert_eq!(
            scope_for(Role::RegionalLead, org, Action::CoordinateIncidents),
            Some(Scope::subtree(org))
        );
        assert_eq!(
            scope_for(Role::NationalAnalyst, org, Action::CoordinateIncidents),
            Some(Scope::All)
        );
    }
}
