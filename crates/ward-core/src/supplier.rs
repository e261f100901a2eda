//! Suppliers' products. A supplier is an [`Organisation`](crate::org::Organisation) of kind `supplier`.

pub mod advisory;
pub mod criticality;

use crate::{OrgId, ProductId, ValidationError};
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
    /// The stored name (`gp_clinical_system`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    /// The name people use.
    pub fn label(self) -> &'static str {
        match self {
            Self::ElectronicPatientRecord => "Electronic patient record",
            Self::Pathology => "Pathology",
            Self::Imaging => "Imaging",
            Self::UrgentCarePlatform => "NHS 111 and urgent care",
            Self::GpClinicalSystem => "GP clinical system",
            Self::CareManagement => "Care management",
            Self::RemoteAccess => "Remote access",
            Self::Network => "Network",
            Self::Infrastructure => "Infrastructure",
            Self::Other => "Other",
        }
    }
}

impl FromStr for ProductCategory {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s)
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
    strum::IntoStaticStr,
    strum::Display,
    strum::EnumIter,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
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
    /// The stored name (`unconfirmed`).
    pub fn as_str(self) -> &'static str {
        self.into()
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
        crate::text::parse_loose(s)
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

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn categories_and_statuses_have_one_spelling() {
        crate::text::check_serde_agrees::<ProductCategory>().unwrap();
        crate::text::check_serde_agrees::<ProductStatus>().unwrap();
        for c in ProductCategory::iter() {
            assert_eq!(c.as_str().parse::<ProductCategory>().unwrap(), c);
        }
        for s in ProductStatus::iter() {
            assert_eq!(s.as_str().parse::<ProductStatus>().unwrap(), s);
        }
        assert_eq!(ProductCategory::GpClinicalSystem.as_str(), "gp_clinical_system");
        assert_eq!(
            "GP clinical system".parse::<ProductCategory>().unwrap(),
            ProductCategory::GpClinicalSystem
        );
        assert_eq!(
            " Confirmed".parse::<ProductStatus>().unwrap(),
            ProductStatus::Confirmed
        );
        assert_eq!("maybe".parse::<ProductStatus>().unwrap_err().field, "status");
    }
}
