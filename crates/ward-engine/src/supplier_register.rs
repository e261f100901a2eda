//! The critical supplier register: for every supplier, the organisations and services that
//! depend on it (declared dependencies on its products, and assets running them), how critical
//! it is to the sector ([`Criticality::of`]), and how much of each region's capacity for one
//! category of system (pathology, NHS 111 and urgent care, GP clinical systems, ...) runs on it.
//!
//! [`SupplierRegister::build`] does the work once per data generation; a [`SupplierRegister::view`]
//! for one caller only sums the rows of the organisations it may see, so every figure is a count
//! that adds up from organisation to ICB, region and nation. Pure: no I/O, no clock, sorted output.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::org::{OrgKind, Organisation};
use ward_core::service::Service;
use ward_core::supplier::criticality::{Criticality, CriticalityFacts};
use ward_core::supplier::{Product, ProductCategory, ProductStatus};
use ward_core::{OrgId, ProductId, ServiceId};

use crate::impact::Visibility;

/// Organisations running a product, found in the inventory (assets carrying its CPE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductUse {
    pub product: ProductId,
    pub org: OrgId,
    /// How many of the organisation's assets carry it.
    pub assets: u32,
    /// The services those assets support.
    pub services: Vec<ServiceId>,
}

/// One installed release of a product across the sector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledRelease {
    pub version: String,
    /// A package URL recorded together with the product's CPE on the same asset, when one was.
    pub purl: Option<String>,
    pub assets: u32,
}

/// Everything the register is built from.
#[derive(Debug, Clone, Copy)]
pub struct RegisterInput<'a> {
    pub orgs: &'a [Organisation],
    pub services: &'a [Service],
    pub products: &'a [Product],
    pub dependencies: &'a [Dependency],
    pub uses: &'a [ProductUse],
    /// Releases seen installed, per product.
    pub releases: &'a [(ProductId, Vec<InstalledRelease>)],
}

/// A product as the register lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductLine {
    pub id: ProductId,
    pub name: String,
    pub category: ProductCategory,
    pub cpe: Option<String>,
    pub status: ProductStatus,
    /// Releases seen installed across the sector (empty for callers who do not see the sector).
    pub releases: Vec<InstalledRelease>,
}

#[derive(Debug, Clone)]
struct OrgNode {
    id: OrgId,
    code: String,
    name: String,
    kind: OrgKind,
    parent: Option<u32>,
    region: Option<u32>,
}

/// What one organisation has on one supplier, by category of system.
#[derive(Debug, Clone, Default)]
struct Reliance {
    services: u32,
    patient_critical: u32,
    throughput: u64,
    assets: u32,
    declared: bool,
    by_category: BTreeMap<ProductCategory, (u32, u64)>,
}

#[derive(Debug, Clone)]
struct SupplierNode {
    org: u32,
    products: Vec<ProductLine>,
    /// (organisation, what it has on the supplier), by organisation.
    dependants: Vec<(u32, Reliance)>,
    facts: CriticalityFacts,
    criticality: Criticality,
}

/// The sector's register, ready to be viewed by any caller.
#[derive(Debug, Clone)]
pub struct SupplierRegister {
    orgs: Vec<OrgNode>,
    index: HashMap<OrgId, u32>,
    suppliers: Vec<SupplierNode>,
    /// Per organisation, its capacity by category: distinct services depending on any product of
    /// that category, and their daily throughput.
    capacity: HashMap<u32, BTreeMap<ProductCategory, (u32, u64)>>,
    /// The whole sector's view and capacity, computed once (what national callers ask for).
    national: RegisterView,
    national_totals: RegionTotals,
}

/// Per (region, category): organisations, services and throughput a day, over what is seen.
type RegionTotals = HashMap<(u32, ProductCategory), (u32, u32, u64)>;

