//! Clinical and business services, with criticality on the NPSA consequence scale.

use crate::risk::Consequence;
use crate::{OrgId, ServiceId, ValidationError};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

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
pub enum ServiceKind {
    Clinical,
    Business,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
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
pub enum ThroughputUnit {
    Patients,
    Appointments,
}

impl FromStr for ServiceKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s)
            .ok_or_else(|| ValidationError::new("kind", format!("'{s}' is not clinical or business")))
    }
}
impl ServiceKind {
    /// The stored name (`clinical`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
impl FromStr for ThroughputUnit {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s).ok_or_else(|| {
            ValidationError::new(
                "throughput_unit",
                format!("'{s}' is not patients or appointments"),
            )
        })
    }
}
impl ThroughputUnit {
    /// The stored name (`patients`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A service an organisation delivers, e.g. "Emergency department" or "Blood transfusion".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: ServiceId,
    pub org: OrgId,
    pub name: String,
    pub kind: ServiceKind,
    /// Worst consequence on the NPSA scale if the service stops.
    pub criticality: Consequence,
    /// Patients or appointments handled per day.
    pub daily_throughput: u32,
    pub throughput_unit: ThroughputUnit,
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn kinds_and_units_have_one_spelling() {
        crate::text::check_serde_agrees::<ServiceKind>().unwrap();
        crate::text::check_serde_agrees::<ThroughputUnit>().unwrap();
        for k in ServiceKind::iter() {
            assert_eq!(k.as_str().parse::<ServiceKind>().unwrap(), k);
        }
        for u in ThroughputUnit::iter() {
            assert_eq!(u.as_str().parse::<ThroughputUnit>().unwrap(), u);
        }
        assert_eq!(
            " Clinical ".parse::<ServiceKind>().unwrap(),
            ServiceKind::Clinical
        );
        assert_eq!(
            "beds".parse::<ThroughputUnit>().unwrap_err().message,
            "'beds' is not patients or appointments"
        );
    }
}
