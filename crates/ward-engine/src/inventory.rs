//! The deduplicated, inverted inventory index: every distinct package version, CPE and name-only
//! record of the sector once, each with the dense list of assets that carry it.
//!
//! Strings are interned and everything is addressed by dense `u32` indices, so 10 million installed
//! components over a few hundred thousand distinct packages cost about 8 bytes each while building
//! and 4 bytes each once built (one asset index per distinct item per asset).
//!
//! Each installed software record is identified in this order:
//! 1. its purl, normalised ([`crate::purl`]) and keyed by (ecosystem, OSV-style package name, version,
//!    distribution release from the `distro` qualifier); the purl's version wins over the record's;
//! 2. its CPE (when it has one, in addition to the purl or instead of it);
//! 3. for a record with neither, a curated alias ([`crate::alias`]) that gives it a CPE;
//! 4. otherwise it is kept as a name-only record (vendor, name, version), which advisories never
//!    match but end-of-life data may, and which [`Inventory::named`] lists.
//!
//! A record carrying both a purl and a CPE is one piece of software known by two names: the index
//! remembers the pair ([`Inventory::same_as_version`]), so that whatever is found through the CPE
//! on an asset that also carries the package version is counted once, as the package's (the one
//! rule behind "the same software counted once whichever identifier found it").
//!
//! Unparsable purls and CPEs are kept as [`InventoryProblem`]s (once per distinct string), and the
//! record falls through to the next way of identifying it.

use std::collections::HashMap;
use std::hash::Hash;

use foldhash::fast::RandomState;
use rayon::slice::ParallelSliceMut;
use ward_core::asset::InstalledSoftware;
use ward_core::{AssetId, OrgId};
use ward_versions::Ecosystem;

use crate::alias::AliasTable;
use crate::cpe::Cpe;
use crate::purl::{Purl, normalise_package_name};

type Map<K, V> = HashMap<K, V, RandomState>;

/// Dense index of an asset in an [`Inventory`].
pub type AssetIdx = u32;

/// An interned string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(u32);

/// The ecosystem part of a package key: one OSV knows and Ward orders, or another one named by its
/// lower-cased OSV name or purl type (kept, so that advisories for it are reported as "cannot
/// evaluate" rather than dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EcoKey {
    /// An ecosystem `ward-versions` knows.
    Known(Ecosystem),
    /// Any other, by interned lower-cased name.
    Other(Sym),
}

/// A distinct package (ecosystem and normalised name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Package {
    /// The ecosystem.
    pub eco: EcoKey,
    /// The normalised OSV-style name.
    pub name: Sym,
}

/// A distinct version of a package, as carried by some assets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageVersion {
    /// Index into [`Inventory::packages`].
    pub package: u32,
    /// The version text.
    pub version: Sym,
    /// The `distro` qualifier, when the purl has one.
    pub release: Option<Sym>,
    /// The first normalised purl seen for this version (for display).
    pub purl: Sym,
}

/// A name-only record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NamedSoftware {
    /// The vendor, when given.
    pub vendor: Option<Sym>,
    /// The name.
    pub name: Sym,
    /// The version.
    pub version: Sym,
}

/// Something that could not be read while building the index (once per distinct string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryProblem {
    /// The first asset whose record had it.
    pub asset: AssetId,
    /// `purl` or `cpe`.
    pub field: &'static str,
    /// The value and what is wrong with it.
    pub reason: String,
}

#[derive(Debug, Default)]
struct Interner {
    map: Map<Box<str>, u32>,
    strings: Vec<Box<str>>,
}

impl Interner {
    fn intern(&mut self, text: &str) -> Sym {
        if let Some(i) = self.map.get(text) {
            return Sym(*i);
        }
        let i = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.strings.push(text.into());
        self.map.insert(text.into(), i);
        Sym(i)
    }

    fn get(&self, text: &str) -> Option<Sym> {
        self.map.get(text).map(|i| Sym(*i))
    }
}

/// Compressed lists of asset indices per item (CSR layout).
#[derive(Debug, Default)]
struct Postings {
    offsets: Vec<u32>,
    assets: Vec<AssetIdx>,
}

