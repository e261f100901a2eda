//! Reminders of an incident's obligations: each regulatory clock that applies and is not met is
//! reminded once when it is due soon and once when it is overdue; each open task once when it is
//! overdue. Which reminders are due is worked out here, against a time the caller gives; the store
//! records each (incident, subject, stage) once, so two runners never send the same reminder.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::incident::{Incident, RegulatoryClock};
use crate::incident_task::IncidentTask;
use crate::{IncidentId, IncidentTaskId, OrgId};

/// What a reminder is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ReminderSubject {
    Clock { clock: RegulatoryClock },
    Task { task: IncidentTaskId },
}

impl ReminderSubject {
    /// Stored form: the clock's name (`nis`) or `task:<id>`.
    pub fn key(self) -> String {
        match self {
            Self::Clock { clock } => clock.to_string(),
            Self::Task { task } => format!("task:{task}"),
        }
    }

    /// Reads the stored form.
    pub fn from_key(s: &str) -> Option<Self> {
        match s.strip_prefix("task:") {
            Some(id) => id.parse().ok().map(|task| Self::Task { task }),
            None => s.parse().ok().map(|clock| Self::Clock { clock }),
        }
    }
}

/// How far along an obligation is.
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
pub enum ReminderStage {
    /// Not met, and due within the clock's lead time.
    DueSoon,
    /// Not met and past due.
    Overdue,
}

impl ReminderStage {
    pub fn label(self) -> &'static str {
        match self {
            Self::DueSoon => "Due soon",
            Self::Overdue => "Overdue",
        }
    }
}

/// How long before a clock falls due it is reminded: a quarter of its window (6 hours of the
/// 24-hour initial report, 18 of the 72-hour NIS and ICO reports).
pub fn lead_time(clock: RegulatoryClock) -> SignedDuration {
    SignedDuration::from_hours(clock.hours() / 4)
}

/// One reminder, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reminder {
    pub incident: IncidentId,
    pub org: OrgId,
    pub subject: ReminderSubject,
    pub stage: ReminderStage,
    /// When the obligation falls (or fell) due.
    #[schema(value_type = String, format = DateTime)]
    pub due_at: Timestamp,
    /// When the reminder was recorded.
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// When its notices were queued.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub queued_at: Option<Timestamp>,
}

/// The reminders due at `now` for an incident and its tasks (whether or not already sent: the
/// store keeps each once). A stage passed without a reminder is not sent late: an overdue clock is
/// reminded as overdue, not also as due soon.
pub fn due_reminders(incident: &Incident, tasks: &[IncidentTask], now: Timestamp) -> Vec<Reminder> {
    let make = |subject, stage, due_at| Reminder {
        incident: incident.id,
        org: incident.org,
        subject,
        stage,
        due_at,
        at: now,
        queued_at: None,
    };
    let mut out = Vec::new();
    for c in incident.clocks(now) {
        if !c.applies || c.met_at.is_some() {
            continue;
        }
        let subject = ReminderSubject::Clock { clock: c.clock };
        if c.overdue {
            out.push(make(subject, ReminderStage::Overdue, c.due));
        } else if now >= c.due.saturating_sub(lead_time(c.clock)).unwrap_or(c.due) {
            out.push(make(subject, ReminderStage::DueSoon, c.due));
        }
    }
    for t in tasks
        .iter()
        .filter(|t| t.incident == incident.id && t.is_overdue(now))
    {
        out.push(make(
            ReminderSubject::Task { task: t.id },
            ReminderStage::Overdue,
            t.overdue_from(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::Severity;
    use crate::incident::{IncidentDetails, IncidentStatus, NcscCategory};
    use crate::risk::Consequence;
    use crate::tlp::Tlp;
    use crate::{IncidentTaskId, UserId};

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn incident() -> Incident {
        let at = ts("2026-06-03T08:00:00Z");
        Incident {
            id: IncidentId::new_at(at, [0; 10]),
            org: OrgId::new_at(at, [1; 10]),
            details: IncidentDetails {
                title: "Pathology ransomware".into(),
                category: NcscCategory::Significant,
                severity: Severity::Critical,
                tlp: Tlp::Amber,
                status: IncidentStatus::Open,
                impact: String::new(),
                resolution: String::new(),
                patient_harm: Consequence::MAJOR,
                services: vec![],
                assets: vec![],
                suppliers: vec![],
                occurred_at: None,
                detected_at: at,
                reported_at: None,
                nis_applies: true,
                ico_applies: false,
                nis_reported_at: None,
                ico_reported_at: None,
                contained_at: None,
                recovered_at: None,
            },
            created_by: UserId::new_at(at, [2; 10]),
            created_at: at,
            updated_at: at,
        }
    }

    fn stages(r: &[Reminder]) -> Vec<(String, ReminderStage)> {
        r.iter().map(|r| (r.subject.key(), r.stage)).collect()
    }

    #[test]
    fn clocks_are_reminded_when_due_soon_then_when_overdue() {
        let i = incident();
        assert!(due_reminders(&i, &[], ts("2026-06-04T01:59:00Z")).is_empty());
        assert_eq!(
            stages(&due_reminders(&i, &[], ts("2026-06-04T02:00:00Z"))),
            [("initial_report".to_owned(), ReminderStage::DueSoon)]
        );
        assert_eq!(
            stages(&due_reminders(&i, &[], ts("2026-06-05T15:00:00Z"))),
            [
                ("initial_report".to_owned(), ReminderStage::Overdue),
                ("nis".to_owned(), ReminderStage::DueSoon)
            ],
            "the ICO clock does not apply"
        );
        let mut met = i.clone();
        met.details.reported_at = Some(ts("2026-06-03T09:00:00Z"));
        met.details.nis_reported_at = Some(ts("2026-06-03T09:00:00Z"));
        assert!(due_reminders(&met, &[], ts("2026-06-09T00:00:00Z")).is_empty());
    }

    #[test]
    fn open_tasks_are_reminded_when_overdue() {
        let mut i = incident();
        i.details.reported_at = Some(ts("2026-06-03T09:00:00Z"));
        i.details.nis_applies = false;
        let at = ts("2026-06-03T09:00:00Z");
        let task = IncidentTask {
            id: IncidentTaskId::new_at(at, [3; 10]),
            incident: i.id,
            org: i.org,
            title: "Restore LIMS".into(),
            owner: i.created_by,
            due_on: jiff::civil::date(2026, 6, 4),
            done_at: None,
            done_by: None,
            created_by: i.created_by,
            created_at: at,
        };
        assert!(due_reminders(&i, std::slice::from_ref(&task), ts("2026-06-04T22:00:00Z")).is_empty());
        let r = due_reminders(&i, std::slice::from_ref(&task), ts("2026-06-04T23:00:00Z"));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].subject, ReminderSubject::Task { task: task.id });
        assert_eq!(ReminderSubject::from_key(&r[0].subject.key()), Some(r[0].subject));
        assert_eq!(
            ReminderSubject::from_key("ico"),
            Some(ReminderSubject::Clock {
                clock: RegulatoryClock::Ico
            })
        );
    }
}
