//! What a service depends on: an asset, a supplier's product, or another organisation's service.

use crate::{AssetId, DependencyId, OrgId, ProductId, ServiceId};
use serde::{Deserialize, Serialize};

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
)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DependencyTarget {
    Asset(AssetId),
    Product(ProductId),
    Service(ServiceId),
}

impl DependencyTarget {
    /// The stored name of the target's kind (`asset`), as serde writes it in `type`.
    pub fn kind_str(&self) -> &'static str {
        self.into()
    }
    /// The target stored as its kind's name and an identifier; None for an unknown kind.
    pub fn from_kind(kind: &str, id: uuid::Uuid) -> Option<Self> {
        match kind {
            "asset" => Some(Self::Asset(AssetId::from_uuid(id))),
            "product" => Some(Self::Product(ProductId::from_uuid(id))),
            "service" => Some(Self::Service(ServiceId::from_uuid(id))),
            _ => None,
        }
    }
    pub fn uuid(&self) -> uuid::Uuid {
        match self {
            Self::Asset(a) => *a.as_uuid(),
            Self::Product(p) => *p.as_uuid(),
            Self::Service(s) => *s.as_uuid(),
        }
    }
}

/// `service` (owned by `org`) depends on `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    pub id: DependencyId,
    pub org: OrgId,
    pub service: ServiceId,
    pub target: DependencyTarget,
    /// Free text on how the service copes without it, e.g. "paper requests, 4 hours".
    #[serde(default)]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_spelled_as_serde_tags_it() {
        let u = uuid::Uuid::from_u128(1);
        for t in [
            DependencyTarget::Asset(AssetId::from_uuid(u)),
            DependencyTarget::Product(ProductId::from_uuid(u)),
            DependencyTarget::Service(ServiceId::from_uuid(u)),
        ] {
            let json = serde_json::to_value(t).unwrap();
            assert_eq!(json["type"].as_str(), Some(t.kind_str()));
            assert_eq!(DependencyTarget::from_kind(t.kind_str(), t.uuid()), Some(t));
        }
        assert_eq!(
            DependencyTarget::Product(ProductId::from_uuid(u)).kind_str(),
            "product"
        );
        assert_eq!(DependencyTarget::from_kind("supplier", u), None);
    }
}
