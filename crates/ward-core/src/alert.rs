//! Cyber alerts: what the national team (or a regional team, for its region) tells the
//! organisations actually exposed to a vulnerability, and each organisation's answer against the
//! sector's clocks.
//!
//! An [`Alert`] names its advisories; each targeted organisation gets a [`Recipient`] record with
//! its affected assets, its own [`Clocks`] (started when it was targeted, so an organisation added
//! later by a new exposure gets a full allowance) and its answers. Everything that happens is an
//! [`AlertEvent`] on the alert's timeline.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::tlp::Tlp;
use crate::{AlertId, AssetId, OrgId};

pub mod escalation;
pub mod figures;

/// How urgent an alert is. Spelled `critical`, `high`, `medium`, `low`.
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
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    /// Whether `self` is more severe than `other` (the variants run from critical down).
    pub fn is_more_severe_than(self, other: Self) -> bool {
        self < other
    }

    /// The severity Ward gives a vulnerability when no alert sets one, for its default clocks:
    /// the CVSS base score's band as NVD names them (9 and above critical, 7 high, 4 medium, else
    /// low; medium when no score is known), and at least high when attackers are known to exploit
    /// it (Cyber Essentials' "critical or high-risk").
    pub fn of_vulnerability(cvss: Option<f64>, known_exploited: bool) -> Self {
        // The CVSS rating scale is one rule (`CvssBand::of_score`); an unscored advisory is
        // taken as medium.
        use crate::vuln::CvssBand;
        let banded = match cvss.map(CvssBand::of_score) {
            Some(CvssBand::Critical) => Self::Critical,
            Some(CvssBand::High) => Self::High,
            Some(CvssBand::Medium | CvssBand::Unscored) | None => Self::Medium,
            Some(CvssBand::Low | CvssBand::None) => Self::Low,
        };
        if known_exploited {
            banded.min(Self::High)
        } else {
            banded
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Critical => "Critical",
            Self::High => "High",
            Self::Medium => "Medium",
            Self::Low => "Low",
        }
    }
}

/// The allowances an organisation has to answer an alert, counted from when it was targeted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockPolicy {
    /// Acknowledge (and record its status) within this many hours.
    pub acknowledge_hours: u32,
    /// Post a first update within this many hours.
    pub first_update_hours: u32,
    /// Remediate within this many days (sooner when a linked advisory's KEV due date is sooner).
    pub remediate_days: u32,
}

impl ClockPolicy {
    /// The shorter of two policies' allowances, one by one.
    pub fn tightest(self, other: Self) -> Self {
        Self {
            acknowledge_hours: self.acknowledge_hours.min(other.acknowledge_hours),
            first_update_hours: self.first_update_hours.min(other.first_update_hours),
            remediate_days: self.remediate_days.min(other.remediate_days),
        }
    }

    /// Refuses allowances of zero or beyond a year, naming the field.
    pub fn check(&self) -> Result<(), crate::ValidationError> {
        let within = |v: u32, max: u32, field: &str| {
            if v == 0 || v > max {
                Err(crate::ValidationError::new(
                    field,
                    format!("must be between 1 and {max}"),
                ))
            } else {
                Ok(())
            }
        };
        within(self.acknowledge_hours, 24 * 366, "acknowledge_hours")?;
        within(self.first_update_hours, 24 * 366, "first_update_hours")?;
        within(self.remediate_days, 366, "remediate_days")
    }
}

/// The clock policy for each severity.
///
/// Defaults: critical and high as NHS England's CSOC asks of a high severity alert (acknowledge
/// within 48 hours, first update within 3 days) and Cyber Essentials asks of critical and
/// high-risk updates (remediate within 14 days). Medium: acknowledge within 5 days, first update
/// within 7 days, remediate within 30 days. Low: acknowledge within 10 days, first update within
/// 14 days, remediate within 90 days. Those two are Ward's choice: slower than high, but with a
/// date on every step so that nothing is left open without anyone noticing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ClockSettings {
    pub critical: ClockPolicy,
    pub high: ClockPolicy,
    pub medium: ClockPolicy,
    pub low: ClockPolicy,
}

impl Default for ClockSettings {
    fn default() -> Self {
        let p = |acknowledge_hours, first_update_hours, remediate_days| ClockPolicy {
            acknowledge_hours,
            first_update_hours,
            remediate_days,
        };
        Self {
            critical: p(48, 72, 14),
            high: p(48, 72, 14),
            medium: p(5 * 24, 7 * 24, 30),
            low: p(10 * 24, 14 * 24, 90),
        }
    }
}

impl ClockSettings {
    pub fn for_severity(&self, s: Severity) -> ClockPolicy {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }
}

