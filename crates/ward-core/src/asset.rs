//! Assets and the software installed on them.

use crate::{AssetId, OrgId, ServiceId, ValidationError};
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
pub enum AssetKind {
    System,
    Server,
    EndUserDevice,
    NetworkDevice,
    MedicalDevice,
}

impl AssetKind {
    /// The stored name (`end_user_device`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Server => "Server",
            Self::EndUserDevice => "End-user device",
            Self::NetworkDevice => "Network device",
            Self::MedicalDevice => "Medical device",
        }
    }
}

impl FromStr for AssetKind {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s)
            .ok_or_else(|| ValidationError::new("kind", format!("unknown asset kind '{s}'")))
    }
}

/// Where a software record came from.
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
pub enum SoftwareSource {
    Manual,
    Import,
    Sbom,
    Api,
    Demo,
}

impl SoftwareSource {
    /// The stored name (`sbom`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl FromStr for SoftwareSource {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        crate::text::parse_loose(s)
            .ok_or_else(|| ValidationError::new("source", format!("unknown software source '{s}'")))
    }
}

/// One piece of installed software. At least a name and version; purl and CPE when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstalledSoftware {
    pub name: String,
    #[serde(default)]
    pub vendor: Option<String>,
    pub version: String,
    #[serde(default)]
    pub purl: Option<String>,
    #[serde(default)]
    pub cpe: Option<String>,
    pub source: SoftwareSource,
}

impl InstalledSoftware {
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::error::require_text("name", &self.name, 200)?;
        crate::error::require_text("version", &self.version, 100)?;
        if let Some(p) = &self.purl
            && !p.starts_with("pkg:")
        {
            return Err(ValidationError::new(
                "purl",
                format!("'{p}' is not a package URL (pkg:...)"),
            ));
        }
        if let Some(c) = &self.cpe
            && !(c.starts_with("cpe:2.3:") || c.starts_with("cpe:/"))
        {
            return Err(ValidationError::new(
                "cpe",
                format!("'{c}' is not a CPE name (cpe:2.3:...)"),
            ));
        }
        Ok(())
    }
}

/// An asset owned by one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    pub id: AssetId,
    pub org: OrgId,
    pub name: String,
    pub kind: AssetKind,
    #[serde(default)]
    pub hostname: Option<String>,
    pub internet_facing: bool,
    /// Services this asset supports.
    #[serde(default)]
    pub services: Vec<ServiceId>,
    #[serde(default)]
    pub software: Vec<InstalledSoftware>,
}

impl Asset {
    pub fn validate(&self) -> Result<(), ValidationError> {
        crate::error::require_text("name", &self.name, 200)?;
        for (i, s) in self.software.iter().enumerate() {
            s.validate().map_err(|e| e.at(&format!("software[{i}]")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn kinds_and_sources_have_one_spelling() {
        crate::text::check_serde_agrees::<AssetKind>().unwrap();
        crate::text::check_serde_agrees::<SoftwareSource>().unwrap();
        for k in AssetKind::iter() {
            assert_eq!(k.as_str().parse::<AssetKind>().unwrap(), k);
        }
        for s in SoftwareSource::iter() {
            assert_eq!(s.as_str().parse::<SoftwareSource>().unwrap(), s);
        }
        assert_eq!(AssetKind::EndUserDevice.as_str(), "end_user_device");
        assert_eq!(
            "End-user device".parse::<AssetKind>().unwrap(),
            AssetKind::EndUserDevice
        );
        let e = "laptop".parse::<AssetKind>().unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            ("kind", "unknown asset kind 'laptop'")
        );
        assert!("floppy".parse::<SoftwareSource>().is_err());
    }
}
