//! Organisations, their ODS-style codes and kinds, and the hierarchy with effective dates.

use crate::{OrgId, ValidationError};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An Organisation Data Service style code: 3 to 12 upper-case letters and digits (e.g. `RJZ`, `A81001`, `Y56`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "RJZ")]
pub struct OdsCode(String);

impl OdsCode {
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let v = s.trim().to_ascii_uppercase();
        if !(2..=12).contains(&v.len()) {
            return Err(ValidationError::new(
                "ods_code",
                format!("'{s}' must be 2 to 12 letters or digits"),
            ));
        }
        if !v.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ValidationError::new(
                "ods_code",
                format!("'{s}' may only hold letters and digits"),
            ));
        }
        Ok(Self(v))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OdsCode {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}
impl From<OdsCode> for String {
    fn from(c: OdsCode) -> Self {
        c.0
    }
}
impl fmt::Display for OdsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of body an organisation is.
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
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OrgKind {
    NationalBody,
    Region,
    Icb,
    NhsTrust,
    GpPractice,
    CareProvider,
    CareSite,
    Supplier,
}

impl OrgKind {
    /// The stored name (`nhs_trust`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    /// Plain-language label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::NationalBody => "National body",
            Self::Region => "NHS England region",
            Self::Icb => "Integrated care board",
            Self::NhsTrust => "NHS trust",
            Self::GpPractice => "GP practice",
            Self::CareProvider => "Adult social care provider",
            Self::CareSite => "Care site",
            Self::Supplier => "Supplier",
        }
    }
    /// Which kinds may be this kind's parent in the hierarchy.
    pub fn allowed_parents(self) -> &'static [OrgKind] {
        match self {
            Self::NationalBody | Self::Supplier => &[],
            Self::Region => &[Self::NationalBody],
            Self::Icb => &[Self::Region],
            Self::NhsTrust | Self::GpPractice | Self::CareProvider => &[Self::Icb, Self::Region],
            Self::CareSite => &[Self::CareProvider],
        }
    }
}

impl FromStr for OrgKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s)
            .ok_or_else(|| ValidationError::new("kind", format!("unknown organisation kind '{s}'")))
    }
}

/// An organisation. `parent` is its current parent; the dated history is in [`OrgLink`]s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub id: OrgId,
    pub code: OdsCode,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<OrgId>,
    pub postcode: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub opened: Option<Date>,
    #[schema(value_type = Option<String>, format = Date)]
    pub closed: Option<Date>,
}

impl Organisation {
    pub fn is_open_on(&self, day: Date) -> bool {
        self.opened.is_none_or(|o| o <= day) && self.closed.is_none_or(|c| c > day)
    }
}

/// A dated parent link: `child` sat under `parent` from `valid_from` until `valid_to` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgLink {
    pub child: OrgId,
    pub parent: OrgId,
    #[schema(value_type = String, format = Date)]
    pub valid_from: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_to: Option<Date>,
}

/// Check that a parent of kind `parent` is allowed for a child of kind `child`.
pub fn check_parent(child: OrgKind, parent: OrgKind) -> Result<(), ValidationError> {
    if child.allowed_parents().contains(&parent) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "parent",
            format!("a {} cannot sit under a {}", child.label(), parent.label()),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn ods_codes_are_normalised_and_checked() {
        assert_eq!(OdsCode::parse(" rjz ").unwrap().as_str(), "RJZ");
        assert!(OdsCode::parse("R").is_err());
        assert!(OdsCode::parse("RJ Z").is_err());
        assert!(OdsCode::parse("ABCDEFGHIJKLM").is_err());
    }

    #[test]
    fn kinds_round_trip_and_hierarchy_rules_hold() {
        crate::text::check_serde_agrees::<OrgKind>().unwrap();
        for k in OrgKind::iter() {
            assert_eq!(k.as_str().parse::<OrgKind>().unwrap(), k);
        }
        assert_eq!(OrgKind::NhsTrust.as_str(), "nhs_trust");
        assert_eq!("NHS trust".parse::<OrgKind>().unwrap(), OrgKind::NhsTrust);
        assert!(check_parent(OrgKind::CareSite, OrgKind::CareProvider).is_ok());
        assert!(check_parent(OrgKind::NhsTrust, OrgKind::GpPractice).is_err());
    }
}