/// When an organisation's answers are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Clocks {
    #[schema(value_type = String, format = DateTime)]
    pub acknowledge_by: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub first_update_by: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub remediate_by: Timestamp,
}

impl Clocks {
    /// The clocks of an organisation targeted at `from`: each allowance of `policy` counted from
    /// then, remediation cut to the end of `kev_due` (UTC) when that is sooner. A KEV due date
    /// already past at `from` (an old entry such as Log4Shell's) cannot guide a new clock and is
    /// left out; otherwise every organisation would be overdue the moment it is told.
    pub fn start(policy: &ClockPolicy, from: Timestamp, kev_due: Option<Date>) -> Self {
        let hours = |h: u32| SignedDuration::from_hours(i64::from(h));
        let add = |d: SignedDuration| from.checked_add(d).unwrap_or(Timestamp::MAX);
        let mut remediate_by = add(hours(policy.remediate_days.saturating_mul(24)));
        if let Some(due) = kev_due
            && let Ok(end) = due
                .tomorrow()
                .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC))
                .map(|z| z.timestamp())
            && end < remediate_by
            && end > from
        {
            remediate_by = end;
        }
        Self {
            acknowledge_by: add(hours(policy.acknowledge_hours)),
            first_update_by: add(hours(policy.first_update_hours)),
            remediate_by,
        }
    }

    /// These clocks brought forward to what `policy` would have started at `from`, each one only
    /// where that is sooner: an alert made more severe shortens the time left, never lengthens it.
    pub fn tightened(&self, policy: &ClockPolicy, from: Timestamp, kev_due: Option<Date>) -> Self {
        let tighter = Self::start(policy, from, kev_due);
        Self {
            acknowledge_by: self.acknowledge_by.min(tighter.acknowledge_by),
            first_update_by: self.first_update_by.min(tighter.first_update_by),
            remediate_by: self.remediate_by.min(tighter.remediate_by),
        }
    }
}

/// One of an organisation's clocks.
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
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Clock {
    Acknowledge,
    FirstUpdate,
    Remediate,
}

impl Clock {
    pub fn label(self) -> &'static str {
        match self {
            Self::Acknowledge => "Acknowledgement",
            Self::FirstUpdate => "First update",
            Self::Remediate => "Remediation",
        }
    }
}

/// A cyber alert as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Alert {
    pub id: AlertId,
    pub severity: Severity,
    pub title: String,
    pub summary: String,
    /// The advisories it is about (CVE, GHSA or other ids Ward knows), as the issuer named them.
    pub advisories: Vec<String>,
    /// What organisations must do.
    pub actions: Vec<String>,
    /// Links for the detail.
    pub references: Vec<String>,
    pub tlp: Tlp,
    /// The organisation of the team that issued it (the national body, or a region).
    pub issuer: OrgId,
    /// The footprint it covers: `None` for the whole sector, else the subtree of this organisation
    /// (a regional team's region). Extension never reaches beyond it.
    pub area: Option<OrgId>,
    /// Who issued it (`user:…`, `system:cli`).
    pub issued_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: Timestamp,
    /// The allowances in force for this alert (the severity's, or the issuer's override).
    pub policy: ClockPolicy,
    /// The earliest KEV due date among its advisories, when any has one.
    #[schema(value_type = Option<String>, format = Date)]
    pub kev_due: Option<Date>,
}

/// One of an organisation's assets the alert is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AffectedAsset {
    pub asset: AssetId,
    pub name: String,
    /// The advisory that matched it.
    pub advisory: String,
    /// The exposed software, by package URL or CPE (what a VEX statement names).
    pub purl: Option<String>,
    pub cpe: Option<String>,
}

/// Why an organisation received an alert.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum TargetReason {
    /// Ward saw an open exposure when the alert was issued.
    Exposed,
    /// The issuer added it (all organisations of a kind, or under an area).
    Added,
    /// An exposure that appeared after issue (a feed import, an SBOM) brought it in.
    Extended,
}

/// What an organisation says about whether the alert applies to it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Applicability {
    Affected,
    NotAffected,
}

/// Where an organisation stands on an alert, derived from its record.
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
    strum::Display,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RecipientState {
    Issued,
    Acknowledged,
    Closed,
}

/// One organisation's record of an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recipient {
    pub alert: AlertId,
    pub org: OrgId,
    pub reason: TargetReason,
    pub assets: Vec<AffectedAsset>,
    #[schema(value_type = String, format = DateTime)]
    pub targeted_at: Timestamp,
    pub clocks: Clocks,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub acknowledged_at: Option<Timestamp>,
    pub applicability: Option<Applicability>,
    /// Why, when not affected (or any note given with the applicability).
    pub applicability_reason: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_update_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub closed_at: Option<Timestamp>,
    /// Given when closing while Ward still saw an open exposure; recorded.
    pub close_reason: Option<String>,
}