/// One supplier as a caller sees it: criticality is the sector's, the counts are the caller's
/// footprint's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupplierSummary {
    pub supplier: OrgId,
    pub code: String,
    pub name: String,
    pub criticality: Criticality,
    /// The sector-wide facts the criticality comes from: only for callers who see the sector.
    pub facts: Option<CriticalityFacts>,
    pub products: Vec<ProductLine>,
    /// Organisations in the footprint depending on it.
    pub organisations: u32,
    /// Services in the footprint depending on it, and how many of those are patient-critical.
    pub services: u32,
    pub patient_critical_services: u32,
    /// Patients or appointments a day through those services.
    pub throughput_per_day: u64,
    /// Organisations by kind.
    pub by_kind: BTreeMap<String, u32>,
}

/// The share of one region's capacity for one category of system that runs on one supplier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConcentrationRow {
    pub region: OrgId,
    pub region_name: String,
    pub category: ProductCategory,
    pub supplier: OrgId,
    pub supplier_name: String,
    pub organisations: u32,
    pub services: u32,
    pub throughput_per_day: u64,
    /// The region's (visible) totals for the category, whoever supplies it.
    pub total_organisations: u32,
    pub total_services: u32,
    pub total_throughput_per_day: u64,
    /// `throughput_per_day` as a whole percentage of the total (of services when nothing is
    /// counted per day).
    pub share_percent: u8,
}

/// The level of a row of figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    Nation,
    Region,
    Icb,
    Organisation,
}

/// Dependants counted for one organisation or area: an area's row is the sum of the rows of the
/// organisations beneath it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaRow {
    pub level: AreaLevel,
    pub org: OrgId,
    pub code: String,
    pub name: String,
    pub organisations: u32,
    pub services: u32,
    pub patient_critical_services: u32,
    /// For an organisation: how many of its assets run the supplier's products, and whether it
    /// declared a dependency on one.
    pub assets: u32,
    pub declared: bool,
}

/// The register as one caller sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegisterView {
    pub suppliers: Vec<SupplierSummary>,
    pub concentration: Vec<ConcentrationRow>,
}

/// One supplier's record with its figures by area.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SupplierFigures {
    pub summary: SupplierSummary,
    /// Nation, regions, ICBs, then organisations, each level by name.
    pub areas: Vec<AreaRow>,
    pub concentration: Vec<ConcentrationRow>,
}

const PATIENT_CRITICAL: u8 = 4;

fn percent(part: u64, whole: u64) -> u8 {
    if whole == 0 {
        return 0;
    }
    u8::try_from((part.min(whole) * 100) / whole).unwrap_or(100)
}

