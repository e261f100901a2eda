//! What an incident's link form offers to pick: the alerts sent to the incident's organisation
//! (or one beneath it), the risks in their registers and their most urgent open exposures; the
//! same bounds the store holds a link to, so a choice never fails for being another
//! organisation's. Each list is offered only to callers who may read that kind of thing.

use serde::Serialize;
use ward_core::OrgId;
use ward_core::risk::register::ExposureRef;
use ward_store::{PageRequest, Scope};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::AppResult;
use crate::exposure::{ExposureFilter, Sort};
use crate::incident_choices::{MAX_CHOICES, Pick};

/// Most exposures offered (the most urgent first); any other may still be linked through the API.
pub const MAX_EXPOSURES: u32 = 100;

/// What the link form offers for one organisation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IncidentLinkChoices {
    /// Alerts, newest first; `id` is the alert's identifier.
    pub alerts: Vec<Pick>,
    /// Risks, worst current grade first; `id` is the risk's identifier.
    pub risks: Vec<Pick>,
    /// Open exposures, most urgent first; `id` is the stored form `<advisory>@<asset>`.
    pub exposures: Vec<Pick>,
    /// How many open exposures the organisation has (more than offered when over
    /// [`MAX_EXPOSURES`]).
    pub exposures_total: u64,
}

impl App {
    /// The choices of the link form of an incident of `org`, for those who may read its
    /// incidents (readers see linked things by these names; writers pick from them).
    pub async fn incident_link_choices(&self, actor: &Actor, org: OrgId) -> AppResult<IncidentLinkChoices> {
        let now = self.now();
        authorise_on(self.store(), actor, Action::ReadIncidents, org, now).await?;
        let beneath = Scope::subtree(org);
        let mut out = IncidentLinkChoices::default();
        if authorise(actor, Action::ReadAlerts, now).is_ok() {
            out.alerts = self
                .store()
                .list_alerts(&beneath, now)
                .await?
                .into_iter()
                .take(MAX_CHOICES as usize)
                .map(|a| Pick {
                    id: a.alert.id.to_string(),
                    label: format!("{} ({})", a.alert.title, a.alert.severity),
                })
                .collect();
        }
        if authorise(actor, Action::ReadRisks, now).is_ok() {
            let filter = ward_store::risks::RiskFilter {
                org: Some(org),
                ..Default::default()
            };
            let mut risks: Vec<_> = self
                .store()
                .list_risks(&beneath, &filter)
                .await?
                .into_iter()
                .map(|r| {
                    let (score, grade) = r.current();
                    (std::cmp::Reverse(score), r.details.title.clone(), r.id, grade)
                })
                .collect();
            risks.sort();
            out.risks = risks
                .into_iter()
                .take(MAX_CHOICES as usize)
                .map(|(_, title, id, grade)| Pick {
                    id: id.to_string(),
                    label: format!("{title} ({grade})"),
                })
                .collect();
        }
        if authorise(actor, Action::ReadExposure, now).is_ok() {
            let filter = ExposureFilter {
                org: Some(org),
                ..Default::default()
            };
            let page = PageRequest {
                offset: 0,
                limit: MAX_EXPOSURES,
            };
            let exposures = self.list_exposures(actor, &filter, Sort::Priority, page).await?;
            out.exposures_total = exposures.total;
            out.exposures = exposures
                .items
                .into_iter()
                .map(|x| Pick {
                    id: ExposureRef {
                        advisory: x.advisory.clone(),
                        asset: x.asset,
                    }
                    .key(),
                    label: format!("{} in {} on {}", x.advisory, x.software_name, x.asset_name),
                })
                .collect();
        }
        Ok(out)
    }
}
