//! "Who is exposed to CVE-X": one advisory across the caller's footprint, and the advisories that
//! matter most to it.

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use ward_core::text::ByText;
use ward_core::vuln::{Advisory, Justification, VexStatus};

use super::index::{AdvisoryIx, AssetIx, ExposureIndex, OrgIx, Statement, StatementIx, Status, Visible};
use super::view::OrgRef;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

/// The facts about an advisory that rank it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdvisoryHead {
    pub id: String,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    #[schema(value_type = Option<String>)]
    pub published: Option<Timestamp>,
    /// The CVSS base score used for priority, when known.
    pub cvss: Option<f64>,
    /// In CISA's KEV catalogue: when it was added and when action is due.
    pub kev: Option<KevView>,
    /// EPSS probability of exploitation in the next 30 days and its percentile.
    pub epss: Option<(f64, f64)>,
    /// Reference links.
    pub references: Vec<String>,
}

impl AdvisoryHead {
    /// The identifier people know it by: its CVE where it has one (the advisory's own id or an
    /// alias), otherwise its own id. Every page and link that names a vulnerability uses this.
    pub fn link_id(&self) -> &str {
        vulnerability_name(&self.id, &self.aliases)
    }
}

/// The identifier people know a vulnerability by: its CVE where the advisory has one (its own
/// id or an alias), otherwise the advisory's own id. Records of one vulnerability from several
/// feeds (OSV and NVD) share it.
pub fn vulnerability_name<'a>(id: &'a str, aliases: &'a [String]) -> &'a str {
    std::iter::once(id)
        .chain(aliases.iter().map(String::as_str))
        .find(|i| i.starts_with("CVE-"))
        .unwrap_or(id)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct KevView {
    #[schema(value_type = String, format = Date)]
    pub added: Date,
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<Date>,
    /// Whether CISA records known use in ransomware campaigns.
    pub ransomware: bool,
}

/// One organisation's exposure to one advisory.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrgExposure {
    pub org: OrgRef,
    /// Assets matched (whatever their status).
    pub assets: u64,
    /// Assets that still need action.
    pub open: u64,
    /// Of the open assets, how many are internet-facing.
    pub internet_facing: u64,
    /// The highest priority among its open assets (or all, when none is open).
    pub max_priority: f64,
    /// The worst NPSA consequence (1-5) of a service depending on an exposed asset.
    pub worst_consequence: Option<u8>,
}

/// A supplier's statement that decides the status of assets in the caller's footprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SupplierStatementUse {
    /// The supplier whose word it is.
    pub supplier: OrgRef,
    /// The product, as the statement names it (CPE).
    pub product: String,
    #[schema(value_type = String)]
    pub status: VexStatus,
    #[schema(value_type = Option<String>)]
    pub justification: Option<Justification>,
    pub detail: Option<String>,
    /// Assets in the caller's footprint whose status it decides.
    pub assets: u64,
}

/// One advisory across the caller's footprint.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdvisoryExposure {
    pub advisory: AdvisoryHead,
    /// Suppliers' statements deciding the status of some of those assets (so everyone sees whose
    /// word a `not_affected` is), by supplier name.
    pub supplier_statements: Vec<SupplierStatementUse>,
    /// Organisations with at least one matched asset, highest priority first.
    pub orgs: Vec<OrgExposure>,
    /// Organisations with at least one asset needing action.
    pub open_orgs: u64,
    pub open_assets: u64,
    pub matched_assets: u64,
}

/// One line of the "what matters most" list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdvisoryRank {
    pub advisory: AdvisoryHead,
    pub open_orgs: u64,
    pub open_assets: u64,
    pub max_priority: f64,
}

/// Totals of the caller's footprint.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExposureSummary {
    /// Asset-advisory pairs per status (`affected`, `not_affected`, ...).
    #[schema(value_type = BTreeMap<String, u64>)]
    pub by_status: BTreeMap<ByText<Status>, u64>,
    /// Exposures (asset and vulnerability pairs) needing action: the rows the list opens.
    pub open_exposures: u64,
    /// Of those, on internet-facing assets.
    pub open_internet_exposures: u64,
    /// Assets with at least one exposure needing action.
    pub open_assets: u64,
    /// Of those, internet-facing.
    pub open_internet_facing: u64,
    /// Open exposures to vulnerabilities in CISA's KEV catalogue.
    pub open_kev: u64,
    /// Assets running software past its end of security support.
    pub unsupported_assets: u64,
    /// Unsupported releases installed, one per asset and release: the rows the list opens.
    pub unsupported_installs: u64,
    /// The advisories with the most open exposure, at most `limit`.
    pub top: Vec<AdvisoryRank>,
    /// When the index these figures come from was built.
    #[schema(value_type = String)]
    pub as_of: Timestamp,
}