impl Recipient {
    /// A new record for an organisation targeted at `at`.
    pub fn new(
        alert: &Alert,
        org: OrgId,
        reason: TargetReason,
        assets: Vec<AffectedAsset>,
        at: Timestamp,
    ) -> Self {
        Self {
            alert: alert.id,
            org,
            reason,
            assets,
            targeted_at: at,
            clocks: Clocks::start(&alert.policy, at, alert.kev_due),
            acknowledged_at: None,
            applicability: None,
            applicability_reason: None,
            first_update_at: None,
            closed_at: None,
            close_reason: None,
        }
    }

    pub fn state(&self) -> RecipientState {
        if self.closed_at.is_some() {
            RecipientState::Closed
        } else if self.acknowledged_at.is_some() {
            RecipientState::Acknowledged
        } else {
            RecipientState::Issued
        }
    }

    /// The clocks that have run out at `now` without their answer. A closed record is never
    /// overdue; an answer given late stops its clock (the lateness is in the timeline).
    pub fn overdue(&self, now: Timestamp) -> Vec<Clock> {
        if self.closed_at.is_some() {
            return Vec::new();
        }
        let mut late = Vec::new();
        if self.acknowledged_at.is_none() && now > self.clocks.acknowledge_by {
            late.push(Clock::Acknowledge);
        }
        if self.first_update_at.is_none() && now > self.clocks.first_update_by {
            late.push(Clock::FirstUpdate);
        }
        if now > self.clocks.remediate_by {
            late.push(Clock::Remediate);
        }
        late
    }
}

/// What happened on an alert's timeline.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EventKind {
    Issued,
    Targeted,
    Extended,
    Acknowledged,
    Applicability,
    Update,
    Closed,
    /// An overdue answer was escalated (to the organisation, its ICB or region, or nationally).
    Escalated,
    /// The advisory the alert was raised from was revised: the alert's text now reads as the
    /// revision does (what changed, in the entry's text).
    Revised,
    /// After a revision of the advisory, Ward no longer sees the organisation exposed (its record
    /// stays, with its answers).
    NoLongerExposed,
}

impl EventKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Issued => "Issued",
            Self::Targeted => "Targeted",
            Self::Extended => "Extended",
            Self::Acknowledged => "Acknowledged",
            Self::Applicability => "Applicability",
            Self::Update => "Update",
            Self::Closed => "Closed",
            Self::Escalated => "Escalated",
            Self::Revised => "Revised",
            Self::NoLongerExposed => "No longer exposed",
        }
    }
}

/// One entry of an alert's timeline. `org` is the organisation it concerns (none for the issue
/// itself); organisations see only their own entries and the issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AlertEvent {
    pub alert: AlertId,
    pub org: Option<OrgId>,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    pub kind: EventKind,
    /// Who (`user:…`, `system:…`).
    pub actor: String,
    /// The update's text, the reason, or a short description.
    pub text: Option<String>,
}

/// An organisation's answer to an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Response {
    /// We have it and are looking.
    Acknowledge,
    /// Whether it applies to us. Not affected needs a reason and a VEX justification
    /// (`vulnerable_code_not_in_execute_path`, `component_not_present`, ...): Ward records it as
    /// the organisation's VEX statement on each exposed software item.
    Applicability {
        applicability: Applicability,
        #[serde(default)]
        reason: Option<String>,
        #[serde(default)]
        #[schema(value_type = Option<String>)]
        justification: Option<crate::vuln::Justification>,
    },
    /// Progress in words.
    Update { text: String },
    /// Remediated (a reason is required, and recorded, while Ward still sees an open exposure).
    Close {
        #[serde(default)]
        reason: Option<String>,
    },
}

