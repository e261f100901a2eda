//! Suppliers' products. A supplier is an [`Organisation`](crate::org::Organisation) of kind `supplier`.

use crate::{OrgId, ProductId, ValidationError};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProductCategory {
    ElectronicPatientRecord,
    Pathology,
    Imaging,
    UrgentCarePlatform,
    GpClinicalSystem,
    CareManagement,
    RemoteAccess,
    Network,
    Infrastructure,
    Other,
}

impl ProductCategory {
    pub const ALL: [ProductCategory; 10] = [
        Self::ElectronicPatientRecord,
        Self::Pathology,
        Self::Imaging,
        Self::UrgentCarePlatform,
        Self::GpClinicalSystem,
        Self::CareManagement,
        Self::RemoteAccess,
        Self::Network,
        Self::Infrastructure,
        Self::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ElectronicPatientRecord => "electronic_patient_record",
            Self::Pathology => "pathology",
            Self::Imaging => "imaging",
            Self::UrgentCarePlatform => "urgent_care_platform",
            Self::GpClinicalSystem => "gp_clinical_system",
            Self::CareManagement => "care_management",
            Self::RemoteAccess => "remote_access",
            Self::Network => "network",
            Self::Infrastructure => "infrastructure",
            Self::Other => "other",
        }
    }
}

impl FromStr for ProductCategory {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == k)
            .ok_or_else(|| ValidationError::new("category", format!("unknown product category '{s}'")))
    }
}

/// Whether a national role has confirmed that a product is the supplier's. A supplier's VEX
/// statements apply to every organisation running the product, so a supplier speaks only for
/// its confirmed products.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// Listed by a supplier contact and not yet reviewed: the supplier cannot speak for it.
    #[default]
    Unconfirmed,
    /// Confirmed by a national role as the supplier's (products national roles list start here).
    Confirmed,
    /// Reviewed and refused by a national role.
    Rejected,
}

impl ProductStatus {
    pub const ALL: [ProductStatus; 3] = [Self::Unconfirmed, Self::Confirmed, Self::Rejected];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "unconfirmed",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Unconfirmed => "Awaiting confirmation",
            Self::Confirmed => "Confirmed",
            Self::Rejected => "Rejected",
        }
    }
}

impl FromStr for ProductStatus {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let k = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|x| x.as_str() == k)
            .ok_or_else(|| ValidationError::new("status", format!("unknown product status '{s}'")))
    }
}

/// A product sold by a supplier, e.g. a pathology LIMS or a GP clinical system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: ProductId,
    /// The supplier organisation.
    pub supplier: OrgId,
    pub name: String,
    pub category: ProductCategory,
    #[serde(default)]
    pub cpe: Option<String>,
    /// Whether a national role has confirmed the product (and so its CPE) as the supplier's.
    #[serde(default)]
    pub status: ProductStatus,
}
