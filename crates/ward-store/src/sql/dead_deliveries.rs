//! Notification deliveries that gave up, and their replay, once for both backends.

use async_trait::async_trait;
use ward_core::JobId;
use ward_core::job::{DeadDelivery, Job};

use super::jobs::insert_job;
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::alerts::{DeliveryStore, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "job_id, kind, about, alert_id, org_id, recipient, payload, error, attempts, died_at, \
     replayed_at, replayed_by, replay_job_id";

fn dead(r: &impl RowRead) -> StoreResult<DeadDelivery> {
    Ok(DeadDelivery {
        job: r.id("job_id")?,
        kind: r.parsed("kind")?,
        about: r.parsed("about")?,
        alert: r.opt_id("alert_id")?,
        org: r.id("org_id")?,
        recipient: r.text("recipient")?,
        payload: serde_json::from_str(&r.text("payload")?).map_err(|_| corrupt_column("payload"))?,
        error: r.text("error")?,
        attempts: r.u32("attempts")?,
        died_at: r.ts("died_at")?,
        replayed_at: r.opt_ts("replayed_at")?,
        replayed_by: r.opt_text("replayed_by")?,
        replay_job: r.opt_id("replay_job_id")?,
    })
}

fn payload_text(v: &serde_json::Value) -> StoreResult<String> {
    serde_json::to_string(v)
        .map_err(|e| StoreError::Invalid(format!("payload: cannot be written as JSON: {e}")))
}

/// What an audit record of a delivery names: its alert when it told of one, else the job.
fn entity(d: &DeadDelivery) -> (&'static str, String) {
    match d.alert {
        Some(alert) => ("alert", alert.to_string()),
        None => ("job", d.job.to_string()),
    }
}

#[async_trait]
impl<B: SqlBackend> DeliveryStore for B {
    async fn record_dead_delivery(&self, d: &DeadDelivery, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let added = tx
            .execute(
                Sql::new(format!(
                    "INSERT INTO dead_deliveries ({COLUMNS}) VALUES \
                     ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (job_id) DO NOTHING"
                ))
                .arg(d.job)
                .arg(d.kind.as_str())
                .arg(d.about.as_str())
                .arg(d.alert)
                .arg(d.org)
                .arg(d.recipient.as_str())
                .arg(payload_text(&d.payload)?)
                .arg(d.error.as_str())
                .arg(d.attempts)
                .arg(d.died_at)
                .arg(d.replayed_at)
                .arg(d.replayed_by.as_deref())
                .arg(d.replay_job),
            )
            .await?;
        if added == 1 {
            let detail = format!(
                "{} to {} gave up after {} attempts (job {}): {}",
                d.kind, d.recipient, d.attempts, d.job, d.error
            );
            let (entity, id) = entity(d);
            let event = meta
                .change(d.about.dead_action(d.kind), entity, id)
                .org(d.org)
                .detail(detail)
                .build();
            audit::append(&mut tx, self.keys(), event).await?;
        }
        tx.commit().await
    }

    async fn dead_deliveries(&self, scope: &Scope) -> StoreResult<Vec<DeadDelivery>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM dead_deliveries WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY died_at DESC, job_id");
        db.fetch_all(q).await?.iter().map(dead).collect()
    }

    async fn replay_dead_delivery(
        &self,
        scope: &Scope,
        id: JobId,
        job: &Job,
        meta: &AuditMeta,
    ) -> StoreResult<DeadDelivery> {
        let mut tx = self.write().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM dead_deliveries WHERE job_id = $1")).arg(id);
        tx.scope_filter(&mut q, scope, "org_id");
        let mut d = match tx.fetch_optional(q).await? {
            Some(r) => dead(&r)?,
            None => return Err(StoreError::not_found("delivery", id)),
        };
        if d.replayed_at.is_some() {
            return Err(refusals::already_replayed());
        }
        let queued = Job {
            kind: d.kind,
            payload: d.payload.clone(),
            ..job.clone()
        };
        insert_job(&mut tx, &queued, &payload_text(&queued.payload)?, None).await?;
        d.replayed_at = Some(meta.at);
        d.replayed_by = Some(meta.actor.principal.clone());
        d.replay_job = Some(queued.id);
        tx.execute(
            Sql::new(
                "UPDATE dead_deliveries SET replayed_at = $1, replayed_by = $2, replay_job_id = $3 \
                 WHERE job_id = $4",
            )
            .arg(d.replayed_at)
            .arg(d.replayed_by.as_deref())
            .arg(d.replay_job)
            .arg(id),
        )
        .await?;
        let detail =
            serde_json::json!({ "kind": d.kind.as_str(), "recipient": d.recipient, "job": queued.id });
        let action = match d.about {
            ward_core::job::DeliveryAbout::Alert => "alert.delivery.replay",
            _ => "delivery.replay",
        };
        let (entity, entity_id) = entity(&d);
        let event = meta
            .change(action, entity, entity_id)
            .org(d.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(d)
    }
}
