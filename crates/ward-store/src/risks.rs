//! Risk registers: each organisation's risks, the vocabulary national roles extend, and the grade
//! counts that roll up into ICBs, regions and the nation.

use async_trait::async_trait;
use jiff::civil::Date;
use ward_core::org::OrgKind;
use ward_core::risk::RiskGrade;
use ward_core::risk::register::{Risk, RiskDetails, Treatment};
use ward_core::risk::vocabulary::VocabularyEntry;
use ward_core::{OrgId, RiskId, UserId};

use crate::{AuditMeta, Scope, StoreResult};

/// Which risks to list. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFilter {
    /// Only this organisation and those beneath it.
    pub org: Option<OrgId>,
    /// Only risks currently at this grade.
    pub grade: Option<RiskGrade>,
    pub treatment: Option<Treatment>,
    /// Only risks whose review date is before this day (overdue on it).
    pub review_before: Option<Date>,
    pub owner: Option<UserId>,
}

/// How many risks an organisation holds at one grade (its own risks, or with `rollup` everything
/// beneath it too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeCount {
    pub org: OrgId,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
    pub grade: RiskGrade,
    pub risks: u64,
}

/// Risk registers. Each risk is owned by its organisation: every method takes the caller's scope
/// and treats a risk outside it as not found.
#[async_trait]
pub trait RiskStore: Send + Sync {
    /// The vocabulary entries national roles added (the built-in ones live in `ward-core`).
    async fn risk_vocabulary(&self) -> StoreResult<Vec<VocabularyEntry>>;
    /// Add a vocabulary entry (audited as `risk_vocabulary.add`); a code already held is a conflict.
    async fn add_risk_vocabulary(&self, entry: &VocabularyEntry, audit: &AuditMeta) -> StoreResult<()>;
    /// Record a new risk (audited as `risk.create`). Its organisation must be inside the scope; its
    /// linked assets, services and exposures must be the organisation's own and its suppliers
    /// supplier organisations, else it is refused as invalid naming the link.
    async fn create_risk(&self, scope: &Scope, risk: &Risk, audit: &AuditMeta) -> StoreResult<()>;
    /// Replace a risk's details (audited as `risk.update`); an approved acceptance survives only
    /// while the risk stays accepted at the same current score by the same owner
    /// (`Risk::acceptance_after`). Returns the risk as stored.
    async fn update_risk(
        &self,
        scope: &Scope,
        id: RiskId,
        details: &RiskDetails,
        audit: &AuditMeta,
    ) -> StoreResult<Risk>;
    /// Approve an accepted risk (audited as `risk.approve`), refused as invalid unless
    /// `Risk::check_approver` allows `approver`. Returns the risk as stored.
    async fn approve_risk(
        &self,
        scope: &Scope,
        id: RiskId,
        approver: UserId,
        audit: &AuditMeta,
    ) -> StoreResult<Risk>;
    async fn get_risk(&self, scope: &Scope, id: RiskId) -> StoreResult<Risk>;
    /// The risks in scope the filter selects, highest current score first, then newest.
    async fn list_risks(&self, scope: &Scope, filter: &RiskFilter) -> StoreResult<Vec<Risk>>;
    /// Risks by current grade: per organisation holding risks (`own`), and per ICB, region and
    /// national body counting everything beneath it (`rollup`); only organisations and risks
    /// inside the scope count. Set-based: one query each.
    async fn risk_grade_counts(&self, scope: &Scope) -> StoreResult<(Vec<GradeCount>, Vec<GradeCount>)>;
    /// The display names of these accounts (owners and approvers shown beside risks), in one query;
    /// accounts that do not exist are left out.
    async fn people_names(&self, ids: &[UserId]) -> StoreResult<std::collections::HashMap<UserId, String>>;
    /// The code and name of those of these organisations inside `scope`, in one query.
    async fn org_labels(
        &self,
        scope: &Scope,
        ids: &[OrgId],
    ) -> StoreResult<std::collections::HashMap<OrgId, (String, String)>>;
}

/// Refusals of risk writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;

    pub fn vocabulary_taken(kind: &str, code: &str) -> StoreError {
        StoreError::Conflict(format!("the vocabulary already has a {kind} '{code}'"))
    }

    pub fn not_the_orgs(field: &str, what: &str, n: usize) -> StoreError {
        StoreError::Invalid(format!(
            "links.{field}: {n} of them {} not {what}",
            if n == 1 { "is" } else { "are" }
        ))
    }
}
