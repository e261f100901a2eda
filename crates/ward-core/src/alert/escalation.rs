//! Escalation of overdue answers: an acknowledgement or first update not given by its clock
//! notifies the organisation, then its ICB or region, then the national team, each step a number
//! of hours after the clock ran out ([`EscalationSchedule`]). Which steps are due is a pure
//! function of the record, the schedule and `now` ([`due_escalations`]); the store records each
//! step once.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{Clock, Recipient};
use crate::role::Role;
use crate::{AlertId, OrgId};

/// Who an overdue answer is escalated to, in order.
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
pub enum EscalationLevel {
    /// The organisation itself: the people who answer for it.
    Organisation,
    /// Its ICB, or its region when no ICB lead holds a role: the regional leads there.
    Area,
    /// The national team.
    National,
}

impl EscalationLevel {
    pub fn label(self) -> &'static str {
        match self {
            Self::Organisation => "The organisation",
            Self::Area => "ICB or region",
            Self::National => "National team",
        }
    }

    /// The roles whose holders (at the level's organisation) are told.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Self::Organisation => &[Role::OrgAdmin, Role::OrgMember, Role::IncidentResponder],
            Self::Area => &[Role::RegionalLead],
            Self::National => &[Role::NationalAnalyst],
        }
    }
}

/// Hours after an acknowledgement or first-update clock runs out at which each level is told.
/// Defaults: the organisation at the deadline, its ICB or region a day later, the national team
/// two days later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct EscalationSchedule {
    pub organisation_after_hours: u32,
    pub area_after_hours: u32,
    pub national_after_hours: u32,
}

impl Default for EscalationSchedule {
    fn default() -> Self {
        Self {
            organisation_after_hours: 0,
            area_after_hours: 24,
            national_after_hours: 48,
        }
    }
}

impl EscalationSchedule {
    /// Hours after the deadline at which `level` is told.
    pub fn after(&self, level: EscalationLevel) -> u32 {
        match level {
            EscalationLevel::Organisation => self.organisation_after_hours,
            EscalationLevel::Area => self.area_after_hours,
            EscalationLevel::National => self.national_after_hours,
        }
    }

    /// Refuses a step beyond a year or one before the level below it, naming the field.
    pub fn check(&self) -> Result<(), crate::ValidationError> {
        let max = 24 * 366;
        for (field, v) in [
            ("organisation_after_hours", self.organisation_after_hours),
            ("area_after_hours", self.area_after_hours),
            ("national_after_hours", self.national_after_hours),
        ] {
            if v > max {
                return Err(crate::ValidationError::new(
                    field,
                    format!("must be at most {max}"),
                ));
            }
        }
        if self.area_after_hours < self.organisation_after_hours {
            return Err(crate::ValidationError::new(
                "area_after_hours",
                "must not be before organisation_after_hours",
            ));
        }
        if self.national_after_hours < self.area_after_hours {
            return Err(crate::ValidationError::new(
                "national_after_hours",
                "must not be before area_after_hours",
            ));
        }
        Ok(())
    }
}

/// One step of escalation as recorded: an organisation's overdue answer to an alert, told to one
/// level, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Escalation {
    pub alert: AlertId,
    /// The organisation whose answer is overdue.
    pub org: OrgId,
    /// The clock that ran out (acknowledge or first update).
    pub clock: Clock,
    pub level: EscalationLevel,
    /// When the step fell due (the deadline plus the schedule's hours).
    #[schema(value_type = String, format = DateTime)]
    pub due_at: Timestamp,
    /// When Ward took it.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// The organisation whose people were told (the organisation, its ICB or region, or the
    /// national body); None when Ward found nobody at that level to tell.
    pub notified: Option<OrgId>,
}

/// A step that has fallen due for a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DueStep {
    pub due_at: Timestamp,
    pub clock: Clock,
    pub level: EscalationLevel,
}

/// The clocks that escalate: an unanswered acknowledgement or first update, and a remediation
/// not done (the record not closed) by its date.
pub const ESCALATING_CLOCKS: [Clock; 3] = [Clock::Acknowledge, Clock::FirstUpdate, Clock::Remediate];

