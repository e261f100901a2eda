//! Reminders of incidents' obligations, once for both backends: rows of `incident_reminders`, one
//! per (incident, subject, stage), inserted with `ON CONFLICT DO NOTHING` so that two runners
//! record (and so send) each reminder once.

use ward_core::IncidentId;
use ward_core::incident::Incident;
use ward_core::incident_reminder::{Reminder, ReminderSubject};
use ward_core::incident_task::IncidentTask;

use super::incidents::{COLUMNS as INCIDENT_COLUMNS, incident_in_scope, incident_row, links_of};
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::{AuditMeta, Scope, StoreResult};

const COLUMNS: &str = "incident_id, org_id, subject, stage, due_at, recorded_at, queued_at";

fn reminder_row(r: &impl RowRead) -> StoreResult<Reminder> {
    Ok(Reminder {
        incident: r.id("incident_id")?,
        org: r.id("org_id")?,
        subject: ReminderSubject::from_key(&r.text("subject")?).ok_or_else(|| corrupt_column("subject"))?,
        stage: r.parsed("stage")?,
        due_at: r.ts("due_at")?,
        at: r.ts("recorded_at")?,
        queued_at: r.opt_ts("queued_at")?,
    })
}

pub(super) async fn to_remind<B: SqlBackend>(b: &B) -> StoreResult<Vec<(Incident, Vec<IncidentTask>)>> {
    let mut db = b.read().await?;
    let q = Sql::new(format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE reported_at IS NULL \
         OR (nis_applies = $1 AND nis_reported_at IS NULL) OR (ico_applies = $1 AND ico_reported_at IS NULL) \
         OR id IN (SELECT incident_id FROM incident_tasks WHERE done_at IS NULL) ORDER BY detected_at, id"
    ))
    .arg(true);
    let rows = db.fetch_all(q).await?;
    let ids: Vec<IncidentId> = rows.iter().map(|r| r.id("id")).collect::<StoreResult<_>>()?;
    let mut links = links_of(&mut db, &ids).await?;
    let incidents: Vec<Incident> = rows
        .iter()
        .zip(&ids)
        .map(|(r, id)| incident_row(r, links.remove(id).unwrap_or_default()))
        .collect::<StoreResult<_>>()?;
    drop(rows);
    let mut out = Vec::with_capacity(incidents.len());
    for incident in incidents {
        let tasks = super::incident_tasks::open_of(&mut db, incident.id).await?;
        out.push((incident, tasks));
    }
    Ok(out)
}

pub(super) async fn record<B: SqlBackend>(
    b: &B,
    reminders: &[Reminder],
    meta: &AuditMeta,
) -> StoreResult<Vec<Reminder>> {
    if reminders.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = b.write().await?;
    let mut taken = Vec::new();
    for r in reminders {
        let added = tx
            .execute(
                Sql::new(format!(
                    "INSERT INTO incident_reminders ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL) \
                     ON CONFLICT (incident_id, subject, stage) DO NOTHING"
                ))
                .arg(r.incident)
                .arg(r.org)
                .arg(r.subject.key())
                .arg(<&str>::from(r.stage))
                .arg(r.due_at)
                .arg(r.at),
            )
            .await?;
        if added == 0 {
            continue;
        }
        let event = meta
            .change("incident.reminder", "incident", r.incident.to_string())
            .org(r.org)
            .detail(
                serde_json::json!({
                    "subject": r.subject.key(), "stage": r.stage, "due_at": r.due_at.to_string(),
                })
                .to_string(),
            )
            .build();
        audit::append(&mut tx, b.keys(), event).await?;
        taken.push(r.clone());
    }
    tx.commit().await?;
    Ok(taken)
}

pub(super) async fn unqueued<B: SqlBackend>(b: &B, limit: u32) -> StoreResult<Vec<Reminder>> {
    let mut db = b.read().await?;
    let q = Sql::new(format!(
        "SELECT {COLUMNS} FROM incident_reminders WHERE queued_at IS NULL \
         ORDER BY recorded_at, incident_id, subject, stage LIMIT $1"
    ))
    .arg(limit);
    db.fetch_all(q).await?.iter().map(reminder_row).collect()
}

pub(super) async fn mark_queued<B: SqlBackend>(b: &B, r: &Reminder, at: jiff::Timestamp) -> StoreResult<()> {
    let mut tx = b.write().await?;
    tx.execute(
        Sql::new(
            "UPDATE incident_reminders SET queued_at = $1 \
             WHERE incident_id = $2 AND subject = $3 AND stage = $4 AND queued_at IS NULL",
        )
        .arg(at)
        .arg(r.incident)
        .arg(r.subject.key())
        .arg(<&str>::from(r.stage)),
    )
    .await?;
    tx.commit().await
}

pub(super) async fn of_incident<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    id: IncidentId,
) -> StoreResult<Vec<Reminder>> {
    let mut db = b.read().await?;
    incident_in_scope(&mut db, scope, id).await?;
    let q = Sql::new(format!(
        "SELECT {COLUMNS} FROM incident_reminders WHERE incident_id = $1 ORDER BY recorded_at, subject, stage"
    ))
    .arg(id);
    db.fetch_all(q).await?.iter().map(reminder_row).collect()
}
