//! Incident tasks, once for both backends: rows of `incident_tasks`, each carrying its incident's
//! organisation so that scope filters apply to it directly.

use ward_core::incident_task::{IncidentTask, TaskInput};
use ward_core::{IncidentId, IncidentTaskId, UserId};

use super::incidents::incident_in_scope;
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str =
    "id, incident_id, org_id, title, owner_id, due_on, done_at, done_by, created_by, created_at";

fn task_row(r: &impl RowRead) -> StoreResult<IncidentTask> {
    Ok(IncidentTask {
        id: r.id("id")?,
        incident: r.id("incident_id")?,
        org: r.id("org_id")?,
        title: r.text("title")?,
        owner: r.id("owner_id")?,
        due_on: r.date("due_on")?,
        done_at: r.opt_ts("done_at")?,
        done_by: r.opt_id("done_by")?,
        created_by: r.id("created_by")?,
        created_at: r.ts("created_at")?,
    })
}

fn detail(t: &IncidentTask) -> String {
    serde_json::json!({
        "task": t.id, "title": t.title, "owner": t.owner, "due_on": t.due_on.to_string(),
        "done": t.done_at.is_some(),
    })
    .to_string()
}

pub(super) async fn add<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    task: &IncidentTask,
    meta: &AuditMeta,
) -> StoreResult<IncidentTask> {
    let mut tx = b.write().await?;
    let incident = incident_in_scope(&mut tx, scope, task.incident).await?;
    let task = IncidentTask {
        org: incident.org,
        ..task.clone()
    };
    tx.execute(
        Sql::new(format!(
            "INSERT INTO incident_tasks ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .arg(task.id)
        .arg(task.incident)
        .arg(task.org)
        .arg(task.title.as_str())
        .arg(task.owner)
        .arg(task.due_on)
        .arg(task.done_at)
        .arg(task.done_by)
        .arg(task.created_by)
        .arg(task.created_at),
    )
    .await?;
    let event = meta
        .change("incident.task.add", "incident", task.incident.to_string())
        .org(task.org)
        .detail(detail(&task))
        .build();
    audit::append(&mut tx, b.keys(), event).await?;
    tx.commit().await?;
    Ok(task)
}

async fn one<E: Exec + ?Sized>(
    db: &mut E,
    incident: IncidentId,
    id: IncidentTaskId,
) -> StoreResult<IncidentTask> {
    let q = Sql::new(format!(
        "SELECT {COLUMNS} FROM incident_tasks WHERE id = $1 AND incident_id = $2"
    ))
    .arg(id)
    .arg(incident);
    match db.fetch_optional(q).await? {
        Some(r) => task_row(&r),
        None => Err(StoreError::not_found("task", id.to_string())),
    }
}

pub(super) async fn set_done<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    incident: IncidentId,
    id: IncidentTaskId,
    done: Option<UserId>,
    meta: &AuditMeta,
) -> StoreResult<IncidentTask> {
    let mut tx = b.write().await?;
    incident_in_scope(&mut tx, scope, incident).await?;
    let before = one(&mut tx, incident, id).await?;
    let after = IncidentTask {
        done_at: done.map(|_| meta.at),
        done_by: done,
        ..before
    };
    tx.execute(
        Sql::new("UPDATE incident_tasks SET done_at = $1, done_by = $2 WHERE id = $3")
            .arg(after.done_at)
            .arg(after.done_by)
            .arg(id),
    )
    .await?;
    let action = if done.is_some() {
        "incident.task.done"
    } else {
        "incident.task.reopen"
    };
    let event = meta
        .change(action, "incident", incident.to_string())
        .org(after.org)
        .detail(detail(&after))
        .build();
    audit::append(&mut tx, b.keys(), event).await?;
    tx.commit().await?;
    Ok(after)
}

/// Change a task's title, owner and due day (audited as `incident.task.edit`); whether it is done
/// stays as it was.
pub(super) async fn edit<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    incident: IncidentId,
    id: IncidentTaskId,
    plan: &TaskInput,
    meta: &AuditMeta,
) -> StoreResult<IncidentTask> {
    let mut tx = b.write().await?;
    incident_in_scope(&mut tx, scope, incident).await?;
    let before = one(&mut tx, incident, id).await?;
    let after = IncidentTask {
        title: plan.title.clone(),
        owner: plan.owner,
        due_on: plan.due_on,
        ..before
    };
    tx.execute(
        Sql::new("UPDATE incident_tasks SET title = $1, owner_id = $2, due_on = $3 WHERE id = $4")
            .arg(after.title.as_str())
            .arg(after.owner)
            .arg(after.due_on)
            .arg(id),
    )
    .await?;
    let event = meta
        .change("incident.task.edit", "incident", incident.to_string())
        .org(after.org)
        .detail(detail(&after))
        .build();
    audit::append(&mut tx, b.keys(), event).await?;
    tx.commit().await?;
    Ok(after)
}

pub(super) async fn list<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    incident: IncidentId,
) -> StoreResult<Vec<IncidentTask>> {
    let mut db = b.read().await?;
    incident_in_scope(&mut db, scope, incident).await?;
    let q = Sql::new(format!(
        "SELECT {COLUMNS} FROM incident_tasks WHERE incident_id = $1 ORDER BY due_on, created_at, id"
    ))
    .arg(incident);
    db.fetch_all(q).await?.iter().map(task_row).collect()
}

/// An incident's open tasks (for reminders).
pub(super) async fn open_of<E: Exec + ?Sized>(
    db: &mut E,
    incident: IncidentId,
) -> StoreResult<Vec<IncidentTask>> {
    let q = Sql::new(format!(
        "SELECT {COLUMNS} FROM incident_tasks WHERE incident_id = $1 AND done_at IS NULL ORDER BY due_on, id"
    ))
    .arg(incident);
    db.fetch_all(q).await?.iter().map(task_row).collect()
}