/// The steps due for `record` at `now`, earliest first (then by clock and level): for each clock
/// still unanswered, each level whose time after the deadline has passed. A closed record has none;
/// an answer given stops its clock's escalation. The store skips steps already taken.
pub fn due_escalations(record: &Recipient, schedule: &EscalationSchedule, now: Timestamp) -> Vec<DueStep> {
    if record.closed_at.is_some() {
        return Vec::new();
    }
    let mut steps = Vec::new();
    for clock in ESCALATING_CLOCKS {
        let (deadline, answered) = match clock {
            Clock::Acknowledge => (record.clocks.acknowledge_by, record.acknowledged_at),
            Clock::FirstUpdate => (record.clocks.first_update_by, record.first_update_at),
            Clock::Remediate => (record.clocks.remediate_by, record.closed_at),
        };
        if answered.is_some() {
            continue;
        }
        for level in <EscalationLevel as strum::IntoEnumIterator>::iter() {
            let after = SignedDuration::from_hours(i64::from(schedule.after(level)));
            let due_at = deadline.checked_add(after).unwrap_or(Timestamp::MAX);
            if now > due_at {
                steps.push(DueStep { due_at, clock, level });
            }
        }
    }
    steps.sort();
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{Alert, ClockSettings, Severity, TargetReason};
    use crate::tlp::Tlp;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn record() -> Recipient {
        let alert = Alert {
            id: AlertId::from_uuid(uuid::Uuid::nil()),
            severity: Severity::High,
            title: "t".into(),
            summary: String::new(),
            advisories: vec![],
            actions: vec![],
            references: vec![],
            tlp: Tlp::Amber,
            issuer: OrgId::from_uuid(uuid::Uuid::nil()),
            area: None,
            issued_by: "system:test".into(),
            issued_at: ts("2026-01-01T00:00:00Z"),
            policy: ClockSettings::default().high,
            kev_due: None,
        };
        Recipient::new(
            &alert,
            alert.issuer,
            TargetReason::Exposed,
            vec![],
            alert.issued_at,
        )
    }

    fn levels(steps: &[DueStep], clock: Clock) -> Vec<EscalationLevel> {
        steps
            .iter()
            .filter(|s| s.clock == clock)
            .map(|s| s.level)
            .collect()
    }

    #[test]
    fn steps_fall_due_at_the_deadline_then_a_day_then_two_days_later() {
        let r = record();
        let s = EscalationSchedule::default();
        // Acknowledge by 3 Jan 00:00; first update by 4 Jan 00:00.
        assert!(
            due_escalations(&r, &s, ts("2026-01-03T00:00:00Z")).is_empty(),
            "not before the deadline"
        );
        let at = due_escalations(&r, &s, ts("2026-01-03T00:00:01Z"));
        assert_eq!(
            levels(&at, Clock::Acknowledge),
            vec![EscalationLevel::Organisation]
        );
        let at = due_escalations(&r, &s, ts("2026-01-04T00:00:01Z"));
        assert_eq!(
            levels(&at, Clock::Acknowledge),
            vec![EscalationLevel::Organisation, EscalationLevel::Area]
        );
        assert_eq!(
            levels(&at, Clock::FirstUpdate),
            vec![EscalationLevel::Organisation]
        );
        let at = due_escalations(&r, &s, ts("2026-01-05T00:00:01Z"));
        assert_eq!(levels(&at, Clock::Acknowledge).len(), 3);
        assert!(at.windows(2).all(|w| w[0] <= w[1]), "earliest first");
        assert_eq!(at[0].due_at, ts("2026-01-03T00:00:00Z"));
    }

    #[test]
    fn answers_and_closing_stop_escalation() {
        let mut r = record();
        let s = EscalationSchedule::default();
        let late = ts("2026-02-01T00:00:00Z");
        r.acknowledged_at = Some(ts("2026-01-10T00:00:00Z"));
        assert!(levels(&due_escalations(&r, &s, late), Clock::Acknowledge).is_empty());
        assert_eq!(
            levels(&due_escalations(&r, &s, late), Clock::FirstUpdate).len(),
            3
        );
        r.closed_at = Some(ts("2026-01-11T00:00:00Z"));
        assert!(due_escalations(&r, &s, late).is_empty());
    }

    #[test]
    fn a_remediation_not_done_by_its_date_escalates_until_the_record_is_closed() {
        let mut r = record();
        r.acknowledged_at = Some(ts("2026-01-02T00:00:00Z"));
        r.first_update_at = Some(ts("2026-01-02T00:00:00Z"));
        let s = EscalationSchedule::default();
        let by = r.clocks.remediate_by;
        assert!(
            due_escalations(&r, &s, by).is_empty(),
            "not at the deadline itself"
        );
        let just_after = by + SignedDuration::from_secs(1);
        assert_eq!(
            levels(&due_escalations(&r, &s, just_after), Clock::Remediate),
            vec![EscalationLevel::Organisation]
        );
        let days_after = by + SignedDuration::from_hours(49);
        assert_eq!(
            levels(&due_escalations(&r, &s, days_after), Clock::Remediate).len(),
            3
        );
        r.closed_at = Some(days_after);
        assert!(
            due_escalations(&r, &s, days_after).is_empty(),
            "closed: remediated"
        );
    }

    #[test]
    fn schedules_out_of_order_or_range_are_refused() {
        assert!(EscalationSchedule::default().check().is_ok());
        let s = EscalationSchedule {
            area_after_hours: 72,
            ..EscalationSchedule::default()
        };
        assert_eq!(s.check().unwrap_err().field, "national_after_hours");
        let s = EscalationSchedule {
            organisation_after_hours: 100_000,
            ..EscalationSchedule::default()
        };
        assert_eq!(s.check().unwrap_err().field, "organisation_after_hours");
    }

    #[test]
    fn levels_have_one_spelling() {
        crate::text::check_serde_agrees::<EscalationLevel>().unwrap();
        assert_eq!(<&str>::from(EscalationLevel::Area), "area");
    }
}
