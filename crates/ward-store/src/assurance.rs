//! Assurance storage: frameworks as versioned reference data, and organisations' assessments.

use std::collections::BTreeMap;

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;
use ward_core::AssessmentId;
use ward_core::assurance::{
    Answer, Assessment, AssessmentHead, AssessmentStatus, Framework, FrameworkFormat, Level, OutcomeNote,
    Profile, ProfileCategory,
};

use crate::{AuditMeta, Scope, StoreResult};

/// One stored framework version, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FrameworkSummary {
    pub id: String,
    pub version: String,
    pub name: String,
    pub format: FrameworkFormat,
    pub outcomes: u64,
    pub indicators: u64,
    /// SHA-256 of the stored document: equal digests, equal content.
    pub digest: String,
    #[schema(value_type = String, format = DateTime)]
    pub imported_at: Timestamp,
}

/// What storing a framework did.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::Display, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum FrameworkPut {
    /// A version not held before.
    Created,
    /// The version was held with other content, now replaced.
    Replaced,
    /// The same content was already held: nothing changed and nothing was audited.
    Unchanged,
}

/// Frameworks. Reference data, the same for every organisation: reading needs no scope; writing is
/// for national roles and the command line, decided in `ward-app`.
#[async_trait]
pub trait FrameworkStore: Send + Sync {
    /// Store a framework version whole, in one transaction with its audit record
    /// (`framework.import` or `framework.replace`); the same content again changes nothing.
    async fn put_framework(&self, framework: &Framework, audit: &AuditMeta) -> StoreResult<FrameworkPut>;
    /// Every stored framework version, by identifier then version.
    async fn list_frameworks(&self) -> StoreResult<Vec<FrameworkSummary>>;
    /// One framework version whole.
    async fn get_framework(&self, id: &str, version: &str) -> StoreResult<Option<Framework>>;
}

/// Each outcome's status derived from an assessment's answers, over one framework version: the
/// WebCAF rule (`ward_engine::assurance::status_of`), handed to the store by `ward-app` so that
/// answers and the statuses derived from them are written in one transaction (the store keeps
/// them, for the national roll-up, and never decides a status itself).
pub trait OutcomeRule: Send + Sync {
    /// The framework identifier and version the rule derives for; an assessment of another is
    /// refused.
    fn framework(&self) -> (&str, &str);
    /// Every outcome's derived status, by outcome code, from the answers given (true or false by
    /// indicator; an indicator left out is not answered).
    fn derive(&self, answers: &BTreeMap<String, bool>) -> Vec<(String, Level)>;
}

/// Assessments. Each is owned by its organisation: every method takes the caller's scope and
/// treats an assessment outside it as not found.
#[async_trait]
pub trait AssessmentStore: Send + Sync {
    /// Start an assessment (status as given, normally draft). A second assessment of the same
    /// organisation, framework version, year and kind is refused as a conflict; a framework
    /// version not loaded is refused as invalid.
    async fn create_assessment(
        &self,
        scope: &Scope,
        head: &AssessmentHead,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The assessments in scope, newest first.
    async fn list_assessments(&self, scope: &Scope) -> StoreResult<Vec<AssessmentHead>>;
    /// One assessment with its answers and outcome notes.
    async fn get_assessment(&self, scope: &Scope, id: AssessmentId) -> StoreResult<Assessment>;
    /// Write answers (each replaces the indicator's earlier answer) while the assessment is a
    /// draft; refused otherwise. Identifiers are checked against the framework by the caller.
    /// In the same transaction every outcome's status is derived again by `rule` from all the
    /// assessment's answers and stored (`assessment_derived_statuses`).
    async fn save_answers(
        &self,
        scope: &Scope,
        id: AssessmentId,
        answers: &BTreeMap<String, Answer>,
        rule: &dyn OutcomeRule,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Write one outcome's note while the assessment is a draft or submitted; refused otherwise.
    async fn save_outcome_note(
        &self,
        scope: &Scope,
        id: AssessmentId,
        outcome: &str,
        note: &OutcomeNote,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Move the assessment from `from` to `to`, only if it is still at `from` (two people acting
    /// at once cannot both move it); refused as a conflict otherwise.
    async fn move_assessment(
        &self,
        scope: &Scope,
        id: AssessmentId,
        from: AssessmentStatus,
        to: AssessmentStatus,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
}

/// Refusals of assessment writes, worded once for both backends.
pub mod refusals {
    use ward_core::assurance::AssessmentStatus;

    use crate::StoreError;

    pub fn already_exists() -> StoreError {
        StoreError::Conflict(
            "an assessment of this organisation, framework version, year and kind already exists".into(),
        )
    }

    pub fn framework_not_loaded(framework: &str, version: &str) -> StoreError {
        StoreError::Invalid(format!("framework: {framework} {version} is not loaded"))
    }

    pub fn not_editable(status: AssessmentStatus, what: &str) -> StoreError {
        StoreError::Conflict(format!(
            "the assessment is {status}: its {what} can no longer change"
        ))
    }

    pub fn moved_meanwhile(expected: AssessmentStatus, found: AssessmentStatus) -> StoreError {
        StoreError::Conflict(format!(
            "the assessment is {found}, not {expected}: someone else changed it meanwhile"
        ))
    }
}

/// Profiles (minimum standards). National reference data: readable by everyone, published by
/// national roles (decided in `ward-app`).
#[async_trait]
pub trait ProfileStore: Send + Sync {
    /// Publish `profile` as the next version for its framework version and category: the version
    /// number is the previous one plus one (the caller's is ignored) and is returned. Audited as
    /// `profile.publish`.
    async fn publish_profile(&self, profile: &Profile, audit: &AuditMeta) -> StoreResult<u32>;
    /// Every version for a framework version and category, oldest first.
    async fn profile_versions(
        &self,
        framework: &str,
        framework_version: &str,
        category: ProfileCategory,
    ) -> StoreResult<Vec<Profile>>;
}
