//! Sector-wide incidents, once for both backends: `coordinated_incidents` (the coordinating
//! organisation as `area_id`), `coordinated_members` (each local incident with its organisation,
//! so scope filters apply directly) and `coordinated_timeline` (the shared timeline, instants in
//! UTC beside the zone they were written in).

use ward_core::coordinated::{CoordinatedIncident, SharedEntry};
use ward_core::incident::Incident;
use ward_core::{CoordinatedIncidentId, IncidentId};

use super::incidents::{COLUMNS as INCIDENT_COLUMNS, incident_in_scope, incident_row, links_of};
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "id, area_id, title, summary, created_by, created_at";

fn coordinated_row(r: &impl RowRead) -> StoreResult<CoordinatedIncident> {
    Ok(CoordinatedIncident {
        id: r.id("id")?,
        area: r.id("area_id")?,
        title: r.text("title")?,
        summary: r.text("summary")?,
        created_by: r.id("created_by")?,
        created_at: r.ts("created_at")?,
    })
}

/// Append ` AND id IN (the coordinated incidents whose area or any local incident is in scope)`.
fn visible<E: Exec + ?Sized>(db: &E, q: &mut Sql, scope: &Scope) {
    if matches!(scope, Scope::All) {
        return;
    }
    q.push(" AND (id IN (SELECT id FROM coordinated_incidents WHERE 1 = 1");
    db.scope_filter(q, scope, "area_id");
    q.push(") OR id IN (SELECT coordinated_id FROM coordinated_members WHERE 1 = 1");
    db.scope_filter(q, scope, "org_id");
    q.push("))");
}

async fn visible_one<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    id: CoordinatedIncidentId,
) -> StoreResult<CoordinatedIncident> {
    let mut q = Sql::new(format!(
        "SELECT {COLUMNS} FROM coordinated_incidents WHERE id = $1"
    ))
    .arg(id);
    visible(&*db, &mut q, scope);
    match db.fetch_optional(q).await? {
        Some(r) => coordinated_row(&r),
        None => Err(StoreError::not_found("coordinated incident", id.to_string())),
    }
}

/// The coordinated incident if its area is in scope (those who coordinate it); not found otherwise.
async fn coordinated_by<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    id: CoordinatedIncidentId,
) -> StoreResult<CoordinatedIncident> {
    let mut q = Sql::new(format!(
        "SELECT {COLUMNS} FROM coordinated_incidents WHERE id = $1"
    ))
    .arg(id);
    db.scope_filter(&mut q, scope, "area_id");
    match db.fetch_optional(q).await? {
        Some(r) => coordinated_row(&r),
        None => Err(StoreError::not_found("coordinated incident", id.to_string())),
    }
}

pub(super) async fn create<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    c: &CoordinatedIncident,
    meta: &AuditMeta,
) -> StoreResult<()> {
    let mut tx = b.write().await?;
    let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = $1").arg(c.area);
    tx.scope_filter(&mut q, scope, "id");
    if tx.fetch_optional(q).await?.is_none() {
        return Err(StoreError::not_found("organisation", c.area.to_string()));
    }
    tx.execute(
        Sql::new(format!(
            "INSERT INTO coordinated_incidents ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .arg(c.id)
        .arg(c.area)
        .arg(c.title.as_str())
        .arg(c.summary.as_str())
        .arg(c.created_by)
        .arg(c.created_at),
    )
    .await?;
    let event = meta
        .change("coordinated.create", "coordinated_incident", c.id.to_string())
        .org(c.area)
        .detail(serde_json::json!({ "title": c.title }).to_string())
        .build();
    audit::append(&mut tx, b.keys(), event).await?;
    tx.commit().await
}

pub(super) async fn link<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    id: CoordinatedIncidentId,
    incident: IncidentId,
    meta: &AuditMeta,
) -> StoreResult<()> {
    let mut tx = b.write().await?;
    coordinated_by(&mut tx, scope, id).await?;
    let local = incident_in_scope(&mut tx, scope, incident).await?;
    let added = tx
        .execute(
            Sql::new(
                "INSERT INTO coordinated_members (coordinated_id, incident_id, org_id, added_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (coordinated_id, incident_id) DO NOTHING",
            )
            .arg(id)
            .arg(incident)
            .arg(local.org)
            .arg(meta.at),
        )
        .await?;
    if added > 0 {
        let event = meta
            .change("coordinated.link", "coordinated_incident", id.to_string())
            .org(local.org)
            .detail(serde_json::json!({ "incident": incident }).to_string())
            .build();
        audit::append(&mut tx, b.keys(), event).await?;
    }
    tx.commit().await
}

pub(super) async fn get<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    id: CoordinatedIncidentId,
) -> StoreResult<CoordinatedIncident> {
    let mut db = b.read().await?;
    visible_one(&mut db, scope, id).await
}

