//! What the national assurance roll-up reads, and the bulk load of synthetic assessments it is
//! demonstrated and benchmarked on.
//!
//! The reads: every organisation beneath a scope organisation, the
//! child area each one lies in, and each one's current assessment of one framework version with
//! the facts its standing needs (true answers, overrides, improvement plan, Cyber Essentials Plus
//! certificates). Read set-based, a fixed number of queries whatever the number of organisations;
//! the rules (status derivation, standing) stay in `ward-engine` and are applied by `ward-app`.

use std::collections::HashMap;

use async_trait::async_trait;
use ward_core::assurance::improvement::ImprovementAction;
use ward_core::assurance::{AssessmentHead, Level};
use ward_core::certificate::Certificate;
use ward_core::org::OrgKind;
use ward_core::{AssessmentId, OrgId};

use crate::{AuditMeta, Scope, StoreResult};

/// An organisation named in the roll-up (the scope organisation or one of its child areas).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupArea {
    pub org: OrgId,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
}

/// An open organisation counted by the roll-up, and the area it counts in: the child of the scope
/// organisation it lies beneath (or is), or the scope organisation itself for its own row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupMember {
    pub org: OrgId,
    pub kind: OrgKind,
    pub area: OrgId,
}

/// An organisation's current assessment (`AssessmentHead::currency`) and what its standing needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolledAssessment {
    pub id: AssessmentId,
    pub org: OrgId,
    /// Each outcome's stored derived status, in the order of the outcomes the caller passed;
    /// `None` when a status is not stored for every one of them (the assessment predates stored
    /// statuses, was restored, or its framework version was replaced): then derive them from
    /// `true_indicators`.
    pub derived: Option<Vec<Level>>,
    /// The indicators answered true, as positions in the list the caller passed; read only for
    /// an assessment without stored statuses (empty otherwise).
    pub true_indicators: Vec<u32>,
    /// Overridden outcome statuses, by outcome code.
    pub overrides: Vec<(String, Level)>,
    pub actions: Vec<ImprovementAction>,
    /// Whether a regional or national role approved the improvement plan.
    pub approved: bool,
}

/// Everything the roll-up of one scope organisation reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollupFacts {
    pub root: RollupArea,
    /// The scope organisation's children in the caller's scope, by code.
    pub areas: Vec<RollupArea>,
    /// Open organisations of the kinds asked for, beneath the scope organisation and in scope.
    pub members: Vec<RollupMember>,
    /// The current assessment of each member that has one.
    pub assessments: Vec<RolledAssessment>,
    /// Cyber Essentials Plus certificates held by members (current or not: the caller decides).
    pub ce_plus: Vec<Certificate>,
}

/// An assessment loaded whole, answers and overrides with it (demo and benchmark sectors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeededAssessment {
    pub head: AssessmentHead,
    /// Indicator answers, true or false.
    pub answers: Vec<(String, bool)>,
    /// Overridden outcomes: the status and its justification.
    pub overrides: Vec<(String, Level, String)>,
}

/// The roll-up's reads, and the bulk load behind demo and benchmark sectors.
#[async_trait]
pub trait AssuranceRollupStore: Send + Sync {
    /// The roll-up facts beneath `root` (not found unless inside `scope`) for members of `kinds`,
    /// against `framework` `version`. `outcomes` lists the framework's outcome codes in order:
    /// each assessment's stored derived statuses come in that order. `indicators` gives each
    /// indicator identifier its position; the true answers of an assessment without stored
    /// statuses come as positions, identifiers not in it left out. Organisations outside
    /// `scope` are left out everywhere.
    #[allow(clippy::too_many_arguments)]
    async fn assurance_rollup_facts(
        &self,
        scope: &Scope,
        root: OrgId,
        kinds: &[OrgKind],
        framework: &str,
        version: &str,
        outcomes: &[String],
        indicators: &HashMap<String, u32>,
    ) -> StoreResult<RollupFacts>;
    /// Store the derived statuses (every outcome's, by code) of assessments that had none, as the
    /// roll-up derived them from their answers. In one transaction, audited as one
    /// `assessment.derive_statuses` event; an assessment outside `scope` is not found. One that
    /// meanwhile got its full set of statuses (answers saved since) is left as it is: the
    /// statuses of the later answers win. Returns how many assessments were stored.
    async fn store_derived_statuses(
        &self,
        scope: &Scope,
        batch: &[(AssessmentId, Vec<(String, Level)>)],
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
    /// Load assessments whole in one transaction, each audited as `assessment.create` (its detail
    /// says it was seeded), with every outcome's status derived by `rule` from its answers.
    /// Refused as a conflict, loading nothing, when an organisation already has an assessment of
    /// the same framework version, year and kind; refused as invalid when one is not of the
    /// rule's framework version.
    async fn seed_assessments(
        &self,
        batch: &[SeededAssessment],
        rule: &dyn crate::assurance::OutcomeRule,
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
}
