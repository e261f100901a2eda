//! Alerts, once for both backends.

use std::collections::BTreeMap;

use async_trait::async_trait;
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use ward_core::alert::{
    AffectedAsset, Alert, AlertEvent, ClockPolicy, Clocks, EventKind, Recipient, Response,
};
use ward_core::{AlertId, OrgId};

use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::alerts::{AlertDetail, AlertStore, AlertSummary, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

pub(super) const ALERT_COLUMNS: &str = "id, severity, title, summary, advisories, actions, reference_links, tlp, issuer_id, \
     area_id, issued_by, issued_at, acknowledge_hours, first_update_hours, remediate_days, kev_due";

pub(super) const RECIPIENT_COLUMNS: &str = "alert_id, org_id, reason, assets, targeted_at, acknowledge_by, first_update_by, \
     remediate_by, acknowledged_at, applicability, applicability_reason, first_update_at, closed_at, close_reason";

fn to_json(v: &impl Serialize, column: &str) -> StoreResult<String> {
    serde_json::to_string(v)
        .map_err(|e| StoreError::Backend(format!("{column} cannot be written as JSON: {e}")))
}

fn from_json<T: DeserializeOwned>(r: &impl RowRead, column: &str) -> StoreResult<T> {
    serde_json::from_str(&r.text(column)?).map_err(|_| super::corrupt_column(column))
}

fn hours(r: &impl RowRead, column: &str) -> StoreResult<u32> {
    u32::try_from(r.i64(column)?).map_err(|_| super::corrupt_column(column))
}

pub(super) fn alert(r: &impl RowRead) -> StoreResult<Alert> {
    Ok(Alert {
        id: r.id("id")?,
        severity: r.parsed("severity")?,
        title: r.text("title")?,
        summary: r.text("summary")?,
        advisories: from_json(r, "advisories")?,
        actions: from_json(r, "actions")?,
        references: from_json(r, "reference_links")?,
        tlp: r.parsed("tlp")?,
        issuer: r.id("issuer_id")?,
        area: r.opt_id("area_id")?,
        issued_by: r.text("issued_by")?,
        issued_at: r.ts("issued_at")?,
        policy: ClockPolicy {
            acknowledge_hours: hours(r, "acknowledge_hours")?,
            first_update_hours: hours(r, "first_update_hours")?,
            remediate_days: hours(r, "remediate_days")?,
        },
        kev_due: r.opt_date("kev_due")?,
    })
}

pub(super) fn recipient(r: &impl RowRead) -> StoreResult<Recipient> {
    let assets: Vec<AffectedAsset> = from_json(r, "assets")?;
    Ok(Recipient {
        alert: r.id("alert_id")?,
        org: r.id("org_id")?,
        reason: r.parsed("reason")?,
        assets,
        targeted_at: r.ts("targeted_at")?,
        clocks: Clocks {
            acknowledge_by: r.ts("acknowledge_by")?,
            first_update_by: r.ts("first_update_by")?,
            remediate_by: r.ts("remediate_by")?,
        },
        acknowledged_at: r.opt_ts("acknowledged_at")?,
        applicability: r.opt_parsed("applicability")?,
        applicability_reason: r.opt_text("applicability_reason")?,
        first_update_at: r.opt_ts("first_update_at")?,
        closed_at: r.opt_ts("closed_at")?,
        close_reason: r.opt_text("close_reason")?,
    })
}

fn event(r: &impl RowRead) -> StoreResult<AlertEvent> {
    Ok(AlertEvent {
        alert: r.id("alert_id")?,
        org: r.opt_id("org_id")?,
        at: r.ts("at")?,
        kind: r.parsed("kind")?,
        actor: r.text("actor")?,
        text: r.opt_text("note")?,
    })
}

/// Refuses when any recipient lies outside `scope` (naming the first), without writing.
async fn recipients_in_scope<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    recipients: &[Recipient],
) -> StoreResult<()> {
    if matches!(scope, Scope::All) || recipients.is_empty() {
        return Ok(());
    }
    let ids: Vec<uuid::Uuid> = recipients.iter().map(|r| *r.org.as_uuid()).collect();
    let mut q = Sql::new("SELECT id FROM organisations WHERE ");
    q.in_list(db.dialect(), "id", super::Arg::Uuids(ids));
    db.scope_filter(&mut q, scope, "id");
    let inside: std::collections::HashSet<OrgId> = db
        .fetch_all(q)
        .await?
        .iter()
        .map(|r| r.id("id"))
        .collect::<StoreResult<_>>()?;
    match recipients.iter().find(|r| !inside.contains(&r.org)) {
        Some(r) => Err(StoreError::not_found("organisation", r.org)),
        None => Ok(()),
    }
}

