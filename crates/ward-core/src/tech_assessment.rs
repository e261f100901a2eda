//! Technology assessments: an organisation asks the national service to assess a technology (a
//! new system, a medical device). The national team triages the request (a priority and an
//! assessor) or declines it (with a reason), assesses it, records findings (each either an
//! exposure-like finding naming an advisory or the organisation's assets, or a risk raised in the
//! organisation's register) and reports them; the organisation then works through a remediation
//! plan (actions with owners and due dates) until the request is closed.
//!
//! The rules are pure and live here: which status may follow which ([`TechStatus::may_move_to`]),
//! what each move needs ([`apply_change`]: closing with actions still open needs a recorded
//! reason), when findings and actions may be added, and when an action is overdue.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::alert::Severity;
use crate::error::require_text;
use crate::{
    AssetId, OrgId, ProductId, RemediationActionId, RiskId, TechAssessmentId, TechFindingId, UserId,
    ValidationError,
};

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $label:literal,)* }) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            strum::IntoStaticStr, strum::EnumString, strum::Display, strum::EnumIter, utoipa::ToSchema,
        )]
        #[serde(rename_all = "kebab-case")]
        #[strum(serialize_all = "kebab-case")]
        pub enum $name { $($(#[$vdoc])* $variant,)* }

        impl $name {
            /// How people read it.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)* }
            }
        }
    };
}

text_enum!(
    /// What kind of technology is to be assessed.
    TechKind {
        System => "System",
        MedicalDevice => "Medical device",
        Other => "Other",
    }
);

text_enum!(
    /// How soon the national team means to assess it, set at triage.
    TechPriority {
        Low => "Low",
        Medium => "Medium",
        High => "High",
        Urgent => "Urgent",
    }
);

text_enum!(
    /// Where a request stands. `requested -> triaged | declined`, `triaged -> in-assessment |
    /// declined`, `in-assessment -> findings-reported`, `findings-reported -> remediating |
    /// closed`, `remediating -> closed`.
    TechStatus {
        Requested => "Requested",
        Triaged => "Triaged",
        Declined => "Declined",
        InAssessment => "In assessment",
        FindingsReported => "Findings reported",
        Remediating => "Remediating",
        Closed => "Closed",
    }
);

text_enum!(
    /// How a finding is recorded: like an exposure (an advisory, the organisation's assets), or as
    /// a risk in the organisation's risk register.
    FindingKind {
        Exposure => "Exposure",
        Risk => "Risk",
    }
);

text_enum!(
    /// Whether a remediation action is still to do.
    RemediationStatus {
        Open => "Open",
        Done => "Done",
    }
);

impl TechStatus {
    /// Whether a request at `self` may move to `next`.
    pub fn may_move_to(self, next: TechStatus) -> bool {
        use TechStatus::*;
        matches!(
            (self, next),
            (Requested, Triaged | Declined)
                | (Triaged, InAssessment | Declined)
                | (InAssessment, FindingsReported)
                | (FindingsReported, Remediating | Closed)
                | (Remediating, Closed)
        )
    }

    /// Findings are recorded while the technology is being assessed.
    pub fn takes_findings(self) -> bool {
        self == TechStatus::InAssessment
    }

    /// Remediation actions are planned once findings are reported, until the request closes.
    pub fn takes_actions(self) -> bool {
        matches!(self, TechStatus::FindingsReported | TechStatus::Remediating)
    }

    /// The status once a remediation action is added: reported findings move to remediating.
    pub fn after_action_added(self) -> TechStatus {
        if self == TechStatus::FindingsReported {
            TechStatus::Remediating
        } else {
            self
        }
    }

    /// Declined or closed: nothing more happens to it.
    pub fn is_finished(self) -> bool {
        matches!(self, TechStatus::Declined | TechStatus::Closed)
    }
}

