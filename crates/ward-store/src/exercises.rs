//! Exercises: planned for one or more organisations, run from a facilitator console, debriefed,
//! and followed by tracked actions.
//!
//! Two scopes meet here. An exercise is **visible** when any of its organisations is inside the
//! caller's scope (an organisation, its ICB and region, the national team). It is **writable**
//! (run, debriefed, its actions kept) only when every one of its organisations is inside the
//! caller's scope: whoever could plan it may run it, and one organisation's admin cannot change
//! the record of a joint exercise it only shares. A visible exercise the caller may not write is
//! refused as forbidden; an invisible one is not found.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::exercise::{
    Debrief, Exercise, ExerciseAction, ExerciseEntry, ExerciseRole, ExerciseStatus, Participant,
    ReleasedInject,
};
use ward_core::risk::register::Risk;
use ward_core::{ExerciseActionId, ExerciseId, OrgId, UserId};

use crate::{AuditMeta, Scope, StoreResult};

/// Which exercises to list. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExerciseFilter {
    /// Only exercises of this organisation or one beneath it.
    pub org: Option<OrgId>,
    pub status: Option<ExerciseStatus>,
    /// Only exercises completed at or after this time (evidence for CAF D1.c).
    pub completed_since: Option<Timestamp>,
}

/// Everything recorded about one exercise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseRecord {
    pub exercise: Exercise,
    /// Released injects, by number.
    pub released: Vec<ReleasedInject>,
    /// Responses and decisions, earliest first.
    pub entries: Vec<ExerciseEntry>,
    /// Actions, earliest due first.
    pub actions: Vec<ExerciseAction>,
}

