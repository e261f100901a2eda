//! Response teams: responders deployed to an organisation for one of its incidents.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::deployment::Deployment;
use ward_core::role::RoleGrant;
use ward_core::{DeploymentId, UserId};

use crate::{AuditMeta, Scope, StoreResult};

/// A person who can be deployed: in the pool and holding no active deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeResponder {
    pub user: UserId,
    pub display_name: String,
}

/// Deployments. A deployment belongs to its organisation: every method takes the caller's scope and
/// treats a deployment (or incident) outside it as not found.
#[async_trait]
pub trait DeploymentStore: Send + Sync {
    /// Record a deployment and the responder's grant in one transaction (audited as `grant.add`
    /// and `deployment.create`). The incident must be inside the scope and be the deployment's
    /// organisation's.
    async fn create_deployment(
        &self,
        scope: &Scope,
        deployment: &Deployment,
        grant: &RoleGrant,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    async fn get_deployment(&self, scope: &Scope, id: DeploymentId) -> StoreResult<Deployment>;
    /// End an active deployment at `audit.at`: the deployment's `ended_at` and its grant's expiry
    /// are set in one transaction (audited as `deployment.end` and `grant.end`). A deployment that
    /// is no longer active is refused as a conflict.
    async fn end_deployment(
        &self,
        scope: &Scope,
        id: DeploymentId,
        audit: &AuditMeta,
    ) -> StoreResult<Deployment>;
    /// The deployments in scope, latest start first.
    async fn list_deployments(&self, scope: &Scope) -> StoreResult<Vec<Deployment>>;
    /// The pool in scope (enabled users who hold or held an incident-responder grant on an
    /// organisation in scope, or were deployed there) without the people on an active deployment
    /// anywhere at `now`, by name.
    async fn free_responders(&self, scope: &Scope, now: Timestamp) -> StoreResult<Vec<FreeResponder>>;
}