impl SupplierRegister {
    /// Builds the register. References that name nothing (a dependency on an unknown service, a
    /// product of an unknown supplier) are left out: the register is a picture, not a check.
    pub fn build(input: RegisterInput<'_>) -> Self {
        let index: HashMap<OrgId, u32> = input
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let mut orgs: Vec<OrgNode> = input
            .orgs
            .iter()
            .map(|o| OrgNode {
                id: o.id,
                code: o.code.to_string(),
                name: o.name.clone(),
                kind: o.kind,
                parent: o.parent.and_then(|p| index.get(&p).copied()),
                region: None,
            })
            .collect();
        for i in 0..orgs.len() {
            let mut at = Some(i as u32);
            let mut steps = 0;
            while let Some(a) = at {
                if orgs[a as usize].kind == OrgKind::Region {
                    orgs[i].region = Some(a);
                    break;
                }
                at = orgs[a as usize].parent;
                steps += 1;
                if steps > 64 {
                    break;
                }
            }
        }

        let services: HashMap<ServiceId, &Service> = input.services.iter().map(|s| (s.id, s)).collect();
        let products: HashMap<ProductId, &Product> = input.products.iter().map(|p| (p.id, p)).collect();
        let releases: HashMap<ProductId, &Vec<InstalledRelease>> =
            input.releases.iter().map(|(p, r)| (*p, r)).collect();

        // (supplier, organisation) -> services by category, assets, declared.
        type Key = (u32, u32);
        let mut services_of: HashMap<Key, BTreeMap<ServiceId, BTreeSet<ProductCategory>>> = HashMap::new();
        let mut assets_of: HashMap<Key, u32> = HashMap::new();
        let mut declared: BTreeSet<Key> = BTreeSet::new();
        let mut capacity_services: HashMap<u32, BTreeMap<ProductCategory, BTreeSet<ServiceId>>> =
            HashMap::new();
        let mut note = |supplier: u32, org: u32, service: Option<ServiceId>, category: ProductCategory| {
            let entry = services_of.entry((supplier, org)).or_default();
            if let Some(s) = service {
                entry.entry(s).or_default().insert(category);
                capacity_services
                    .entry(org)
                    .or_default()
                    .entry(category)
                    .or_default()
                    .insert(s);
            }
        };
        for d in input.dependencies {
            let DependencyTarget::Product(p) = d.target else {
                continue;
            };
            let (Some(product), Some(service)) = (products.get(&p), services.get(&d.service)) else {
                continue;
            };
            let (Some(&supplier), Some(&org)) = (index.get(&product.supplier), index.get(&service.org))
            else {
                continue;
            };
            note(supplier, org, Some(service.id), product.category);
            declared.insert((supplier, org));
        }
        for u in input.uses {
            let Some(product) = products.get(&u.product) else {
                continue;
            };
            let (Some(&supplier), Some(&org)) = (index.get(&product.supplier), index.get(&u.org)) else {
                continue;
            };
            note(supplier, org, None, product.category);
            for s in u.services.iter().filter(|s| services.contains_key(s)) {
                note(supplier, org, Some(*s), product.category);
            }
            *assets_of.entry((supplier, org)).or_default() += u.assets;
        }

        let capacity: HashMap<u32, BTreeMap<ProductCategory, (u32, u64)>> = capacity_services
            .into_iter()
            .map(|(org, cats)| {
                let sums = cats
                    .into_iter()
                    .map(|(c, set)| {
                        let throughput = set
                            .iter()
                            .filter_map(|s| services.get(s))
                            .map(|s| u64::from(s.daily_throughput))
                            .sum();
                        (c, (u32::try_from(set.len()).unwrap_or(u32::MAX), throughput))
                    })
                    .collect();
                (org, sums)
            })
            .collect();

        let mut by_supplier: BTreeMap<u32, Vec<(u32, Reliance)>> = BTreeMap::new();
        for ((supplier, org), svc) in services_of {
            let mut r = Reliance {
                assets: assets_of.get(&(supplier, org)).copied().unwrap_or(0),
                declared: declared.contains(&(supplier, org)),
                ..Reliance::default()
            };
            for (sid, cats) in &svc {
                let Some(s) = services.get(sid) else { continue };
                r.services += 1;
                if s.criticality.value() >= PATIENT_CRITICAL {
                    r.patient_critical += 1;
                }
                r.throughput += u64::from(s.daily_throughput);
                for c in cats {
                    let e = r.by_category.entry(*c).or_default();
                    e.0 += 1;
                    e.1 += u64::from(s.daily_throughput);
                }
            }
            by_supplier.entry(supplier).or_default().push((org, r));
        }

        let mut register = Self {
            orgs,
            index,
            suppliers: Vec::new(),
            capacity,
            national: RegisterView {
                suppliers: Vec::new(),
                concentration: Vec::new(),
            },
            national_totals: RegionTotals::new(),
        };
        let mut product_lines: BTreeMap<u32, Vec<ProductLine>> = BTreeMap::new();
        for p in input.products {
            if let Some(&s) = register.index.get(&p.supplier) {
                product_lines.entry(s).or_default().push(ProductLine {
                    id: p.id,
                    name: p.name.clone(),
                    category: p.category,
                    cpe: p.cpe.clone(),
                    status: p.status,
                    releases: releases.get(&p.id).map(|r| (*r).clone()).unwrap_or_default(),
                });
            }
        }
        let all = vec![true; register.orgs.len()];
        for (i, o) in register.orgs.iter().enumerate() {
            if o.kind != OrgKind::Supplier {
                continue;
            }
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let mut dependants = by_supplier.remove(&i).unwrap_or_default();
            dependants.sort_by_key(|(org, _)| *org);
            let mut products = product_lines.remove(&i).unwrap_or_default();
            products.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
            register.suppliers.push(SupplierNode {
                org: i,
                products,
                dependants,
                facts: CriticalityFacts::default(),
                criticality: Criticality::Low,
            });
        }
        let totals = register.region_totals(&all);
        for k in 0..register.suppliers.len() {
            let s = &register.suppliers[k];
            let (organisations, _, patient_critical, _) = register.totals(s, &all);
            let largest = register
                .concentration_of(s, &all, &totals)
                .iter()
                .map(|c| c.share_percent)
                .max()
                .unwrap_or(0);
            let facts = CriticalityFacts {
                organisations,
                patient_critical_services: patient_critical,
                largest_regional_share: largest,
            };
            register.suppliers[k].facts = facts;
            register.suppliers[k].criticality = Criticality::of(&facts);
        }
        let orgs = &register.orgs;
        register.suppliers.sort_by(|a, b| {
            b.criticality
                .cmp(&a.criticality)
                .then_with(|| orgs[a.org as usize].name.cmp(&orgs[b.org as usize].name))
        });
        register.national = register.view_of(&all);
        register.national_totals = totals;
        register
    }

