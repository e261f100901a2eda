//! A cyber incident recorded by an organisation: what happened (title, NCSC category, internal
//! severity, TLP, impact, resolution, patient harm on the NPSA consequence scale), what it touched
//! (services and assets), when (detected, reported, contained, recovered, in that order) and a
//! time-zone-aware timeline. The regulatory clocks (an initial report within 24 hours, NIS and ICO
//! within 72 hours, all from detection) are computed against a time the caller gives, never stored.

use jiff::{SignedDuration, Timestamp, Zoned};
use serde::{Deserialize, Serialize};

use crate::alert::Severity;
use crate::error::require_text;
use crate::risk::Consequence;
use crate::risk::register::ExposureRef;
use crate::tlp::Tlp;
use crate::{
    AlertId, AssetId, IncidentId, OrgId, RiskId, ServiceId, TimelineEntryId, UserId, ValidationError,
};

/// NCSC incident category, 1 (national cyber emergency) to 6 (localised).
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
pub enum NcscCategory {
    NationalCyberEmergency,
    HighlySignificant,
    Significant,
    Substantial,
    Moderate,
    Localised,
}

impl NcscCategory {
    /// The category number, 1 to 6.
    pub fn number(self) -> u8 {
        match self {
            Self::NationalCyberEmergency => 1,
            Self::HighlySignificant => 2,
            Self::Significant => 3,
            Self::Substantial => 4,
            Self::Moderate => 5,
            Self::Localised => 6,
        }
    }

    /// The category of a number, naming the field when it is not 1 to 6.
    pub fn from_number(n: u8) -> Result<Self, ValidationError> {
        use strum::IntoEnumIterator;
        Self::iter()
            .find(|c| c.number() == n)
            .ok_or_else(|| ValidationError::new("category", format!("must be between 1 and 6, got {n}")))
    }

    /// How NCSC names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::NationalCyberEmergency => "National cyber emergency",
            Self::HighlySignificant => "Highly significant",
            Self::Significant => "Significant",
            Self::Substantial => "Substantial",
            Self::Moderate => "Moderate",
            Self::Localised => "Localised",
        }
    }
}

/// Where an incident stands.
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
pub enum IncidentStatus {
    Open,
    Contained,
    Recovered,
    Closed,
}

impl IncidentStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Contained => "Contained",
            Self::Recovered => "Recovered",
            Self::Closed => "Closed",
        }
    }
}

/// The part of an incident its organisation writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentDetails {
    pub title: String,
    pub category: NcscCategory,
    /// The organisation's own severity.
    pub severity: Severity,
    #[schema(value_type = String)]
    pub tlp: Tlp,
    pub status: IncidentStatus,
    #[serde(default)]
    pub impact: String,
    #[serde(default)]
    pub resolution: String,
    /// Harm to patients on the NPSA consequence scale (1 negligible to 5 catastrophic).
    pub patient_harm: Consequence,
    #[serde(default)]
    pub services: Vec<ServiceId>,
    #[serde(default)]
    pub assets: Vec<AssetId>,
    /// Suppliers implicated (organisations of kind supplier: whose product or service was the
    /// way in, or was lost).
    #[serde(default)]
    pub suppliers: Vec<OrgId>,
    /// When the incident began, if known (at or before detection): where time to detect starts.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub occurred_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub detected_at: Timestamp,
    /// When the initial report was made.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reported_at: Option<Timestamp>,
    /// Whether the NIS Regulations' 72-hour clock applies (a significant incident at an operator
    /// of essential services); true unless someone decides it does not.
    #[serde(default = "yes")]
    pub nis_applies: bool,
    /// Whether the ICO's 72-hour clock applies (a personal data breach); true unless someone
    /// decides it does not.
    #[serde(default = "yes")]
    pub ico_applies: bool,
    /// When the NIS notification was made, if one was.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub nis_reported_at: Option<Timestamp>,
    /// When the ICO notification was made, if one was.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ico_reported_at: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub contained_at: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub recovered_at: Option<Timestamp>,
}

fn yes() -> bool {
    true
}

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 8000;
const MAX_LINKS: usize = 500;