/// One decimal place (scores are kept as `f32` in the index).
fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

impl ExposureIndex {
    pub(crate) fn head(&self, a: &Advisory) -> AdvisoryHead {
        let (cvss, _) = ward_engine::priority::cvss_value(&a.severity);
        AdvisoryHead {
            id: a.id.clone(),
            aliases: a.aliases.clone(),
            summary: a.summary.clone(),
            published: a.published,
            cvss: (!a.severity.is_empty()).then_some((cvss * 100.0).round() / 10.0),
            kev: self.threats.kev_of(a).map(|k| KevView {
                added: k.date_added,
                due: k.due_date,
                ransomware: k.known_ransomware,
            }),
            epss: self.threats.epss_of(a).map(|e| (e.epss, e.percentile)),
            // Only web links: reference URLs come from feeds and end up in pages.
            references: a
                .references
                .iter()
                .map(|r| r.url.clone())
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .take(10)
                .collect(),
        }
    }

    /// The advisories known by `id` (their id or an alias).
    pub(crate) fn advisories_named(&self, id: &str) -> Vec<AdvisoryIx> {
        let id = id.trim();
        self.threats
            .advisories()
            .filter(|(_, a)| a.all_ids().any(|x| x.eq_ignore_ascii_case(id)))
            .map(|(i, _)| i)
            .collect()
    }

    pub(crate) fn advisory_exposure(&self, visible: &Visible, id: &str) -> Option<AdvisoryExposure> {
        let found = self.advisories_named(id);
        let first = *found.first()?;
        let mut per_org: HashMap<OrgIx, OrgExposure> = HashMap::new();
        let mut seen_assets: HashMap<AssetIx, bool> = HashMap::new();
        let mut by_supplier: BTreeMap<StatementIx, std::collections::BTreeSet<AssetIx>> = BTreeMap::new();
        for &a in &found {
            for &ri in self.rows.of_advisory(a) {
                let r = self.rows.get(ri);
                let org = self.sector.asset(r.asset).org;
                if !visible.org(org) {
                    continue;
                }
                let open = r.status.needs_action();
                if let Some(si) = r.statement
                    && self.threats.statement(si).scoped.origin == ward_engine::VexOrigin::Supplier
                {
                    by_supplier.entry(si).or_default().insert(r.asset);
                }
                // An asset matched by two advisories of the same vulnerability counts once.
                let before = seen_assets.get(&r.asset).copied();
                let e = per_org.entry(org).or_insert_with(|| OrgExposure {
                    org: self.org_ref(org),
                    assets: 0,
                    open: 0,
                    internet_facing: 0,
                    max_priority: 0.0,
                    worst_consequence: None,
                });
                match before {
                    None => {
                        e.assets += 1;
                        if open {
                            e.open += 1;
                            if self.sector.asset(r.asset).internet_facing {
                                e.internet_facing += 1;
                            }
                        }
                        seen_assets.insert(r.asset, open);
                        let c = self.sector.consequence_of(r.asset);
                        e.worst_consequence = e.worst_consequence.max(c);
                    }
                    Some(false) if open => {
                        e.open += 1;
                        seen_assets.insert(r.asset, true);
                    }
                    _ => {}
                }
                if open || e.open == 0 {
                    e.max_priority = e.max_priority.max(round1(f64::from(r.score)));
                }
            }
        }
        let mut orgs: Vec<OrgExposure> = per_org.into_values().collect();
        orgs.sort_by(|x, y| {
            (y.open > 0)
                .cmp(&(x.open > 0))
                .then(y.max_priority.total_cmp(&x.max_priority))
                .then(y.open.cmp(&x.open))
                .then(x.org.name.cmp(&y.org.name))
        });
        let mut supplier_statements: Vec<SupplierStatementUse> = by_supplier
            .into_iter()
            .filter_map(|(si, assets)| {
                let Statement { scoped: s, org } = self.threats.statement(si);
                let supplier = self.org_ref((*org)?);
                Some(SupplierStatementUse {
                    supplier,
                    product: s.statement.product.cpe.clone().unwrap_or_default(),
                    status: s.statement.status,
                    justification: s.statement.justification.clone(),
                    detail: s.statement.detail.clone(),
                    assets: assets.len() as u64,
                })
            })
            .collect();
        supplier_statements.sort_by(|x, y| {
            x.supplier
                .name
                .cmp(&y.supplier.name)
                .then(x.product.cmp(&y.product))
        });
        Some(AdvisoryExposure {
            advisory: self.head(self.threats.advisory(first)),
            supplier_statements,
            open_orgs: orgs.iter().filter(|o| o.open > 0).count() as u64,
            open_assets: orgs.iter().map(|o| o.open).sum(),
            matched_assets: orgs.iter().map(|o| o.assets).sum(),
            orgs,
        })
    }

