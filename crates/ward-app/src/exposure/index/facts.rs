//! Facts about organisations that assurance evidence reads from the index (CAF A3.a inventory
//! coverage and unsupported software, B4.d open known-exploited exposures), for many
//! organisations in one pass over the tables.

use std::collections::HashMap;

use jiff::civil::Date;
use ward_core::OrgId;

use super::{AssetIx, ExposureIndex};

/// What the index holds about one organisation's own assets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExposureFacts {
    pub assets: u64,
    /// Assets with at least one piece of software recorded.
    pub assets_with_software: u64,
    /// Unsupported (end-of-life) software installations.
    pub unsupported: u64,
    /// Exposures (asset by advisory) to known-exploited vulnerabilities that still need action.
    pub open_kev: u64,
    /// When the oldest of those was added to the KEV catalogue.
    pub oldest_kev_listed: Option<Date>,
}

impl ExposureIndex {
    /// The facts of each of `orgs` (organisations not in the sector read as having nothing).
    pub fn exposure_facts(&self, orgs: &[OrgId]) -> HashMap<OrgId, ExposureFacts> {
        let mut by_ix: HashMap<usize, ExposureFacts> = HashMap::new();
        let mut ids: HashMap<usize, OrgId> = HashMap::new();
        for o in orgs {
            if let Some(ix) = self.sector.find_org(*o) {
                by_ix.insert(ix.get(), ExposureFacts::default());
                ids.insert(ix.get(), *o);
            }
        }
        for i in 0..self.sector.asset_count() {
            let a = self.sector.asset(AssetIx::at(i));
            if let Some(f) = by_ix.get_mut(&a.org.get()) {
                f.assets += 1;
                f.assets_with_software += u64::from(a.has_software);
            }
        }
        for (_, asset) in self.threats.unsupported_installs() {
            if let Some(f) = by_ix.get_mut(&self.sector.asset(asset).org.get()) {
                f.unsupported += 1;
            }
        }
        for (ix, f) in by_ix.iter_mut() {
            let Some(org) = ids.get(ix).and_then(|o| self.sector.find_org(*o)) else {
                continue;
            };
            for r in self.rows.of_org(org) {
                let row = self.rows.get(*r);
                if !row.status.needs_action() {
                    continue;
                }
                let advisory = self.threats.advisory(self.threats.advisory_of(row.matched));
                if let Some(kev) = self.threats.kev_of(advisory) {
                    f.open_kev += 1;
                    f.oldest_kev_listed = Some(
                        f.oldest_kev_listed
                            .map_or(kev.date_added, |d| d.min(kev.date_added)),
                    );
                }
            }
        }
        let mut out: HashMap<OrgId, ExposureFacts> =
            orgs.iter().map(|o| (*o, ExposureFacts::default())).collect();
        for (ix, f) in by_ix {
            if let Some(o) = ids.get(&ix) {
                out.insert(*o, f);
            }
        }
        out
    }
}
