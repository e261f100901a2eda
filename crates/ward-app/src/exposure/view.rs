//! Reading the exposure index: filters, pages and the records shown to people and scripts.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::asset::AssetKind;
use ward_core::vuln::{Justification, VexStatus};
use ward_core::{AssetId, OrgId, ServiceId};
use ward_engine::{Factor, FactorKind, Unsupported, VexOrigin};
use ward_store::Page;

use super::index::{ExposureIndex, OrgIx, Row, RowIx, Statement, Status, Visible, software_ref};

/// Which exposures to list. Every field narrows the list.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct ExposureFilter {
    /// Only this organisation and the organisations beneath it.
    pub org: Option<OrgId>,
    /// Only this asset.
    pub asset: Option<AssetId>,
    /// Only assets that support this service directly.
    pub service: Option<ServiceId>,
    /// Only this advisory (its id or any alias, e.g. `CVE-2021-44228`).
    pub advisory: Option<String>,
    /// `open` (the default: needs action), `all`, or one status (`affected`, `under_investigation`,
    /// `cannot_evaluate`, `not_affected`, `fixed`).
    pub status: Option<String>,
    /// Only vulnerabilities in CISA's Known Exploited Vulnerabilities catalogue.
    #[serde(default)]
    pub kev: bool,
    /// Only internet-facing assets.
    #[serde(default)]
    pub internet_facing: bool,
    /// Only exposures scoring at least this much.
    pub min_priority: Option<f64>,
    /// Only vulnerabilities in this CVSS band (`critical`, `high`, `medium`, `low`, `none`,
    /// `unscored`).
    #[param(value_type = Option<String>)]
    #[schema(value_type = Option<String>)]
    pub severity: Option<ward_core::vuln::CvssBand>,
    /// Case-insensitive text in the advisory id, aliases, software or asset name.
    pub q: Option<String>,
}

impl ExposureFilter {
    /// Whether nothing but the status narrows the list.
    pub(crate) fn only_status(&self) -> bool {
        self.org.is_none()
            && self.asset.is_none()
            && self.service.is_none()
            && self.advisory.as_deref().is_none_or(|a| a.trim().is_empty())
            && !self.kev
            && !self.internet_facing
            && self.min_priority.is_none()
            && self.severity.is_none()
            && self.q.as_deref().is_none_or(|q| q.trim().is_empty())
    }
}

/// A parsed status filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StatusFilter {
    Open,
    All,
    One(Status),
}

impl StatusFilter {
    pub(crate) fn parse(s: Option<&str>) -> Result<Self, String> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("open") => Ok(Self::Open),
            Some("all") => Ok(Self::All),
            Some(other) => Status::parse(other).map(Self::One).ok_or_else(|| {
                format!(
                    "'{other}' is not a status (open, all, affected, under_investigation, cannot_evaluate, \
                     not_affected, fixed)"
                )
            }),
        }
    }
    fn admits(self, s: Status) -> bool {
        match self {
            Self::Open => s.needs_action(),
            Self::All => true,
            Self::One(x) => x == s,
        }
    }
}

/// An organisation named in a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OrgRef {
    pub id: OrgId,
    pub code: String,
    pub name: String,
}

/// The service an exposure matters most for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImpactView {
    pub service: ServiceId,
    pub service_name: String,
    /// The organisation running that service (may differ from the asset's owner).
    pub org_name: String,
    /// NPSA consequence, 1 (negligible) to 5 (catastrophic).
    pub consequence: u8,
    pub consequence_label: String,
    /// Service names from the one using the asset directly to `service_name`.
    pub path: Vec<String>,
    /// The same services' identifiers, in the same order.
    pub path_services: Vec<ServiceId>,
}

/// A VEX statement that decided a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatementView {
    /// `organisation`, `supplier`, `csaf` or `cyclonedx`.
    #[schema(value_type = String)]
    pub origin: VexOrigin,
    /// Who says so (a document, a publisher, or the person who entered it).
    pub source: String,
    /// The organisation that made it, for statements entered in Ward.
    pub org: Option<OrgId>,
    /// That organisation's name: for a `supplier` statement, the supplier whose word it is.
    pub org_name: Option<String>,
    #[schema(value_type = String)]
    pub status: VexStatus,
    #[schema(value_type = Option<String>)]
    pub justification: Option<Justification>,
    pub detail: Option<String>,
}

