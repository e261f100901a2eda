//! Recovery metrics' facts: each incident's detect, contain and recover times, and the times
//! recorded for each organisation taking part in an exercise run.

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::incident::NcscCategory;
use ward_core::recovery::{ExerciseTimings, RecordedTimings, RecoveryFact, RecoverySource};
use ward_core::{ExerciseId, OrgId, UserId};

use crate::{AuditMeta, Scope, StoreResult};

/// Which facts to read. Every field narrows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryFilter {
    pub source: Option<RecoverySource>,
    /// Only incidents of this category (so no exercises).
    pub category: Option<NcscCategory>,
    /// Only incidents implicating this supplier (so no exercises).
    pub supplier: Option<OrgId>,
    /// Only facts at or after this time (an incident's detection, an exercise's start).
    pub since: Option<Timestamp>,
    /// Only facts before this time.
    pub until: Option<Timestamp>,
}

/// Recovery facts and exercise timings.
#[async_trait]
pub trait RecoveryStore: Send + Sync {
    /// The facts of the incidents and exercise timings whose organisation is inside the scope,
    /// earliest first.
    async fn recovery_facts(&self, scope: &Scope, filter: &RecoveryFilter) -> StoreResult<Vec<RecoveryFact>>;
    /// Record (or replace) one organisation's times in an exercise run (audited as
    /// `exercise.timings`). The exercise must be writable in scope (every organisation in it) and
    /// started; the organisation must take part in it.
    async fn record_exercise_timings(
        &self,
        scope: &Scope,
        exercise: ExerciseId,
        timings: &ExerciseTimings,
        by: UserId,
        audit: &AuditMeta,
    ) -> StoreResult<RecordedTimings>;
    /// The times recorded for a visible exercise's organisations inside the scope.
    async fn exercise_timings(
        &self,
        scope: &Scope,
        exercise: ExerciseId,
    ) -> StoreResult<Vec<RecordedTimings>>;
}

/// Refusals of timing writes, worded once for both backends.
pub mod refusals {
    use crate::StoreError;

    pub fn not_taking_part() -> StoreError {
        StoreError::Invalid("org: not an organisation taking part in this exercise".into())
    }

    pub fn not_started() -> StoreError {
        StoreError::Conflict("times are recorded once the exercise has started".into())
    }
}
