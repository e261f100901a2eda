//! Deliveries that gave up: listed for the national team and for organisation admins within their
//! organisation, and replayed (queued again as a fresh job, audited) by them.

use serde::Serialize;
use ward_core::JobId;
use ward_core::job::{DeadDelivery, Job, JobStatus};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;
use crate::exposure::view::OrgRef;

/// A delivery that gave up, with the organisation it was for named.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeadDeliveryView {
    pub delivery: DeadDelivery,
    pub org: OrgRef,
}

impl App {
    /// The deliveries that gave up for organisations in the caller's footprint, newest first.
    pub async fn dead_deliveries(&self, actor: &Actor) -> AppResult<Vec<DeadDeliveryView>> {
        let scope = authorise(actor, Action::ReplayDeliveries, self.now())?;
        let list = self.store().dead_deliveries(&scope).await?;
        let index = self.exposure_index().await?;
        Ok(list
            .into_iter()
            .map(|d| DeadDeliveryView {
                org: index.org_ref_of(d.org),
                delivery: d,
            })
            .collect())
    }

    /// Queue a delivery that gave up again, as a fresh job with its full allowance of attempts;
    /// audited as `alert.delivery.replay`. A delivery outside the caller's footprint is not found;
    /// one already replayed is refused (its replay, if it fails too, is listed on its own).
    pub async fn replay_delivery(&self, actor: &Actor, dead: JobId) -> AppResult<DeadDelivery> {
        let now = self.now();
        let scope = authorise(actor, Action::ReplayDeliveries, now)?;
        let job = Job {
            id: JobId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            // The store takes the kind and payload from the dead delivery.
            kind: ward_core::job::JobKind::NotifyEmail,
            payload: serde_json::Value::Null,
            status: JobStatus::Queued,
            run_at: now,
            attempts: 0,
            max_attempts: super::EMAIL_ATTEMPTS.max(super::WEBHOOK_ATTEMPTS),
            lease_owner: None,
            lease_until: None,
            last_error: None,
            created_at: now,
        };
        Ok(self
            .store()
            .replay_dead_delivery(&scope, dead, &job, &actor.audit(now))
            .await?)
    }
}
