//! Tasks in an incident's response: what is to be done, by whom (an account that may work on the
//! incident) and by which day. A task is open until someone marks it done; it is overdue when it is
//! open after its due day has ended in London.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::require_text;
use crate::{IncidentId, IncidentTaskId, OrgId, UserId, ValidationError};

const MAX_TITLE: usize = 300;

/// A task as a person writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    pub title: String,
    /// The account that is to do it.
    pub owner: UserId,
    /// The day it is due (London), `2026-06-04`.
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
}

impl TaskInput {
    /// The trimmed task, naming the field of each problem.
    pub fn validate(mut self) -> Result<Self, Vec<ValidationError>> {
        match require_text("title", &self.title, MAX_TITLE) {
            Ok(t) => {
                self.title = t;
                Ok(self)
            }
            Err(e) => Err(vec![e]),
        }
    }
}

/// A task of an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IncidentTask {
    pub id: IncidentTaskId,
    pub incident: IncidentId,
    /// The incident's organisation.
    pub org: OrgId,
    pub title: String,
    pub owner: UserId,
    #[schema(value_type = String, format = Date)]
    pub due_on: Date,
    /// When it was marked done; open while None.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub done_at: Option<Timestamp>,
    pub done_by: Option<UserId>,
    pub created_by: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl IncidentTask {
    /// The first instant after the due day, in London: an open task is overdue from then.
    pub fn overdue_from(&self) -> Timestamp {
        let tz = crate::local_time::home_zone();
        self.due_on
            .tomorrow()
            .ok()
            .and_then(|d| d.to_zoned(tz).ok())
            .map_or(Timestamp::MAX, |z| z.timestamp())
    }

    /// Open after its due day has ended (London).
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.done_at.is_none() && now >= self.overdue_from()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_overdue_once_its_london_day_ends() {
        let at: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
        let mut t = IncidentTask {
            id: IncidentTaskId::new_at(at, [0; 10]),
            incident: IncidentId::new_at(at, [1; 10]),
            org: OrgId::new_at(at, [2; 10]),
            title: "Restore LIMS".into(),
            owner: UserId::new_at(at, [3; 10]),
            due_on: jiff::civil::date(2026, 6, 3),
            done_at: None,
            done_by: None,
            created_by: UserId::new_at(at, [3; 10]),
            created_at: at,
        };
        // Midnight in London on 4 June (BST) is 23:00 UTC on 3 June.
        assert!(!t.is_overdue("2026-06-03T22:59:59Z".parse().unwrap()));
        assert!(t.is_overdue("2026-06-03T23:00:00Z".parse().unwrap()));
        t.done_at = Some("2026-06-05T00:00:00Z".parse().unwrap());
        assert!(!t.is_overdue("2026-06-09T00:00:00Z".parse().unwrap()));
        let input = TaskInput {
            title: "  ".into(),
            owner: t.owner,
            due_on: t.due_on,
        };
        assert_eq!(input.validate().unwrap_err()[0].field, "title");
    }
}