/// End-of-life facts about the exposed software.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnsupportedView {
    pub product: String,
    pub cycle: String,
    /// End of security support, when known.
    #[schema(value_type = Option<String>, format = Date)]
    pub eol: Option<Date>,
}

impl From<&Unsupported> for UnsupportedView {
    fn from(u: &Unsupported) -> Self {
        Self {
            product: u.product.clone(),
            cycle: u.cycle.clone(),
            eol: u.eol,
        }
    }
}

/// A priority factor.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FactorView {
    #[schema(value_type = String)]
    pub name: FactorKind,
    pub value: f64,
    pub weight: f64,
    pub contribution: f64,
    pub explanation: String,
}

impl From<&Factor> for FactorView {
    fn from(f: &Factor) -> Self {
        Self {
            name: f.kind,
            value: f.value,
            weight: f.weight,
            contribution: f.contribution,
            explanation: f.explanation.clone(),
        }
    }
}

/// One asset exposed to one advisory, with the reasons.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExposureView {
    pub advisory: String,
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub org: OrgRef,
    /// The organisation `org` is part of (its ICB or region), when the caller can see it.
    pub part_of: Option<OrgRef>,
    pub asset: AssetId,
    pub asset_name: String,
    #[schema(value_type = String)]
    pub asset_kind: AssetKind,
    pub internet_facing: bool,
    /// The package (`org.apache.logging.log4j:log4j-core`) or `vendor:product` for CPE matches.
    pub package: String,
    /// The software as people name it ("log4j-core 2.14.1", "Fortinet Fortios 7.2.4").
    pub software_name: String,
    /// The OSV ecosystem, or `CPE`.
    pub ecosystem: String,
    pub version: String,
    pub purl: Option<String>,
    pub cpe: Option<String>,
    /// Versions that fix it, as the advisory names them.
    pub fixed: Vec<String>,
    /// The version to move to: the lowest fixed version above the installed one, when known.
    pub upgrade_to: Option<String>,
    pub status: Status,
    /// Why the match could not be evaluated, when it could not.
    pub reason: Option<String>,
    pub statement: Option<StatementView>,
    /// The priority score, 0 to 100 with the default weights.
    pub priority: f64,
    pub factors: Vec<FactorView>,
    pub impact: Option<ImpactView>,
    pub unsupported: Option<UnsupportedView>,
    /// CISA KEV due date, when listed.
    #[schema(value_type = Option<String>, format = Date)]
    pub kev_due: Option<Date>,
}

/// How to order a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Highest priority first (the index order).
    #[default]
    Priority,
    /// Most recently published advisory first.
    Published,
}

