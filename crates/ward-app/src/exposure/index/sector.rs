//! The sector tables: organisations, assets, services and installed software, every reference
//! between them checked once.

use std::collections::HashMap;

use ward_core::asset::AssetKind;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_engine::{Inventory, InventoryBuilder, ServiceImpact};
use ward_store::sector::{SectorOrg, SectorSnapshot};

use super::ids::{AssetIx, OrgIx};
use super::{SnapshotError, fits};
use crate::exposure::impact::ImpactTable;

/// The path of the organisation above the one at `path` (`/X26/Y56/` for `/X26/Y56/QKK/`).
fn parent_path(path: &str) -> Option<&str> {
    let inner = path.strip_suffix('/')?;
    let cut = inner.rfind('/')?;
    (cut > 0).then(|| &path[..=cut])
}

/// An asset of the sector, its organisation resolved.
#[derive(Debug)]
pub(crate) struct IndexedAsset {
    pub(crate) id: AssetId,
    pub(crate) org: OrgIx,
    pub(crate) name: String,
    pub(crate) kind: AssetKind,
    pub(crate) internet_facing: bool,
    /// Whether any software is recorded on it (inventory coverage, CAF A3.a evidence).
    pub(crate) has_software: bool,
}

/// What the views show about a service.
#[derive(Debug)]
struct ServiceEntry {
    name: String,
    org: OrgIx,
}

/// Who is in the sector and what they run.
#[derive(Debug)]
pub(crate) struct SectorTables {
    orgs: Vec<SectorOrg>,
    org_index: HashMap<OrgId, OrgIx>,
    /// The organisation each one is part of (by path), in table order.
    parents: Vec<Option<OrgIx>>,
    assets: Vec<IndexedAsset>,
    asset_index: HashMap<AssetId, AssetIx>,
    services: HashMap<ServiceId, ServiceEntry>,
    /// Services each asset supports directly, for the service filter and the impact.
    asset_services: HashMap<AssetIx, Vec<ServiceId>>,
    impacts: ImpactTable,
    /// The installed software of every asset, numbered as `assets` (every asset is added in
    /// order before any software, and identifiers are unique).
    inventory: Inventory,
}