async fn insert_recipient<E: Exec + ?Sized>(db: &mut E, r: &Recipient) -> StoreResult<u64> {
    db.execute(
        Sql::new(format!(
            "INSERT INTO alert_recipients ({RECIPIENT_COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
             ON CONFLICT (alert_id, org_id) DO NOTHING"
        ))
        .arg(r.alert)
        .arg(r.org)
        .arg(<&str>::from(r.reason))
        .arg(to_json(&r.assets, "assets")?)
        .arg(r.targeted_at)
        .arg(r.clocks.acknowledge_by)
        .arg(r.clocks.first_update_by)
        .arg(r.clocks.remediate_by)
        .arg(r.acknowledged_at)
        .arg(r.applicability.map(<&str>::from))
        .arg(r.applicability_reason.as_deref())
        .arg(r.first_update_at)
        .arg(r.closed_at)
        .arg(r.close_reason.as_deref()),
    )
    .await
}

/// Appends timeline entries after the alert's last one.
pub(super) async fn append_events<E: Exec + ?Sized>(
    db: &mut E,
    id: AlertId,
    events: &[AlertEvent],
) -> StoreResult<()> {
    let last = db
        .fetch_one(
            Sql::new("SELECT COALESCE(MAX(seq), 0) AS n FROM alert_events WHERE alert_id = $1").arg(id),
        )
        .await?
        .i64("n")?;
    for (i, e) in events.iter().enumerate() {
        let seq = last + 1 + i64::try_from(i).unwrap_or(i64::MAX - last - 1);
        db.execute(
            Sql::new(
                "INSERT INTO alert_events (alert_id, seq, org_id, at, kind, actor, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .arg(id)
            .arg(seq)
            .arg(e.org)
            .arg(e.at)
            .arg(<&str>::from(e.kind))
            .arg(e.actor.as_str())
            .arg(e.text.as_deref()),
        )
        .await?;
    }
    Ok(())
}

/// The alert if it is visible in `scope` (a recipient or its issuer inside it).
async fn alert_in_scope<E: Exec + ?Sized>(db: &mut E, scope: &Scope, id: AlertId) -> StoreResult<Alert> {
    let mut q = Sql::new(format!("SELECT {ALERT_COLUMNS} FROM alerts a WHERE a.id = $1")).arg(id);
    push_visible(db, &mut q, scope);
    match db.fetch_optional(q).await? {
        Some(r) => alert(&r),
        None => Err(StoreError::not_found("alert", id)),
    }
}

/// ` AND (the alert has a recipient in scope, or its issuer is in scope)`.
fn push_visible<E: Exec + ?Sized>(db: &E, q: &mut Sql, scope: &Scope) {
    if matches!(scope, Scope::All) {
        return;
    }
    q.push(" AND (a.id IN (SELECT v.alert_id FROM alert_recipients v WHERE 1 = 1");
    db.scope_filter(q, scope, "v.org_id");
    q.push(") OR (1 = 1");
    db.scope_filter(q, scope, "a.issuer_id");
    q.push("))");
}

pub(super) fn who(meta: &AuditMeta) -> String {
    meta.actor.principal.clone()
}

fn response_action(r: &Response) -> &'static str {
    match r {
        Response::Acknowledge => "alert.acknowledge",
        Response::Applicability { .. } => "alert.applicability",
        Response::Update { .. } => "alert.update",
        Response::Close { .. } => "alert.close",
    }
}

