//! The figures an organisation page draws: open exposure by severity band (the known-exploited
//! part marked), the organisations directly beneath a region or ICB compared by their open
//! critical and high exposures, and unsupported software by product. Counted from the exposure
//! index inside the caller's scope, so a page never shows more than the lists it links to.
//!
//! An exposure is one asset exposed to one advisory: an advisory matched twice on one asset (by
//! package and by CPE) counts once, as does an asset carrying two releases of one product.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use ward_core::OrgId;
use ward_core::org::OrgKind;
use ward_core::vuln::CvssBand;

use super::index::{AdvisoryIx, AssetIx, ExposureIndex, OrgIx, Visible};
use super::view::OrgRef;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::AppResult;

/// Open exposures in one severity band.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeverityCount {
    pub band: CvssBand,
    /// Open (asset, advisory) exposures.
    pub open: u64,
    /// Of those, to vulnerabilities known to be exploited (CISA KEV).
    pub kev: u64,
}

/// One organisation beneath, compared with its siblings (its whole subtree counted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComparedOrg {
    pub org: OrgRef,
    pub kind: OrgKind,
    /// Open exposures rated critical or high.
    pub critical_high: u64,
    /// Of those, known to be exploited.
    pub kev: u64,
}

/// The organisations beneath compared: the `shown` with the most critical and high exposure, and
/// the rest counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub shown: Vec<ComparedOrg>,
    pub rest_orgs: u64,
    pub rest_critical_high: u64,
}

/// Assets running unsupported releases of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductCount {
    /// The product as people name it ("Windows Server").
    pub product: String,
    pub assets: u64,
}

/// Everything an organisation page draws.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrgPictures {
    /// Critical first; bands without a score or rated none only when they have exposures.
    pub by_severity: Vec<SeverityCount>,
    /// For a region, an ICB or a national body with organisations beneath it.
    pub compared: Option<Comparison>,
    /// The products on the most assets, most first.
    pub unsupported: Vec<ProductCount>,
    /// Products left out of `unsupported`, and how many assets (each counted once) run them.
    pub unsupported_rest: (u64, u64),
}

/// Kinds whose page compares the organisations beneath.
fn compares(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::NationalBody | OrgKind::Region | OrgKind::Icb)
}

