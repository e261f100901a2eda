//! The exposure index: the whole sector matched against the current threat data, in memory.
//!
//! Built from one [`SectorSnapshot`] and one [`ThreatSnapshot`] by [`ExposureIndex::build`] (pure:
//! no I/O, no clock). Each (match, asset) pair becomes one compact [`Row`] with its effective status
//! after VEX and its priority score; rows are kept sorted by priority so that a page of the most
//! urgent exposures is a scan that stops early. Explanations (the priority factors, the service a
//! consequence comes from) are recomputed for the rows actually shown.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use ward_core::supplier::Product;
use ward_core::vuln::{Advisory, EpssScore, KevEntry, VexStatus};
use ward_core::{AssetId, OrgId, ServiceId};
use ward_engine::eol::SoftwareRef;
use ward_engine::{
    EolCatalog, Inventory, InventoryBuilder, LayeredMatch, MatchedBy, Matches, Priority, PriorityInput,
    PriorityWeights, ScopedStatement, ServiceImpact, Unsupported, UnsupportedItem, Verdict, VexOrigin,
    VexScope,
};
use ward_store::Scope;
use ward_store::sector::{SectorAsset, SectorOrg, SectorSnapshot, ThreatSnapshot};

/// The effective status of one asset for one advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The installed version is affected (by the match, or a statement says so).
    Affected,
    /// Nobody knows yet (a statement says so, or the version could not be evaluated).
    UnderInvestigation,
    /// The match could not be evaluated (unparsable version, unknown ecosystem).
    CannotEvaluate,
    /// A statement says the asset is not affected.
    NotAffected,
    /// A statement says the installed software contains the fix.
    Fixed,
}

