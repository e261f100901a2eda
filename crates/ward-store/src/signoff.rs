//! Storage of each organisation's named SIRO and of who signed each assessment off.
//!
//! The rule that only the named SIRO signs off lives here, in one statement checked inside the
//! same transaction as the move, so that replacing the SIRO meanwhile cannot let the old one
//! sign; `AssessmentStore::move_assessment` refuses moves to signed off.

use async_trait::async_trait;
use ward_core::assurance::signoff::{SignOff, Siro};
use ward_core::{AssessmentId, OrgId, UserId};

use crate::{AuditMeta, Scope, StoreError, StoreResult};

#[async_trait]
pub trait SignOffStore: Send + Sync {
    /// The SIRO named for an organisation inside the scope, if any; not found outside it.
    async fn siro_of(&self, scope: &Scope, org: OrgId) -> StoreResult<Option<Siro>>;
    /// Name `user` the organisation's SIRO, replacing any earlier one (audited as `siro.name`).
    /// The organisation must be inside the scope. Who may be named is decided in `ward-app`.
    async fn name_siro(&self, scope: &Scope, org: OrgId, user: UserId, audit: &AuditMeta) -> StoreResult<()>;
    /// Move a submitted assessment to signed off as `signer`, only if `signer` is the SIRO named
    /// for its organisation at this moment; records the sign-off with the signer's name
    /// (audited as `assessment.sign_off`). Refused as forbidden when `signer` is not the SIRO, as a
    /// conflict when the assessment is not submitted.
    async fn sign_off_assessment(
        &self,
        scope: &Scope,
        id: AssessmentId,
        signer: UserId,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Who signed an assessment inside the scope off, if anyone has.
    async fn signoff_of(&self, scope: &Scope, id: AssessmentId) -> StoreResult<Option<SignOff>>;
}

/// Refusals of sign-off writes, worded once for both backends.
pub mod refusals {
    use super::StoreError;

    pub fn not_the_siro() -> StoreError {
        StoreError::forbidden("sign-off", "only the organisation's named SIRO signs off")
    }

    pub fn sign_off_by_move() -> StoreError {
        StoreError::Invalid(
            "status: an assessment is signed off by its organisation's named SIRO, not moved there".into(),
        )
    }
}
