//! Response teams: the national team (anywhere) or a regional lead (within its region) deploys a
//! named responder to the organisation of an incident until an end time. The deployment creates,
//! in the same transaction, the responder's incident-responder grant on that organisation expiring
//! at the deployment's end, so the responder's access (session and tokens) ends by itself; the
//! deployer's level may end it early, which shortens the grant to that instant.
//!
//! A regional lead may not hand out responder grants through user management
//! (`authz::grantable_roles`); a deployment is the one path by which it may, and only one bounded
//! by an incident in its region and an end at most `responder_max_days` ahead.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use ward_core::deployment::{Deployment, DeploymentStatus, check_times};
use ward_core::role::{Role, RoleGrant};
use ward_core::{DeploymentId, GrantId, IncidentId, OrgId, UserId};
use ward_store::Scope;

use crate::App;
use crate::accounts::secrets::random_bytes;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult, FieldProblem};

/// A deployment request for an incident.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDeployment {
    /// The responder: an existing, enabled account (not the deployer).
    pub responder: UserId,
    /// Optional; a deployment starts when it is made (a future start is refused).
    #[schema(value_type = Option<String>, format = DateTime)]
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
}

/// A deployment as shown: who, where, for which incident, until when.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeploymentView {
    pub deployment: Deployment,
    pub status: DeploymentStatus,
    pub status_label: &'static str,
    /// When the responder's access ends (or ended).
    #[schema(value_type = String, format = DateTime)]
    pub access_ends: Timestamp,
    pub responder_name: String,
    pub org_code: String,
    pub org_name: String,
    pub incident_title: String,
}

/// Someone in the pool with no active deployment.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FreeResponderView {
    pub user: UserId,
    pub display_name: String,
}

/// Who is deployed where (active deployments in the footprint) and who is free.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Capacity {
    pub deployed: Vec<DeploymentView>,
    pub free: Vec<FreeResponderView>,
    /// Deployments in the footprint that have ended, latest start first (at most 50).
    pub ended: Vec<DeploymentView>,
}

fn invalid(errors: Vec<ward_core::ValidationError>) -> AppError {
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

impl App {
    /// Deploy a responder to the organisation of `incident` (in the deployer's footprint).
    pub async fn deploy_responder(
        &self,
        actor: &Actor,
        incident: IncidentId,
        new: NewDeployment,
    ) -> AppResult<DeploymentView> {
        let now = self.now();
        let scope = authorise(actor, Action::DeployResponders, now)?;
        let incident = self.store().get_incident(&scope, incident).await?;
        let (starts_at, ends_at) = check_times(
            new.starts_at,
            new.ends_at,
            now,
            self.settings().responder_max_days,
        )
        .map_err(invalid)?;
        let deployed_by = self.person_behind(actor).await?;
        if deployed_by == Some(new.responder) {
            return Err(AppError::forbidden("nobody may deploy themselves"));
        }
        let responder = self
            .store()
            .get_user(new.responder)
            .await
            .map_err(|_| AppError::invalid("responder", "no such account"))?;
        if responder.disabled {
            return Err(AppError::invalid("responder", "the account is disabled"));
        }
        let kind = self.store().get_org(&Scope::All, incident.org).await?.kind;
        Role::IncidentResponder.check_grant(kind, Some(ends_at))?;
        let grant = RoleGrant {
            id: GrantId::new_at(now, random_bytes::<10>()?),
            user: responder.id,
            role: Role::IncidentResponder,
            org: incident.org,
            created_at: now,
            expires_at: Some(ends_at),
            granted_by: deployed_by,
        };
        let deployment = Deployment {
            id: DeploymentId::new_at(now, random_bytes::<10>()?),
            incident: incident.id,
            org: incident.org,
            responder: responder.id,
            grant: grant.id,
            starts_at,
            ends_at,
            ended_at: None,
            deployed_by,
            created_at: now,
        };
        self.store()
            .create_deployment(&scope, &deployment, &grant, &actor.audit(now))
            .await?;
        Ok(self.deployment_views(&scope, vec![deployment]).await?.remove(0))
    }

    /// End a deployment now; the responder's next request is refused.
    pub async fn end_deployment(&self, actor: &Actor, id: DeploymentId) -> AppResult<DeploymentView> {
        let now = self.now();
        let scope = authorise(actor, Action::DeployResponders, now)?;
        let ended = self.store().end_deployment(&scope, id, &actor.audit(now)).await?;
        Ok(self.deployment_views(&scope, vec![ended]).await?.remove(0))
    }

    /// The capacity view: active deployments in the footprint, the free pool, recent ended ones.
    pub async fn capacity(&self, actor: &Actor) -> AppResult<Capacity> {
        let now = self.now();
        let scope = authorise(actor, Action::ReadDeployments, now)?;
        let all = self.store().list_deployments(&scope).await?;
        let (active, ended): (Vec<Deployment>, Vec<Deployment>) =
            all.into_iter().partition(|d| d.is_active(now));
        let free = self
            .store()
            .free_responders(&scope, now)
            .await?
            .into_iter()
            .map(|f| FreeResponderView {
                user: f.user,
                display_name: f.display_name,
            })
            .collect();
        Ok(Capacity {
            deployed: self.deployment_views(&scope, active).await?,
            free,
            ended: self
                .deployment_views(&scope, ended.into_iter().take(50).collect())
                .await?,
        })
    }

    async fn deployment_views(
        &self,
        scope: &Scope,
        deployments: Vec<Deployment>,
    ) -> AppResult<Vec<DeploymentView>> {
        let now = self.now();
        let orgs: Vec<OrgId> = deployments
            .iter()
            .map(|d| d.org)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let people: Vec<UserId> = deployments
            .iter()
            .map(|d| d.responder)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let labels = self.store().org_labels(&ward_store::Scope::All, &orgs).await?;
        let names = self.store().people_names(&people).await?;
        let mut titles: HashMap<IncidentId, String> = HashMap::new();
        for d in &deployments {
            // A deployment's organisation is its incident's, so the incident is in scope too.
            if let std::collections::hash_map::Entry::Vacant(e) = titles.entry(d.incident) {
                e.insert(self.store().get_incident(scope, d.incident).await?.details.title);
            }
        }
        Ok(deployments
            .into_iter()
            .map(|d| {
                let status = d.status(now);
                DeploymentView {
                    status,
                    status_label: status.label(),
                    access_ends: d.access_ends(),
                    responder_name: names.get(&d.responder).cloned().unwrap_or_default(),
                    org_code: labels.get(&d.org).map(|l| l.0.clone()).unwrap_or_default(),
                    org_name: labels.get(&d.org).map(|l| l.1.clone()).unwrap_or_default(),
                    incident_title: titles.get(&d.incident).cloned().unwrap_or_default(),
                    deployment: d,
                }
            })
            .collect())
    }
}
