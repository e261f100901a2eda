//! A risk in an organisation's register, in one language across the sector: source > event >
//! consequence from the controlled [`vocabulary`](super::vocabulary), scored on the NPSA 5x5
//! matrix per consequence domain (patient-safety harm always scored; the worst domain gives the
//! grade), at three points (inherent, current, target), with an owner, a review date, a treatment
//! and controls linked to CAF outcomes. Whether a review is overdue is computed against a date the
//! caller gives, never stored.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::vocabulary::{Vocabulary, VocabularyKind};
use super::{Consequence, Likelihood, RiskGrade, score};
use crate::error::require_text;
use crate::{AssetId, OrgId, RiskId, ServiceId, UserId, ValidationError};

/// A domain in which a consequence is scored (the NPSA matrix's consequence domains).
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
pub enum ConsequenceDomain {
    /// Harm to patients or people receiving care: always scored.
    PatientSafety,
    ServiceInterruption,
    /// Data and information (confidentiality, integrity).
    Data,
    /// Statutory duty and inspections.
    Statutory,
    Reputation,
    Finance,
}

impl ConsequenceDomain {
    pub fn label(self) -> &'static str {
        match self {
            Self::PatientSafety => "Patient safety",
            Self::ServiceInterruption => "Service interruption",
            Self::Data => "Data and information",
            Self::Statutory => "Statutory duty",
            Self::Reputation => "Reputation",
            Self::Finance => "Finance",
        }
    }
}

/// A risk scored at one point in time: one likelihood, a consequence per domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskScore {
    pub likelihood: Likelihood,
    /// Consequence by domain; patient safety is required.
    pub consequences: BTreeMap<ConsequenceDomain, Consequence>,
}

impl RiskScore {
    /// A score with patient safety only.
    pub fn patient_safety(c: Consequence, l: Likelihood) -> Self {
        Self {
            likelihood: l,
            consequences: [(ConsequenceDomain::PatientSafety, c)].into(),
        }
    }

    /// The worst domain and its consequence (the first such domain on a tie).
    pub fn worst(&self) -> (ConsequenceDomain, Consequence) {
        let mut worst = (ConsequenceDomain::PatientSafety, Consequence::NEGLIGIBLE);
        for (d, c) in &self.consequences {
            if *c > worst.1 {
                worst = (*d, *c);
            }
        }
        worst
    }

    /// Score (worst consequence x likelihood) and its grade.
    pub fn score(&self) -> (u8, RiskGrade) {
        score(self.worst().1, self.likelihood)
    }

    fn check(&self, field: &str) -> Result<(), ValidationError> {
        if !self.consequences.contains_key(&ConsequenceDomain::PatientSafety) {
            return Err(ValidationError::new(
                format!("{field}.consequences.patient_safety"),
                "patient-safety harm must always be scored",
            ));
        }
        Ok(())
    }
}

/// How a risk is treated.
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
pub enum Treatment {
    /// Add or improve controls to bring it down to the target.
    Reduce,
    /// Live with it: needs an approver other than the owner.
    Accept,
    /// Pass it on (insurance, contract).
    Transfer,
    /// Stop the activity that carries it.
    Avoid,
}

impl Treatment {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Reduce => "Reduce",
            Self::Accept => "Accept",
            Self::Transfer => "Transfer",
            Self::Avoid => "Avoid",
        }
    }
}

/// A control that addresses the risk, optionally linked to the CAF contributing outcome it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Control {
    pub description: String,
    /// A CAF outcome code (`B4.d`), if any.
    #[serde(default)]
    pub caf_outcome: Option<String>,
}

/// One asset exposed to one advisory (a row of the exposure list).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExposureRef {
    pub advisory: String,
    pub asset: AssetId,
}

impl ExposureRef {
    /// Stored form: `<advisory>@<asset>`.
    pub fn key(&self) -> String {
        format!("{}@{}", self.advisory, self.asset)
    }

    /// Reads the stored form.
    pub fn from_key(s: &str) -> Option<Self> {
        let (advisory, asset) = s.rsplit_once('@')?;
        Some(Self {
            advisory: advisory.to_owned(),
            asset: asset.parse().ok()?,
        })
    }
}