impl Status {
    /// Whether someone still has to act.
    pub fn needs_action(self) -> bool {
        matches!(
            self,
            Self::Affected | Self::UnderInvestigation | Self::CannotEvaluate
        )
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Affected => "affected",
            Self::UnderInvestigation => "under_investigation",
            Self::CannotEvaluate => "cannot_evaluate",
            Self::NotAffected => "not_affected",
            Self::Fixed => "fixed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Affected => "Affected",
            Self::UnderInvestigation => "Under investigation",
            Self::CannotEvaluate => "Cannot evaluate",
            Self::NotAffected => "Not affected",
            Self::Fixed => "Fixed",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Affected,
            Self::UnderInvestigation,
            Self::CannotEvaluate,
            Self::NotAffected,
            Self::Fixed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// One asset exposed through one match.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// Index into [`ExposureIndex::assets`].
    pub asset: u32,
    /// Index into the matches.
    pub matched: u32,
    pub status: Status,
    /// Index into [`ExposureIndex::statements`] when a statement decided the status.
    pub statement: Option<u32>,
    /// The priority score (0 to 100 with the default weights).
    pub score: f32,
}

/// The sector and its exposures, ready to query.
#[derive(Debug)]
pub struct ExposureIndex {
    pub(crate) built_at: Timestamp,
    pub(crate) today: Date,
    pub(crate) weights: PriorityWeights,
    pub(crate) orgs: Vec<SectorOrg>,
    pub(crate) org_index: HashMap<OrgId, u32>,
    pub(crate) assets: Vec<SectorAsset>,
    pub(crate) asset_index: HashMap<AssetId, u32>,
    pub(crate) services: HashMap<ServiceId, (String, u32, ward_core::risk::Consequence)>,
    /// Services each asset supports directly, for the service filter.
    pub(crate) asset_services: HashMap<AssetId, Vec<ServiceId>>,
    pub(crate) impacts: super::impact::ImpactTable,
    pub(crate) inventory: Inventory,
    pub(crate) advisories: Vec<Advisory>,
    pub(crate) matches: Matches,
    pub(crate) statements: Vec<(ScopedStatement, Option<OrgId>)>,
    pub(crate) kev: HashMap<String, KevEntry>,
    pub(crate) epss: HashMap<String, EpssScore>,
    pub(crate) unsupported: Vec<UnsupportedItem>,
    /// Unsupported item per matched software, keyed by the software reference.
    pub(crate) unsupported_by_ref: HashMap<SoftwareRef, u32>,
    /// Sorted by score (highest first), then advisory, then asset.
    pub(crate) rows: Vec<Row>,
    /// Row indexes per advisory (index into `advisories`), in row order.
    pub(crate) rows_by_advisory: Vec<Vec<u32>>,
    /// Row indexes per organisation (index into `orgs`), in row order.
    pub(crate) rows_by_org: Vec<Vec<u32>>,
    /// Summaries already computed from this index, by footprint (the index never changes, so
    /// they stay right until it is replaced).
    pub(crate) summaries: std::sync::Mutex<HashMap<String, std::sync::Arc<super::advisory::ExposureSummary>>>,
}

fn idx(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) fn software_ref(by: MatchedBy) -> SoftwareRef {
    match by {
        MatchedBy::Purl(v) => SoftwareRef::PackageVersion(v),
        MatchedBy::Cpe { cpe, .. } => SoftwareRef::Cpe(cpe),
    }
}

/// Who made a stored statement, and which assets it covers: a supplier's statement covers its
/// product everywhere, but only while every identifier it carries belongs to one of the supplier's
/// confirmed products (else it covers the supplier's own assets only, so it decides nothing for
/// anyone else: a statement stored before a product was rejected, or before the rule existed);
/// an organisation's covers its own assets; feed statements cover everything.
fn origin_of(
    stored: &ward_store::vuln::StoredVex,
    suppliers: &HashMap<OrgId, Vec<Product>>,
) -> (VexOrigin, VexScope) {
    let everywhere = VexScope {
        org: None,
        asset: None,
    };
    if let Some((org, confirmed)) = stored.org.and_then(|o| suppliers.get(&o).map(|c| (o, c))) {
        let in_force = crate::products::uncovered_identifier(confirmed, &stored.statement.product).is_none();
        let scope = if in_force {
            everywhere
        } else {
            VexScope {
                org: Some(org),
                asset: None,
            }
        };
        (VexOrigin::Supplier, scope)
    } else if stored.org.is_some() {
        (
            VexOrigin::Organisation,
            VexScope {
                org: stored.org,
                asset: None,
            },
        )
    } else if stored.statement.source.to_ascii_lowercase().contains("cyclonedx") {
        (VexOrigin::CycloneDx, everywhere)
    } else {
        (VexOrigin::Csaf, everywhere)
    }
}

impl ExposureIndex {
    /// Matches the sector against the threat data as of `today`. `confirmed` are the products
    /// national roles confirmed as their suppliers' (what suppliers' statements may speak for).
    pub fn build(
        sector: SectorSnapshot,
        threats: ThreatSnapshot,
        confirmed: Vec<Product>,
        weights: PriorityWeights,
        built_at: Timestamp,
        today: Date,
    ) -> Self {
        let org_index: HashMap<OrgId, u32> = sector
            .orgs
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id, idx(i)))
            .collect();
        let mut builder = InventoryBuilder::default();
        for a in &sector.assets {
            builder.add_asset(a.id, sector.orgs[a.org as usize].id);
        }
        for &(a, s) in &sector.installs {
            let (Some(asset), Some(software)) =
                (sector.assets.get(a as usize), sector.software.get(s as usize))
            else {
                continue;
            };
            builder.add(asset.id, sector.orgs[asset.org as usize].id, software);
        }
        let inventory = builder.finish();
        let advisories = threats.advisories;
        let matches = ward_engine::match_all(&inventory, &advisories);

        let mut stored = threats.vex;
        stored.sort_by_key(|s| s.updated_at);
        let mut suppliers: HashMap<OrgId, Vec<Product>> = sector
            .orgs
            .iter()
            .filter(|o| o.kind == ward_core::org::OrgKind::Supplier)
            .map(|o| (o.id, Vec::new()))
            .collect();
        for p in confirmed {
            if let Some(list) = suppliers.get_mut(&p.supplier) {
                list.push(p);
            }
        }
        let statements: Vec<(ScopedStatement, Option<OrgId>)> = stored
            .into_iter()
            .map(|s| {
                let (origin, scope) = origin_of(&s, &suppliers);
                (
                    ScopedStatement {
                        scope,
                        origin,
                        statement: s.statement,
                    },
                    s.org,
                )
            })
            .collect();
        let scoped: Vec<ScopedStatement> = statements.iter().map(|(s, _)| s.clone()).collect();
        let layered = ward_engine::layer_vex(&inventory, &advisories, &matches, &scoped);