    /// Each region's capacity by category over the organisations seen, counted once per view.
    fn region_totals(&self, seen: &[bool]) -> RegionTotals {
        let mut totals = RegionTotals::new();
        for (o, cats) in &self.capacity {
            if !seen[*o as usize] {
                continue;
            }
            let Some(region) = self.orgs[*o as usize].region else {
                continue;
            };
            for (c, (n, t)) in cats {
                let e = totals.entry((region, *c)).or_default();
                e.0 += 1;
                e.1 += n;
                e.2 += t;
            }
        }
        totals
    }

    /// Which organisations `v` covers, by position.
    fn marks(&self, v: &Visibility) -> Vec<bool> {
        match v {
            Visibility::All => vec![true; self.orgs.len()],
            Visibility::Orgs(list) => {
                let mut m = vec![false; self.orgs.len()];
                for i in list.iter().filter_map(|o| self.index.get(o)) {
                    m[*i as usize] = true;
                }
                m
            }
            Visibility::Subtrees(roots) => {
                let roots: BTreeSet<u32> = roots.iter().filter_map(|o| self.index.get(o).copied()).collect();
                (0..self.orgs.len())
                    .map(|i| {
                        let mut at = Some(i as u32);
                        let mut steps = 0;
                        while let Some(a) = at {
                            if roots.contains(&a) {
                                return true;
                            }
                            at = self.orgs[a as usize].parent;
                            steps += 1;
                            if steps > 64 {
                                return false;
                            }
                        }
                        false
                    })
                    .collect()
            }
        }
    }

    /// (organisations, services, patient-critical services, throughput) over the visible dependants.
    fn totals(&self, s: &SupplierNode, seen: &[bool]) -> (u32, u32, u32, u64) {
        s.dependants
            .iter()
            .filter(|(o, _)| seen[*o as usize])
            .fold((0, 0, 0, 0), |(n, sv, pc, t), (_, r)| {
                (n + 1, sv + r.services, pc + r.patient_critical, t + r.throughput)
            })
    }

