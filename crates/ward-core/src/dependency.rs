//! What a service depends on: an asset, a supplier's product, or another organisation's service.

use crate::{AssetId, DependencyId, OrgId, ProductId, ServiceId};
use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum DependencyTarget {
    Asset(AssetId),
    Product(ProductId),
    Service(ServiceId),
}

impl DependencyTarget {
    pub fn kind_str(&self) -> &'static str {
        match self {
            Self::Asset(_) => "asset",
            Self::Product(_) => "product",
            Self::Service(_) => "service",
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
