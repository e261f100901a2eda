//! Incidents, once for both backends.
//!
//! An incident is a row of `incidents` (its enums as their text, the patient-harm consequence as a
//! number, times as microseconds); the services and assets it affected are rows of
//! `incident_links` (`kind`, `target` id); its timeline is `incident_timeline`, each entry's instant
//! in UTC beside the zone it was written in.

use async_trait::async_trait;
use ward_core::coordinated::{CoordinatedIncident, SharedEntry};
use ward_core::incident::{Incident, IncidentDetails, IncidentLinks, TimelineEntry};
use ward_core::incident_reminder::Reminder;
use ward_core::incident_task::IncidentTask;
use ward_core::risk::Consequence;
use ward_core::{AssetId, CoordinatedIncidentId, IncidentId, IncidentTaskId, OrgId, ServiceId, UserId};

use super::links::{count_in, link_rows};
use super::{Arg, Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::incidents::{IncidentCount, IncidentFilter, IncidentStore, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

pub(super) const COLUMNS: &str = "id, org_id, title, category, severity, tlp, status, impact, resolution, \
    patient_harm, detected_at, reported_at, nis_applies, ico_applies, nis_reported_at, ico_reported_at, contained_at, \
    recovered_at, created_by, created_at, updated_at, occurred_at";

/// Link kinds as stored in `incident_links.kind`.
const SERVICE: &str = "service";
const ASSET: &str = "asset";
/// A supplier implicated (an organisation of kind supplier).
pub(super) const SUPPLIER: &str = "supplier";

/// The services, assets and suppliers of an incident.
#[derive(Default)]
pub(super) struct Links {
    services: Vec<ServiceId>,
    assets: Vec<AssetId>,
    suppliers: Vec<OrgId>,
}

pub(super) fn incident_row(
    r: &impl RowRead,
    Links {
        services,
        assets,
        suppliers,
    }: Links,
) -> StoreResult<Incident> {
    let harm = u8::try_from(r.i64("patient_harm")?).map_err(|_| corrupt_column("patient_harm"))?;
    Ok(Incident {
        id: r.id("id")?,
        org: r.id("org_id")?,
        details: IncidentDetails {
            title: r.text("title")?,
            category: r.parsed("category")?,
            severity: r.parsed("severity")?,
            tlp: r.parsed("tlp")?,
            status: r.parsed("status")?,
            impact: r.text("impact")?,
            resolution: r.text("resolution")?,
            patient_harm: Consequence::new(harm).map_err(|_| corrupt_column("patient_harm"))?,
            services,
            assets,
            suppliers,
            occurred_at: r.opt_ts("occurred_at")?,
            detected_at: r.ts("detected_at")?,
            reported_at: r.opt_ts("reported_at")?,
            nis_applies: r.bool("nis_applies")?,
            ico_applies: r.bool("ico_applies")?,
            nis_reported_at: r.opt_ts("nis_reported_at")?,
            ico_reported_at: r.opt_ts("ico_reported_at")?,
            contained_at: r.opt_ts("contained_at")?,
            recovered_at: r.opt_ts("recovered_at")?,
        },
        created_by: r.id("created_by")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// The services, assets and suppliers of the given incidents, by incident.
pub(super) async fn links_of<E: Exec + ?Sized>(
    db: &mut E,
    ids: &[IncidentId],
) -> StoreResult<std::collections::HashMap<IncidentId, Links>> {
    let owners = ids.iter().map(|i| *i.as_uuid()).collect();
    let mut out: std::collections::HashMap<IncidentId, Links> = std::collections::HashMap::new();
    for l in link_rows(db, "incident_links", "incident_id", owners).await? {
        let links = out.entry(IncidentId::from_uuid(l.owner)).or_default();
        let bad = || corrupt_column("target");
        match l.kind.as_str() {
            SERVICE => links.services.push(l.target.parse().map_err(|_| bad())?),
            ASSET => links.assets.push(l.target.parse().map_err(|_| bad())?),
            SUPPLIER => links.suppliers.push(l.target.parse().map_err(|_| bad())?),
            // Links to alerts, risks and exposures are read by `incident_links`.
            super::incident_links::ALERT | super::incident_links::RISK | super::incident_links::EXPOSURE => {}
            _ => return Err(corrupt_column("kind")),
        }
    }
    Ok(out)
}

/// The incident if it is in scope; not found otherwise.
pub(super) async fn incident_in_scope<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    id: IncidentId,
) -> StoreResult<Incident> {
    let mut q = Sql::new(format!("SELECT {COLUMNS} FROM incidents WHERE id = $1")).arg(id);
    db.scope_filter(&mut q, scope, "org_id");
    let Some(row) = db.fetch_optional(q).await? else {
        return Err(StoreError::not_found("incident", id.to_string()));
    };
    let mut links = links_of(db, &[id]).await?;
    incident_row(&row, links.remove(&id).unwrap_or_default())
}

/// Refuse services or assets that are not the organisation's own, and suppliers implicated that
/// are not suppliers.
async fn check_links<E: Exec + ?Sized>(db: &mut E, org: OrgId, d: &IncidentDetails) -> StoreResult<()> {
    let checks = [
        (
            "services",
            "services",
            "services of this organisation",
            d.services.iter().map(|s| *s.as_uuid()).collect::<Vec<_>>(),
        ),
        (
            "assets",
            "assets",
            "assets of this organisation",
            d.assets.iter().map(|a| *a.as_uuid()).collect(),
        ),
    ];
    for (field, table, what, mut ids) in checks {
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            continue;
        }
        let missing = count_in(db, table, "org_id = $1", Arg::Uuid(Some(*org.as_uuid())), ids).await?;
        if missing > 0 {
            return Err(refusals::not_the_orgs(field, what, missing));
        }
    }
    let mut suppliers: Vec<_> = d.suppliers.iter().map(|s| *s.as_uuid()).collect();
    suppliers.sort();
    suppliers.dedup();
    if !suppliers.is_empty() {
        let kind = Arg::Text(Some(ward_core::org::OrgKind::Supplier.as_str().to_owned()));
        let missing = count_in(db, "organisations", "kind = $1", kind, suppliers).await?;
        if missing > 0 {
            return Err(refusals::not_the_orgs("suppliers", "suppliers", missing));
        }
    }
    Ok(())
}

async fn write_links<E: Exec + ?Sized>(db: &mut E, id: IncidentId, d: &IncidentDetails) -> StoreResult<()> {
    db.execute(
        Sql::new("DELETE FROM incident_links WHERE incident_id = $1 AND kind IN ($2, $3, $4)")
            .arg(id)
            .arg(SERVICE)
            .arg(ASSET)
            .arg(SUPPLIER),
    )
    .await?;
    let rows = d
        .services
        .iter()
        .map(|s| (SERVICE, s.to_string()))
        .chain(d.assets.iter().map(|a| (ASSET, a.to_string())))
        .chain(d.suppliers.iter().map(|o| (SUPPLIER, o.to_string())));
    for (kind, target) in rows {
        db.execute(
            Sql::new("INSERT INTO incident_links (incident_id, kind, target) VALUES ($1, $2, $3)")
                .arg(id)
                .arg(kind)
                .arg(target),
        )
        .await?;
    }
    Ok(())
}

/// The values of every column of `incident`, in [`COLUMNS`] order.
fn values(i: &Incident) -> Vec<Arg> {
    use super::IntoArg;
    let d = &i.details;
    vec![
        i.id.into_arg(),
        i.org.into_arg(),
        d.title.as_str().into_arg(),
        <&str>::from(d.category).into_arg(),
        <&str>::from(d.severity).into_arg(),
        d.tlp.as_str().into_arg(),
        <&str>::from(d.status).into_arg(),
        d.impact.as_str().into_arg(),
        d.resolution.as_str().into_arg(),
        d.patient_harm.value().into_arg(),
        d.detected_at.into_arg(),
        d.reported_at.into_arg(),
        d.nis_applies.into_arg(),
        d.ico_applies.into_arg(),
        d.nis_reported_at.into_arg(),
        d.ico_reported_at.into_arg(),
        d.contained_at.into_arg(),
        d.recovered_at.into_arg(),
        i.created_by.into_arg(),
        i.created_at.into_arg(),
        i.updated_at.into_arg(),
        d.occurred_at.into_arg(),
    ]
}

async fn write_row<E: Exec + ?Sized>(db: &mut E, i: &Incident, insert: bool) -> StoreResult<()> {
    let vals = values(i);
    let mut q = if insert {
        let marks: Vec<String> = (1..=vals.len()).map(|n| format!("${n}")).collect();
        Sql::new(format!(
            "INSERT INTO incidents ({COLUMNS}) VALUES ({})",
            marks.join(", ")
        ))
    } else {
        let sets: Vec<String> = COLUMNS
            .split(", ")
            .enumerate()
            .skip(2)
            .map(|(n, c)| format!("{c} = ${}", n + 1))
            .collect();
        Sql::new(format!("UPDATE incidents SET {} WHERE id = $1", sets.join(", ")))
    };
    for v in vals {
        q = q.arg(v);
    }
    db.execute(q).await?;
    Ok(())
}

fn summary(i: &Incident) -> String {
    let d = &i.details;
    serde_json::json!({
        "title": d.title, "category": d.category.number(), "severity": d.severity,
        "status": d.status, "tlp": d.tlp, "patient_harm": d.patient_harm,
        "services": d.services, "assets": d.assets, "suppliers": d.suppliers,
    })
    .to_string()
}

fn timeline_row(r: &impl RowRead) -> StoreResult<TimelineEntry> {
    Ok(TimelineEntry {
        id: r.id("id")?,
        incident: r.id("incident_id")?,
        at: r.ts("at")?,
        zone: r.text("zone")?,
        text: r.text("entry")?,
        author: r.id("author_id")?,
        recorded_at: r.ts("recorded_at")?,
    })
}

#[async_trait]
impl<B: SqlBackend> IncidentStore for B {
    async fn incident_counts(&self, scope: &Scope) -> StoreResult<Vec<IncidentCount>> {
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT org_id, status, category, COUNT(*) AS n FROM incidents WHERE 1 = 1");
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" GROUP BY org_id, status, category ORDER BY org_id, status, category");
        db.fetch_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(IncidentCount {
                    org: r.id("org_id")?,
                    status: r.parsed("status")?,
                    category: r.parsed("category")?,
                    count: r.u64("n")?,
                })
            })
            .collect()
    }

    async fn create_incident(&self, scope: &Scope, incident: &Incident, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = $1").arg(incident.org);
        tx.scope_filter(&mut q, scope, "id");
        if tx.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("organisation", incident.org.to_string()));
        }
        check_links(&mut tx, incident.org, &incident.details).await?;
        write_row(&mut tx, incident, true).await?;
        write_links(&mut tx, incident.id, &incident.details).await?;
        let event = meta
            .change("incident.create", "incident", incident.id.to_string())
            .org(incident.org)
            .detail(summary(incident))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn update_incident(
        &self,
        scope: &Scope,
        id: IncidentId,
        details: &IncidentDetails,
        meta: &AuditMeta,
    ) -> StoreResult<Incident> {
        let mut tx = self.write().await?;
        let before = incident_in_scope(&mut tx, scope, id).await?;
        check_links(&mut tx, before.org, details).await?;
        let after = Incident {
            details: details.clone(),
            updated_at: meta.at,
            ..before
        };
        write_row(&mut tx, &after, false).await?;
        write_links(&mut tx, id, details).await?;
        let event = meta
            .change("incident.update", "incident", id.to_string())
            .org(after.org)
            .detail(summary(&after))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn get_incident(&self, scope: &Scope, id: IncidentId) -> StoreResult<Incident> {
        let mut db = self.read().await?;
        incident_in_scope(&mut db, scope, id).await
    }

    async fn list_incidents(&self, scope: &Scope, f: &IncidentFilter) -> StoreResult<Vec<Incident>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM incidents WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        if let Some(org) = f.org {
            db.scope_filter(&mut q, &Scope::subtree(org), "org_id");
        }
        if let Some(s) = f.status {
            q.push(" AND status = ").bind(<&str>::from(s));
        }
        q.push(" ORDER BY detected_at DESC, id");
        let rows = db.fetch_all(q).await?;
        let ids: Vec<IncidentId> = rows.iter().map(|r| r.id("id")).collect::<StoreResult<_>>()?;
        let mut links = links_of(&mut db, &ids).await?;
        rows.iter()
            .zip(&ids)
            .map(|(r, id)| incident_row(r, links.remove(id).unwrap_or_default()))
            .collect()
    }

    async fn add_timeline_entry(
        &self,
        scope: &Scope,
        e: &TimelineEntry,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let incident = incident_in_scope(&mut tx, scope, e.incident).await?;
        tx.execute(
            Sql::new(
                "INSERT INTO incident_timeline (id, incident_id, org_id, at, zone, entry, author_id, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .arg(e.id)
            .arg(e.incident)
            .arg(incident.org)
            .arg(e.at)
            .arg(e.zone.as_str())
            .arg(e.text.as_str())
            .arg(e.author)
            .arg(e.recorded_at),
        )
        .await?;
        let event = meta
            .change("incident.timeline", "incident", e.incident.to_string())
            .org(incident.org)
            .detail(serde_json::json!({ "entry": e.id, "at": e.at.to_string(), "zone": e.zone }).to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn incident_timeline(&self, scope: &Scope, id: IncidentId) -> StoreResult<Vec<TimelineEntry>> {
        let mut db = self.read().await?;
        incident_in_scope(&mut db, scope, id).await?;
        let q = Sql::new(
            "SELECT id, incident_id, at, zone, entry, author_id, recorded_at FROM incident_timeline \
             WHERE incident_id = $1 ORDER BY at, recorded_at, id",
        )
        .arg(id);
        db.fetch_all(q).await?.iter().map(timeline_row).collect()
    }

    async fn add_incident_task(
        &self,
        scope: &Scope,
        task: &IncidentTask,
        meta: &AuditMeta,
    ) -> StoreResult<IncidentTask> {
        super::incident_tasks::add(self, scope, task, meta).await
    }

    async fn set_incident_task_done(
        &self,
        scope: &Scope,
        incident: IncidentId,
        task: IncidentTaskId,
        done: Option<UserId>,
        meta: &AuditMeta,
    ) -> StoreResult<IncidentTask> {
        super::incident_tasks::set_done(self, scope, incident, task, done, meta).await
    }

    async fn edit_incident_task(
        &self,
        scope: &Scope,
        incident: IncidentId,
        task: IncidentTaskId,
        plan: &ward_core::incident_task::TaskInput,
        meta: &AuditMeta,
    ) -> StoreResult<IncidentTask> {
        super::incident_tasks::edit(self, scope, incident, task, plan, meta).await
    }

    async fn incident_tasks(&self, scope: &Scope, id: IncidentId) -> StoreResult<Vec<IncidentTask>> {
        super::incident_tasks::list(self, scope, id).await
    }

    async fn set_incident_links(
        &self,
        scope: &Scope,
        id: IncidentId,
        links: &IncidentLinks,
        meta: &AuditMeta,
    ) -> StoreResult<IncidentLinks> {
        super::incident_links::set(self, scope, id, links, meta).await
    }

    async fn incident_links(&self, scope: &Scope, id: IncidentId) -> StoreResult<IncidentLinks> {
        super::incident_links::get(self, scope, id).await
    }

    async fn incidents_to_remind(&self) -> StoreResult<Vec<(Incident, Vec<IncidentTask>)>> {
        super::incident_reminders::to_remind(self).await
    }

    async fn record_incident_reminders(
        &self,
        reminders: &[Reminder],
        meta: &AuditMeta,
    ) -> StoreResult<Vec<Reminder>> {
        super::incident_reminders::record(self, reminders, meta).await
    }

    async fn unqueued_incident_reminders(&self, limit: u32) -> StoreResult<Vec<Reminder>> {
        super::incident_reminders::unqueued(self, limit).await
    }

    async fn mark_incident_reminder_queued(
        &self,
        reminder: &Reminder,
        at: jiff::Timestamp,
    ) -> StoreResult<()> {
        super::incident_reminders::mark_queued(self, reminder, at).await
    }

    async fn incident_reminders(&self, scope: &Scope, id: IncidentId) -> StoreResult<Vec<Reminder>> {
        super::incident_reminders::of_incident(self, scope, id).await
    }

    async fn create_coordinated(
        &self,
        scope: &Scope,
        c: &CoordinatedIncident,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        super::coordinated::create(self, scope, c, meta).await
    }

    async fn link_to_coordinated(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
        incident: IncidentId,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        super::coordinated::link(self, scope, id, incident, meta).await
    }

    async fn get_coordinated(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
    ) -> StoreResult<CoordinatedIncident> {
        super::coordinated::get(self, scope, id).await
    }

    async fn list_coordinated(&self, scope: &Scope) -> StoreResult<Vec<CoordinatedIncident>> {
        super::coordinated::list(self, scope).await
    }

    async fn coordinated_members(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
    ) -> StoreResult<Vec<Incident>> {
        super::coordinated::members(self, scope, id).await
    }

    async fn add_shared_entry(
        &self,
        scope: &Scope,
        entry: &SharedEntry,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        super::coordinated::add_entry(self, scope, entry, meta).await
    }

    async fn shared_timeline(
        &self,
        scope: &Scope,
        id: CoordinatedIncidentId,
    ) -> StoreResult<Vec<SharedEntry>> {
        super::coordinated::timeline(self, scope, id).await
    }
}
