//! People: training requirements the national team added or changed, each organisation's
//! training record (who holds which role, each person's latest completion of each course), the
//! counts that roll up from organisation to ICB, region and nation, and the board members named
//! as accountable for cyber security. See `ward_core::training`.
//!
//! Also the answers of the small care provider questionnaire (`ward_core::questionnaire`), kept
//! with the assessment they feed.

use std::collections::BTreeMap;

use async_trait::async_trait;
use jiff::civil::Date;
use ward_core::assurance::{Answer, AssessmentHead};
use ward_core::org::OrgKind;
use ward_core::questionnaire::QuestionAnswer;
use ward_core::training::{BoardMember, CourseCode, Requirement, StaffRole, TrainingRecord};
use ward_core::{AssessmentId, BoardMemberId, OrgId, UserId};

use crate::{AuditMeta, Scope, StoreResult};

/// An organisation as a figure names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrgLabel {
    pub id: OrgId,
    pub code: String,
    pub name: String,
    pub kind: OrgKind,
}

/// Raw training counts of one organisation, or of everything beneath an ICB, region or national
/// body: people per role, and per role and course how many hold it current or overdue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainingTally {
    pub org: OrgLabel,
    pub people: BTreeMap<StaffRole, u64>,
    /// (current, overdue) by role and course.
    pub done: BTreeMap<(StaffRole, CourseCode), (u64, u64)>,
}

/// What replacing an organisation's training record stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingReplaced {
    pub people: u64,
    pub completions: u64,
}

/// One questionnaire answer as it is saved: the question, the answer, the indicator answers it
/// gives and who answered, and the rule that derives the outcomes' statuses again from the
/// assessment's answers in the same transaction.
#[derive(Clone, Copy)]
pub struct SavedAnswer<'a> {
    pub question: &'a str,
    pub answer: QuestionAnswer,
    pub indicators: &'a BTreeMap<String, Answer>,
    pub by: UserId,
    pub rule: &'a dyn crate::assurance::OutcomeRule,
}

#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// The requirements the national team added or changed (the built-in ones live in
    /// `ward-core`), ordered by role and course.
    async fn training_requirements(&self) -> StoreResult<Vec<Requirement>>;
    /// Add or replace a requirement (audited as `training.requirement`).
    async fn put_training_requirement(&self, requirement: &Requirement, audit: &AuditMeta)
    -> StoreResult<()>;
    /// Replace an organisation's whole training record with `record` in one transaction (audited
    /// as `training.import`, naming `file`). The organisation must be inside the scope, else not
    /// found.
    async fn replace_training_record(
        &self,
        scope: &Scope,
        org: OrgId,
        file: &str,
        record: &TrainingRecord,
        audit: &AuditMeta,
    ) -> StoreResult<TrainingReplaced>;
    /// Counts per organisation inside the scope holding a training record (`rollup` false), or per
    /// ICB, region and national body counting every organisation beneath it inside the scope
    /// (`rollup` true). Training completed on or after `current_since` is current. Set-based: two
    /// queries.
    async fn training_tallies(
        &self,
        scope: &Scope,
        current_since: Date,
        rollup: bool,
    ) -> StoreResult<Vec<TrainingTally>>;
    /// The board members named for an organisation inside the scope, by name.
    async fn board_members(&self, scope: &Scope, org: OrgId) -> StoreResult<Vec<BoardMember>>;
    /// Name a board member (audited as `board.add`); the organisation must be inside the scope.
    async fn add_board_member(
        &self,
        scope: &Scope,
        member: &BoardMember,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Remove a board member of an organisation inside the scope (audited as `board.remove`).
    async fn remove_board_member(
        &self,
        scope: &Scope,
        id: BoardMemberId,
        audit: &AuditMeta,
    ) -> StoreResult<BoardMember>;
    /// Start an assessment answered through the questionnaire: the assessment (audited as
    /// `assessment.create`) and its questionnaire mark (`questionnaire.start`), together.
    async fn start_questionnaire(
        &self,
        scope: &Scope,
        head: &AssessmentHead,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The assessments inside the scope answered through the questionnaire.
    async fn questionnaire_ids(&self, scope: &Scope) -> StoreResult<Vec<AssessmentId>>;
    /// Whether the assessment (inside the scope) is answered through the questionnaire.
    async fn is_questionnaire(&self, scope: &Scope, id: AssessmentId) -> StoreResult<bool>;
    /// Save one question's answer and the indicator answers it gives, together, while the
    /// assessment is a draft (audited as `questionnaire.answer`).
    async fn save_question_answer(
        &self,
        scope: &Scope,
        id: AssessmentId,
        saved: &SavedAnswer<'_>,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The questionnaire's answers so far, by question.
    async fn question_answers(
        &self,
        scope: &Scope,
        id: AssessmentId,
    ) -> StoreResult<BTreeMap<String, QuestionAnswer>>;
}