impl Response {
    pub fn event_kind(&self) -> EventKind {
        match self {
            Self::Acknowledge => EventKind::Acknowledged,
            Self::Applicability { .. } => EventKind::Applicability,
            Self::Update { .. } => EventKind::Update,
            Self::Close { .. } => EventKind::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_more_severe_policy_brings_clocks_forward_and_never_back() {
        assert!(Severity::Critical.is_more_severe_than(Severity::High));
        assert!(!Severity::Low.is_more_severe_than(Severity::Medium));
        assert!(!Severity::High.is_more_severe_than(Severity::High));
        let settings = ClockSettings::default();
        let from: Timestamp = "2026-03-01T09:00:00Z".parse().unwrap();
        let medium = Clocks::start(&settings.medium, from, None);
        let raised = medium.tightened(&settings.critical, from, None);
        assert_eq!(raised, Clocks::start(&settings.critical, from, None));
        assert!(raised.remediate_by < medium.remediate_by);
        // Lowering never lengthens: the medium clocks stay as they were.
        assert_eq!(raised.tightened(&settings.low, from, None), raised);
        // One allowance shorter, another longer: each clock keeps the sooner.
        let mixed = ClockPolicy {
            acknowledge_hours: 1,
            first_update_hours: 10_000,
            remediate_days: 300,
        };
        let t = medium.tightened(&mixed, from, None);
        assert_eq!(t.acknowledge_by, from + SignedDuration::from_hours(1));
        assert_eq!(t.first_update_by, medium.first_update_by);
        assert_eq!(t.remediate_by, medium.remediate_by);
        assert_eq!(
            settings.medium.tightest(mixed),
            ClockPolicy {
                acknowledge_hours: 1,
                first_update_hours: settings.medium.first_update_hours,
                remediate_days: settings.medium.remediate_days,
            }
        );
    }

    #[test]
    fn a_vulnerability_severity_follows_cvss_bands_and_exploitation() {
        use Severity::*;
        assert_eq!(Severity::of_vulnerability(Some(10.0), false), Critical);
        assert_eq!(Severity::of_vulnerability(Some(7.5), false), High);
        assert_eq!(Severity::of_vulnerability(Some(5.0), false), Medium);
        assert_eq!(Severity::of_vulnerability(Some(2.0), false), Low);
        assert_eq!(Severity::of_vulnerability(None, false), Medium);
        assert_eq!(
            Severity::of_vulnerability(Some(2.0), true),
            High,
            "exploited: at least high"
        );
        assert_eq!(Severity::of_vulnerability(Some(9.8), true), Critical);
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn high_alerts_run_48_hours_3_days_and_14_days() {
        let p = ClockSettings::default().for_severity(Severity::High);
        let c = Clocks::start(&p, ts("2026-01-01T09:00:00Z"), None);
        assert_eq!(c.acknowledge_by, ts("2026-01-03T09:00:00Z"));
        assert_eq!(c.first_update_by, ts("2026-01-04T09:00:00Z"));
        assert_eq!(c.remediate_by, ts("2026-01-15T09:00:00Z"));
    }

    #[test]
    fn a_sooner_kev_due_date_cuts_remediation_to_the_end_of_that_day() {
        let p = ClockSettings::default().for_severity(Severity::Critical);
        let due = Date::new(2026, 1, 5).unwrap();
        let c = Clocks::start(&p, ts("2026-01-01T09:00:00Z"), Some(due));
        assert_eq!(c.remediate_by, ts("2026-01-06T00:00:00Z"));
        let past = Date::new(2021, 12, 24).unwrap();
        let c = Clocks::start(&p, ts("2026-01-01T09:00:00Z"), Some(past));
        assert_eq!(
            c.remediate_by,
            ts("2026-01-15T09:00:00Z"),
            "a past due date is left out"
        );
        let later = Date::new(2026, 3, 1).unwrap();
        let c = Clocks::start(&p, ts("2026-01-01T09:00:00Z"), Some(later));
        assert_eq!(c.remediate_by, ts("2026-01-15T09:00:00Z"));
    }

    #[test]
    fn overdue_follows_the_answers() {
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
        let mut r = Recipient::new(
            &alert,
            alert.issuer,
            TargetReason::Exposed,
            vec![],
            alert.issued_at,
        );
        assert!(r.overdue(ts("2026-01-02T00:00:00Z")).is_empty());
        assert_eq!(r.overdue(ts("2026-01-03T01:00:00Z")), vec![Clock::Acknowledge]);
        r.acknowledged_at = Some(ts("2026-01-03T02:00:00Z"));
        assert_eq!(r.state(), RecipientState::Acknowledged);
        assert_eq!(r.overdue(ts("2026-01-05T00:00:00Z")), vec![Clock::FirstUpdate]);
        r.closed_at = Some(ts("2026-01-05T00:00:00Z"));
        assert!(r.overdue(ts("2026-02-01T00:00:00Z")).is_empty());
        assert_eq!(r.state(), RecipientState::Closed);
    }

    #[test]
    fn policies_out_of_range_are_refused() {
        let mut p = ClockSettings::default().low;
        assert!(p.check().is_ok());
        p.remediate_days = 0;
        assert_eq!(p.check().unwrap_err().field, "remediate_days");
    }

    #[test]
    fn responses_read_as_tagged_json() {
        let r: Response =
            serde_json::from_str(r#"{"action":"close","reason":"patched, scanner lags"}"#).unwrap();
        assert_eq!(
            r,
            Response::Close {
                reason: Some("patched, scanner lags".into())
            }
        );
        assert_eq!(r.event_kind(), EventKind::Closed);
    }
}
