//! Who an alert reaches, read from the exposure index: the organisations with an open exposure to
//! one of its advisories (with those assets), and the organisations an issuer adds by kind or area.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use ward_core::OrgId;
use ward_core::alert::AffectedAsset;
use ward_core::org::OrgKind;

use crate::exposure::ExposureIndex;
use crate::exposure::index::{AdvisoryIx, OrgIx, Visible};
use crate::exposure::view::OrgRef;

/// The advisories an alert names, resolved in the index.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub(crate) advisories: Vec<AdvisoryIx>,
    /// The earliest KEV due date among them.
    pub(crate) kev_due: Option<Date>,
}

impl ExposureIndex {
    /// Resolves each id (an advisory id or alias); the ids Ward does not know come back as `Err`,
    /// with their positions.
    pub(crate) fn resolve_advisories(&self, ids: &[String]) -> Result<Resolved, Vec<(usize, String)>> {
        let mut advisories = BTreeSet::new();
        let mut unknown = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            let found = self.advisories_named(id);
            if found.is_empty() {
                unknown.push((i, id.clone()));
            }
            advisories.extend(found);
        }
        if !unknown.is_empty() {
            return Err(unknown);
        }
        let kev_due = advisories
            .iter()
            .filter_map(|a| self.threats.kev_of(self.threats.advisory(*a))?.due_date)
            .min();
        Ok(Resolved {
            advisories: advisories.into_iter().collect(),
            kev_due,
        })
    }

    /// The organisations inside `visible` (and under `area`'s path, when given) with an open
    /// exposure to one of `advisories`, each with its exposed assets (own assets only), sorted.
    pub(crate) fn open_exposure_by_org(
        &self,
        advisories: &[AdvisoryIx],
        visible: &Visible,
        area: Option<&str>,
    ) -> BTreeMap<OrgId, Vec<AffectedAsset>> {
        let mut by_org: BTreeMap<OrgId, BTreeSet<AffectedAsset>> = BTreeMap::new();
        for &a in advisories {
            let adv = self.threats.advisory(a);
            for &ri in self.rows.of_advisory(a) {
                let r = self.rows.get(ri);
                if !r.status.needs_action() {
                    continue;
                }
                let asset = self.sector.asset(r.asset);
                if !self.org_in(asset.org, visible, area) {
                    continue;
                }
                let m = self.threats.matched(r.matched);
                let report = ward_engine::matcher::report_software(self.sector.inventory(), adv, m);
                by_org
                    .entry(self.sector.org(asset.org).id)
                    .or_default()
                    .insert(AffectedAsset {
                        asset: asset.id,
                        name: asset.name.clone(),
                        advisory: adv.id.clone(),
                        purl: report.purl,
                        cpe: report.cpe,
                    });
            }
        }
        by_org
            .into_iter()
            .map(|(o, s)| (o, s.into_iter().collect()))
            .collect()
    }

    /// The organisations inside `visible` and under `area` (when given) of one of `kinds` (any
    /// kind when empty).
    pub(crate) fn orgs_added(&self, kinds: &[OrgKind], visible: &Visible, area: Option<&str>) -> Vec<OrgId> {
        self.sector
            .orgs()
            .filter(|(i, o)| self.org_in(*i, visible, area) && (kinds.is_empty() || kinds.contains(&o.kind)))
            .map(|(_, o)| o.id)
            .collect()
    }

    /// The organisation as records name it (by its id alone when the index does not hold it yet).
    pub(crate) fn org_ref_of(&self, id: OrgId) -> OrgRef {
        match self.sector.find_org(id) {
            Some(i) => self.org_ref(i),
            None => OrgRef {
                id,
                code: String::new(),
                name: id.to_string(),
            },
        }
    }

    fn org_in(&self, org: OrgIx, visible: &Visible, area: Option<&str>) -> bool {
        visible.org(org) && area.is_none_or(|p| self.sector.in_subtree(org, p))
    }
}
