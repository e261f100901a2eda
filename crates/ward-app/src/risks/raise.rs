//! Raising a risk from an exposure in one call: the risk is pre-filled from the exposure's
//! advisory, asset, the service it matters most for and that service's harm, and linked to them.

use serde::Deserialize;
use ward_core::AssetId;
use ward_core::UserId;
use ward_core::risk::register::{ExposureRef, RiskDetails, RiskLinks, RiskScore, Treatment};
use ward_core::risk::{Consequence, Likelihood};
use ward_store::{PageRequest, Scope};

use super::{NewRisk, RiskView};
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use crate::exposure::{ExposureFilter, ExposureView, Sort};

/// Which exposure to raise a risk from.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RaiseFromExposure {
    /// The advisory (its id or an alias, such as `CVE-2021-44228`).
    pub advisory: String,
    pub asset: AssetId,
    /// The risk's owner; the caller when absent.
    #[serde(default)]
    pub owner: Option<UserId>,
}

/// How likely exploitation is, from what the exposure says: known exploited is likely (4), a high
/// priority possible (3), the rest unlikely (2).
fn likelihood(x: &ExposureView) -> Likelihood {
    if x.kev_due.is_some() || x.priority >= 70.0 {
        Likelihood::LIKELY
    } else if x.priority >= 40.0 {
        Likelihood::POSSIBLE
    } else {
        Likelihood::UNLIKELY
    }
}

/// The details a risk raised from `x` starts with.
pub(crate) fn prefill(
    x: &ExposureView,
    owner: UserId,
    review_date: jiff::civil::Date,
    own_service: bool,
) -> RiskDetails {
    let harm = x
        .impact
        .as_ref()
        .and_then(|i| Consequence::new(i.consequence).ok())
        .unwrap_or(Consequence::MINOR);
    let current = RiskScore::patient_safety(harm, likelihood(x));
    let target = RiskScore::patient_safety(harm, Likelihood::RARE);
    let service = x.impact.as_ref();
    let mut description = format!(
        "{} {} on {} ({}).",
        x.package, x.version, x.asset_name, x.org.name
    );
    if let Some(s) = &x.summary {
        description = format!("{s}\n\n{description}");
    }
    if let Some(i) = service {
        description.push_str(&format!(
            "\nService most affected: {} ({}), harm {} ({}).",
            i.service_name, i.org_name, i.consequence, i.consequence_label
        ));
    }
    if let Some(due) = x.kev_due {
        description.push_str(&format!("\nKnown exploited: remediation due {due}."));
    }
    let mut links = RiskLinks {
        assets: vec![x.asset],
        exposures: vec![ExposureRef {
            advisory: x.advisory.clone(),
            asset: x.asset,
        }],
        ..RiskLinks::default()
    };
    if let (Some(i), true) = (service, own_service) {
        links.services.push(i.service);
    }
    // People know a vulnerability by its CVE where it has one.
    let name = x
        .aliases
        .iter()
        .find(|a| a.starts_with("CVE-"))
        .unwrap_or(&x.advisory);
    RiskDetails {
        title: format!("{name} on {}", x.asset_name).chars().take(200).collect(),
        description: description.chars().take(4000).collect(),
        source: "external-criminal".into(),
        event: "critical-vulnerability-published".into(),
        consequence: if harm >= Consequence::MODERATE {
            "safety-failure".into()
        } else {
            "service-disruption".into()
        },
        inherent: current.clone(),
        current,
        target,
        owner,
        review_date,
        treatment: Treatment::Reduce,
        treatment_plan: format!("Apply a fixed version ({}) or mitigate.", x.fixed.join(", ")),
        controls: Vec::new(),
        links,
    }
}

impl App {
    /// Raise a risk from one exposure (an advisory on an asset the caller may see and whose
    /// organisation's risks it may write), pre-filled and linked; reviewed by the KEV due date or
    /// within 30 days.
    pub async fn raise_risk_from_exposure(
        &self,
        actor: &Actor,
        input: RaiseFromExposure,
    ) -> AppResult<RiskView> {
        authorise(actor, Action::WriteRisks, self.now())?;
        let filter = ExposureFilter {
            asset: Some(input.asset),
            advisory: Some(input.advisory.clone()),
            status: Some("all".into()),
            ..ExposureFilter::default()
        };
        let page = PageRequest { offset: 0, limit: 1 };
        let found = self
            .list_exposures(actor, &filter, Sort::Priority, page)
            .await?
            .items
            .into_iter()
            .next()
            .ok_or_else(|| AppError::NotFound("exposure".into()))?;
        let owner = match input.owner.or_else(|| actor.user_id()) {
            Some(o) => o,
            None => return Err(AppError::invalid("owner", "name the risk's owner")),
        };
        let today = self.today();
        let review = found
            .kev_due
            .filter(|d| *d > today)
            .unwrap_or_else(|| today.checked_add(jiff::Span::new().days(30)).unwrap_or(today));
        let own_service = match found.impact.as_ref() {
            Some(i) => self
                .store()
                .get_service(&Scope::subtree(found.org.id), i.service)
                .await
                .is_ok_and(|s| s.org == found.org.id),
            None => false,
        };
        let details = prefill(&found, owner, review, own_service);
        self.create_risk(
            actor,
            NewRisk {
                org: found.org.id,
                details,
            },
        )
        .await
    }
}