/// What a risk is linked to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskLinks {
    #[serde(default)]
    pub assets: Vec<AssetId>,
    #[serde(default)]
    pub services: Vec<ServiceId>,
    /// Supplier organisations.
    #[serde(default)]
    pub suppliers: Vec<OrgId>,
    #[serde(default)]
    pub exposures: Vec<ExposureRef>,
}

impl RiskLinks {
    fn normalise(&mut self) {
        self.assets.sort();
        self.assets.dedup();
        self.services.sort();
        self.services.dedup();
        self.suppliers.sort();
        self.suppliers.dedup();
        self.exposures.sort();
        self.exposures.dedup();
    }

    pub fn is_empty(&self) -> bool {
        self.assets.is_empty()
            && self.services.is_empty()
            && self.suppliers.is_empty()
            && self.exposures.is_empty()
    }
}

/// The part of a risk its organisation writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskDetails {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Vocabulary code of the source (`external-criminal`).
    pub source: String,
    /// Vocabulary code of the event (`malware-ransomware`).
    pub event: String,
    /// Vocabulary code of the consequence (`service-disruption`).
    pub consequence: String,
    /// Before any control.
    pub inherent: RiskScore,
    /// With the controls in place now.
    pub current: RiskScore,
    /// Where the treatment should bring it.
    pub target: RiskScore,
    /// The account that owns the risk.
    pub owner: UserId,
    #[schema(value_type = String, format = Date)]
    pub review_date: Date,
    pub treatment: Treatment,
    #[serde(default)]
    pub treatment_plan: String,
    #[serde(default)]
    pub controls: Vec<Control>,
    #[serde(default)]
    pub links: RiskLinks,
}

const MAX_TITLE: usize = 200;
const MAX_TEXT: usize = 4000;
const MAX_CONTROLS: usize = 100;
const MAX_LINKS: usize = 500;

/// Whether `s` looks like a CAF contributing-outcome code: a capital letter, a principle number, a
/// dot and a lower-case letter (`A1.a`, `B4.d`, `E2.c`).
pub fn is_outcome_code(s: &str) -> bool {
    let mut parts = s.split('.');
    let (Some(p), Some(o), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let mut pc = p.chars();
    pc.next().is_some_and(|c| c.is_ascii_uppercase())
        && !pc.as_str().is_empty()
        && pc.as_str().len() <= 2
        && pc.all(|c| c.is_ascii_digit())
        && o.len() == 1
        && o.chars().all(|c| c.is_ascii_lowercase())
}

fn optional_text(field: &str, v: &str, max: usize) -> Result<String, ValidationError> {
    if v.trim().is_empty() {
        return Ok(String::new());
    }
    if v.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(v.trim().to_owned())
}

impl RiskDetails {
    /// Check every field against the vocabulary in force and normalise (trimmed text, sorted and
    /// de-duplicated links). Every problem is returned, each naming its field.
    pub fn validate(mut self, vocabulary: &Vocabulary) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        match require_text("title", &self.title, MAX_TITLE) {
            Ok(t) => self.title = t,
            Err(e) => errors.push(e),
        }
        match optional_text("description", &self.description, MAX_TEXT) {
            Ok(t) => self.description = t,
            Err(e) => errors.push(e),
        }
        match optional_text("treatment_plan", &self.treatment_plan, MAX_TEXT) {
            Ok(t) => self.treatment_plan = t,
            Err(e) => errors.push(e),
        }
        for (field, kind) in [
            ("source", VocabularyKind::Source),
            ("event", VocabularyKind::Event),
            ("consequence", VocabularyKind::Consequence),
        ] {
            let value = match kind {
                VocabularyKind::Source => &mut self.source,
                VocabularyKind::Event => &mut self.event,
                VocabularyKind::Consequence => &mut self.consequence,
            };
            *value = value.trim().to_owned();
            if let Err(e) = vocabulary.check(field, kind, value) {
                errors.push(e);
            }
        }
        for (field, s) in [
            ("inherent", &self.inherent),
            ("current", &self.current),
            ("target", &self.target),
        ] {
            if let Err(e) = s.check(field) {
                errors.push(e);
            }
        }
        let (inherent, current, target) = (
            self.inherent.score().0,
            self.current.score().0,
            self.target.score().0,
        );
        if current > inherent {
            errors.push(ValidationError::new(
                "current",
                format!(
                    "scores {current}, above the inherent score {inherent}: controls do not raise a risk"
                ),
            ));
        }
        if target > current {
            errors.push(ValidationError::new(
                "target",
                format!("scores {target}, above the current score {current}"),
            ));
        }
        if self.controls.len() > MAX_CONTROLS {
            errors.push(ValidationError::new(
                "controls",
                format!("at most {MAX_CONTROLS} controls"),
            ));
        }
        for (i, c) in self.controls.iter_mut().enumerate() {
            match require_text("description", &c.description, MAX_TITLE * 2) {
                Ok(t) => c.description = t,
                Err(e) => errors.push(e.at(&format!("controls[{i}]"))),
            }
            c.caf_outcome = c
                .caf_outcome
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            if let Some(code) = &c.caf_outcome
                && !is_outcome_code(code)
            {
                errors.push(ValidationError::new(
                    format!("controls[{i}].caf_outcome"),
                    format!("'{code}' is not a CAF outcome code (such as B4.d)"),
                ));
            }
        }
        self.links.normalise();
        let l = &self.links;
        if l.assets.len() + l.services.len() + l.suppliers.len() + l.exposures.len() > MAX_LINKS {
            errors.push(ValidationError::new(
                "links",
                format!("at most {MAX_LINKS} links"),
            ));
        }
        for (i, x) in l.exposures.iter().enumerate() {
            if let Err(e) = require_text("advisory", &x.advisory, 100) {
                errors.push(e.at(&format!("links.exposures[{i}]")));
            } else if x.advisory.contains('@') {
                errors.push(ValidationError::new(
                    format!("links.exposures[{i}].advisory"),
                    "must not contain '@'",
                ));
            }
        }
        if errors.is_empty() { Ok(self) } else { Err(errors) }
    }
}