#[async_trait]
pub trait ExerciseStore: Send + Sync {
    /// Plan an exercise (audited as `exercise.create`): every organisation must be inside the scope
    /// (else not found) and the facilitator an account (else invalid naming `facilitator`).
    async fn create_exercise(&self, scope: &Scope, exercise: &Exercise, audit: &AuditMeta)
    -> StoreResult<()>;
    async fn get_exercise(&self, scope: &Scope, id: ExerciseId) -> StoreResult<Exercise>;
    /// The exercise with its released injects, entries and actions.
    async fn exercise_record(&self, scope: &Scope, id: ExerciseId) -> StoreResult<ExerciseRecord>;
    /// The visible exercises the filter selects, latest planned date first.
    async fn list_exercises(&self, scope: &Scope, filter: &ExerciseFilter) -> StoreResult<Vec<Exercise>>;
    /// Move an exercise along planned, running, completed (audited as `exercise.status`); any
    /// other move is a conflict.
    async fn move_exercise(
        &self,
        scope: &Scope,
        id: ExerciseId,
        to: ExerciseStatus,
        audit: &AuditMeta,
    ) -> StoreResult<Exercise>;
    /// Release inject `number` of a running exercise (audited as `exercise.inject`), stamped with
    /// the audit time; a number the scenario does not have is invalid naming `inject`, one already
    /// released a conflict.
    async fn release_inject(
        &self,
        scope: &Scope,
        id: ExerciseId,
        number: u32,
        by: UserId,
        audit: &AuditMeta,
    ) -> StoreResult<ReleasedInject>;
    /// Record a response or decision against a released inject of a running exercise (audited as
    /// `exercise.entry`).
    async fn add_exercise_entry(
        &self,
        scope: &Scope,
        entry: &ExerciseEntry,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Write the debrief of a completed exercise (audited as `exercise.debrief`).
    async fn set_debrief(
        &self,
        scope: &Scope,
        id: ExerciseId,
        debrief: &Debrief,
        audit: &AuditMeta,
    ) -> StoreResult<Exercise>;
    /// Add an action to a completed exercise (audited as `exercise.action`). Its organisation must
    /// be one of the exercise's (invalid naming `org`), its owner an account (`owner`), a linked
    /// risk one of that organisation's (`risk`). With `raised`, that risk is recorded first in the
    /// same transaction (audited as `risk.create`, under `risk_scope`) and linked.
    async fn add_exercise_action(
        &self,
        scope: &Scope,
        action: &ExerciseAction,
        raised: Option<(&Scope, &Risk)>,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Replace an action's lesson, owner, due date, status and risk (audited as
    /// `exercise.action`), under the same checks. Returns it as stored.
    async fn update_exercise_action(
        &self,
        scope: &Scope,
        action: &ExerciseAction,
        audit: &AuditMeta,
    ) -> StoreResult<ExerciseAction>;
    /// One action of a visible exercise.
    async fn get_exercise_action(
        &self,
        scope: &Scope,
        exercise: ExerciseId,
        id: ExerciseActionId,
    ) -> StoreResult<ExerciseAction>;
    /// Add a participant at the end of a planned exercise's list (audited as
    /// `exercise.participant`); its account, if any, must be an account (invalid naming
    /// `account`). Once the exercise has started, a conflict.
    async fn add_exercise_participant(
        &self,
        scope: &Scope,
        id: ExerciseId,
        participant: &Participant,
        audit: &AuditMeta,
    ) -> StoreResult<Exercise>;
    /// Every exercise `account` takes part in as a participant, whatever the scope (the use cases
    /// decide what a participant reads), latest planned first.
    async fn exercises_taken_part(&self, account: UserId) -> StoreResult<Vec<Exercise>>;
    /// Remove participant `number` of an exercise (audited as `exercise.participant_remove` for
    /// each organisation): writable as for running it, refused (a conflict) once the exercise is
    /// completed, not found when it has no such participant.
    async fn remove_exercise_participant(
        &self,
        scope: &Scope,
        id: ExerciseId,
        number: u32,
        audit: &AuditMeta,
    ) -> StoreResult<Exercise>;
    /// Give participant `number` another role (audited as `exercise.participant_role` for each
    /// organisation), with the same refusals as removing one; the role must be the scenario's
    /// (invalid naming `role`).
    async fn set_exercise_participant_role(
        &self,
        scope: &Scope,
        id: ExerciseId,
        number: u32,
        role: ExerciseRole,
        audit: &AuditMeta,
    ) -> StoreResult<Exercise>;
    /// Record a participant's own response to a released inject aimed at the role they play
    /// (audited as `exercise.participant_entry`), whatever the scope: the entry's author must take
    /// part with an account playing `inject`'s target role, else not found (what they may not see
    /// is not there for them); only while the exercise runs and once the inject is released,
    /// else a conflict.
    async fn add_participant_entry(&self, entry: &ExerciseEntry, audit: &AuditMeta) -> StoreResult<()>;
}

/// Refusals of exercise writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;

    pub fn not_an_account(field: &str) -> StoreError {
        StoreError::Invalid(format!("{field}: is not a Ward account"))
    }

    pub fn no_participant(number: u32) -> StoreError {
        StoreError::not_found("exercise participant", number.to_string())
    }

    pub fn not_planned() -> StoreError {
        StoreError::Conflict("participants are added while the exercise is planned".into())
    }

    pub fn not_exercising(field: &str) -> StoreError {
        StoreError::Invalid(format!(
            "{field}: is not one of the organisations taking part in this exercise"
        ))
    }

    pub fn not_the_orgs_risk(field: &str) -> StoreError {
        StoreError::Invalid(format!("{field}: is not a risk of the action's organisation"))
    }

    pub fn shared_exercise() -> StoreError {
        StoreError::Forbidden {
            entity: "exercise",
            id: "it includes organisations outside your footprint; whoever planned it runs it".into(),
        }
    }

    pub fn already_released(number: u32) -> StoreError {
        StoreError::Conflict(format!("inject {number} was already released"))
    }

    pub fn not_released(number: u32) -> StoreError {
        StoreError::Conflict(format!(
            "inject {number} has not been released yet; release it before recording against it"
        ))
    }
}