#[async_trait]
impl<B: SqlBackend> AlertStore for B {
    async fn create_alert(
        &self,
        scope: &Scope,
        a: &Alert,
        recipients: &[Recipient],
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        recipients_in_scope(&mut tx, scope, recipients).await?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO alerts ({ALERT_COLUMNS}) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
            ))
            .arg(a.id)
            .arg(<&str>::from(a.severity))
            .arg(a.title.as_str())
            .arg(a.summary.as_str())
            .arg(to_json(&a.advisories, "advisories")?)
            .arg(to_json(&a.actions, "actions")?)
            .arg(to_json(&a.references, "references")?)
            .arg(a.tlp.as_str())
            .arg(a.issuer)
            .arg(a.area)
            .arg(a.issued_by.as_str())
            .arg(a.issued_at)
            .arg(a.policy.acknowledge_hours)
            .arg(a.policy.first_update_hours)
            .arg(a.policy.remediate_days)
            .arg(a.kev_due),
        )
        .await?;
        let mut events = vec![AlertEvent {
            alert: a.id,
            org: None,
            at: meta.at,
            kind: EventKind::Issued,
            actor: who(meta),
            text: Some(format!(
                "{} alert issued to {} organisation(s)",
                a.severity,
                recipients.len()
            )),
        }];
        for r in recipients {
            insert_recipient(&mut tx, r).await?;
            events.push(AlertEvent {
                alert: a.id,
                org: Some(r.org),
                at: r.targeted_at,
                kind: EventKind::Targeted,
                actor: who(meta),
                text: Some(format!("{} ({} asset(s))", r.reason, r.assets.len())),
            });
        }
        append_events(&mut tx, a.id, &events).await?;
        let detail = serde_json::json!({
            "severity": a.severity, "advisories": a.advisories, "organisations": recipients.len(),
            "assets": recipients.iter().map(|r| r.assets.len()).sum::<usize>(),
        });
        let event = meta
            .change("alert.issue", "alert", a.id.to_string())
            .org(a.issuer)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn extend_alert(
        &self,
        scope: &Scope,
        id: AlertId,
        recipients: &[Recipient],
        meta: &AuditMeta,
    ) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let a = alert_in_scope(&mut tx, scope, id).await?;
        recipients_in_scope(&mut tx, scope, recipients).await?;
        let mut events = Vec::new();
        for r in recipients.iter().filter(|r| r.alert == id) {
            if insert_recipient(&mut tx, r).await? == 1 {
                events.push(AlertEvent {
                    alert: id,
                    org: Some(r.org),
                    at: r.targeted_at,
                    kind: EventKind::Extended,
                    actor: who(meta),
                    text: Some(format!("newly exposed ({} asset(s))", r.assets.len())),
                });
            }
        }
        if events.is_empty() {
            return Ok(0);
        }
        append_events(&mut tx, id, &events).await?;
        let detail = serde_json::json!({ "organisations": events.len() });
        let event = meta
            .change("alert.extend", "alert", id.to_string())
            .org(a.issuer)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(events.len() as u64)
    }

    async fn any_alert(&self) -> StoreResult<bool> {
        let mut db = self.read().await?;
        Ok(db
            .fetch_optional(Sql::new("SELECT 1 AS n FROM alerts LIMIT 1"))
            .await?
            .is_some())
    }

    async fn list_alerts(&self, scope: &Scope, now: Timestamp) -> StoreResult<Vec<AlertSummary>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {ALERT_COLUMNS} FROM alerts a WHERE 1 = 1"));
        push_visible(&db, &mut q, scope);
        q.push(" ORDER BY a.issued_at DESC, a.id DESC");
        let alerts: Vec<Alert> = db
            .fetch_all(q)
            .await?
            .iter()
            .map(alert)
            .collect::<StoreResult<_>>()?;
        // Figures over the recipients in scope, one pass per alert (a handful of columns each).
        let mut q = Sql::new(
            "SELECT r.alert_id, COUNT(*) AS organisations, \
             SUM(CASE WHEN r.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END) AS acknowledged, \
             SUM(CASE WHEN r.closed_at IS NOT NULL THEN 1 ELSE 0 END) AS closed, \
             SUM(CASE WHEN r.closed_at IS NULL AND ((r.acknowledged_at IS NULL AND r.acknowledge_by < $1) \
             OR (r.first_update_at IS NULL AND r.first_update_by < $1) OR r.remediate_by < $1) \
             THEN 1 ELSE 0 END) AS overdue \
             FROM alert_recipients r WHERE 1 = 1",
        )
        .arg(now);
        db.scope_filter(&mut q, scope, "r.org_id");
        q.push(" GROUP BY r.alert_id");
        let mut figures: BTreeMap<AlertId, (u64, u64, u64, u64)> = BTreeMap::new();
        for r in db.fetch_all(q).await? {
            figures.insert(
                r.id("alert_id")?,
                (
                    r.u64("organisations")?,
                    r.u64("acknowledged")?,
                    r.u64("closed")?,
                    r.u64("overdue")?,
                ),
            );
        }
        // Asset counts need the records' lists: read them for the alerts in scope.
        let mut q = Sql::new("SELECT r.alert_id, r.assets FROM alert_recipients r WHERE 1 = 1");
        db.scope_filter(&mut q, scope, "r.org_id");
        let mut assets: BTreeMap<AlertId, u64> = BTreeMap::new();
        for r in db.fetch_all(q).await? {
            let list: Vec<AffectedAsset> = from_json(&r, "assets")?;
            *assets.entry(r.id("alert_id")?).or_default() += list.len() as u64;
        }
        Ok(alerts
            .into_iter()
            .map(|a| {
                let (organisations, acknowledged, closed, overdue) =
                    figures.get(&a.id).copied().unwrap_or_default();
                AlertSummary {
                    assets: assets.get(&a.id).copied().unwrap_or_default(),
                    alert: a,
                    organisations,
                    acknowledged,
                    closed,
                    overdue,
                }
            })
            .collect())
    }

    async fn get_alert(&self, scope: &Scope, id: AlertId) -> StoreResult<AlertDetail> {
        let mut db = self.read().await?;
        let a = alert_in_scope(&mut db, scope, id).await?;
        let mut q = Sql::new(format!(
            "SELECT {RECIPIENT_COLUMNS} FROM alert_recipients WHERE alert_id = $1"
        ))
        .arg(id);
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY org_id");
        let recipients = db
            .fetch_all(q)
            .await?
            .iter()
            .map(recipient)
            .collect::<StoreResult<_>>()?;
        let mut q = Sql::new(
            "SELECT alert_id, org_id, at, kind, actor, note FROM alert_events WHERE alert_id = $1 \
             AND (org_id IS NULL OR (1 = 1",
        )
        .arg(id);
        db.scope_filter(&mut q, scope, "org_id");
        q.push(")) ORDER BY seq");
        let events = db
            .fetch_all(q)
            .await?
            .iter()
            .map(event)
            .collect::<StoreResult<_>>()?;
        Ok(AlertDetail {
            alert: a,
            recipients,
            events,
        })
    }

    async fn respond_to_alert(
        &self,
        scope: &Scope,
        id: AlertId,
        org: OrgId,
        response: &Response,
        meta: &AuditMeta,
    ) -> StoreResult<Recipient> {
        let mut tx = self.write().await?;
        let mut q = Sql::new(format!(
            "SELECT {RECIPIENT_COLUMNS} FROM alert_recipients WHERE alert_id = $1 AND org_id = $2"
        ))
        .arg(id)
        .arg(org);
        tx.scope_filter(&mut q, scope, "org_id");
        let before = match tx.fetch_optional(q).await? {
            Some(r) => recipient(&r)?,
            None => return Err(StoreError::not_found("alert", id)),
        };
        if before.closed_at.is_some() {
            return Err(refusals::closed());
        }
        if *response == Response::Acknowledge && before.acknowledged_at.is_some() {
            return Err(refusals::already_acknowledged());
        }
        let mut after = before.clone();
        after.acknowledged_at = after.acknowledged_at.or(Some(meta.at));
        let text = match response {
            Response::Acknowledge => None,
            Response::Applicability {
                applicability,
                reason,
                ..
            } => {
                after.applicability = Some(*applicability);
                after.applicability_reason = reason.clone();
                Some(match reason {
                    Some(r) => format!("{applicability}: {r}"),
                    None => applicability.to_string(),
                })
            }
            Response::Update { text } => {
                after.first_update_at = after.first_update_at.or(Some(meta.at));
                Some(text.clone())
            }
            Response::Close { reason } => {
                after.closed_at = Some(meta.at);
                after.close_reason = reason.clone();
                reason.clone()
            }
        };
        tx.execute(
            Sql::new(
                "UPDATE alert_recipients SET acknowledged_at = $1, applicability = $2, \
                 applicability_reason = $3, first_update_at = $4, closed_at = $5, close_reason = $6 \
                 WHERE alert_id = $7 AND org_id = $8",
            )
            .arg(after.acknowledged_at)
            .arg(after.applicability.map(<&str>::from))
            .arg(after.applicability_reason.as_deref())
            .arg(after.first_update_at)
            .arg(after.closed_at)
            .arg(after.close_reason.as_deref())
            .arg(id)
            .arg(org),
        )
        .await?;
        let mut events = Vec::new();
        if before.acknowledged_at.is_none() && *response != Response::Acknowledge {
            events.push(AlertEvent {
                alert: id,
                org: Some(org),
                at: meta.at,
                kind: EventKind::Acknowledged,
                actor: who(meta),
                text: None,
            });
        }
        events.push(AlertEvent {
            alert: id,
            org: Some(org),
            at: meta.at,
            kind: response.event_kind(),
            actor: who(meta),
            text,
        });
        append_events(&mut tx, id, &events).await?;
        let event = meta
            .change(response_action(response), "alert", id.to_string())
            .org(org)
            .before(ward_core::audit::digest_json(&before))
            .after(ward_core::audit::digest_json(&after))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn note_no_longer_exposed(
        &self,
        scope: &Scope,
        id: AlertId,
        orgs: &[OrgId],
        text: &str,
        meta: &AuditMeta,
    ) -> StoreResult<u64> {
        let mut tx = self.write().await?;
        let a = alert_in_scope(&mut tx, scope, id).await?;
        let noted = super::alert_revisions::note_no_longer_exposed(&mut tx, id, orgs, text, meta).await?;
        if noted.is_empty() {
            return Ok(0);
        }
        let detail = serde_json::json!({ "organisations": noted });
        let event = meta
            .change("alert.no_longer_exposed", "alert", id.to_string())
            .org(a.issuer)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(noted.len() as u64)
    }
}