/// An approved acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Acceptance {
    pub approver: UserId,
    #[schema(value_type = String, format = DateTime)]
    pub approved_at: Timestamp,
}

/// A risk in an organisation's register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Risk {
    pub id: RiskId,
    pub org: OrgId,
    pub details: RiskDetails,
    /// Set when a treatment of acceptance has been approved; cleared when the treatment or the
    /// current score changes.
    pub acceptance: Option<Acceptance>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl Risk {
    /// The current score and grade: what the register, the heat map and roll-ups show.
    pub fn current(&self) -> (u8, RiskGrade) {
        self.details.current.score()
    }

    /// Whether the review date has passed on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        self.details.review_date < today
    }

    /// Whether the treatment is acceptance still waiting for its approval.
    pub fn awaits_approval(&self) -> bool {
        self.details.treatment == Treatment::Accept && self.acceptance.is_none()
    }

    /// Whether `approver` may approve this risk's acceptance now.
    pub fn check_approver(&self, approver: UserId) -> Result<(), ValidationError> {
        if self.details.treatment != Treatment::Accept {
            return Err(ValidationError::new(
                "treatment",
                format!(
                    "is {}: only an accepted risk needs approval",
                    self.details.treatment
                ),
            ));
        }
        if self.acceptance.is_some() {
            return Err(ValidationError::new("acceptance", "is already approved"));
        }
        if approver == self.details.owner {
            return Err(ValidationError::new(
                "approver",
                "the risk's owner cannot approve its own acceptance",
            ));
        }
        Ok(())
    }

    /// The acceptance that survives replacing the details by `next`: kept only while the risk is
    /// still accepted at the same current score and by the same owner.
    pub fn acceptance_after(&self, next: &RiskDetails) -> Option<Acceptance> {
        let same = next.treatment == Treatment::Accept
            && next.current == self.details.current
            && next.owner == self.details.owner;
        if same { self.acceptance.clone() } else { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(v: u8) -> Consequence {
        Consequence::new(v).unwrap()
    }
    fn l(v: u8) -> Likelihood {
        Likelihood::new(v).unwrap()
    }
    fn user(n: u128) -> UserId {
        UserId::from_uuid(uuid::Uuid::from_u128(n))
    }

    pub(crate) fn details() -> RiskDetails {
        RiskDetails {
            title: " Ransomware through the pathology supplier ".into(),
            description: String::new(),
            source: "external-compromised-supplier".into(),
            event: "malware-ransomware".into(),
            consequence: "service-disruption".into(),
            inherent: RiskScore::patient_safety(c(5), l(4)),
            current: RiskScore {
                likelihood: l(3),
                consequences: [
                    (ConsequenceDomain::PatientSafety, c(3)),
                    (ConsequenceDomain::ServiceInterruption, c(5)),
                ]
                .into(),
            },
            target: RiskScore::patient_safety(c(3), l(2)),
            owner: user(1),
            review_date: jiff::civil::date(2026, 6, 30),
            treatment: Treatment::Reduce,
            treatment_plan: String::new(),
            controls: vec![Control {
                description: "Offline backups tested quarterly".into(),
                caf_outcome: Some("B5.c".into()),
            }],
            links: RiskLinks::default(),
        }
    }

    #[test]
    fn the_worst_domain_gives_the_grade() {
        let d = details();
        assert_eq!(d.current.worst(), (ConsequenceDomain::ServiceInterruption, c(5)));
        assert_eq!(d.current.score(), (15, RiskGrade::Extreme));
        assert_eq!(d.target.score(), (6, RiskGrade::Moderate));
        crate::text::check_serde_agrees::<ConsequenceDomain>().unwrap();
        crate::text::check_serde_agrees::<Treatment>().unwrap();
    }

    #[test]
    fn validation_names_every_field_at_fault() {
        let v = Vocabulary::with(vec![]);
        let ok = details().validate(&v).unwrap();
        assert_eq!(ok.title, "Ransomware through the pathology supplier");

        let mut bad = details();
        bad.title = "  ".into();
        bad.source = "aliens".into();
        bad.target = RiskScore::patient_safety(c(5), l(5));
        bad.current.consequences.remove(&ConsequenceDomain::PatientSafety);
        bad.controls[0].caf_outcome = Some("B4".into());
        let errors = bad.validate(&v).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "title",
                "source",
                "current.consequences.patient_safety",
                "target",
                "controls[0].caf_outcome"
            ]
        );
    }

    #[test]
    fn current_above_inherent_is_refused() {
        let mut d = details();
        d.inherent = RiskScore::patient_safety(c(2), l(2));
        let errors = d.validate(&Vocabulary::with(vec![])).unwrap_err();
        assert_eq!(errors[0].field, "current");
    }

    #[test]
    fn outcome_codes() {
        for ok in ["A1.a", "B4.d", "E2.c", "C12.f"] {
            assert!(is_outcome_code(ok), "{ok}");
        }
        for bad in ["A1", "a1.a", "A1.ab", "A.a", "A1.a.1", "A123.a"] {
            assert!(!is_outcome_code(bad), "{bad}");
        }
    }

    #[test]
    fn acceptance_needs_someone_other_than_the_owner() {
        let mut r = Risk {
            id: RiskId::from_uuid(uuid::Uuid::from_u128(9)),
            org: OrgId::from_uuid(uuid::Uuid::from_u128(8)),
            details: details(),
            acceptance: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        };
        assert_eq!(r.check_approver(user(2)).unwrap_err().field, "treatment");
        r.details.treatment = Treatment::Accept;
        assert!(r.awaits_approval());
        assert_eq!(r.check_approver(user(1)).unwrap_err().field, "approver");
        assert!(r.check_approver(user(2)).is_ok());
        r.acceptance = Some(Acceptance {
            approver: user(2),
            approved_at: Timestamp::UNIX_EPOCH,
        });
        assert_eq!(r.check_approver(user(3)).unwrap_err().field, "acceptance");
        let mut next = r.details.clone();
        next.title = "renamed".into();
        assert!(r.acceptance_after(&next).is_some(), "a new title keeps it");
        next.current = RiskScore::patient_safety(c(4), l(3));
        assert!(
            r.acceptance_after(&next).is_none(),
            "a new score needs approval again"
        );
    }

    #[test]
    fn overdue_is_against_the_given_date() {
        let r = Risk {
            id: RiskId::from_uuid(uuid::Uuid::from_u128(9)),
            org: OrgId::from_uuid(uuid::Uuid::from_u128(8)),
            details: details(),
            acceptance: None,
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        };
        assert!(!r.overdue(jiff::civil::date(2026, 6, 30)));
        assert!(r.overdue(jiff::civil::date(2026, 7, 1)));
    }

    #[test]
    fn exposure_keys_round_trip() {
        let x = ExposureRef {
            advisory: "CVE-2021-44228".into(),
            asset: AssetId::from_uuid(uuid::Uuid::from_u128(5)),
        };
        assert_eq!(ExposureRef::from_key(&x.key()), Some(x));
    }
}
