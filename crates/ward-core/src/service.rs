//! Clinical and business services, with criticality on the NPSA consequence scale.

use crate::risk::Consequence;
use crate::{OrgId, ServiceId, ValidationError};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    Clinical,
    Business,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ThroughputUnit {
    Patients,
    Appointments,
}

impl FromStr for ServiceKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "clinical" => Ok(Self::Clinical),
            "business" => Ok(Self::Business),
            _ => Err(ValidationError::new(
                "kind",
                format!("'{s}' is not clinical or business"),
            )),
        }
    }
}
impl ServiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clinical => "clinical",
            Self::Business => "business",
        }
    }
}
impl FromStr for ThroughputUnit {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "patients" => Ok(Self::Patients),
            "appointments" => Ok(Self::Appointments),
            _ => Err(ValidationError::new(
                "throughput_unit",
                format!("'{s}' is not patients or appointments"),
            )),
        }
    }
}
impl ThroughputUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Patients => "patients",
            Self::Appointments => "appointments",
        }
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