    fn concentration_of(
        &self,
        s: &SupplierNode,
        seen: &[bool],
        totals: &RegionTotals,
    ) -> Vec<ConcentrationRow> {
        // (region, category) -> (orgs, services, throughput) for the supplier.
        let mut mine: BTreeMap<(u32, ProductCategory), (u32, u32, u64)> = BTreeMap::new();
        for (o, r) in s.dependants.iter().filter(|(o, _)| seen[*o as usize]) {
            let Some(region) = self.orgs[*o as usize].region else {
                continue;
            };
            for (c, (n, t)) in &r.by_category {
                let e = mine.entry((region, *c)).or_default();
                e.0 += 1;
                e.1 += n;
                e.2 += t;
            }
        }
        let supplier = &self.orgs[s.org as usize];
        mine.into_iter()
            .map(|((region, category), (orgs, services, throughput))| {
                let (to, ts, tt) = totals.get(&(region, category)).copied().unwrap_or_default();
                let share = if tt > 0 {
                    percent(throughput, tt)
                } else {
                    percent(u64::from(services), u64::from(ts))
                };
                ConcentrationRow {
                    region: self.orgs[region as usize].id,
                    region_name: self.orgs[region as usize].name.clone(),
                    category,
                    supplier: supplier.id,
                    supplier_name: supplier.name.clone(),
                    organisations: orgs,
                    services,
                    throughput_per_day: throughput,
                    total_organisations: to,
                    total_services: ts,
                    total_throughput_per_day: tt,
                    share_percent: share,
                }
            })
            .collect()
    }

    fn summary(&self, s: &SupplierNode, seen: &[bool]) -> SupplierSummary {
        let (organisations, services, patient_critical, throughput) = self.totals(s, seen);
        let mut kinds: BTreeMap<&'static str, u32> = BTreeMap::new();
        for (o, _) in s.dependants.iter().filter(|(o, _)| seen[*o as usize]) {
            *kinds.entry(self.orgs[*o as usize].kind.as_str()).or_insert(0) += 1;
        }
        let by_kind = kinds.into_iter().map(|(k, n)| (k.to_owned(), n)).collect();
        let org = &self.orgs[s.org as usize];
        let national = seen.iter().all(|m| *m);
        // Installed releases are counted across the sector: only for those who see it.
        let products = s
            .products
            .iter()
            .map(|p| ProductLine {
                releases: if national { p.releases.clone() } else { Vec::new() },
                ..p.clone()
            })
            .collect();
        SupplierSummary {
            supplier: org.id,
            code: org.code.clone(),
            name: org.name.clone(),
            criticality: s.criticality,
            facts: national.then_some(s.facts),
            products,
            organisations,
            services,
            patient_critical_services: patient_critical,
            throughput_per_day: throughput,
            by_kind,
        }
    }

    /// Whether a caller seeing `seen` sees supplier `s`: its own organisation is visible (a
    /// supplier contact) or something visible depends on it.
    fn sees(&self, s: &SupplierNode, seen: &[bool]) -> bool {
        seen[s.org as usize] || s.dependants.iter().any(|(o, _)| seen[*o as usize])
    }

    /// The suppliers a caller seeing `v` may see, most critical first, with the footprint's
    /// counts and concentration (highest share first).
    pub fn view(&self, v: &Visibility) -> RegisterView {
        match v {
            Visibility::All => self.national.clone(),
            _ => self.view_of(&self.marks(v)),
        }
    }

    fn view_of(&self, seen: &[bool]) -> RegisterView {
        let totals = self.region_totals(seen);
        let mut suppliers = Vec::new();
        let mut concentration = Vec::new();
        for s in self.suppliers.iter().filter(|s| self.sees(s, seen)) {
            suppliers.push(self.summary(s, seen));
            concentration.extend(self.concentration_of(s, seen, &totals));
        }
        concentration.sort_by(|a, b| {
            b.share_percent
                .cmp(&a.share_percent)
                .then_with(|| a.region_name.cmp(&b.region_name))
                .then_with(|| a.category.cmp(&b.category))
                .then_with(|| a.supplier_name.cmp(&b.supplier_name))
        });
        RegisterView {
            suppliers,
            concentration,
        }
    }

