//! A sector-wide incident: a national or regional team coordinates many organisations' local
//! incidents (a supplier compromise, a worm) under one coordinated incident with a shared
//! timeline. Each organisation keeps its own incident; the coordinated incident only links them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::require_text;
use crate::{CoordinatedIncidentId, OrgId, UserId, ValidationError};

const MAX_TITLE: usize = 200;
const MAX_SUMMARY: usize = 8000;

/// What a coordinator writes when opening a coordinated incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoordinatedInput {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// The coordinating organisation (the national body or a region); the caller's own when
    /// absent. It must lie in the caller's footprint.
    #[serde(default)]
    pub area: Option<OrgId>,
}

impl CoordinatedInput {
    /// The trimmed title and summary, naming the field of each problem.
    pub fn validate(&self) -> Result<(String, String), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let title = require_text("title", &self.title, MAX_TITLE)
            .map_err(|e| errors.push(e))
            .ok();
        let summary = self.summary.trim().to_owned();
        if summary.chars().count() > MAX_SUMMARY {
            errors.push(ValidationError::new(
                "summary",
                format!("must be at most {MAX_SUMMARY} characters"),
            ));
        }
        match title {
            Some(t) if errors.is_empty() => Ok((t, summary)),
            _ => Err(errors),
        }
    }
}

/// A coordinated incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CoordinatedIncident {
    pub id: CoordinatedIncidentId,
    /// The coordinating organisation (the national body or a region).
    pub area: OrgId,
    pub title: String,
    pub summary: String,
    pub created_by: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

/// One entry of a coordinated incident's shared timeline (the instant in UTC beside the zone it
/// was written in, as for an incident's own timeline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SharedEntry {
    pub id: crate::TimelineEntryId,
    pub coordinated: CoordinatedIncidentId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub zone: String,
    pub text: String,
    pub author: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

impl SharedEntry {
    /// The entry's time in the zone it was written in, in RFC 9557 form.
    pub fn local(&self) -> String {
        crate::incident::local_in_zone(self.at, &self.zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coordinated_incident_needs_a_title() {
        let input = |title: &str| CoordinatedInput {
            title: title.into(),
            summary: " Supplier compromise ".into(),
            area: None,
        };
        assert_eq!(
            input(" LIMS supplier ransomware ").validate().unwrap(),
            (
                "LIMS supplier ransomware".to_owned(),
                "Supplier compromise".to_owned()
            )
        );
        assert_eq!(input(" ").validate().unwrap_err()[0].field, "title");
    }
}
