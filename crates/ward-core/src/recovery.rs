//! Recovery facts: how long an organisation took to detect, contain and recover from one incident
//! or in one exercise run, as plain numbers of minutes. The figures over many facts are worked out
//! by `ward_engine::recovery`.
//!
//! Measures, the same for incidents and exercises:
//! - **time to detect**: from when the incident began (`occurred_at`; minute 0 of an exercise's
//!   scenario) to its detection;
//! - **time to contain**: from detection to containment;
//! - **time to recover**: from detection to recovery (the whole response, not containment to
//!   recovery, so it reads as "how long were we in it").

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::incident::{Incident, NcscCategory};
use crate::{ExerciseId, OrgId, UserId, ValidationError};

/// Where a fact comes from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RecoverySource {
    Incident,
    Exercise,
}

impl RecoverySource {
    pub fn label(self) -> &'static str {
        match self {
            Self::Incident => "Incidents",
            Self::Exercise => "Exercises",
        }
    }
}

/// One incident's or exercise run's times, in minutes; a time not recorded is `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecoveryFact {
    pub source: RecoverySource,
    pub org: OrgId,
    /// The NCSC category (incidents only).
    pub category: Option<NcscCategory>,
    /// Suppliers implicated (incidents only).
    pub suppliers: Vec<OrgId>,
    /// When it happened: the detection of an incident, the start of an exercise (its planned
    /// day, at midnight UTC, when it has not started). Trends are counted by this.
    pub at: Timestamp,
    pub detect_minutes: Option<u64>,
    pub contain_minutes: Option<u64>,
    pub recover_minutes: Option<u64>,
}

fn minutes_between(from: Timestamp, to: Timestamp) -> Option<u64> {
    let secs = to.as_second().checked_sub(from.as_second())?;
    u64::try_from(secs).ok().map(|s| s / 60)
}

impl RecoveryFact {
    /// The fact of an incident: each measure whose two times are recorded.
    pub fn of_incident(i: &Incident) -> Self {
        let d = &i.details;
        Self {
            source: RecoverySource::Incident,
            org: i.org,
            category: Some(d.category),
            suppliers: d.suppliers.clone(),
            at: d.detected_at,
            detect_minutes: d.occurred_at.and_then(|o| minutes_between(o, d.detected_at)),
            contain_minutes: d.contained_at.and_then(|c| minutes_between(d.detected_at, c)),
            recover_minutes: d.recovered_at.and_then(|r| minutes_between(d.detected_at, r)),
        }
    }

    /// The fact of one organisation's times in an exercise run that happened at `at`.
    pub fn of_exercise(t: &ExerciseTimings, at: Timestamp) -> Self {
        let after = |m: Option<u32>| m.and_then(|m| m.checked_sub(t.detected_minutes)).map(u64::from);
        Self {
            source: RecoverySource::Exercise,
            org: t.org,
            category: None,
            suppliers: Vec::new(),
            at,
            detect_minutes: Some(u64::from(t.detected_minutes)),
            contain_minutes: after(t.contained_minutes),
            recover_minutes: after(t.recovered_minutes),
        }
    }
}

/// The longest an exercise's scenario time runs: 90 days, in minutes.
pub const MAX_EXERCISE_MINUTES: u32 = 90 * 24 * 60;

/// When, in scenario time (minutes from the start of the scenario, when the compromise begins),
/// one organisation taking part in an exercise detected, contained and recovered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExerciseTimings {
    /// An organisation taking part in the exercise.
    pub org: OrgId,
    pub detected_minutes: u32,
    #[serde(default)]
    pub contained_minutes: Option<u32>,
    #[serde(default)]
    pub recovered_minutes: Option<u32>,
}

impl ExerciseTimings {
    /// In order (detected, then contained, then recovered; recovery needs containment) and
    /// within 90 days; every problem named by its field.
    pub fn validate(self) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        for (field, m) in [
            ("detected_minutes", Some(self.detected_minutes)),
            ("contained_minutes", self.contained_minutes),
            ("recovered_minutes", self.recovered_minutes),
        ] {
            if m.is_some_and(|m| m > MAX_EXERCISE_MINUTES) {
                errors.push(ValidationError::new(
                    field,
                    format!("at most {MAX_EXERCISE_MINUTES} minutes (90 days)"),
                ));
            }
        }
        if let Some(c) = self.contained_minutes
            && c < self.detected_minutes
        {
            errors.push(ValidationError::new(
                "contained_minutes",
                format!("{c} is before the detection at minute {}", self.detected_minutes),
            ));
        }
        match (self.contained_minutes, self.recovered_minutes) {
            (None, Some(_)) => errors.push(ValidationError::new(
                "recovered_minutes",
                "an organisation contains before it recovers: give contained_minutes",
            )),
            (Some(c), Some(r)) if r < c => errors.push(ValidationError::new(
                "recovered_minutes",
                format!("{r} is before the containment at minute {c}"),
            )),
            _ => {}
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }
}

/// Timings as recorded for an exercise, with who recorded them and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RecordedTimings {
    pub exercise: ExerciseId,
    pub timings: ExerciseTimings,
    pub recorded_by: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timings(d: u32, c: Option<u32>, r: Option<u32>) -> ExerciseTimings {
        ExerciseTimings {
            org: OrgId::from_uuid(uuid::Uuid::from_u128(1)),
            detected_minutes: d,
            contained_minutes: c,
            recovered_minutes: r,
        }
    }

    fn fields(e: Vec<ValidationError>) -> Vec<String> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn exercise_timings_come_in_order() {
        assert!(timings(30, Some(90), Some(600)).validate().is_ok());
        assert!(timings(30, None, None).validate().is_ok());
        assert_eq!(
            fields(timings(30, Some(10), None).validate().unwrap_err()),
            ["contained_minutes"]
        );
        assert_eq!(
            fields(timings(30, None, Some(100)).validate().unwrap_err()),
            ["recovered_minutes"]
        );
        assert_eq!(
            fields(timings(30, Some(90), Some(60)).validate().unwrap_err()),
            ["recovered_minutes"]
        );
        assert_eq!(
            fields(
                timings(MAX_EXERCISE_MINUTES + 1, None, None)
                    .validate()
                    .unwrap_err()
            ),
            ["detected_minutes"]
        );
    }

    #[test]
    fn an_exercise_fact_counts_containment_and_recovery_from_detection() {
        let at: Timestamp = "2026-03-01T09:00:00Z".parse().unwrap();
        let f = RecoveryFact::of_exercise(&timings(30, Some(90), Some(600)), at);
        assert_eq!(
            (f.detect_minutes, f.contain_minutes, f.recover_minutes),
            (Some(30), Some(60), Some(570))
        );
        assert_eq!(f.source, RecoverySource::Exercise);
        crate::text::check_serde_agrees::<RecoverySource>().unwrap();
    }
}