impl ExposureIndex {
    pub(crate) fn pictures(&self, visible: &Visible, root: OrgIx, top: usize) -> OrgPictures {
        let root_org = self.sector.org(root);
        let root_path = root_org.path.as_str();
        let in_view = |org: OrgIx| visible.org(org) && self.sector.in_subtree(org, root_path);
        // The organisations directly beneath, by the path segment that names them.
        let children: HashMap<&str, OrgIx> = if compares(root_org.kind) {
            self.sector
                .orgs()
                .filter(|(i, o)| {
                    visible.org(*i)
                        && o.path
                            .strip_prefix(root_path)
                            .is_some_and(|rest| rest.ends_with('/') && rest.matches('/').count() == 1)
                })
                .map(|(i, o)| (&o.path[root_path.len()..o.path.len() - 1], i))
                .collect()
        } else {
            HashMap::new()
        };
        let mut bands: HashMap<AdvisoryIx, (CvssBand, bool)> = HashMap::new();
        let mut seen: HashSet<(AssetIx, AdvisoryIx)> = HashSet::new();
        let mut by_band: BTreeMap<CvssBand, (u64, u64)> = BTreeMap::new();
        let mut by_child: HashMap<OrgIx, (u64, u64)> = children.values().map(|c| (*c, (0, 0))).collect();
        for r in self.rows.all() {
            let org = self.sector.asset(r.asset).org;
            if !r.status.needs_action() || !in_view(org) {
                continue;
            }
            let adv = self.threats.advisory_of(r.matched);
            if !seen.insert((r.asset, adv)) {
                continue;
            }
            let (band, kev) = *bands.entry(adv).or_insert_with(|| {
                let a = self.threats.advisory(adv);
                (
                    ward_engine::priority::cvss_band(&a.severity),
                    self.threats.kev_of(a).is_some(),
                )
            });
            let e = by_band.entry(band).or_default();
            e.0 += 1;
            e.1 += u64::from(kev);
            if matches!(band, CvssBand::Critical | CvssBand::High) && !children.is_empty() {
                let path = &self.sector.org(org).path;
                let child = path[root_path.len()..]
                    .split('/')
                    .next()
                    .and_then(|seg| children.get(seg));
                if let Some(c) = child {
                    let e = by_child.entry(*c).or_default();
                    e.0 += 1;
                    e.1 += u64::from(kev);
                }
            }
        }
        let by_severity = [
            CvssBand::Critical,
            CvssBand::High,
            CvssBand::Medium,
            CvssBand::Low,
            CvssBand::None,
            CvssBand::Unscored,
        ]
        .into_iter()
        .filter_map(|band| {
            let (open, kev) = by_band.get(&band).copied().unwrap_or_default();
            let always = !matches!(band, CvssBand::None | CvssBand::Unscored);
            (always || open > 0).then_some(SeverityCount { band, open, kev })
        })
        .collect();
        let compared = (!children.is_empty()).then(|| {
            let mut all: Vec<ComparedOrg> = by_child
                .into_iter()
                .map(|(c, (critical_high, kev))| ComparedOrg {
                    org: self.org_ref(c),
                    kind: self.sector.org(c).kind,
                    critical_high,
                    kev,
                })
                .collect();
            all.sort_by(|a, b| {
                b.critical_high
                    .cmp(&a.critical_high)
                    .then(b.kev.cmp(&a.kev))
                    .then(a.org.name.cmp(&b.org.name))
                    .then(a.org.code.cmp(&b.org.code))
            });
            let rest = all.split_off(top.min(all.len()));
            Comparison {
                shown: all,
                rest_orgs: rest.len() as u64,
                rest_critical_high: rest.iter().map(|o| o.critical_high).sum(),
            }
        });
        // Unsupported software: distinct assets per product.
        let mut per_product: HashMap<String, HashSet<AssetIx>> = HashMap::new();
        for (item, asset) in self.threats.unsupported_installs() {
            if in_view(self.sector.asset(asset).org) {
                let product = &self.threats.unsupported_item(item).finding.product;
                per_product.entry(product.clone()).or_default().insert(asset);
            }
        }
        let mut products: Vec<(String, HashSet<AssetIx>)> = per_product.into_iter().collect();
        products.sort_by(|(pa, a), (pb, b)| b.len().cmp(&a.len()).then(pa.cmp(pb)));
        let rest = products.split_off(top.min(products.len()));
        let rest_assets: HashSet<AssetIx> = rest.iter().flat_map(|(_, a)| a.iter().copied()).collect();
        OrgPictures {
            by_severity,
            compared,
            unsupported: products
                .into_iter()
                .map(|(p, assets)| ProductCount {
                    product: self.threats.eol_product_name(&p),
                    assets: assets.len() as u64,
                })
                .collect(),
            unsupported_rest: (rest.len() as u64, rest_assets.len() as u64),
        }
    }
}

impl App {
    /// The pictures of one organisation's page: its subtree's exposure by severity, the
    /// organisations beneath compared (for a region, ICB or national body), unsupported software
    /// by product; `top` rows at most per picture.
    pub async fn org_pictures(&self, actor: &Actor, org: OrgId, top: usize) -> AppResult<OrgPictures> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        authorise_on(self.store(), actor, Action::ReadExposure, org, self.now()).await?;
        let index = self.exposure_index().await?;
        let top = top.clamp(1, 50);
        let key = format!("{scope:?}|{org}|{top}");
        if let Some(hit) = index.pictures.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok((*hit).clone());
        }
        let visible = index.visible(&scope);
        // An organisation added since the index was built has nothing to draw yet.
        let pictures = match index.sector.find_org(org).filter(|o| visible.org(*o)) {
            Some(root) => index.pictures(&visible, root, top),
            None => OrgPictures::default(),
        };
        if let Ok(mut cache) = index.pictures.lock() {
            // Bounded, as the summaries are: the index is replaced within minutes anyway.
            if cache.len() >= 10_000 {
                cache.clear();
            }
            cache.insert(key, std::sync::Arc::new(pictures.clone()));
        }
        Ok(pictures)
    }
}