fn optional_text(field: &str, v: &str) -> Result<String, ValidationError> {
    if v.trim().is_empty() {
        return Ok(String::new());
    }
    if v.chars().count() > MAX_TEXT {
        return Err(ValidationError::new(
            field,
            format!("must be at most {MAX_TEXT} characters"),
        ));
    }
    Ok(v.trim().to_owned())
}

impl IncidentDetails {
    /// Check every field and normalise (trimmed text, sorted and de-duplicated links). Every
    /// problem is returned, each naming its field.
    pub fn validate(mut self) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        match require_text("title", &self.title, MAX_TITLE) {
            Ok(t) => self.title = t,
            Err(e) => errors.push(e),
        }
        match optional_text("impact", &self.impact) {
            Ok(t) => self.impact = t,
            Err(e) => errors.push(e),
        }
        match optional_text("resolution", &self.resolution) {
            Ok(t) => self.resolution = t,
            Err(e) => errors.push(e),
        }
        self.services.sort();
        self.services.dedup();
        self.assets.sort();
        self.assets.dedup();
        self.suppliers.sort();
        self.suppliers.dedup();
        if self.suppliers.len() > MAX_LINKS {
            errors.push(ValidationError::new("suppliers", format!("at most {MAX_LINKS}")));
        }
        if let Some(o) = self.occurred_at
            && o > self.detected_at
        {
            errors.push(ValidationError::new(
                "occurred_at",
                format!("{o} is after the detection at {}", self.detected_at),
            ));
        }
        if self.services.len() > MAX_LINKS {
            errors.push(ValidationError::new("services", format!("at most {MAX_LINKS}")));
        }
        if self.assets.len() > MAX_LINKS {
            errors.push(ValidationError::new("assets", format!("at most {MAX_LINKS}")));
        }
        let detected = self.detected_at;
        for (field, at) in [
            ("reported_at", self.reported_at),
            ("nis_reported_at", self.nis_reported_at),
            ("ico_reported_at", self.ico_reported_at),
            ("contained_at", self.contained_at),
        ] {
            if let Some(at) = at
                && at < detected
            {
                errors.push(ValidationError::new(
                    field,
                    format!("{at} is before the detection at {detected}"),
                ));
            }
        }
        match (self.contained_at, self.recovered_at) {
            (None, Some(_)) => errors.push(ValidationError::new(
                "recovered_at",
                "an incident is contained before it is recovered: give contained_at",
            )),
            (Some(c), Some(r)) if r < c => errors.push(ValidationError::new(
                "recovered_at",
                format!("{r} is before the containment at {c}"),
            )),
            _ => {}
        }
        let needs = match self.status {
            IncidentStatus::Open => None,
            IncidentStatus::Contained => Some(("contained_at", self.contained_at)),
            IncidentStatus::Recovered | IncidentStatus::Closed => Some(("recovered_at", self.recovered_at)),
        };
        if let Some((field, None)) = needs {
            errors.push(ValidationError::new(
                field,
                format!("an incident with status {} needs {field}", self.status),
            ));
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }
}

impl IncidentDetails {
    /// The details moved to `status` at `at`: moving to contained records the containment, and
    /// to recovered or closed the recovery (and the containment, if none was recorded), at `at`,
    /// unless those times are already recorded. Moving back to open clears nothing.
    pub fn moved_to(mut self, status: IncidentStatus, at: Timestamp) -> Self {
        self.status = status;
        if matches!(
            status,
            IncidentStatus::Contained | IncidentStatus::Recovered | IncidentStatus::Closed
        ) && self.contained_at.is_none()
        {
            self.contained_at = Some(at);
        }
        if matches!(status, IncidentStatus::Recovered | IncidentStatus::Closed) && self.recovered_at.is_none()
        {
            self.recovered_at = Some(at);
        }
        self
    }
}

/// What an incident's response is linked to: alerts its organisation received, exposures of its
/// assets to advisories, and risks in its register. Each must lie in the incident's organisation
/// (or beneath it); the store refuses any other as not found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentLinks {
    #[serde(default)]
    pub alerts: Vec<AlertId>,
    #[serde(default)]
    pub exposures: Vec<ExposureRef>,
    #[serde(default)]
    pub risks: Vec<RiskId>,
}

