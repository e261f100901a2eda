//! Assurance frameworks as data: objectives > principles > contributing outcomes > indicators of good
//! practice, each indicator in one of three columns (the NCSC Cyber Assessment Framework's shape;
//! other frameworks, such as Cyber Essentials, fit it with every requirement in the achieved column).
//!
//! An indicator is known by an identifier that is unique within its framework version: its NCSC
//! index (`A1.a.NA.1`) when it has one that no earlier indicator has taken. Real files are imperfect,
//! so the parser names the others from the file's own content, which keeps the names stable from one
//! import to the next: a repeated index becomes `<index>#<local id>` (`B2.b.PA.3#B2.b.8`), an
//! indicator without an index becomes `<outcome>.<column code>#<local id>` (`B3.a.PA#B3.a.9`), and if
//! that too is taken, `#<position in its column>` is appended.

pub mod attachment;
pub mod evidence;
pub mod improvement;
pub mod signoff;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The three columns of indicators of good practice, and the three statuses an outcome can have.
/// Spelled as WebCAF spells them (`not-achieved`, `partially-achieved`, `achieved`).
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
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Level {
    NotAchieved,
    PartiallyAchieved,
    Achieved,
}

impl Level {
    /// The three, worst first.
    pub const ALL: [Self; 3] = [Self::NotAchieved, Self::PartiallyAchieved, Self::Achieved];

    /// Reads the level as files and people write it: `Partially achieved`, `partially-achieved`,
    /// `partially_achieved`, in any case.
    pub fn parse_loose(s: &str) -> Option<Self> {
        s.trim()
            .to_ascii_lowercase()
            .replace([' ', '_'], "-")
            .parse()
            .ok()
    }

    /// The short code NCSC indices use for the column (`NA`, `PA`, `A`).
    pub fn code(self) -> &'static str {
        match self {
            Self::NotAchieved => "NA",
            Self::PartiallyAchieved => "PA",
            Self::Achieved => "A",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotAchieved => "Not achieved",
            Self::PartiallyAchieved => "Partially achieved",
            Self::Achieved => "Achieved",
        }
    }
}

/// The file format a framework was read from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::EnumIter,
    utoipa::ToSchema,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum FrameworkFormat {
    /// The UK government's WebCAF self-assessment service (full indicator text in three columns).
    Webcaf,
    /// The CISO Assistant library format (a flat list of requirement nodes with parents).
    CisoAssistant,
}

/// One framework version, as read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Framework {
    /// What the framework is, across its versions (`ncsc-caf`, `cyber-essentials`).
    pub id: String,
    /// Which version (`3.2`, `4.0`).
    pub version: String,
    /// Its name for people.
    pub name: String,
    /// The format it was read from.
    pub format: FrameworkFormat,
    /// Its objectives, in file order.
    pub objectives: Vec<Objective>,
}

/// An objective (CAF: A to D).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Objective {
    pub code: String,
    pub title: String,
    pub description: String,
    pub principles: Vec<Principle>,
}

/// A principle (CAF: A1, B4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principle {
    pub code: String,
    pub title: String,
    pub description: String,
    pub outcomes: Vec<Outcome>,
}

/// A contributing outcome (CAF: A1.a, B4.d), the unit that gets a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub code: String,
    pub title: String,
    pub description: String,
    /// Its indicators, in file order, every column together.
    pub indicators: Vec<Indicator>,
    /// Minimum statuses the file itself sets for named profiles (CAF 3.2's WebCAF file sets
    /// `baseline` and `enhanced`); empty when it sets none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<String, Level>,
}

/// One indicator of good practice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// Unique within the framework version (see the module documentation).
    pub id: String,
    /// The column it stands in.
    pub level: Level,
    /// The statement.
    pub text: String,
}

impl Outcome {
    /// Whether the outcome has indicators in `level`'s column.
    pub fn has(&self, level: Level) -> bool {
        self.indicators.iter().any(|i| i.level == level)
    }
}

impl Framework {
    /// Every outcome, in order.
    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.objectives
            .iter()
            .flat_map(|o| o.principles.iter())
            .flat_map(|p| p.outcomes.iter())
    }

    /// Every indicator with the code of its outcome, in order.
    pub fn indicators(&self) -> impl Iterator<Item = (&Outcome, &Indicator)> {
        self.outcomes()
            .flat_map(|o| o.indicators.iter().map(move |i| (o, i)))
    }

    /// The outcome with this code.
    pub fn outcome(&self, code: &str) -> Option<&Outcome> {
        self.outcomes().find(|o| o.code == code)
    }
}

/// Interim (part-way through the year) or final.
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
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum AssessmentKind {
    Interim,
    Final,
}

/// Where an assessment is in its workflow.
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
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum AssessmentStatus {
    /// Being answered; answers and overrides may change.
    Draft,
    /// Handed in for sign-off; frozen unless returned to draft.
    Submitted,
    /// Signed off by the organisation's senior information risk owner.
    SignedOff,
    /// Published: final, read by regional and national roles.
    Published,
}

impl AssessmentKind {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Interim => "Interim",
            Self::Final => "Final",
        }
    }
}

