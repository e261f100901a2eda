//! The advisory index: the advisories with open exposure in the caller's footprint, one line each,
//! ranked by how many organisations are exposed and how many patient-critical services depend on
//! the exposed assets. This answers "which known-exploited vulnerabilities affect the most
//! organisations" without a spreadsheet: the exposure list has a row per asset and advisory.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use ward_core::org::OrgKind;
use ward_core::text::ByText;
use ward_core::{OrgId, ServiceId};
use ward_store::{Page, PageRequest};

use super::advisory::AdvisoryHead;
use super::index::{AdvisoryIx, AssetIx, ExposureIndex, OrgIx, Visible};
use super::view::{ExposureFilter, StatusFilter};
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;

/// A service is patient-critical when losing it (or what depends on it) is at least Major harm.
pub const PATIENT_CRITICAL: u8 = 4;

/// What the index is narrowed to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdvisoryQuery {
    /// An identifier, an alias, a common name (Log4Shell) or words of the summary; surrounding
    /// quotes are ignored.
    pub q: Option<String>,
    /// Only advisories in CISA's known-exploited catalogue.
    pub kev: bool,
    /// Only those CISA records as used in ransomware campaigns.
    pub ransomware: bool,
    /// Only those with an open exposure on an internet-facing asset.
    pub internet_facing: bool,
    /// Only those with an open exposure on unsupported (end-of-life) software.
    pub unsupported: bool,
    /// Only organisations in this one's subtree (inside the footprint).
    pub org: Option<OrgId>,
}

/// One advisory's exposure across the footprint.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AdvisoryLine {
    pub advisory: AdvisoryHead,
    /// The name people know it by, such as Log4Shell.
    pub common_name: Option<&'static str>,
    /// Organisations with at least one asset needing action.
    pub open_orgs: u64,
    /// Assets needing action.
    pub open_assets: u64,
    /// The identifier people know the vulnerability by (its CVE where it has one), which the
    /// exposure list is asked for: `/exposures?advisory={link_id}`.
    pub link_id: String,
    /// The exposure rows that list opens (an asset can need action on two software items, and
    /// a vulnerability can be published in two records), so the figure shown beside the link is
    /// the number of rows it opens.
    pub open_exposures: u64,
    /// Of those, reachable from the internet.
    pub internet_facing_assets: u64,
    /// Of those, exposed through a release its maker no longer supports.
    pub unsupported_assets: u64,
    /// Distinct services whose loss is at least Major harm (NPSA 4) that depend on an exposed
    /// asset.
    pub critical_services: u64,
    /// The worst NPSA consequence (1-5) of a service depending on an exposed asset.
    pub worst_consequence: Option<u8>,
    pub max_priority: f64,
    /// Exposed organisations by kind (`nhs_trust`, `gp_practice`, ...).
    #[schema(value_type = BTreeMap<String, u64>)]
    pub orgs_by_kind: BTreeMap<ByText<OrgKind>, u64>,
}

#[derive(Default)]
struct Tally {
    orgs: HashSet<OrgIx>,
    assets: HashSet<AssetIx>,
    internet: HashSet<AssetIx>,
    unsupported: HashSet<AssetIx>,
    services: HashSet<ServiceId>,
    worst: Option<u8>,
    max: f32,
}

/// The query text without surrounding quotes, lower-cased; None when empty.
fn needle(q: Option<&str>) -> Option<String> {
    ward_core::search::search_text(q?).map(|t| t.to_lowercase())
}

impl ExposureIndex {
    /// Whether advisory `a` answers the text `needle` (already lower-case).
    fn advisory_matches(&self, a: AdvisoryIx, needle: &str, named: &[&str]) -> bool {
        let adv = self.threats.advisory(a);
        adv.all_ids()
            .any(|id| id.to_lowercase().contains(needle) || named.iter().any(|n| n.eq_ignore_ascii_case(id)))
            || adv
                .summary
                .as_deref()
                .is_some_and(|s| s.to_lowercase().contains(needle))
            || adv.all_ids().any(|id| {
                ward_core::vuln::names::common_name(id).is_some_and(|n| n.to_lowercase().contains(needle))
            })
    }

