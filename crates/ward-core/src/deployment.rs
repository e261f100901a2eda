//! Response teams: a named responder deployed to an organisation for one of its incidents, from a
//! start to an end. The deployment carries the responder's incident-responder grant on that
//! organisation, which expires when the deployment ends (or is ended early).

use crate::{DeploymentId, GrantId, IncidentId, OrgId, UserId, ValidationError};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Where a deployment stands at a given instant.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeploymentStatus {
    /// The responder is on site: the grant is in force.
    Active,
    /// Ended early by the deployer's level.
    EndedEarly,
    /// Reached its end time.
    Finished,
}

impl DeploymentStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Deployed",
            Self::EndedEarly => "Ended early",
            Self::Finished => "Finished",
        }
    }
}

/// A responder deployed to `org` for `incident`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deployment {
    pub id: DeploymentId,
    pub incident: IncidentId,
    /// The incident's organisation: where the responder's grant is held.
    pub org: OrgId,
    pub responder: UserId,
    /// The incident-responder grant the deployment created.
    pub grant: GrantId,
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    /// Set when the deployment was ended before `ends_at`.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ended_at: Option<Timestamp>,
    /// Who deployed the responder (None for Ward itself, the command line).
    pub deployed_by: Option<UserId>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl Deployment {
    /// When the responder's access ends (or ended).
    pub fn access_ends(&self) -> Timestamp {
        self.ended_at.map_or(self.ends_at, |e| e.min(self.ends_at))
    }

    pub fn status(&self, now: Timestamp) -> DeploymentStatus {
        match self.ended_at {
            Some(e) if e < self.ends_at => DeploymentStatus::EndedEarly,
            _ if now >= self.ends_at => DeploymentStatus::Finished,
            _ => DeploymentStatus::Active,
        }
    }

    pub fn is_active(&self, now: Timestamp) -> bool {
        self.status(now) == DeploymentStatus::Active
    }
}

/// A deployment's times, checked: it starts now (a start in the past is taken as now, since the
/// grant cannot have been in force before it existed; a start in the future is refused: the grant
/// would be in force at once), ends after `now`, and lasts at most `max_days`.
pub fn check_times(
    starts_at: Option<Timestamp>,
    ends_at: Timestamp,
    now: Timestamp,
    max_days: i64,
) -> Result<(Timestamp, Timestamp), Vec<ValidationError>> {
    let mut errors = Vec::new();
    if starts_at.is_some_and(|s| s > now) {
        errors.push(ValidationError::new(
            "starts_at",
            "a deployment starts when it is made; a future start is not supported",
        ));
    }
    if ends_at <= now {
        errors.push(ValidationError::new("ends_at", "must be in the future"));
    } else if ends_at > now + SignedDuration::from_hours(24 * max_days) {
        errors.push(ValidationError::new(
            "ends_at",
            format!("may be at most {max_days} days ahead"),
        ));
    }
    if errors.is_empty() {
        Ok((now, ends_at))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn times_are_checked_naming_fields() {
        let now = ts("2026-01-01T00:00:00Z");
        assert_eq!(
            check_times(None, ts("2026-01-03T00:00:00Z"), now, 30).unwrap(),
            (now, ts("2026-01-03T00:00:00Z"))
        );
        let e = check_times(Some(ts("2026-01-02T00:00:00Z")), now, now, 30).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["starts_at", "ends_at"]);
        let e = check_times(None, ts("2026-03-01T00:00:00Z"), now, 30).unwrap_err();
        assert_eq!(e[0].message, "may be at most 30 days ahead");
    }

    #[test]
    fn status_follows_the_clock_and_an_early_end() {
        let at = |s| ts(s);
        let mut d = Deployment {
            id: DeploymentId::from_uuid(uuid::Uuid::nil()),
            incident: IncidentId::from_uuid(uuid::Uuid::nil()),
            org: OrgId::from_uuid(uuid::Uuid::nil()),
            responder: UserId::from_uuid(uuid::Uuid::nil()),
            grant: GrantId::from_uuid(uuid::Uuid::nil()),
            starts_at: at("2026-01-01T00:00:00Z"),
            ends_at: at("2026-01-02T00:00:00Z"),
            ended_at: None,
            deployed_by: None,
            created_at: at("2026-01-01T00:00:00Z"),
        };
        assert!(d.is_active(at("2026-01-01T23:59:59Z")));
        assert_eq!(d.status(at("2026-01-02T00:00:00Z")), DeploymentStatus::Finished);
        d.ended_at = Some(at("2026-01-01T12:00:00Z"));
        assert_eq!(d.status(at("2026-01-01T13:00:00Z")), DeploymentStatus::EndedEarly);
        assert_eq!(d.access_ends(), at("2026-01-01T12:00:00Z"));
    }
}