impl AssessmentStatus {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Submitted => "Submitted",
            Self::SignedOff => "Signed off",
            Self::Published => "Published",
        }
    }
    /// Whether the workflow allows moving from `self` to `to`: draft to submitted, submitted back
    /// to draft or on to signed off, signed off to published. Nothing leaves published.
    pub fn may_become(self, to: Self) -> bool {
        use AssessmentStatus::*;
        matches!(
            (self, to),
            (Draft, Submitted) | (Submitted, Draft) | (Submitted, SignedOff) | (SignedOff, Published)
        )
    }
}

/// One indicator's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Answer {
    /// True or false; `None` keeps the comment and evidence without an answer yet.
    pub value: Option<bool>,
    #[serde(default)]
    pub comment: String,
    /// Links to evidence.
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// What an assessor records against an outcome besides the answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeNote {
    /// A status the assessor sets over the derived one; both are kept and shown.
    pub override_status: Option<Level>,
    /// Why, required with an override.
    pub justification: Option<String>,
    /// Who owns the outcome in the organisation.
    pub owner: Option<String>,
}

/// An organisation's assessment against one framework version, for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessmentHead {
    pub id: crate::AssessmentId,
    pub org: crate::OrgId,
    pub framework: String,
    pub version: String,
    /// The assessment year (the year it ends in, as the toolkit counts: 2026 for 2025-26).
    pub year: i32,
    pub kind: AssessmentKind,
    pub status: AssessmentStatus,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: jiff::Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: jiff::Timestamp,
}

impl AssessmentHead {
    /// Which of an organisation's assessments of one framework version is its current one: the
    /// greatest key wins (the latest year, a final one before an interim one, then the newest).
    pub fn currency(&self) -> (i32, bool, jiff::Timestamp, crate::AssessmentId) {
        (
            self.year,
            self.kind == AssessmentKind::Final,
            self.created_at,
            self.id,
        )
    }
}

/// An assessment with its answers (by indicator identifier) and outcome notes (by outcome code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assessment {
    pub head: AssessmentHead,
    pub answers: BTreeMap<String, Answer>,
    pub outcomes: BTreeMap<String, OutcomeNote>,
}

/// Who a profile (a minimum standard) applies to.
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
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum ProfileCategory {
    /// NHS trusts and integrated care boards.
    TrustsAndIcbs,
    GpPractices,
    /// Adult social care providers (their sites assess as the provider).
    SocialCare,
    Suppliers,
}

impl ProfileCategory {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::TrustsAndIcbs => "NHS trusts and ICBs",
            Self::GpPractices => "GP practices",
            Self::SocialCare => "Adult social care providers",
            Self::Suppliers => "Suppliers",
        }
    }
    /// The category an organisation of `kind` is held to; none for regions and the national body,
    /// which do not assess themselves against a profile.
    pub fn of(kind: crate::org::OrgKind) -> Option<Self> {
        use crate::org::OrgKind::*;
        match kind {
            NhsTrust | Icb => Some(Self::TrustsAndIcbs),
            GpPractice => Some(Self::GpPractices),
            CareProvider | CareSite => Some(Self::SocialCare),
            Supplier => Some(Self::Suppliers),
            NationalBody | Region => None,
        }
    }
}

/// A minimum standard: the status each outcome must reach, for one category of organisation,
/// against one framework version. Versions are numbered from 1 and take effect on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Profile {
    pub framework: String,
    pub framework_version: String,
    pub category: ProfileCategory,
    /// 1, 2, ...: each publication is a new version; earlier ones are kept.
    pub version: u32,
    #[schema(value_type = String, format = Date)]
    pub effective_from: jiff::civil::Date,
    /// Target status by outcome code; outcomes not named have no target.
    pub targets: BTreeMap<String, Level>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_text_is_webcaf_spelling_and_serde_agrees() {
        assert_eq!(Level::PartiallyAchieved.to_string(), "partially-achieved");
        assert_eq!("not-achieved".parse::<Level>(), Ok(Level::NotAchieved));
        assert_eq!(
            Level::parse_loose(" Partially achieved"),
            Some(Level::PartiallyAchieved)
        );
        assert_eq!(Level::parse_loose("achieved-ish"), None);
        crate::text::check_serde_agrees::<Level>().unwrap();
        crate::text::check_serde_agrees::<FrameworkFormat>().unwrap();
        crate::text::check_serde_agrees::<AssessmentKind>().unwrap();
        crate::text::check_serde_agrees::<AssessmentStatus>().unwrap();
        crate::text::check_serde_agrees::<ProfileCategory>().unwrap();
    }

    #[test]
    fn every_assessing_kind_has_a_category() {
        use crate::org::OrgKind;
        use strum::IntoEnumIterator;
        for kind in OrgKind::iter() {
            let expected = !matches!(kind, OrgKind::NationalBody | OrgKind::Region);
            assert_eq!(ProfileCategory::of(kind).is_some(), expected, "{kind:?}");
        }
    }

    #[test]
    fn the_workflow_goes_forward_and_back_only_where_allowed() {
        use AssessmentStatus::*;
        let allowed: Vec<(AssessmentStatus, AssessmentStatus)> = [Draft, Submitted, SignedOff, Published]
            .into_iter()
            .flat_map(|a| [Draft, Submitted, SignedOff, Published].map(move |b| (a, b)))
            .filter(|(a, b)| a.may_become(*b))
            .collect();
        assert_eq!(
            allowed,
            [
                (Draft, Submitted),
                (Submitted, Draft),
                (Submitted, SignedOff),
                (SignedOff, Published)
            ]
        );
    }
}