/// A request to assess a technology, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TechAssessment {
    pub id: TechAssessmentId,
    /// The requesting organisation.
    pub org: OrgId,
    /// The technology's name (`Infusion pump XR-200`).
    pub technology: String,
    pub kind: TechKind,
    /// The supplier in the register, when known.
    pub supplier: Option<OrgId>,
    /// The supplier's product (with its CPE and purl identifiers), when known.
    pub product: Option<ProductId>,
    pub description: String,
    /// When the organisation needs the answer by.
    #[schema(value_type = Option<String>, format = Date)]
    pub wanted_by: Option<Date>,
    pub status: TechStatus,
    /// Set at triage.
    pub priority: Option<TechPriority>,
    /// The national assessor named at triage.
    pub assessor: Option<UserId>,
    /// Why it was declined, or why it was closed with remediation actions still open.
    pub reason: Option<String>,
    /// Who asked (None for Ward itself or a token).
    pub requested_by: Option<UserId>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// What an organisation sends to ask for an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TechRequestInput {
    /// The requesting organisation (one in the caller's footprint).
    pub org: OrgId,
    pub technology: String,
    pub kind: TechKind,
    #[serde(default)]
    pub supplier: Option<OrgId>,
    #[serde(default)]
    pub product: Option<ProductId>,
    pub description: String,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub wanted_by: Option<Date>,
}

pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 4000;

impl TechRequestInput {
    /// The input with its texts trimmed, or every problem with it; `today` bounds `wanted_by`.
    pub fn validate(&self, today: Date) -> Result<TechRequestInput, Vec<ValidationError>> {
        let mut problems = Vec::new();
        let technology = require_text("technology", &self.technology, MAX_NAME)
            .map_err(|e| problems.push(e))
            .unwrap_or_default();
        let description = require_text("description", &self.description, MAX_TEXT)
            .map_err(|e| problems.push(e))
            .unwrap_or_default();
        if self.wanted_by.is_some_and(|d| d < today) {
            problems.push(ValidationError::new(
                "wanted_by",
                format!("must not be before today ({today})"),
            ));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(TechRequestInput {
            technology,
            description,
            ..self.clone()
        })
    }
}

/// A move of a request to another status, with what that status needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub to: TechStatus,
    /// Needed to triage.
    #[serde(default)]
    pub priority: Option<TechPriority>,
    /// The national assessor; needed to triage.
    #[serde(default)]
    pub assessor: Option<UserId>,
    /// Needed to decline, and to close while remediation actions are still open.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Why a status change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRefused {
    /// The move itself is not allowed from where the request stands.
    Move { from: TechStatus, to: TechStatus },
    /// The move is allowed but its input is wrong or missing.
    Invalid(Vec<ValidationError>),
}

impl std::fmt::Display for ChangeRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Move { from, to } => write!(f, "a request that is {from} cannot become {to}"),
            Self::Invalid(v) => {
                let parts: Vec<String> = v.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
                f.write_str(&parts.join("; "))
            }
        }
    }
}