impl SectorTables {
    /// Checks every reference of `sector` and builds the tables (and the engine's inventory).
    pub(super) fn build(sector: SectorSnapshot) -> Result<Self, SnapshotError> {
        let SectorSnapshot {
            orgs,
            assets,
            software,
            installs,
            services,
            asset_services,
            service_dependencies,
        } = sector;
        fits(orgs.len(), "organisations")?;
        fits(assets.len(), "assets")?;
        let mut org_index = HashMap::with_capacity(orgs.len());
        for (i, o) in orgs.iter().enumerate() {
            if org_index.insert(o.id, OrgIx::at(i)).is_some() {
                return Err(SnapshotError::DuplicateOrganisation(o.id));
            }
        }

        let by_path: HashMap<&str, OrgIx> = orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.path.as_str(), OrgIx::at(i)))
            .collect();
        let parents: Vec<Option<OrgIx>> = orgs
            .iter()
            .map(|o| parent_path(&o.path).and_then(|p| by_path.get(p).copied()))
            .collect();
        drop(by_path);

        let mut asset_index = HashMap::with_capacity(assets.len());
        let mut indexed = Vec::with_capacity(assets.len());
        for (i, a) in assets.into_iter().enumerate() {
            let org = a.org as usize;
            if org >= orgs.len() {
                return Err(SnapshotError::AssetOrganisation {
                    asset: a.id,
                    org: a.org,
                    orgs: orgs.len(),
                });
            }
            if asset_index.insert(a.id, AssetIx::at(i)).is_some() {
                return Err(SnapshotError::DuplicateAsset(a.id));
            }
            indexed.push(IndexedAsset {
                id: a.id,
                org: OrgIx::at(org),
                name: a.name,
                kind: a.kind,
                internet_facing: a.internet_facing,
                has_software: false,
            });
        }

        let mut builder = InventoryBuilder::default();
        for a in &indexed {
            builder.add_asset(a.id, orgs[a.org.get()].id);
        }
        for &(a, s) in &installs {
            let (Some(asset), Some(item)) = (indexed.get(a as usize), software.get(s as usize)) else {
                return Err(SnapshotError::Install {
                    asset: a,
                    software: s,
                    assets: indexed.len(),
                    items: software.len(),
                });
            };
            builder.add(asset.id, orgs[asset.org.get()].id, item);
        }
        for &(a, _) in &installs {
            if let Some(asset) = indexed.get_mut(a as usize) {
                asset.has_software = true;
            }
        }
        let inventory = builder.finish();

        let mut by_id = HashMap::with_capacity(services.len());
        for s in &services {
            let org = *org_index.get(&s.org).ok_or(SnapshotError::ServiceOrganisation {
                service: s.id,
                org: s.org,
            })?;
            let entry = ServiceEntry {
                name: s.name.clone(),
                org,
            };
            if by_id.insert(s.id, entry).is_some() {
                return Err(SnapshotError::DuplicateService(s.id));
            }
        }
        for &(dependant, on) in &service_dependencies {
            if let Some(unknown) = [dependant, on].into_iter().find(|s| !by_id.contains_key(s)) {
                return Err(SnapshotError::ServiceDependency {
                    dependant,
                    on,
                    unknown,
                });
            }
        }
        let mut direct: HashMap<AssetIx, Vec<ServiceId>> = HashMap::new();
        for (asset, service) in asset_services {
            if !by_id.contains_key(&service) {
                return Err(SnapshotError::AssetService { asset, service });
            }
            // Deleting an asset keeps the dependencies that name it as their target, so a pair
            // naming an unknown asset is not an inconsistency: that asset supports nothing now.
            if let Some(a) = asset_index.get(&asset) {
                direct.entry(*a).or_default().push(service);
            }
        }
        let impacts = ImpactTable::new(
            services.iter().map(|s| (s.id, s.criticality)),
            &service_dependencies,
        );
        Ok(Self {
            orgs,
            org_index,
            parents,
            assets: indexed,
            asset_index,
            services: by_id,
            asset_services: direct,
            impacts,
            inventory,
        })
    }

    pub(crate) fn org(&self, org: OrgIx) -> &SectorOrg {
        &self.orgs[org.get()]
    }

    /// The organisation `org` is part of (a trust's ICB, an ICB's region), when the sector has it.
    pub(crate) fn parent(&self, org: OrgIx) -> Option<OrgIx> {
        self.parents.get(org.get()).copied().flatten()
    }

    /// Every organisation, in table order.
    pub(crate) fn orgs(&self) -> impl Iterator<Item = (OrgIx, &SectorOrg)> {
        self.orgs.iter().enumerate().map(|(i, o)| (OrgIx::at(i), o))
    }

    pub(crate) fn org_count(&self) -> usize {
        self.orgs.len()
    }

    pub(crate) fn find_org(&self, id: OrgId) -> Option<OrgIx> {
        self.org_index.get(&id).copied()
    }

    /// Whether organisation `org` lies in the subtree whose path is `root`.
    pub(crate) fn in_subtree(&self, org: OrgIx, root: &str) -> bool {
        self.org(org).path.starts_with(root)
    }

    pub(crate) fn asset(&self, asset: AssetIx) -> &IndexedAsset {
        &self.assets[asset.get()]
    }

    pub(crate) fn asset_count(&self) -> usize {
        self.assets.len()
    }

    pub(crate) fn find_asset(&self, id: AssetId) -> Option<AssetIx> {
        self.asset_index.get(&id).copied()
    }

    /// The name of a service of the sector.
    pub(crate) fn service_name(&self, service: ServiceId) -> Option<&str> {
        self.services.get(&service).map(|s| s.name.as_str())
    }

    /// The organisation running a service of the sector.
    pub(crate) fn service_org(&self, service: ServiceId) -> Option<OrgIx> {
        self.services.get(&service).map(|s| s.org)
    }

    /// The services `asset` supports directly.
    pub(crate) fn direct_services(&self, asset: AssetIx) -> &[ServiceId] {
        self.asset_services.get(&asset).map_or(&[], Vec::as_slice)
    }

    /// The worst NPSA consequence (1-5) among services depending on `asset`.
    pub(crate) fn consequence_of(&self, asset: AssetIx) -> Option<u8> {
        self.impacts
            .worst_value(self.direct_services(asset))
            .map(|c| c.value())
    }

    /// The worst NPSA consequence (1-5) of losing `service`: its own criticality or that of a
    /// service depending on it.
    pub(crate) fn service_consequence(&self, service: ServiceId) -> Option<u8> {
        self.impacts.value_of(service).map(|c| c.value())
    }

    /// [`Self::consequence_of`] with the service it comes from and the chain to it.
    pub(crate) fn impact_of(&self, asset: AssetIx) -> Option<ServiceImpact> {
        self.impacts.worst(self.direct_services(asset))
    }

    pub(crate) fn inventory(&self) -> &Inventory {
        &self.inventory
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_parent_path_drops_the_last_code() {
        assert_eq!(super::parent_path("/X26/Y56/QKK/"), Some("/X26/Y56/"));
        assert_eq!(super::parent_path("/X26/"), None);
        assert_eq!(super::parent_path(""), None);
    }
}