    pub(crate) fn summary(&self, visible: &Visible, root: Option<&str>, limit: usize) -> ExposureSummary {
        let in_view = |org: OrgIx| visible.org(org) && root.is_none_or(|p| self.sector.in_subtree(org, p));
        let mut by_status: BTreeMap<ByText<Status>, u64> = BTreeMap::new();
        let mut open_assets: HashMap<AssetIx, bool> = HashMap::new();
        let mut open_kev = 0;
        let mut open_exposures = 0;
        let mut open_internet_exposures = 0;
        // advisory -> (orgs with open exposure, open assets, max priority)
        let mut per_adv: HashMap<AdvisoryIx, (std::collections::HashSet<OrgIx>, u64, f32)> = HashMap::new();
        for r in self.rows.all() {
            let asset = self.sector.asset(r.asset);
            let org = asset.org;
            if !in_view(org) {
                continue;
            }
            *by_status.entry(ByText(r.status)).or_default() += 1;
            if !r.status.needs_action() {
                continue;
            }
            open_assets.insert(r.asset, asset.internet_facing);
            open_exposures += 1;
            if asset.internet_facing {
                open_internet_exposures += 1;
            }
            let adv = self.threats.advisory_of(r.matched);
            if self.threats.kev_of(self.threats.advisory(adv)).is_some() {
                open_kev += 1;
            }
            let e = per_adv.entry(adv).or_default();
            e.0.insert(org);
            e.1 += 1;
            e.2 = e.2.max(r.score);
        }
        let mut top: Vec<AdvisoryRank> = per_adv
            .into_iter()
            .map(|(a, (orgs, assets, max))| AdvisoryRank {
                advisory: self.head(self.threats.advisory(a)),
                open_orgs: orgs.len() as u64,
                open_assets: assets,
                max_priority: round1(f64::from(max)),
            })
            .collect();
        top.sort_by(|x, y| {
            y.max_priority
                .total_cmp(&x.max_priority)
                .then(y.open_orgs.cmp(&x.open_orgs))
                .then(x.advisory.id.cmp(&y.advisory.id))
        });
        top.truncate(limit);
        let mut unsupported: std::collections::HashSet<AssetIx> = std::collections::HashSet::new();
        let mut unsupported_installs = 0;
        for (_, a) in self.threats.unsupported_installs() {
            if in_view(self.sector.asset(a).org) {
                unsupported.insert(a);
                unsupported_installs += 1;
            }
        }
        ExposureSummary {
            by_status,
            open_internet_facing: open_assets.values().filter(|f| **f).count() as u64,
            open_assets: open_assets.len() as u64,
            open_exposures,
            open_internet_exposures,
            open_kev,
            unsupported_assets: unsupported.len() as u64,
            unsupported_installs,
            top,
            as_of: self.built_at,
        }
    }
}

impl App {
    /// One advisory (by id or alias) across the organisations the actor may see.
    pub async fn advisory_exposure(&self, actor: &Actor, id: &str) -> AppResult<AdvisoryExposure> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        let index = self.exposure_index().await?;
        let visible = index.visible(&scope);
        index
            .advisory_exposure(&visible, id)
            .ok_or_else(|| AppError::NotFound("advisory".into()))
    }

    /// Exposure totals and the most pressing advisories for the actor's footprint, or for one
    /// organisation's subtree inside it.
    pub async fn exposure_summary(
        &self,
        actor: &Actor,
        org: Option<ward_core::OrgId>,
        limit: usize,
    ) -> AppResult<ExposureSummary> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        if let Some(o) = org {
            crate::authz::authorise_on(self.store(), actor, Action::ReadExposure, o, self.now()).await?;
        }
        let index = self.exposure_index().await?;
        let limit = limit.clamp(1, 100);
        let key = format!("{scope:?}|{org:?}|{limit}");
        if let Some(hit) = index.summaries.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok((*hit).clone());
        }
        let visible = index.visible(&scope);
        let root = org.and_then(|o| index.org_path(o));
        let summary = index.summary(&visible, root, limit);
        if let Ok(mut cache) = index.summaries.lock() {
            // Bounded: footprints are few (one per role grant), but never let it grow unchecked.
            if cache.len() >= 10_000 {
                cache.clear();
            }
            cache.insert(key, std::sync::Arc::new(summary.clone()));
        }
        Ok(summary)
    }
}