impl IncidentLinks {
    /// Sorted and de-duplicated, at most 500 of each kind (naming the field otherwise).
    pub fn validate(mut self) -> Result<Self, Vec<ValidationError>> {
        self.alerts.sort();
        self.alerts.dedup();
        self.exposures.sort();
        self.exposures.dedup();
        self.risks.sort();
        self.risks.dedup();
        let mut errors = Vec::new();
        for (field, n) in [
            ("alerts", self.alerts.len()),
            ("exposures", self.exposures.len()),
            ("risks", self.risks.len()),
        ] {
            if n > MAX_LINKS {
                errors.push(ValidationError::new(field, format!("at most {MAX_LINKS}")));
            }
        }
        for (i, x) in self.exposures.iter().enumerate() {
            if x.advisory.trim().is_empty() || x.advisory.contains('@') || x.advisory.len() > 200 {
                errors.push(ValidationError::new(
                    format!("exposures[{i}].advisory"),
                    "must be an advisory id",
                ));
            }
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }

    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty() && self.exposures.is_empty() && self.risks.is_empty()
    }
}

/// A reporting obligation counted from detection.
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
pub enum RegulatoryClock {
    /// An initial report within 24 hours (Cyber Security and Resilience Bill).
    InitialReport,
    /// NIS Regulations: a significant incident within 72 hours.
    Nis,
    /// UK GDPR: a personal data breach to the ICO within 72 hours.
    Ico,
}

impl RegulatoryClock {
    pub fn hours(self) -> i64 {
        match self {
            Self::InitialReport => 24,
            Self::Nis | Self::Ico => 72,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::InitialReport => "Initial report (24 h)",
            Self::Nis => "NIS (72 h)",
            Self::Ico => "ICO (72 h)",
        }
    }
}

/// One clock as it stands at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClockState {
    pub clock: RegulatoryClock,
    #[schema(value_type = String, format = DateTime)]
    pub due: Timestamp,
    /// When the report was made, if it was.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub met_at: Option<Timestamp>,
    /// Whether the obligation applies to this incident (the initial report always does).
    pub applies: bool,
    /// Applies, not reported and past due at the given time.
    pub overdue: bool,
    /// Reported, but after it was due.
    pub late: bool,
}

/// A cyber incident in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Incident {
    pub id: IncidentId,
    pub org: OrgId,
    pub details: IncidentDetails,
    pub created_by: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl Incident {
    /// The three regulatory clocks at `now`.
    pub fn clocks(&self, now: Timestamp) -> Vec<ClockState> {
        use strum::IntoEnumIterator;
        let d = &self.details;
        RegulatoryClock::iter()
            .map(|clock| {
                let due = d
                    .detected_at
                    .saturating_add(SignedDuration::from_hours(clock.hours()))
                    .unwrap_or(d.detected_at);
                let (applies, met_at) = match clock {
                    RegulatoryClock::InitialReport => (true, d.reported_at),
                    RegulatoryClock::Nis => (d.nis_applies, d.nis_reported_at),
                    RegulatoryClock::Ico => (d.ico_applies, d.ico_reported_at),
                };
                ClockState {
                    clock,
                    due,
                    met_at,
                    applies,
                    overdue: applies && met_at.is_none() && now > due,
                    late: met_at.is_some_and(|m| m > due),
                }
            })
            .collect()
    }

    /// Whether any clock is overdue at `now`.
    pub fn any_overdue(&self, now: Timestamp) -> bool {
        self.clocks(now).iter().any(|c| c.overdue)
    }
}

/// A timeline entry as a person writes it: the time with its offset or zone
/// (`2024-06-03T09:15:00+01:00` or `2024-06-03T09:15:00+01:00[Europe/London]`) and what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineInput {
    pub at: String,
    pub text: String,
}

/// One entry of an incident's timeline: the instant (stored as UTC), the zone or offset it was
/// written in (to show it back as written), the text and its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub id: TimelineEntryId,
    pub incident: IncidentId,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// An IANA zone (`Europe/London`) or a fixed offset (`+01:00`).
    pub zone: String,
    pub text: String,
    pub author: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: Timestamp,
}

impl TimelineEntry {
    /// The entry's time in the zone it was written in, in RFC 9557 form.
    pub fn local(&self) -> String {
        local_in_zone(self.at, &self.zone)
    }
}