impl Postings {
    fn build(mut pairs: Vec<(u32, AssetIdx)>, items: usize) -> Self {
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut offsets = Vec::with_capacity(items + 1);
        let mut assets = Vec::with_capacity(pairs.len());
        offsets.push(0);
        let mut next = 0usize;
        for (item, asset) in pairs {
            while next < item as usize {
                offsets.push(u32::try_from(assets.len()).unwrap_or(u32::MAX));
                next += 1;
            }
            assets.push(asset);
        }
        while offsets.len() < items + 1 {
            offsets.push(u32::try_from(assets.len()).unwrap_or(u32::MAX));
        }
        Self { offsets, assets }
    }

    fn get(&self, item: u32) -> &[AssetIdx] {
        let i = item as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(a), Some(b)) => self.assets.get(*a as usize..*b as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// What a raw purl string resolved to.
#[derive(Debug, Clone, Copy)]
enum CachedPurl {
    Parsed {
        package: u32,
        /// The version entry when the purl carries a version.
        entry: Option<u32>,
        release: Option<Sym>,
        canonical: Sym,
    },
    Invalid,
}

/// Builds an [`Inventory`] from installed software rows, one at a time.
#[derive(Debug)]
pub struct InventoryBuilder {
    strings: Interner,
    aliases: AliasTable,
    packages: Vec<Package>,
    package_map: Map<(EcoKey, Sym), u32>,
    versions: Vec<PackageVersion>,
    version_map: Map<(u32, Sym, Option<Sym>), u32>,
    purl_cache: Map<Box<str>, CachedPurl>,
    version_pairs: Vec<(u32, AssetIdx)>,
    cpes: Vec<Cpe>,
    cpe_cache: Map<Box<str>, Option<u32>>,
    cpe_map: Map<Cpe, u32>,
    cpe_pairs: Vec<(u32, AssetIdx)>,
    /// (CPE entry, package version entry) named together by one record.
    twin_pairs: Vec<(u32, u32)>,
    named: Vec<NamedSoftware>,
    named_map: Map<NamedSoftware, u32>,
    named_pairs: Vec<(u32, AssetIdx)>,
    assets: Vec<AssetId>,
    asset_org: Vec<u32>,
    asset_map: Map<AssetId, AssetIdx>,
    orgs: Vec<OrgId>,
    org_map: Map<OrgId, u32>,
    problems: Vec<InventoryProblem>,
}

impl Default for InventoryBuilder {
    fn default() -> Self {
        Self::new(AliasTable::builtin())
    }
}

fn idx(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

fn dense<K: Hash + Eq + Clone>(map: &mut Map<K, u32>, list: &mut Vec<K>, key: &K) -> u32 {
    if let Some(i) = map.get(key) {
        return *i;
    }
    let i = idx(list.len());
    list.push(key.clone());
    map.insert(key.clone(), i);
    i
}

impl InventoryBuilder {
    /// An empty builder that resolves name-only records through `aliases`.
    pub fn new(aliases: AliasTable) -> Self {
        Self {
            strings: Interner::default(),
            aliases,
            packages: Vec::new(),
            package_map: Map::default(),
            versions: Vec::new(),
            version_map: Map::default(),
            purl_cache: Map::default(),
            version_pairs: Vec::new(),
            cpes: Vec::new(),
            cpe_cache: Map::default(),
            cpe_map: Map::default(),
            cpe_pairs: Vec::new(),
            twin_pairs: Vec::new(),
            named: Vec::new(),
            named_map: Map::default(),
            named_pairs: Vec::new(),
            assets: Vec::new(),
            asset_org: Vec::new(),
            asset_map: Map::default(),
            orgs: Vec::new(),
            org_map: Map::default(),
            problems: Vec::new(),
        }
    }

    /// Registers an asset without software (so that it counts, and keeps its organisation).
    pub fn add_asset(&mut self, asset: AssetId, org: OrgId) -> AssetIdx {
        if let Some(i) = self.asset_map.get(&asset) {
            return *i;
        }
        let org = dense(&mut self.org_map, &mut self.orgs, &org);
        let i = idx(self.assets.len());
        self.assets.push(asset);
        self.asset_org.push(org);
        self.asset_map.insert(asset, i);
        i
    }

    /// Adds one installed software record of `asset` (owned by `org`; an asset keeps the
    /// organisation it was first added with).
    pub fn add(&mut self, asset: AssetId, org: OrgId, software: &InstalledSoftware) {
        let a = self.add_asset(asset, org);
        let version = software
            .purl
            .as_deref()
            .and_then(|purl| self.add_purl(a, asset, purl, &software.version));
        let cpe = software
            .cpe
            .as_deref()
            .and_then(|cpe| self.add_cpe_text(a, asset, cpe));
        if let (Some(v), Some(c)) = (version, cpe) {
            self.twin_pairs.push((c, v));
        }
        if version.is_some() || cpe.is_some() {
            return;
        }
        if let Some(cpe) = self
            .aliases
            .resolve(software.vendor.as_deref(), &software.name, &software.version)
        {
            let i = dense(&mut self.cpe_map, &mut self.cpes, &cpe);
            self.cpe_pairs.push((i, a));
            return;
        }
        let named = NamedSoftware {
            vendor: software.vendor.as_deref().map(|v| self.strings.intern(v.trim())),
            name: self.strings.intern(software.name.trim()),
            version: self.strings.intern(software.version.trim()),
        };
        let i = dense(&mut self.named_map, &mut self.named, &named);
        self.named_pairs.push((i, a));
    }

    /// Links the asset to the package version of `raw`; the version entry, when the purl parses.
    fn add_purl(&mut self, a: AssetIdx, asset: AssetId, raw: &str, record_version: &str) -> Option<u32> {
        let cached = match self.purl_cache.get(raw) {
            Some(c) => *c,
            None => {
                let c = self.resolve_purl(asset, raw);
                self.purl_cache.insert(raw.into(), c);
                c
            }
        };
        match cached {
            CachedPurl::Invalid => None,
            CachedPurl::Parsed {
                entry: Some(entry), ..
            } => {
                self.version_pairs.push((entry, a));
                Some(entry)
            }
            CachedPurl::Parsed {
                package,
                entry: None,
                release,
                canonical,
            } => {
                let version = self.strings.intern(record_version.trim());
                let entry = self.version_entry(package, version, release, canonical);
                self.version_pairs.push((entry, a));
                Some(entry)
            }
        }
    }

    fn resolve_purl(&mut self, asset: AssetId, raw: &str) -> CachedPurl {
        let purl = match Purl::parse(raw) {
            Ok(p) => p.normalised(),
            Err(e) => {
                self.problems.push(InventoryProblem {
                    asset,
                    field: "purl",
                    reason: e.to_string(),
                });
                return CachedPurl::Invalid;
            }
        };
        let eco = match purl.ecosystem() {
            Some(e) => EcoKey::Known(e),
            None => EcoKey::Other(self.strings.intern(&other_ecosystem_name(&purl.ty))),
        };
        let name = match eco {
            EcoKey::Known(e) => normalise_package_name(e, &purl.package_name()),
            EcoKey::Other(_) => purl.package_name(),
        };
        let name = self.strings.intern(&name);
        let package = match self.package_map.get(&(eco, name)) {
            Some(p) => *p,
            None => {
                let p = idx(self.packages.len());
                self.packages.push(Package { eco, name });
                self.package_map.insert((eco, name), p);
                p
            }
        };
        let release = purl.qualifiers.get("distro").map(|d| self.strings.intern(d));
        let canonical = self.strings.intern(&purl.to_string());
        let entry = purl.version.as_deref().map(|v| {
            let version = self.strings.intern(v);
            self.version_entry(package, version, release, canonical)
        });
        CachedPurl::Parsed {
            package,
            entry,
            release,
            canonical,
        }
    }

    fn version_entry(&mut self, package: u32, version: Sym, release: Option<Sym>, purl: Sym) -> u32 {
        let key = (package, version, release);
        if let Some(i) = self.version_map.get(&key) {
            return *i;
        }
        let i = idx(self.versions.len());
        self.versions.push(PackageVersion {
            package,
            version,
            release,
            purl,
        });
        self.version_map.insert(key, i);
        i
    }

    /// Links the asset to the CPE `raw`; the CPE entry, when it parses.
    fn add_cpe_text(&mut self, a: AssetIdx, asset: AssetId, raw: &str) -> Option<u32> {
        let entry = match self.cpe_cache.get(raw) {
            Some(e) => *e,
            None => {
                let e = match Cpe::parse(raw) {
                    Ok(cpe) => Some(dense(&mut self.cpe_map, &mut self.cpes, &cpe)),
                    Err(err) => {
                        self.problems.push(InventoryProblem {
                            asset,
                            field: "cpe",
                            reason: err.to_string(),
                        });
                        None
                    }
                };
                self.cpe_cache.insert(raw.into(), e);
                e
            }
        };
        if let Some(e) = entry {
            self.cpe_pairs.push((e, a));
        }
        entry
    }

    /// Finishes the index: sorts and compresses the asset lists.
    pub fn finish(self) -> Inventory {
        let mut by_package: Vec<(u32, u32)> = self
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| (v.package, idx(i)))
            .collect();
        by_package.sort_unstable();
        let package_versions = Postings::build(by_package, self.packages.len());
        let mut by_vendor_product: Map<(Box<str>, Box<str>), Vec<u32>> = Map::default();
        for (i, cpe) in self.cpes.iter().enumerate() {
            if let Some((v, p)) = cpe.vendor_product() {
                by_vendor_product
                    .entry((v.into(), p.into()))
                    .or_default()
                    .push(idx(i));
            }
        }
        Inventory {
            version_assets: Postings::build(self.version_pairs, self.versions.len()),
            cpe_assets: Postings::build(self.cpe_pairs, self.cpes.len()),
            cpe_twins: Postings::build(self.twin_pairs, self.cpes.len()),
            named_assets: Postings::build(self.named_pairs, self.named.len()),
            strings: self.strings,
            package_map: self.package_map,
            packages: self.packages,
            versions: self.versions,
            package_versions,
            cpes: self.cpes,
            by_vendor_product,
            named: self.named,
            assets: self.assets,
            asset_map: self.asset_map,
            asset_org: self.asset_org,
            orgs: self.orgs,
            problems: self.problems,
        }
    }
}

/// The lower-cased OSV name of an ecosystem Ward cannot order, from a purl type, or `purl:<type>`.
pub fn other_ecosystem_name(purl_type: &str) -> String {
    match purl_type {
        "githubactions" => "github actions".to_owned(),
        "conan" => "conancenter".to_owned(),
        "bitnami" => "bitnami".to_owned(),
        other => format!("purl:{other}"),
    }
}

/// The built index (see the module docs).
#[derive(Debug)]
pub struct Inventory {
    strings: Interner,
    package_map: Map<(EcoKey, Sym), u32>,
    packages: Vec<Package>,
    versions: Vec<PackageVersion>,
    package_versions: Postings,
    version_assets: Postings,
    cpes: Vec<Cpe>,
    by_vendor_product: Map<(Box<str>, Box<str>), Vec<u32>>,
    cpe_assets: Postings,
    /// Per CPE: the package versions some record named together with it.
    cpe_twins: Postings,
    named: Vec<NamedSoftware>,
    named_assets: Postings,
    assets: Vec<AssetId>,
    asset_map: Map<AssetId, AssetIdx>,
    asset_org: Vec<u32>,
    orgs: Vec<OrgId>,
    problems: Vec<InventoryProblem>,
}

/// Counts that describe an [`Inventory`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InventoryStats {
    /// Assets.
    pub assets: usize,
    /// Organisations.
    pub orgs: usize,
    /// Distinct packages.
    pub packages: usize,
    /// Distinct package versions.
    pub package_versions: usize,
    /// Distinct CPEs.
    pub cpes: usize,
    /// Distinct name-only records.
    pub named: usize,
    /// Asset-to-item links (installed components after deduplication within an asset).
    pub links: usize,
}

impl Inventory {
    /// Builds an index from rows of (asset, owning organisation, installed software).
    pub fn build<'a>(rows: impl IntoIterator<Item = (AssetId, OrgId, &'a InstalledSoftware)>) -> Self {
        let mut builder = InventoryBuilder::default();
        for (asset, org, software) in rows {
            builder.add(asset, org, software);
        }
        builder.finish()
    }

    /// The text of an interned string.
    pub fn text(&self, sym: Sym) -> &str {
        self.strings.strings.get(sym.0 as usize).map_or("", |s| s)
    }

    /// The interned symbol of `text`, if any record used it.
    pub fn sym(&self, text: &str) -> Option<Sym> {
        self.strings.get(text)
    }

    /// Counts.
    pub fn stats(&self) -> InventoryStats {
        InventoryStats {
            assets: self.assets.len(),
            orgs: self.orgs.len(),
            packages: self.packages.len(),
            package_versions: self.versions.len(),
            cpes: self.cpes.len(),
            named: self.named.len(),
            links: self.version_assets.assets.len()
                + self.cpe_assets.assets.len()
                + self.named_assets.assets.len(),
        }
    }

    /// The ecosystem key for an OSV ecosystem string as an advisory writes it (`Debian:12` gives
    /// Debian); `None` when no record uses that (unknown) ecosystem.
    pub fn eco_key(&self, osv_ecosystem: &str) -> Option<EcoKey> {
        match Ecosystem::split_release(osv_ecosystem) {
            Ok((eco, _)) => Some(EcoKey::Known(eco)),
            Err(_) => {
                let base = osv_ecosystem.split(':').next().unwrap_or(osv_ecosystem).trim();
                self.sym(&base.to_lowercase()).map(EcoKey::Other)
            }
        }
    }

    /// The package with this ecosystem and (normalised) name.
    pub fn package(&self, eco: EcoKey, name: &str) -> Option<u32> {
        let name = self.sym(name)?;
        self.package_map.get(&(eco, name)).copied()
    }

    /// Every distinct package.
    pub fn packages(&self) -> &[Package] {
        &self.packages
    }

    /// The versions of `package` present in the inventory (indices into [`Inventory::versions`]).
    pub fn versions_of(&self, package: u32) -> &[u32] {
        self.package_versions.get(package)
    }

    /// Every distinct package version.
    pub fn versions(&self) -> &[PackageVersion] {
        &self.versions
    }

    /// The assets carrying package version `version`.
    pub fn assets_of_version(&self, version: u32) -> &[AssetIdx] {
        self.version_assets.get(version)
    }

    /// Every distinct CPE.
    pub fn cpes(&self) -> &[Cpe] {
        &self.cpes
    }

    /// The CPEs with this vendor and product (lower-case).
    pub fn cpes_for(&self, vendor: &str, product: &str) -> &[u32] {
        self.by_vendor_product
            .get(&(Box::from(vendor), Box::from(product)))
            .map_or(&[], Vec::as_slice)
    }

    /// The assets carrying CPE `cpe`.
    pub fn assets_of_cpe(&self, cpe: u32) -> &[AssetIdx] {
        self.cpe_assets.get(cpe)
    }

    /// The package version that CPE `cpe` names on `asset`: one that a record named together with
    /// the CPE and that the asset carries. Software found through such a CPE on that asset is the
    /// package version's, and is counted once, as the package's (see the module docs).
    pub fn same_as_version(&self, cpe: u32, asset: AssetIdx) -> Option<u32> {
        self.cpe_twins
            .get(cpe)
            .iter()
            .copied()
            .find(|v| self.assets_of_version(*v).binary_search(&asset).is_ok())
    }

    /// Every distinct name-only record.
    pub fn named(&self) -> &[NamedSoftware] {
        &self.named
    }

    /// The assets carrying name-only record `named`.
    pub fn assets_of_named(&self, named: u32) -> &[AssetIdx] {
        self.named_assets.get(named)
    }

    /// The asset's identifier.
    pub fn asset_id(&self, asset: AssetIdx) -> Option<AssetId> {
        self.assets.get(asset as usize).copied()
    }

    /// The dense index of an asset.
    pub fn asset_index(&self, asset: AssetId) -> Option<AssetIdx> {
        self.asset_map.get(&asset).copied()
    }

    /// The organisation owning the asset.
    pub fn org_of(&self, asset: AssetIdx) -> Option<OrgId> {
        let org = self.asset_org.get(asset as usize)?;
        self.orgs.get(*org as usize).copied()
    }

    /// The dense organisation index of the asset (for counting without hashing identifiers).
    pub fn org_index(&self, asset: AssetIdx) -> Option<u32> {
        self.asset_org.get(asset as usize).copied()
    }

    /// How many organisations own assets.
    pub fn org_count(&self) -> usize {
        self.orgs.len()
    }

    /// The organisation with this dense index.
    pub fn org(&self, index: u32) -> Option<OrgId> {
        self.orgs.get(index as usize).copied()
    }

    /// Problems met while building (unparsable purls and CPEs).
    pub fn problems(&self) -> &[InventoryProblem] {
        &self.problems
    }

    /// The sorted, distinct organisations owning any of `assets`.
    pub fn orgs_of<'a>(&self, assets: impl IntoIterator<Item = &'a AssetIdx>) -> Vec<OrgId> {
        let mut orgs: Vec<u32> = assets.into_iter().filter_map(|a| self.org_index(*a)).collect();
        orgs.sort_unstable();
        orgs.dedup();
        let mut ids: Vec<OrgId> = orgs.into_iter().filter_map(|o| self.org(o)).collect();
        ids.sort_unstable();
        ids
    }
}