        let kev: HashMap<String, KevEntry> = threats.kev.into_iter().map(|k| (k.cve.clone(), k)).collect();
        let epss: HashMap<String, EpssScore> = threats
            .epss
            .into_iter()
            .map(|e| {
                (
                    e.cve.clone(),
                    EpssScore {
                        cve: e.cve,
                        epss: e.epss,
                        percentile: e.percentile,
                    },
                )
            })
            .collect();
        let catalog = EolCatalog::new(threats.eol);
        let unsupported = ward_engine::unsupported_software(&catalog, &inventory, today);
        let unsupported_by_ref = unsupported
            .iter()
            .enumerate()
            .map(|(i, u)| (u.software, idx(i)))
            .collect();

        let mut asset_services: HashMap<AssetId, Vec<ServiceId>> = HashMap::new();
        for (a, s) in &sector.asset_services {
            asset_services.entry(*a).or_default().push(*s);
        }
        let impacts = super::impact::ImpactTable::new(
            sector.services.iter().map(|s| (s.id, s.criticality)),
            &sector.service_dependencies,
        );
        let services = sector
            .services
            .iter()
            .map(|s| {
                let org = org_index.get(&s.org).copied().unwrap_or(u32::MAX);
                (s.id, (s.name.clone(), org, s.criticality))
            })
            .collect();
        let asset_index = sector
            .assets
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id, idx(i)))
            .collect();

        let mut index = Self {
            built_at,
            today,
            weights,
            orgs: sector.orgs,
            org_index,
            assets: sector.assets,
            asset_index,
            services,
            asset_services,
            impacts,
            inventory,
            advisories,
            matches,
            statements,
            kev,
            epss,
            unsupported,
            unsupported_by_ref,
            rows: Vec::new(),
            rows_by_advisory: Vec::new(),
            rows_by_org: Vec::new(),
            summaries: std::sync::Mutex::new(HashMap::new()),
        };
        index.rows = index.score_rows(&layered);
        let mut by_advisory = vec![Vec::new(); index.advisories.len()];
        for (i, r) in index.rows.iter().enumerate() {
            let a = index.matches.matches[r.matched as usize].advisory as usize;
            if let Some(list) = by_advisory.get_mut(a) {
                list.push(idx(i));
            }
        }
        index.rows_by_advisory = by_advisory;
        let mut by_org = vec![Vec::new(); index.orgs.len()];
        for (i, r) in index.rows.iter().enumerate() {
            if let Some(list) = by_org.get_mut(index.org_of_asset(r.asset) as usize) {
                list.push(idx(i));
            }
        }
        index.rows_by_org = by_org;
        index
    }

    fn score_rows(&self, layered: &[LayeredMatch]) -> Vec<Row> {
        // A score depends only on the advisory, the software, whether the asset is internet-facing
        // and the worst consequence: computed once per combination, not once per asset.
        let mut scores: HashMap<(u32, SoftwareRef, bool, Option<u8>), f32> = HashMap::new();
        let mut rows = Vec::new();
        for lm in layered {
            let m = &self.matches.matches[lm.match_index];
            for group in &lm.groups {
                let (status, statement) = match &group.effective {
                    ward_engine::Effective::Matched { verdict } => match verdict {
                        Verdict::Affected => (Status::Affected, None),
                        Verdict::CannotEvaluate(_) => (Status::CannotEvaluate, None),
                    },
                    ward_engine::Effective::Stated { status, statement } => (
                        match status {
                            VexStatus::Affected => Status::Affected,
                            VexStatus::NotAffected => Status::NotAffected,
                            VexStatus::Fixed => Status::Fixed,
                            VexStatus::UnderInvestigation => Status::UnderInvestigation,
                        },
                        Some(*statement),
                    ),
                };
                for &a in &group.assets {
                    let internet = self.assets.get(a as usize).is_some_and(|x| x.internet_facing);
                    let key = (m.advisory, software_ref(m.by), internet, self.consequence_of(a));
                    let score = *scores.entry(key).or_insert_with(|| {
                        let impact = self.impact_of(a);
                        self.priority_with(m.advisory, m.by, a, impact.as_ref()).score as f32
                    });
                    rows.push(Row {
                        asset: a,
                        matched: idx(lm.match_index),
                        status,
                        statement,
                        score,
                    });
                }
            }
        }
        rows.sort_by(|x, y| {
            y.score
                .total_cmp(&x.score)
                .then_with(|| {
                    let ax = self.matches.matches[x.matched as usize].advisory;
                    let ay = self.matches.matches[y.matched as usize].advisory;
                    self.advisories[ax as usize]
                        .id
                        .cmp(&self.advisories[ay as usize].id)
                })
                .then_with(|| {
                    self.assets[x.asset as usize]
                        .name
                        .cmp(&self.assets[y.asset as usize].name)
                })
                .then_with(|| x.asset.cmp(&y.asset))
        });
        rows
    }

    /// The services asset `asset` supports directly.
    fn direct_services(&self, asset: u32) -> &[ServiceId] {
        self.assets
            .get(asset as usize)
            .and_then(|a| self.asset_services.get(&a.id))
            .map_or(&[], Vec::as_slice)
    }

    /// The worst NPSA consequence (1-5) among services depending on asset `asset`.
    pub(crate) fn consequence_of(&self, asset: u32) -> Option<u8> {
        self.impacts
            .worst_value(self.direct_services(asset))
            .map(|c| c.value())
    }

    /// [`Self::consequence_of`] with the service it comes from and the chain to it.
    pub(crate) fn impact_of(&self, asset: u32) -> Option<ServiceImpact> {
        self.impacts.worst(self.direct_services(asset))
    }

    /// The priority of advisory `advisory` on asset `asset` through software `by`.
    pub(crate) fn priority_with(
        &self,
        advisory: u32,
        by: MatchedBy,
        asset: u32,
        impact: Option<&ServiceImpact>,
    ) -> Priority {
        let adv = &self.advisories[advisory as usize];
        let cve = adv.cve();
        let unsupported = self.unsupported_of(by);
        ward_engine::prioritise(
            &PriorityInput {
                severity: &adv.severity,
                epss: cve.and_then(|c| self.epss.get(c)),
                kev: cve.and_then(|c| self.kev.get(c)),
                internet_facing: self.assets.get(asset as usize).is_some_and(|a| a.internet_facing),
                unsupported,
                impact,
                today: self.today,
            },
            &self.weights,
        )
    }

    pub(crate) fn unsupported_of(&self, by: MatchedBy) -> Option<&Unsupported> {
        self.unsupported_by_ref
            .get(&software_ref(by))
            .and_then(|i| self.unsupported.get(*i as usize))
            .map(|u| &u.finding)
    }

    /// Which organisations (indexes into `orgs`) `scope` covers.
    pub(crate) fn visible(&self, scope: &Scope) -> Visible {
        match scope {
            Scope::All => Visible::All,
            Scope::Orgs(list) => {
                let mut v = vec![false; self.orgs.len()];
                for o in list {
                    if let Some(i) = self.org_index.get(o) {
                        v[*i as usize] = true;
                    }
                }
                Visible::Some(v)
            }
            Scope::Subtrees(roots) => {
                let paths: Vec<&str> = roots
                    .iter()
                    .filter_map(|r| self.org_index.get(r))
                    .map(|i| self.orgs[*i as usize].path.as_str())
                    .collect();
                Visible::Some(
                    self.orgs
                        .iter()
                        .map(|o| paths.iter().any(|p| o.path.starts_with(p)))
                        .collect(),
                )
            }
        }
    }

    /// The organisation (index) that owns asset `asset`.
    pub(crate) fn org_of_asset(&self, asset: u32) -> u32 {
        self.assets.get(asset as usize).map_or(u32::MAX, |a| a.org)
    }

    pub fn built_at(&self) -> Timestamp {
        self.built_at
    }

    /// Number of (asset, advisory) rows, and how many need action.
    pub fn totals(&self) -> (usize, usize) {
        (
            self.rows.len(),
            self.rows.iter().filter(|r| r.status.needs_action()).count(),
        )
    }
}

/// The organisations a caller may see in the index.
#[derive(Debug, Clone)]
pub(crate) enum Visible {
    All,
    Some(Vec<bool>),
}

impl Visible {
    pub(crate) fn org(&self, org: u32) -> bool {
        match self {
            Self::All => true,
            Self::Some(v) => v.get(org as usize).copied().unwrap_or(false),
        }
    }
}