    pub(crate) fn advisory_index(
        &self,
        visible: &Visible,
        root: Option<&str>,
        query: &AdvisoryQuery,
        page: PageRequest,
    ) -> Page<AdvisoryLine> {
        let in_view = |org: OrgIx| visible.org(org) && root.is_none_or(|p| self.sector.in_subtree(org, p));
        let text = needle(query.q.as_deref());
        let named = text.as_deref().map_or(&[][..], ward_core::vuln::names::ids_named);
        let mut per_adv: HashMap<AdvisoryIx, Tally> = HashMap::new();
        let mut wanted: HashMap<AdvisoryIx, bool> = HashMap::new();
        for r in self.rows.all() {
            if !r.status.needs_action() {
                continue;
            }
            let asset = self.sector.asset(r.asset);
            if !in_view(asset.org) {
                continue;
            }
            let a = self.threats.advisory_of(r.matched);
            let keep = *wanted.entry(a).or_insert_with(|| {
                let kev = self.threats.kev_of(self.threats.advisory(a));
                (!query.kev || kev.is_some())
                    && (!query.ransomware || kev.is_some_and(|k| k.known_ransomware))
                    && text.as_deref().is_none_or(|t| self.advisory_matches(a, t, named))
            });
            if !keep {
                continue;
            }
            let t = per_adv.entry(a).or_default();
            t.orgs.insert(asset.org);
            t.assets.insert(r.asset);
            if asset.internet_facing {
                t.internet.insert(r.asset);
            }
            if self.unsupported_of(r.matched, r.asset).is_some() {
                t.unsupported.insert(r.asset);
            }
            for s in self.sector.direct_services(r.asset) {
                if self
                    .sector
                    .service_consequence(*s)
                    .is_some_and(|c| c >= PATIENT_CRITICAL)
                {
                    t.services.insert(*s);
                }
            }
            t.worst = t.worst.max(self.sector.consequence_of(r.asset));
            t.max = t.max.max(r.score);
        }
        let mut lines: Vec<AdvisoryLine> = per_adv
            .into_iter()
            .filter(|(_, t)| !query.internet_facing || !t.internet.is_empty())
            .filter(|(_, t)| !query.unsupported || !t.unsupported.is_empty())
            .map(|(a, t)| {
                let adv = self.threats.advisory(a);
                let mut orgs_by_kind: BTreeMap<ByText<OrgKind>, u64> = BTreeMap::new();
                for o in &t.orgs {
                    *orgs_by_kind.entry(ByText(self.sector.org(*o).kind)).or_default() += 1;
                }
                let advisory = self.head(adv);
                AdvisoryLine {
                    link_id: advisory.link_id().to_owned(),
                    open_exposures: 0,
                    advisory,
                    common_name: adv.all_ids().find_map(ward_core::vuln::names::common_name),
                    open_orgs: t.orgs.len() as u64,
                    open_assets: t.assets.len() as u64,
                    internet_facing_assets: t.internet.len() as u64,
                    unsupported_assets: t.unsupported.len() as u64,
                    critical_services: t.services.len() as u64,
                    worst_consequence: t.worst,
                    max_priority: (f64::from(t.max) * 10.0).round() / 10.0,
                    orgs_by_kind,
                }
            })
            .collect();
        lines.sort_by(|x, y| {
            y.open_orgs
                .cmp(&x.open_orgs)
                .then(y.critical_services.cmp(&x.critical_services))
                .then(y.max_priority.total_cmp(&x.max_priority))
                .then(x.advisory.id.cmp(&y.advisory.id))
        });
        let total = lines.len() as u64;
        let mut items: Vec<AdvisoryLine> = lines
            .into_iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(page.limit as usize)
            .collect();
        // Counted by the exposure list's own selection, so the two cannot disagree.
        for line in &mut items {
            let opens = ExposureFilter {
                org: query.org,
                advisory: Some(line.link_id.clone()),
                ..ExposureFilter::default()
            };
            line.open_exposures = self.select(visible, &opens, StatusFilter::Open).len() as u64;
        }
        Page {
            items,
            total,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.limit,
        }
    }
}

impl App {
    /// The advisories with open exposure in the actor's footprint (or one organisation's subtree
    /// inside it), ranked by organisations exposed, then patient-critical services, then priority.
    pub async fn advisory_index(
        &self,
        actor: &Actor,
        query: &AdvisoryQuery,
        page: PageRequest,
    ) -> AppResult<Page<AdvisoryLine>> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        if let Some(o) = query.org {
            crate::authz::authorise_on(self.store(), actor, Action::ReadExposure, o, self.now()).await?;
        }
        let index = self.exposure_index().await?;
        let visible = index.visible(&scope);
        let root = query.org.and_then(|o| index.org_path(o));
        Ok(index.advisory_index(&visible, root, query, page))
    }
}