    /// One supplier's record for a caller seeing `v`; `None` when it is not a supplier or the
    /// caller may not see it.
    pub fn figures(&self, supplier: OrgId, v: &Visibility) -> Option<SupplierFigures> {
        let seen = self.marks(v);
        let ix = *self.index.get(&supplier)?;
        let s = self.suppliers.iter().find(|s| s.org == ix)?;
        if !self.sees(s, &seen) {
            return None;
        }
        let mut areas: BTreeMap<u32, AreaRow> = BTreeMap::new();
        let row = |o: &OrgNode, level: AreaLevel| AreaRow {
            level,
            org: o.id,
            code: o.code.clone(),
            name: o.name.clone(),
            organisations: 0,
            services: 0,
            patient_critical_services: 0,
            assets: 0,
            declared: false,
        };
        for (o, r) in s.dependants.iter().filter(|(o, _)| seen[*o as usize]) {
            let node = &self.orgs[*o as usize];
            let own = areas
                .entry(*o)
                .or_insert_with(|| row(node, AreaLevel::Organisation));
            own.level = AreaLevel::Organisation;
            own.organisations += 1;
            own.services += r.services;
            own.patient_critical_services += r.patient_critical;
            own.assets += r.assets;
            own.declared |= r.declared;
            let mut at = node.parent;
            let mut steps = 0;
            while let Some(a) = at {
                let area = &self.orgs[a as usize];
                let level = match area.kind {
                    OrgKind::NationalBody => Some(AreaLevel::Nation),
                    OrgKind::Region => Some(AreaLevel::Region),
                    OrgKind::Icb => Some(AreaLevel::Icb),
                    _ => None,
                };
                if let Some(level) = level.filter(|_| seen[a as usize]) {
                    let e = areas.entry(a).or_insert_with(|| row(area, level));
                    e.organisations += 1;
                    e.services += r.services;
                    e.patient_critical_services += r.patient_critical;
                    e.assets += r.assets;
                }
                at = area.parent;
                steps += 1;
                if steps > 64 {
                    break;
                }
            }
        }
        let mut areas: Vec<AreaRow> = areas.into_values().collect();
        areas.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.name.cmp(&b.name)));
        let totals = match v {
            Visibility::All => None,
            _ => Some(self.region_totals(&seen)),
        };
        let mut concentration =
            self.concentration_of(s, &seen, totals.as_ref().unwrap_or(&self.national_totals));
        concentration.sort_by_key(|c| std::cmp::Reverse(c.share_percent));
        Some(SupplierFigures {
            summary: self.summary(s, &seen),
            areas,
            concentration,
        })
    }

    /// For each of `orgs`, the suppliers it depends on (declared or through its inventory), in
    /// the register's order; an organisation depending on none is left out.
    pub fn suppliers_of(&self, orgs: &[OrgId]) -> HashMap<OrgId, Vec<OrgId>> {
        let wanted: HashMap<u32, OrgId> = orgs
            .iter()
            .filter_map(|o| self.index.get(o).map(|i| (*i, *o)))
            .collect();
        let mut out: HashMap<OrgId, Vec<OrgId>> = HashMap::new();
        for s in &self.suppliers {
            let Some(supplier) = self.orgs.get(s.org as usize).map(|o| o.id) else {
                continue;
            };
            for (org, _) in &s.dependants {
                if let Some(id) = wanted.get(org) {
                    let list = out.entry(*id).or_default();
                    if !list.contains(&supplier) {
                        list.push(supplier);
                    }
                }
            }
        }
        out
    }

    /// How many suppliers the register holds.
    pub fn len(&self) -> usize {
        self.suppliers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.suppliers.is_empty()
    }
}

#[cfg(test)]
mod tests;
