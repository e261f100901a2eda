//! The NPSA 5x5 risk matrix: one language for cyber risk across health and care. The register
//! built on it (a risk as source, event and consequence, scored per consequence domain) is in
//! [`register`]; the controlled vocabulary of sources, events and consequences in [`vocabulary`].

pub mod register;
pub mod vocabulary;

use crate::ValidationError;
use serde::{Deserialize, Serialize};

/// NPSA consequence, 1 (negligible) to 5 (catastrophic).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "u8", into = "u8")]
#[schema(value_type = u8)]
pub struct Consequence(u8);

/// NPSA likelihood, 1 (rare) to 5 (almost certain).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "u8", into = "u8")]
#[schema(value_type = u8)]
pub struct Likelihood(u8);

fn one_to_five(field: &str, v: u8) -> Result<u8, ValidationError> {
    if (1..=5).contains(&v) {
        Ok(v)
    } else {
        Err(ValidationError::new(
            field,
            format!("must be between 1 and 5, got {v}"),
        ))
    }
}

impl Consequence {
    pub const NEGLIGIBLE: Self = Self(1);
    pub const MINOR: Self = Self(2);
    pub const MODERATE: Self = Self(3);
    pub const MAJOR: Self = Self(4);
    pub const CATASTROPHIC: Self = Self(5);
    pub fn new(v: u8) -> Result<Self, ValidationError> {
        one_to_five("consequence", v).map(Self)
    }
    pub fn value(self) -> u8 {
        self.0
    }
    pub fn label(self) -> &'static str {
        ["Negligible", "Minor", "Moderate", "Major", "Catastrophic"][usize::from(self.0 - 1)]
    }
}

impl Likelihood {
    pub const RARE: Self = Self(1);
    pub const UNLIKELY: Self = Self(2);
    pub const POSSIBLE: Self = Self(3);
    pub const LIKELY: Self = Self(4);
    pub const ALMOST_CERTAIN: Self = Self(5);
    pub fn new(v: u8) -> Result<Self, ValidationError> {
        one_to_five("likelihood", v).map(Self)
    }
    pub fn value(self) -> u8 {
        self.0
    }
    pub fn label(self) -> &'static str {
        ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"][usize::from(self.0 - 1)]
    }
}

impl TryFrom<u8> for Consequence {
    type Error = ValidationError;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}
impl From<Consequence> for u8 {
    fn from(c: Consequence) -> u8 {
        c.0
    }
}
impl TryFrom<u8> for Likelihood {
    type Error = ValidationError;
    fn try_from(v: u8) -> Result<Self, Self::Error> {
        Self::new(v)
    }
}
impl From<Likelihood> for u8 {
    fn from(c: Likelihood) -> u8 {
        c.0
    }
}

/// The grade of a risk score, lowest first.
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
pub enum RiskGrade {
    Low,
    Moderate,
    High,
    Extreme,
}

impl RiskGrade {
    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Moderate => "Moderate",
            Self::High => "High",
            Self::Extreme => "Extreme",
        }
    }
}

/// Score = consequence x likelihood, graded 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme.
pub fn score(c: Consequence, l: Likelihood) -> (u8, RiskGrade) {
    let s = c.0 * l.0;
    let grade = match s {
        0..=3 => RiskGrade::Low,
        4..=6 => RiskGrade::Moderate,
        7..=12 => RiskGrade::High,
        _ => RiskGrade::Extreme,
    };
    (s, grade)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_matrix() {
        let g = |c, l| score(Consequence::new(c).unwrap(), Likelihood::new(l).unwrap());
        assert_eq!(g(1, 3), (3, RiskGrade::Low));
        assert_eq!(g(2, 2), (4, RiskGrade::Moderate));
        assert_eq!(g(2, 4), (8, RiskGrade::High));
        assert_eq!(g(3, 4), (12, RiskGrade::High));
        assert_eq!(g(3, 5), (15, RiskGrade::Extreme));
        assert_eq!(g(5, 5), (25, RiskGrade::Extreme));
        assert!(Consequence::new(0).is_err());
        assert!(Likelihood::new(6).is_err());
        crate::text::check_serde_agrees::<RiskGrade>().unwrap();
    }
}
