//! The whole sector read at once, for the exposure engine.
//!
//! The exposure views match every advisory against every installed package of the sector, so the
//! application keeps an in-memory index built from one [`SectorSnapshot`] and the current threat
//! data. These reads are system reads: they take no [`crate::Scope`], and `ward-app` calls them
//! only to build that index; every view answered from the index applies the caller's scope itself.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ward_core::asset::{AssetKind, InstalledSoftware};
use ward_core::dependency::Dependency;
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::service::Service;
use ward_core::supplier::Product;
use ward_core::vuln::{Advisory, EolProduct, KevEntry};
use ward_core::{AssetId, OrgId, ServiceId};

use crate::StoreResult;
use crate::vuln::{StoredEpss, StoredVex};

/// An organisation with its place in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorOrg {
    pub id: OrgId,
    pub code: OdsCode,
    pub name: String,
    pub kind: OrgKind,
    /// The codes from the top of the tree down to this organisation, each followed by `/`
    /// (`/X26/Y56/QKK/RJZ/`): an organisation lies in the subtree of another when its path starts
    /// with the other's.
    pub path: String,
}

/// An asset without its lists (those are in [`SectorSnapshot::installs`] and
/// [`SectorSnapshot::asset_services`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorAsset {
    pub id: AssetId,
    /// Index into [`SectorSnapshot::orgs`].
    pub org: u32,
    pub name: String,
    pub kind: AssetKind,
    pub internet_facing: bool,
}

/// Everything about the sector's organisations, assets and services that exposure needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectorSnapshot {
    /// Every organisation, in no particular order.
    pub orgs: Vec<SectorOrg>,
    /// Every asset.
    pub assets: Vec<SectorAsset>,
    /// The distinct software identities carried by at least one asset. Their `source` is not
    /// meaningful here (one identity can come from several sources); it is always `import`.
    pub software: Vec<InstalledSoftware>,
    /// (index into `assets`, index into `software`): which asset carries which software.
    pub installs: Vec<(u32, u32)>,
    /// Every service.
    pub services: Vec<Service>,
    /// (asset, service it supports), from the assets' own service lists and from dependencies of
    /// a service on an asset.
    pub asset_services: Vec<(AssetId, ServiceId)>,
    /// (dependent service, service it depends on), across organisations.
    pub service_dependencies: Vec<(ServiceId, ServiceId)>,
}

/// An asset that a dependency points at, with its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependedAsset {
    pub id: AssetId,
    pub org: OrgId,
    pub name: String,
}

/// The sector's dependency graph as stored, for the impact engine: every organisation, service,
/// product and dependency, and the assets dependencies point at.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencySnapshot {
    pub orgs: Vec<Organisation>,
    pub services: Vec<Service>,
    pub products: Vec<Product>,
    pub assets: Vec<DependedAsset>,
    /// Every dependency whose target exists.
    pub dependencies: Vec<Dependency>,
    /// (asset, service) from the assets' own lists of the services they support.
    pub asset_services: Vec<(AssetId, ServiceId)>,
    /// Dependencies left out because the asset they point at has been deleted.
    pub dangling: u64,
}

/// The threat data exposure is computed from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreatSnapshot {
    /// Every advisory that is not withdrawn.
    pub advisories: Vec<Advisory>,
    /// Every KEV entry.
    pub kev: Vec<KevEntry>,
    /// Every EPSS score.
    pub epss: Vec<StoredEpss>,
    /// Every VEX statement, from feeds and from organisations.
    pub vex: Vec<StoredVex>,
    /// Every end-of-life product.
    pub eol: Vec<EolProduct>,
}

/// Whole-sector reads for the exposure index (system use only; see the module docs).
#[async_trait]
pub trait SectorStore: Send + Sync {
    /// The sector's organisations, assets, installed software and services.
    async fn sector_snapshot(&self) -> StoreResult<SectorSnapshot>;
    /// The current threat data.
    async fn threat_snapshot(&self) -> StoreResult<ThreatSnapshot>;
    /// The dependency graph's data, read in one transaction (`sql::dependency_graph`).
    async fn dependency_snapshot(&self) -> StoreResult<DependencySnapshot>;
}

/// Turns (asset key, software key) rows into index pairs, given both lists sorted by key:
/// `asset_keys[i]` is the key of asset `i`, `software_keys[j]` of software `j`. Rows naming an
/// unknown key are an inconsistency and reported as such.
pub fn index_installs<A: Ord + std::fmt::Debug, S: Ord + std::fmt::Debug>(
    asset_keys: &[A],
    software_keys: &[S],
    rows: impl IntoIterator<Item = (A, S)>,
) -> StoreResult<Vec<(u32, u32)>> {
    let position =
        |len: usize| u32::try_from(len).map_err(|_| crate::StoreError::Backend("too many rows".into()));
    let mut out = Vec::new();
    for (a, s) in rows {
        let ai = asset_keys.binary_search(&a).map_err(|_| {
            crate::StoreError::Backend(format!("installed software names unknown asset {a:?}"))
        })?;
        let si = software_keys.binary_search(&s).map_err(|_| {
            crate::StoreError::Backend(format!("installed software names unknown software {s:?}"))
        })?;
        out.push((position(ai)?, position(si)?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn installs_become_index_pairs_and_unknown_keys_are_reported() {
        let assets = [3_i64, 7, 9];
        let software = [10_i64, 20];
        let pairs = index_installs(&assets, &software, [(7, 20), (3, 10), (9, 20)]).expect("pairs");
        assert_eq!(pairs, vec![(1, 1), (0, 0), (2, 1)]);
        let err = index_installs(&assets, &software, [(8, 20)]).expect_err("unknown asset");
        assert!(err.to_string().contains("unknown asset 8"), "{err}");
        let err = index_installs(&assets, &software, [(3, 11)]).expect_err("unknown software");
        assert!(err.to_string().contains("unknown software 11"), "{err}");
    }
}
