//! Technology assessments: an organisation's requests that the national service assess a
//! technology, their findings and remediation plans. Every method takes the caller's scope and
//! treats a request outside it as not found; the status rules are `ward_core::tech_assessment`'s,
//! applied inside each write's transaction.

use async_trait::async_trait;
use ward_core::risk::register::Risk;
use ward_core::tech_assessment::{
    RemediationAction, RemediationStatus, StatusChange, TechAssessment, TechAssessmentRecord, TechFinding,
    TechStatus,
};
use ward_core::{RemediationActionId, TechAssessmentId};

use crate::{AuditMeta, Scope, StoreResult};

/// Which requests to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TechAssessmentFilter {
    pub status: Option<TechStatus>,
}

#[async_trait]
pub trait TechAssessmentStore: Send + Sync {
    /// Record a new request (audited as `tech_assessment.request`). Refused when the organisation
    /// is outside the scope (not found), when the supplier is not a supplier in the register, or
    /// when the product is unknown or not that supplier's.
    async fn create_tech_assessment(
        &self,
        scope: &Scope,
        request: &TechAssessment,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The requests in scope, newest first.
    async fn tech_assessments(
        &self,
        scope: &Scope,
        filter: &TechAssessmentFilter,
    ) -> StoreResult<Vec<TechAssessment>>;
    /// One request in scope with its findings and remediation plan.
    async fn tech_assessment(&self, scope: &Scope, id: TechAssessmentId)
    -> StoreResult<TechAssessmentRecord>;
    /// Move a request to another status (audited as `tech_assessment.status`), by
    /// `ward_core::tech_assessment::apply_change` with its open actions counted in the same
    /// transaction; returns it changed.
    async fn change_tech_assessment_status(
        &self,
        scope: &Scope,
        id: TechAssessmentId,
        change: &StatusChange,
        audit: &AuditMeta,
    ) -> StoreResult<TechAssessment>;
    /// Record a finding (audited as `tech_assessment.finding`) while the request is in
    /// assessment. A risk finding's risk is written to the organisation's register in the same
    /// transaction (audited as `risk.create`). Assets must be the organisation's own.
    async fn add_tech_finding(
        &self,
        scope: &Scope,
        finding: &TechFinding,
        risk: Option<&Risk>,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Add an action to the remediation plan (audited as `tech_assessment.action`) once findings
    /// are reported; reported findings move to remediating. Returns the request as it now is.
    async fn add_remediation_action(
        &self,
        scope: &Scope,
        action: &RemediationAction,
        audit: &AuditMeta,
    ) -> StoreResult<TechAssessment>;
    /// Mark an action open or done (audited as `tech_assessment.action_status`), refused once the
    /// request is closed; returns it changed.
    async fn set_remediation_status(
        &self,
        scope: &Scope,
        assessment: TechAssessmentId,
        action: RemediationActionId,
        status: RemediationStatus,
        audit: &AuditMeta,
    ) -> StoreResult<RemediationAction>;
}

/// Refusals of technology assessment writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;
    use ward_core::tech_assessment::TechStatus;

    pub fn no_findings_now(status: TechStatus) -> StoreError {
        StoreError::Conflict(format!(
            "findings are recorded while the request is in assessment; it is {status}"
        ))
    }

    pub fn no_actions_now(status: TechStatus) -> StoreError {
        StoreError::Conflict(format!(
            "remediation actions are planned once findings are reported and until the request closes; it is {status}"
        ))
    }

    pub fn finished(status: TechStatus) -> StoreError {
        StoreError::Conflict(format!("the request is {status}: its plan no longer changes"))
    }

    pub fn not_a_supplier() -> StoreError {
        StoreError::Invalid("supplier: not a supplier in the register".into())
    }

    pub fn not_the_suppliers_product() -> StoreError {
        StoreError::Invalid("product: not a product of the supplier named".into())
    }

    pub fn not_own_assets() -> StoreError {
        StoreError::Invalid("assets: only the requesting organisation's own assets".into())
    }

    pub fn wrong_organisation() -> StoreError {
        StoreError::Invalid("org: not the request's organisation".into())
    }
}