impl ExposureIndex {
    /// The rows `filter` admits within `visible`, in index order. `filter.status` must be valid.
    pub(crate) fn select(
        &self,
        visible: &Visible,
        filter: &ExposureFilter,
        status: StatusFilter,
    ) -> Vec<RowIx> {
        let org_root = filter.org.and_then(|o| self.org_path(o));
        if filter.org.is_some() && org_root.is_none() {
            return Vec::new();
        }
        let asset = filter.asset.and_then(|a| self.sector.find_asset(a));
        if filter.asset.is_some() && asset.is_none() {
            return Vec::new();
        }
        let advisories = filter.advisory.as_deref().map(|a| self.advisories_named(a));
        let q = filter
            .q
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);
        // The organisations in play: the caller's footprint, narrowed to one subtree if asked.
        // When they are not the whole sector, only their rows are read (each organisation's rows
        // are listed in the index), instead of scanning every row of the sector.
        let orgs_in_play: Option<Vec<OrgIx>> = match (visible, org_root) {
            (Visible::All, None) => None,
            _ => Some(
                self.sector
                    .orgs()
                    .filter(|(i, o)| visible.org(*i) && org_root.is_none_or(|p| o.path.starts_with(p)))
                    .map(|(i, _)| i)
                    .collect(),
            ),
        };
        let rows: Box<dyn Iterator<Item = (RowIx, &Row)>> = match (&advisories, &orgs_in_play) {
            (Some(named), _) => {
                let mut list: Vec<RowIx> = named
                    .iter()
                    .flat_map(|a| self.rows.of_advisory(*a).iter().copied())
                    .collect();
                list.sort_unstable();
                Box::new(list.into_iter().map(|i| (i, self.rows.get(i))))
            }
            (None, Some(orgs)) => {
                let mut list: Vec<RowIx> = orgs
                    .iter()
                    .flat_map(|o| self.rows.of_org(*o).iter().copied())
                    .collect();
                list.sort_unstable();
                Box::new(list.into_iter().map(|i| (i, self.rows.get(i))))
            }
            _ => Box::new(self.rows.iter()),
        };
        // A band is worked out once per advisory, and only when asked for.
        let mut bands: std::collections::HashMap<super::index::AdvisoryIx, ward_core::vuln::CvssBand> =
            std::collections::HashMap::new();
        rows.filter(|(_, r)| {
            let a = self.sector.asset(r.asset);
            status.admits(r.status)
                && visible.org(a.org)
                && asset.is_none_or(|x| x == r.asset)
                && org_root.is_none_or(|p| self.sector.in_subtree(a.org, p))
                && (!filter.internet_facing || a.internet_facing)
                && filter.min_priority.is_none_or(|p| f64::from(r.score) >= p)
                && (!filter.kev
                    || self
                        .threats
                        .kev_of(self.threats.advisory(self.threats.advisory_of(r.matched)))
                        .is_some())
                && filter
                    .service
                    .is_none_or(|s| self.sector.direct_services(r.asset).contains(&s))
                && q.as_deref().is_none_or(|q| self.row_mentions(r, q))
                && filter.severity.is_none_or(|want| {
                    let adv = self.threats.advisory_of(r.matched);
                    *bands.entry(adv).or_insert_with(|| {
                        ward_engine::priority::cvss_band(&self.threats.advisory(adv).severity)
                    }) == want
                })
        })
        .map(|(i, _)| i)
        .collect()
    }

    fn row_mentions(&self, r: &Row, q: &str) -> bool {
        let m = self.threats.matched(r.matched);
        let adv = self.threats.advisory(self.threats.advisory_of(r.matched));
        adv.all_ids().any(|id| id.to_lowercase().contains(q))
            || self.sector.asset(r.asset).name.to_lowercase().contains(q)
            || self.software_label(software_ref(m.by)).to_lowercase().contains(q)
    }

    /// Orders selected rows.
    pub(crate) fn sort(&self, rows: &mut [RowIx], sort: Sort) {
        if sort == Sort::Published {
            rows.sort_by(|x, y| {
                let p = |i: &RowIx| {
                    let a = self.threats.advisory_of(self.rows.get(*i).matched);
                    self.threats.advisory(a).published
                };
                p(y).cmp(&p(x)).then(x.cmp(y))
            });
        }
    }

    /// A page of the whole sector's rows with `status`, in index (priority) order.
    pub(crate) fn first_rows(
        &self,
        visible: &Visible,
        status: StatusFilter,
        offset: u64,
        limit: u32,
    ) -> Page<ExposureView> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let mut total = 0_usize;
        let mut items = Vec::new();
        for r in self.rows.all() {
            if !status.admits(r.status) {
                continue;
            }
            if total >= start && items.len() < limit as usize {
                items.push(self.view(r, visible));
            }
            total += 1;
        }
        Page {
            items,
            total: total as u64,
            total_is_lower_bound: false,
            offset,
            limit,
        }
    }

    /// A page of rows spelled out.
    pub(crate) fn page(
        &self,
        visible: &Visible,
        rows: &[RowIx],
        offset: u64,
        limit: u32,
    ) -> Page<ExposureView> {
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(rows.len());
        let end = start.saturating_add(limit as usize).min(rows.len());
        Page {
            items: rows[start..end]
                .iter()
                .map(|i| self.view(self.rows.get(*i), visible))
                .collect(),
            total: rows.len() as u64,
            total_is_lower_bound: false,
            offset,
            limit,
        }
    }

    pub(crate) fn org_ref(&self, org: OrgIx) -> OrgRef {
        let o = self.sector.org(org);
        OrgRef {
            id: o.id,
            code: o.code.to_string(),
            name: o.name.clone(),
        }
    }

    /// The organisation `org` is part of, when `visible` lets the caller see it (otherwise it
    /// reads as if there were none).
    pub(crate) fn part_of(&self, org: OrgIx, visible: &Visible) -> Option<OrgRef> {
        self.sector
            .parent(org)
            .filter(|p| visible.org(*p))
            .map(|p| self.org_ref(p))
    }

    /// One row spelled out for a caller who sees `visible`, its factors recomputed.
    pub(crate) fn view(&self, r: &Row, visible: &Visible) -> ExposureView {
        let m = self.threats.matched(r.matched);
        let adv = self.threats.advisory(self.threats.advisory_of(r.matched));
        let asset = self.sector.asset(r.asset);
        let impact = self.sector.impact_of(r.asset);
        let priority = self.priority_with(r.matched, r.asset, impact.as_ref());
        let report = ward_engine::matcher::report_software(self.sector.inventory(), adv, m);
        let statement = r.statement.map(|s| {
            let Statement { scoped: s, org } = self.threats.statement(s);
            StatementView {
                origin: s.origin,
                source: s.statement.source.clone(),
                org: org.map(|o| self.sector.org(o).id),
                org_name: org.map(|o| self.sector.org(o).name.clone()),
                status: s.statement.status,
                justification: s.statement.justification.clone(),
                detail: s.statement.detail.clone(),
            }
        });
        ExposureView {
            advisory: adv.id.clone(),
            aliases: adv.aliases.clone(),
            summary: adv.summary.clone(),
            org: self.org_ref(asset.org),
            part_of: self.part_of(asset.org, visible),
            asset: asset.id,
            asset_name: asset.name.clone(),
            asset_kind: asset.kind,
            internet_facing: asset.internet_facing,
            software_name: ward_engine::software_name::software_name(
                report.purl.as_deref(),
                report.cpe.as_deref(),
                &format!("{} {}", report.package, report.version),
            ),
            upgrade_to: ward_engine::fix::upgrade_to(&report.ecosystem, &report.version, &report.fixed)
                .map(str::to_owned),
            package: report.package,
            ecosystem: report.ecosystem,
            version: report.version,
            purl: report.purl,
            cpe: report.cpe,
            fixed: report.fixed,
            status: r.status,
            reason: match &m.verdict {
                ward_engine::Verdict::CannotEvaluate(why) => Some(why.clone()),
                ward_engine::Verdict::Affected => None,
            },
            statement,
            priority: priority.score,
            factors: priority.factors.iter().map(FactorView::from).collect(),
            impact: impact.map(|i| self.impact_view(&i)),
            unsupported: self.unsupported_of(r.matched, r.asset).map(UnsupportedView::from),
            kev_due: self.threats.kev_of(adv).and_then(|k| k.due_date),
        }
    }

    fn impact_view(&self, i: &ward_engine::ServiceImpact) -> ImpactView {
        let name = |s: &ServiceId| {
            self.sector
                .service_name(*s)
                .map_or_else(|| s.to_string(), str::to_owned)
        };
        ImpactView {
            service: i.service,
            service_name: name(&i.service),
            org_name: self
                .sector
                .service_org(i.service)
                .map(|o| self.org_ref(o).name)
                .unwrap_or_default(),
            consequence: i.consequence.value(),
            consequence_label: i.consequence.label().to_owned(),
            path: i.path.iter().map(name).collect(),
            path_services: i.path.clone(),
        }
    }
}

impl crate::App {
    /// For each of `orgs` the actor may see, the organisation it is part of (its ICB or region),
    /// when the actor may see that one too: for lists whose rows span organisations. Read from the
    /// sector tables in memory, not one query per row.
    pub async fn org_parents(
        &self,
        actor: &crate::actor::Actor,
        orgs: impl IntoIterator<Item = OrgId>,
    ) -> crate::error::AppResult<std::collections::BTreeMap<OrgId, OrgRef>> {
        let scope = match crate::authz::authorise(actor, crate::authz::Action::ReadOrgs, self.now()) {
            Ok(scope) => scope,
            // A role that may not read organisations learns of no parent.
            Err(crate::error::AppError::Forbidden(_)) => return Ok(std::collections::BTreeMap::new()),
            Err(e) => return Err(e),
        };
        let index = self.exposure_index().await?;
        let visible = index.visible(&scope);
        Ok(orgs
            .into_iter()
            .filter_map(|id| {
                let org = index.sector.find_org(id).filter(|o| visible.org(*o))?;
                index.part_of(org, &visible).map(|p| (id, p))
            })
            .collect())
    }
}
