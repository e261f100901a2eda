//! How many of an organisation's open vulnerabilities are past their time to remediate: the
//! alert's remediation clock where an alert reaches the organisation, else Ward's default allowance from the first
//! sighting ([`App::exposure_timescales`], the one rule). Counted per (organisation, vulnerability),
//! as first sightings and alerts are; one exposure row per advisory and organisation stands for
//! the rest, since a timescale depends only on those.

use std::collections::{BTreeSet, HashSet};

use ward_core::OrgId;
use ward_core::alert::Clock;

use super::advisory::vulnerability_name;
use super::timescales::Timescale;
use super::view::{ExposureFilter, ExposureView, Sort};
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;

impl App {
    /// For `org` and the organisations beneath it: (vulnerabilities needing action, of those past
    /// their timescale).
    pub async fn overdue_vulnerabilities(&self, actor: &Actor, org: OrgId) -> AppResult<(u64, u64)> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        let filter = ExposureFilter {
            org: Some(org),
            ..ExposureFilter::default()
        };
        let (index, rows) = self.selected_exposures(actor, &filter, Sort::Priority).await?;
        let visible = index.visible(&scope);
        let mut seen = HashSet::new();
        let shown: Vec<ExposureView> = rows
            .iter()
            .map(|i| index.rows.get(*i))
            .filter(|r| {
                let org = index.sector.asset(r.asset).org;
                seen.insert((org, index.threats.advisory_of(r.matched)))
            })
            .map(|r| index.view(r, &visible))
            .collect();
        let timescales = self.exposure_timescales(actor, &shown).await?;
        let key = |e: &ExposureView| (e.org.id, vulnerability_name(&e.advisory, &e.aliases).to_owned());
        let open: BTreeSet<_> = shown.iter().map(key).collect();
        let overdue: BTreeSet<_> = shown
            .iter()
            .zip(&timescales)
            .filter(|(_, t)| match t {
                Timescale::Alert(c) => !c.closed && c.overdue.contains(&Clock::Remediate),
                Timescale::Default { overdue, .. } => *overdue,
            })
            .map(|(e, _)| key(e))
            .collect();
        Ok((open.len() as u64, overdue.len() as u64))
    }
}