/// An instant in the zone (an IANA name) or fixed offset it was written in, in RFC 9557 form.
pub fn local_in_zone(at: Timestamp, zone: &str) -> String {
    let tz = jiff::tz::TimeZone::get(zone)
        .ok()
        .or_else(|| offset_of(&format!("2000-01-01T00:00:00{zone}")).map(jiff::tz::TimeZone::fixed));
    match tz {
        Some(tz) => at.to_zoned(tz).to_string(),
        None => at.to_string(),
    }
}

const MAX_ENTRY: usize = 4000;

/// The numeric offset written in an RFC 3339 / 9557 time (`Z` is UTC).
fn offset_of(s: &str) -> Option<jiff::tz::Offset> {
    let pieces = jiff::fmt::temporal::Pieces::parse(s).ok()?;
    match pieces.offset()? {
        jiff::fmt::temporal::PiecesOffset::Zulu => Some(jiff::tz::Offset::UTC),
        jiff::fmt::temporal::PiecesOffset::Numeric(n) => Some(n.offset()),
        _ => None,
    }
}

impl TimelineInput {
    /// The instant and zone, and the trimmed text; a time without an offset or zone is refused
    /// (it would be ambiguous), naming the field.
    pub fn validate(&self) -> Result<(Timestamp, String, String), Vec<ValidationError>> {
        let mut errors = Vec::new();
        let text = require_text("text", &self.text, MAX_ENTRY)
            .map_err(|e| errors.push(e))
            .ok();
        let at = self.at.trim();
        let when = if let Ok(z) = at.parse::<Zoned>() {
            Some((
                z.timestamp(),
                z.time_zone()
                    .iana_name()
                    .map_or_else(|| z.offset().to_string(), str::to_owned),
            ))
        } else if let Ok(t) = at.parse::<Timestamp>() {
            let offset = offset_of(at).unwrap_or(jiff::tz::Offset::UTC);
            Some((t, offset.to_string()))
        } else {
            errors.push(ValidationError::new(
                "at",
                format!("'{at}' is not a time with an offset or zone (such as 2024-06-03T09:15:00+01:00)"),
            ));
            None
        };
        match (when, text) {
            (Some((t, zone)), Some(text)) if errors.is_empty() => Ok((t, zone, text)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn details() -> IncidentDetails {
        IncidentDetails {
            title: " Pathology ransomware ".into(),
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
            detected_at: ts("2024-06-03T08:00:00Z"),
            reported_at: None,
            nis_applies: true,
            ico_applies: true,
            nis_reported_at: None,
            ico_reported_at: None,
            contained_at: None,
            recovered_at: None,
        }
    }

    fn fields(e: Vec<ValidationError>) -> Vec<String> {
        e.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn categories_number_one_to_six() {
        assert_eq!(
            NcscCategory::from_number(1).unwrap(),
            NcscCategory::NationalCyberEmergency
        );
        assert_eq!(NcscCategory::from_number(6).unwrap().label(), "Localised");
        assert_eq!(NcscCategory::from_number(7).unwrap_err().field, "category");
        assert!(NcscCategory::from_number(0).is_err());
        crate::text::check_serde_agrees::<NcscCategory>().unwrap();
        crate::text::check_serde_agrees::<IncidentStatus>().unwrap();
        crate::text::check_serde_agrees::<RegulatoryClock>().unwrap();
    }

    #[test]
    fn times_must_come_in_order() {
        let ok = details().validate().unwrap();
        assert_eq!(ok.title, "Pathology ransomware");
        let mut d = details();
        d.reported_at = Some(ts("2024-06-03T07:00:00Z"));
        d.contained_at = Some(ts("2024-06-03T10:00:00Z"));
        d.recovered_at = Some(ts("2024-06-03T09:00:00Z"));
        assert_eq!(fields(d.validate().unwrap_err()), ["reported_at", "recovered_at"]);
        let mut d = details();
        d.recovered_at = Some(ts("2024-06-04T09:00:00Z"));
        d.status = IncidentStatus::Closed;
        assert_eq!(fields(d.validate().unwrap_err()), ["recovered_at"]);
        let mut d = details();
        d.status = IncidentStatus::Contained;
        d.title = "  ".into();
        assert_eq!(fields(d.validate().unwrap_err()), ["title", "contained_at"]);
        let mut d = details();
        d.occurred_at = Some(ts("2024-06-03T08:00:01Z"));
        assert_eq!(fields(d.validate().unwrap_err()), ["occurred_at"]);
        let mut d = details();
        d.occurred_at = Some(ts("2024-06-01T08:00:00Z"));
        let s = OrgId::from_uuid(uuid::Uuid::from_u128(7));
        d.suppliers = vec![s, s];
        assert_eq!(d.validate().unwrap().suppliers, [s]);
    }

    #[test]
    fn moving_status_records_the_time_once() {
        let at = ts("2024-06-04T10:00:00Z");
        let d = details().moved_to(IncidentStatus::Contained, at);
        assert_eq!(
            (d.status, d.contained_at, d.recovered_at),
            (IncidentStatus::Contained, Some(at), None)
        );
        let later = ts("2024-06-05T10:00:00Z");
        let d = d.moved_to(IncidentStatus::Closed, later);
        assert_eq!((d.contained_at, d.recovered_at), (Some(at), Some(later)));
        assert!(d.clone().validate().is_ok());
        let d = d.moved_to(IncidentStatus::Open, later);
        assert_eq!(d.status, IncidentStatus::Open);
        assert_eq!(d.recovered_at, Some(later));
    }

    #[test]
    fn clocks_run_from_detection() {
        let mut i = Incident {
            id: IncidentId::new_at(ts("2024-06-03T08:00:00Z"), [0; 10]),
            org: OrgId::new_at(ts("2024-06-03T08:00:00Z"), [1; 10]),
            details: details(),
            created_by: UserId::new_at(ts("2024-06-03T08:00:00Z"), [2; 10]),
            created_at: ts("2024-06-03T08:00:00Z"),
            updated_at: ts("2024-06-03T08:00:00Z"),
        };
        let c = i.clocks(ts("2024-06-04T07:59:00Z"));
        assert_eq!(c[0].due, ts("2024-06-04T08:00:00Z"));
        assert_eq!(c[1].due, ts("2024-06-06T08:00:00Z"));
        assert!(!i.any_overdue(ts("2024-06-04T08:00:00Z")));
        let c = i.clocks(ts("2024-06-04T08:01:00Z"));
        assert!(c[0].overdue && !c[1].overdue && !c[2].overdue);
        i.details.reported_at = Some(ts("2024-06-04T09:00:00Z"));
        i.details.nis_reported_at = Some(ts("2024-06-05T09:00:00Z"));
        let c = i.clocks(ts("2024-06-07T00:00:00Z"));
        assert!(!c[0].overdue && c[0].late);
        assert!(!c[1].overdue && !c[1].late);
        assert!(c[2].overdue);
        i.details.ico_applies = false;
        let c = i.clocks(ts("2024-06-07T00:00:00Z"));
        assert!(!c[2].applies && !c[2].overdue);
        assert!(!i.any_overdue(ts("2024-06-07T00:00:00Z")));
    }

    #[test]
    fn timeline_times_keep_their_zone() {
        let input = |at: &str| TimelineInput {
            at: at.into(),
            text: "Pathology down".into(),
        };
        let (t, zone, _) = input("2024-06-03T09:15:00+01:00[Europe/London]")
            .validate()
            .unwrap();
        assert_eq!(t, ts("2024-06-03T08:15:00Z"));
        assert_eq!(zone, "Europe/London");
        let (t, zone, _) = input("2024-06-03T09:15:00+01:00").validate().unwrap();
        assert_eq!(t, ts("2024-06-03T08:15:00Z"));
        assert_eq!(zone, "+01");
        let e = input("2024-06-03T09:15:00").validate().unwrap_err();
        assert_eq!(e[0].field, "at");
        let entry = TimelineEntry {
            id: TimelineEntryId::new_at(t, [0; 10]),
            incident: IncidentId::new_at(t, [0; 10]),
            at: t,
            zone: "Europe/London".into(),
            text: "x".into(),
            author: UserId::new_at(t, [0; 10]),
            recorded_at: t,
        };
        assert_eq!(entry.local(), "2024-06-03T09:15:00+01:00[Europe/London]");
    }
}
