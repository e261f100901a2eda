//! Improvement plans: the actions an organisation below its minimum standard commits to, and a
//! regional or national role's approval of the plan. Each plan belongs to one assessment and so to
//! its organisation: every method takes the caller's scope and treats an assessment outside it as
//! not found.

use async_trait::async_trait;
use ward_core::assurance::improvement::{ImprovementAction, ImprovementPlan, PlanActionStatus, PlanApproval};
use ward_core::{AssessmentId, ImprovementActionId};

use crate::{AuditMeta, Scope, StoreResult};

#[async_trait]
pub trait ImprovementStore: Send + Sync {
    /// The plan of an assessment in scope: its actions, oldest first, and its approval if given
    /// (no actions and no approval when there is no plan yet).
    async fn improvement_plan(&self, scope: &Scope, assessment: AssessmentId)
    -> StoreResult<ImprovementPlan>;
    /// Add an action to the plan of an assessment in scope (audited as `improvement.action`). The
    /// action's organisation must be the assessment's.
    async fn add_improvement_action(
        &self,
        scope: &Scope,
        action: &ImprovementAction,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Mark an action open or done (audited as `improvement.action_status`); returns it changed.
    async fn set_improvement_action_status(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
        action: ImprovementActionId,
        status: PlanActionStatus,
        audit: &AuditMeta,
    ) -> StoreResult<ImprovementAction>;
    /// Record the approval of an assessment's plan (audited as `improvement.approve`). Refused
    /// when the plan is already approved, when the approval names another organisation than the
    /// assessment's, and when the approver acts for the organisation itself.
    async fn approve_improvement_plan(
        &self,
        scope: &Scope,
        approval: &PlanApproval,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
}

/// Refusals of improvement plan writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;

    pub fn already_approved() -> StoreError {
        StoreError::Conflict("the improvement plan is already approved".into())
    }

    pub fn wrong_organisation() -> StoreError {
        StoreError::Invalid("org: not the assessment's organisation".into())
    }
}
