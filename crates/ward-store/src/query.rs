//! Scopes, filters and pages shared by every backend.

use serde::{Deserialize, Serialize};
use ward_core::asset::AssetKind;
use ward_core::org::OrgKind;
use ward_core::service::ServiceKind;
use ward_core::supplier::ProductCategory;
use ward_core::text::ByText;
use ward_core::{AssetId, OrgId};

/// The part of the hierarchy a caller may see. Decided by `ward-app`; enforced by every store query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The whole sector (national roles, system jobs).
    All,
    /// These organisations and everything beneath them in the current hierarchy.
    Subtrees(Vec<OrgId>),
    /// Exactly these organisations, nothing beneath.
    Orgs(Vec<OrgId>),
}

impl Scope {
    pub fn subtree(org: OrgId) -> Self {
        Self::Subtrees(vec![org])
    }
    pub fn is_empty(&self) -> bool {
        match self {
            Self::All => false,
            Self::Subtrees(v) | Self::Orgs(v) => v.is_empty(),
        }
    }
}

/// Which audit records to list; every field left empty matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Records of this action (`user.create`), or of every action on an entity when it names
    /// only the entity (`user` matches `user.create` and `user.disable`).
    pub action: Option<String>,
    /// Records by this principal (`user:<id>`, `token:<id>`).
    pub actor: Option<String>,
    /// Records at or after this moment.
    pub from: Option<jiff::Timestamp>,
    /// Records before this moment.
    pub before: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Zero-based.
    pub offset: u64,
    /// 1..=1000; stores clamp.
    pub limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self { offset: 0, limit: 50 }
    }
}

impl PageRequest {
    pub const MAX_LIMIT: u32 = 1000;
    pub fn clamped_limit(&self) -> u32 {
        self.limit.clamp(1, Self::MAX_LIMIT)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Total matching rows across all pages; with `total_is_lower_bound`, at least this many.
    pub total: u64,
    /// The store stopped counting at `total` (searches with very many matches): there are at least
    /// `total` rows and possibly more. False for exact totals.
    #[serde(default)]
    pub total_is_lower_bound: bool,
    pub offset: u64,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgFilter {
    /// Case-insensitive substring of name or code.
    pub text: Option<String>,
    pub kind: Option<OrgKind>,
    /// Only direct children of this organisation.
    pub parent: Option<OrgId>,
    /// Include closed organisations (default: open only).
    pub include_closed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    pub org: Option<OrgId>,
    pub text: Option<String>,
    pub kind: Option<ServiceKind>,
    /// Minimum NPSA criticality.
    pub min_criticality: Option<u8>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    pub org: Option<OrgId>,
    /// Case-insensitive substring of name, hostname, or an installed software name.
    pub text: Option<String>,
    pub kind: Option<AssetKind>,
    pub internet_facing: Option<bool>,
    /// Assets supporting this service.
    pub service: Option<ward_core::ServiceId>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductFilter {
    pub supplier: Option<OrgId>,
    /// Only products with this confirmation status.
    pub status: Option<ward_core::supplier::ProductStatus>,
    pub category: Option<ProductCategory>,
    pub text: Option<String>,
}

/// One row of an asset list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssetSummary {
    pub id: AssetId,
    pub org: OrgId,
    pub org_name: String,
    pub name: String,
    pub kind: AssetKind,
    pub hostname: Option<String>,
    pub internet_facing: bool,
    pub software_count: u32,
    pub service_count: u32,
}

/// Counts for an organisation overview, over the organisation's subtree intersected with the scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OrgOverview {
    /// Organisations beneath, by kind (`OrgKind::as_str`), open ones only.
    #[schema(value_type = std::collections::BTreeMap<String, u64>)]
    pub orgs_by_kind: std::collections::BTreeMap<ByText<OrgKind>, u64>,
    pub services: u64,
    pub clinical_services: u64,
    /// Services with criticality 4 (major) or 5 (catastrophic).
    pub critical_services: u64,
    pub assets: u64,
    #[schema(value_type = std::collections::BTreeMap<String, u64>)]
    pub assets_by_kind: std::collections::BTreeMap<ByText<AssetKind>, u64>,
    pub internet_facing_assets: u64,
    pub software_installs: u64,
}

/// Rows per table written or read by a backup: one entry for every table of
/// [`crate::backup::TABLES`], vulnerability tables included, empty ones as 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCounts {
    pub tables: std::collections::BTreeMap<String, u64>,
}