/// The request after `change`, given how many of its remediation actions are still open; `at`
/// stamps it. The one rule every path (API, pages, store) goes through.
pub fn apply_change(
    current: &TechAssessment,
    change: &StatusChange,
    open_actions: usize,
    at: Timestamp,
) -> Result<TechAssessment, ChangeRefused> {
    use TechStatus::*;
    if !current.status.may_move_to(change.to) {
        return Err(ChangeRefused::Move {
            from: current.status,
            to: change.to,
        });
    }
    let mut problems = Vec::new();
    if change.to != Triaged {
        if change.priority.is_some() {
            problems.push(ValidationError::new("priority", "is set only when triaging"));
        }
        if change.assessor.is_some() {
            problems.push(ValidationError::new("assessor", "is named only when triaging"));
        }
    }
    let reason = match change.reason.as_deref() {
        Some(r) if !r.trim().is_empty() => match require_text("reason", r, MAX_TEXT) {
            Ok(r) => Some(r),
            Err(e) => {
                problems.push(e);
                None
            }
        },
        _ => None,
    };
    let mut next = TechAssessment {
        status: change.to,
        updated_at: at,
        ..current.clone()
    };
    match change.to {
        Triaged => {
            if change.priority.is_none() {
                problems.push(ValidationError::new("priority", "give the priority to triage it"));
            }
            if change.assessor.is_none() {
                problems.push(ValidationError::new("assessor", "name the assessor to triage it"));
            }
            if reason.is_some() {
                problems.push(ValidationError::new(
                    "reason",
                    "is given only to decline or close",
                ));
            }
            next.priority = change.priority;
            next.assessor = change.assessor;
        }
        Declined => {
            if reason.is_none() && problems.iter().all(|p| p.field != "reason") {
                problems.push(ValidationError::new("reason", "say why it is declined"));
            }
            next.reason = reason;
        }
        Closed => {
            if open_actions > 0 && reason.is_none() && problems.iter().all(|p| p.field != "reason") {
                problems.push(ValidationError::new(
                    "reason",
                    format!(
                        "{open_actions} remediation action(s) are still open: mark them done, or give the \
                         reason for closing with them open"
                    ),
                ));
            }
            next.reason = reason;
        }
        _ => {
            if reason.is_some() {
                problems.push(ValidationError::new(
                    "reason",
                    "is given only to decline or close",
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(next)
    } else {
        Err(ChangeRefused::Invalid(problems))
    }
}

/// A finding of an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TechFinding {
    pub id: TechFindingId,
    pub assessment: TechAssessmentId,
    /// The requesting organisation.
    pub org: OrgId,
    pub title: String,
    pub severity: Severity,
    pub description: String,
    pub kind: FindingKind,
    /// The advisory the finding is about (an exposure-like finding), as Ward knows it.
    pub advisory: Option<String>,
    /// The organisation's assets it concerns.
    pub assets: Vec<AssetId>,
    /// The risk raised in the organisation's register (a finding recorded as a risk).
    pub risk: Option<RiskId>,
    pub recorded_by: Option<UserId>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl TechFinding {
    /// An exposure-like finding names an advisory or assets and no risk; a risk finding names
    /// its risk and no advisory.
    pub fn check(&self) -> Result<(), ValidationError> {
        match self.kind {
            FindingKind::Exposure => {
                if self.risk.is_some() {
                    return Err(ValidationError::new("risk", "an exposure finding raises no risk"));
                }
                if self.advisory.is_none() && self.assets.is_empty() {
                    return Err(ValidationError::new(
                        "advisory",
                        "an exposure finding names an advisory or the assets it concerns",
                    ));
                }
            }
            FindingKind::Risk => {
                if self.risk.is_none() {
                    return Err(ValidationError::new("risk", "a risk finding links its risk"));
                }
                if self.advisory.is_some() {
                    return Err(ValidationError::new(
                        "advisory",
                        "a risk finding names no advisory",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// One action of an assessment's remediation plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RemediationAction {
    pub id: RemediationActionId,
    pub assessment: TechAssessmentId,
    /// The requesting organisation.
    pub org: OrgId,
    pub title: String,
    /// Who owns it (a name or post).
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    pub status: RemediationStatus,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl RemediationAction {
    /// Open and past its due date on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.status == RemediationStatus::Open && self.due < today
    }
}

/// A request with its findings (oldest first) and remediation plan (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TechAssessmentRecord {
    pub assessment: TechAssessment,
    pub findings: Vec<TechFinding>,
    pub actions: Vec<RemediationAction>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn at(n: i64) -> Timestamp {
        Timestamp::from_second(n).unwrap()
    }

    fn request(status: TechStatus) -> TechAssessment {
        TechAssessment {
            id: TechAssessmentId::from_uuid(uuid::Uuid::from_u128(1)),
            org: OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            technology: "Infusion pump".into(),
            kind: TechKind::MedicalDevice,
            supplier: None,
            product: None,
            description: "New pumps for the wards".into(),
            wanted_by: None,
            status,
            priority: None,
            assessor: None,
            reason: None,
            requested_by: None,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    fn to(status: TechStatus) -> StatusChange {
        StatusChange {
            to: status,
            priority: None,
            assessor: None,
            reason: None,
        }
    }

    #[test]
    fn text_is_kebab_case_and_serde_agrees() {
        assert_eq!(TechStatus::FindingsReported.to_string(), "findings-reported");
        assert_eq!(TechKind::MedicalDevice.to_string(), "medical-device");
        crate::text::check_serde_agrees::<TechKind>().unwrap();
        crate::text::check_serde_agrees::<TechPriority>().unwrap();
        crate::text::check_serde_agrees::<TechStatus>().unwrap();
        crate::text::check_serde_agrees::<FindingKind>().unwrap();
        crate::text::check_serde_agrees::<RemediationStatus>().unwrap();
    }

    #[test]
    fn only_the_documented_moves_are_allowed() {
        use TechStatus::*;
        let allowed: Vec<(TechStatus, TechStatus)> = TechStatus::iter()
            .flat_map(|a| TechStatus::iter().map(move |b| (a, b)))
            .filter(|(a, b)| a.may_move_to(*b))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Requested, Triaged),
                (Requested, Declined),
                (Triaged, Declined),
                (Triaged, InAssessment),
                (InAssessment, FindingsReported),
                (FindingsReported, Remediating),
                (FindingsReported, Closed),
                (Remediating, Closed),
            ]
        );
        for s in [Declined, Closed] {
            assert!(s.is_finished());
            assert!(TechStatus::iter().all(|n| !s.may_move_to(n)), "{s} is final");
        }
    }

    #[test]
    fn triage_needs_a_priority_and_an_assessor() {
        let r = request(TechStatus::Requested);
        let Err(ChangeRefused::Invalid(p)) = apply_change(&r, &to(TechStatus::Triaged), 0, at(5)) else {
            panic!("triage without priority or assessor must be refused");
        };
        let fields: Vec<&str> = p.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["priority", "assessor"]);
        let assessor = UserId::from_uuid(uuid::Uuid::from_u128(7));
        let change = StatusChange {
            priority: Some(TechPriority::High),
            assessor: Some(assessor),
            ..to(TechStatus::Triaged)
        };
        let next = apply_change(&r, &change, 0, at(5)).unwrap();
        assert_eq!(next.status, TechStatus::Triaged);
        assert_eq!(next.priority, Some(TechPriority::High));
        assert_eq!(next.assessor, Some(assessor));
        assert_eq!(next.updated_at, at(5));
    }

    #[test]
    fn declining_needs_a_reason_and_priority_is_set_only_at_triage() {
        let r = request(TechStatus::Requested);
        assert!(matches!(
            apply_change(&r, &to(TechStatus::Declined), 0, at(1)),
            Err(ChangeRefused::Invalid(_))
        ));
        let blank = StatusChange {
            reason: Some("   ".into()),
            ..to(TechStatus::Declined)
        };
        assert!(apply_change(&r, &blank, 0, at(1)).is_err());
        let ok = StatusChange {
            reason: Some("Already assessed nationally".into()),
            ..to(TechStatus::Declined)
        };
        assert_eq!(
            apply_change(&r, &ok, 0, at(1)).unwrap().reason.as_deref(),
            Some("Already assessed nationally")
        );
        let t = request(TechStatus::Triaged);
        let wrong = StatusChange {
            priority: Some(TechPriority::Low),
            ..to(TechStatus::InAssessment)
        };
        assert!(matches!(
            apply_change(&t, &wrong, 0, at(1)),
            Err(ChangeRefused::Invalid(p)) if p[0].field == "priority"
        ));
    }

    #[test]
    fn a_move_out_of_order_is_refused_naming_both_statuses() {
        let r = request(TechStatus::Requested);
        let err = apply_change(&r, &to(TechStatus::Closed), 0, at(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a request that is requested cannot become closed"
        );
    }

    #[test]
    fn closing_with_open_actions_needs_a_reason() {
        let r = request(TechStatus::Remediating);
        let err = apply_change(&r, &to(TechStatus::Closed), 2, at(1)).unwrap_err();
        assert!(
            err.to_string().contains("2 remediation action(s) are still open"),
            "{err}"
        );
        assert_eq!(
            apply_change(&r, &to(TechStatus::Closed), 0, at(1))
                .unwrap()
                .status,
            TechStatus::Closed
        );
        let with_reason = StatusChange {
            reason: Some("The supplier withdrew the product".into()),
            ..to(TechStatus::Closed)
        };
        let closed = apply_change(&r, &with_reason, 2, at(1)).unwrap();
        assert_eq!(
            closed.reason.as_deref(),
            Some("The supplier withdrew the product")
        );
    }

    #[test]
    fn findings_and_actions_are_added_only_at_their_stage() {
        use TechStatus::*;
        let findings: Vec<TechStatus> = TechStatus::iter().filter(|s| s.takes_findings()).collect();
        assert_eq!(findings, vec![InAssessment]);
        let actions: Vec<TechStatus> = TechStatus::iter().filter(|s| s.takes_actions()).collect();
        assert_eq!(actions, vec![FindingsReported, Remediating]);
        assert_eq!(FindingsReported.after_action_added(), Remediating);
        assert_eq!(Remediating.after_action_added(), Remediating);
    }

    #[test]
    fn only_open_actions_past_their_due_date_are_overdue() {
        let mut a = RemediationAction {
            id: RemediationActionId::from_uuid(uuid::Uuid::from_u128(3)),
            assessment: TechAssessmentId::from_uuid(uuid::Uuid::from_u128(1)),
            org: OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            title: "Segment the pumps' network".into(),
            owner: "Head of IT".into(),
            due: jiff::civil::date(2026, 6, 30),
            status: RemediationStatus::Open,
            created_at: at(0),
            updated_at: at(0),
        };
        assert!(!a.overdue(jiff::civil::date(2026, 6, 30)));
        assert!(a.overdue(jiff::civil::date(2026, 7, 1)));
        a.status = RemediationStatus::Done;
        assert!(!a.overdue(jiff::civil::date(2026, 7, 1)));
    }

    #[test]
    fn findings_name_what_their_kind_needs() {
        let mut f = TechFinding {
            id: TechFindingId::from_uuid(uuid::Uuid::from_u128(4)),
            assessment: TechAssessmentId::from_uuid(uuid::Uuid::from_u128(1)),
            org: OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            title: "Default password".into(),
            severity: Severity::High,
            description: String::new(),
            kind: FindingKind::Exposure,
            advisory: None,
            assets: Vec::new(),
            risk: None,
            recorded_by: None,
            created_at: at(0),
        };
        assert_eq!(f.check().unwrap_err().field, "advisory");
        f.advisory = Some("CVE-2021-44228".into());
        assert!(f.check().is_ok());
        f.kind = FindingKind::Risk;
        assert_eq!(f.check().unwrap_err().field, "risk");
        f.risk = Some(RiskId::from_uuid(uuid::Uuid::from_u128(9)));
        assert_eq!(f.check().unwrap_err().field, "advisory");
        f.advisory = None;
        assert!(f.check().is_ok());
    }

    #[test]
    fn a_request_needs_its_texts_and_a_date_not_in_the_past() {
        let today = jiff::civil::date(2026, 6, 1);
        let input = TechRequestInput {
            org: OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            technology: "  ".into(),
            kind: TechKind::System,
            supplier: None,
            product: None,
            description: "x".into(),
            wanted_by: Some(jiff::civil::date(2026, 5, 31)),
        };
        let p = input.validate(today).unwrap_err();
        let fields: Vec<&str> = p.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["technology", "wanted_by"]);
        let ok = TechRequestInput {
            technology: " PACS ".into(),
            wanted_by: Some(today),
            ..input
        };
        assert_eq!(ok.validate(today).unwrap().technology, "PACS");
    }
}