pub(super) async fn list<B: SqlBackend>(b: &B, scope: &Scope) -> StoreResult<Vec<CoordinatedIncident>> {
    let mut db = b.read().await?;
    let mut q = Sql::new(format!("SELECT {COLUMNS} FROM coordinated_incidents WHERE 1 = 1"));
    visible(&db, &mut q, scope);
    q.push(" ORDER BY created_at DESC, id");
    db.fetch_all(q).await?.iter().map(coordinated_row).collect()
}

pub(super) async fn members<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    id: CoordinatedIncidentId,
) -> StoreResult<Vec<Incident>> {
    let mut db = b.read().await?;
    visible_one(&mut db, scope, id).await?;
    let mut q = Sql::new(format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id IN \
         (SELECT incident_id FROM coordinated_members WHERE coordinated_id = $1)"
    ))
    .arg(id);
    db.scope_filter(&mut q, scope, "org_id");
    q.push(" ORDER BY detected_at DESC, id");
    let rows = db.fetch_all(q).await?;
    let ids: Vec<IncidentId> = rows.iter().map(|r| r.id("id")).collect::<StoreResult<_>>()?;
    let mut links = links_of(&mut db, &ids).await?;
    rows.iter()
        .zip(&ids)
        .map(|(r, i)| incident_row(r, links.remove(i).unwrap_or_default()))
        .collect()
}

pub(super) async fn add_entry<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    e: &SharedEntry,
    meta: &AuditMeta,
) -> StoreResult<()> {
    let mut tx = b.write().await?;
    let c = coordinated_by(&mut tx, scope, e.coordinated).await?;
    tx.execute(
        Sql::new(
            "INSERT INTO coordinated_timeline (id, coordinated_id, at, zone, entry, author_id, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .arg(e.id)
        .arg(e.coordinated)
        .arg(e.at)
        .arg(e.zone.as_str())
        .arg(e.text.as_str())
        .arg(e.author)
        .arg(e.recorded_at),
    )
    .await?;
    let event = meta
        .change("coordinated.timeline", "coordinated_incident", c.id.to_string())
        .org(c.area)
        .detail(serde_json::json!({ "entry": e.id, "at": e.at.to_string(), "zone": e.zone }).to_string())
        .build();
    audit::append(&mut tx, b.keys(), event).await?;
    tx.commit().await
}

pub(super) async fn timeline<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    id: CoordinatedIncidentId,
) -> StoreResult<Vec<SharedEntry>> {
    let mut db = b.read().await?;
    visible_one(&mut db, scope, id).await?;
    let q = Sql::new(
        "SELECT id, coordinated_id, at, zone, entry, author_id, recorded_at FROM coordinated_timeline \
         WHERE coordinated_id = $1 ORDER BY at, recorded_at, id",
    )
    .arg(id);
    db.fetch_all(q)
        .await?
        .iter()
        .map(|r| {
            Ok(SharedEntry {
                id: r.id("id")?,
                coordinated: r.id("coordinated_id")?,
                at: r.ts("at")?,
                zone: r.text("zone")?,
                text: r.text("entry")?,
                author: r.id("author_id")?,
                recorded_at: r.ts("recorded_at")?,
            })
        })
        .collect()
}
