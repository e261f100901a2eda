//! What an incident is linked to (alerts, exposures, risks), once for both backends: rows of
//! `incident_links` beside the services and assets it affected, with `kind` `alert`, `risk` or
//! `exposure` and `target` the id (`<advisory>@<asset>` for an exposure).

use ward_core::IncidentId;
use ward_core::incident::IncidentLinks;
use ward_core::risk::register::ExposureRef;

use super::incidents::incident_in_scope;
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

pub(super) const ALERT: &str = "alert";
pub(super) const RISK: &str = "risk";
pub(super) const EXPOSURE: &str = "exposure";

/// Refuse, as not found, anything outside the incident organisation's subtree.
async fn check<E: Exec + ?Sized>(
    db: &mut E,
    org: ward_core::OrgId,
    links: &IncidentLinks,
) -> StoreResult<()> {
    let within = Scope::subtree(org);
    for alert in &links.alerts {
        let mut q = Sql::new("SELECT 1 AS n FROM alert_recipients WHERE alert_id = $1").arg(*alert);
        db.scope_filter(&mut q, &within, "org_id");
        if db.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("alert", alert.to_string()));
        }
    }
    for risk in &links.risks {
        let mut q = Sql::new("SELECT 1 AS n FROM risks WHERE id = $1").arg(*risk);
        db.scope_filter(&mut q, &within, "org_id");
        if db.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("risk", risk.to_string()));
        }
    }
    for x in &links.exposures {
        let mut q = Sql::new("SELECT 1 AS n FROM assets WHERE id = $1").arg(x.asset);
        db.scope_filter(&mut q, &within, "org_id");
        if db.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("asset", x.asset.to_string()));
        }
        let q = Sql::new("SELECT 1 AS n FROM advisories WHERE id = $1").arg(x.advisory.as_str());
        if db.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("advisory", x.advisory.clone()));
        }
    }
    Ok(())
}

async fn read<E: Exec + ?Sized>(db: &mut E, id: IncidentId) -> StoreResult<IncidentLinks> {
    let q = Sql::new(
        "SELECT kind, target FROM incident_links WHERE incident_id = $1 AND kind IN ($2, $3, $4) \
         ORDER BY kind, target",
    )
    .arg(id)
    .arg(ALERT)
    .arg(RISK)
    .arg(EXPOSURE);
    let mut out = IncidentLinks::default();
    for r in db.fetch_all(q).await? {
        let target = r.text("target")?;
        let bad = || corrupt_column("target");
        match r.text("kind")?.as_str() {
            ALERT => out.alerts.push(target.parse().map_err(|_| bad())?),
            RISK => out.risks.push(target.parse().map_err(|_| bad())?),
            _ => out
                .exposures
                .push(ExposureRef::from_key(&target).ok_or_else(bad)?),
        }
    }
    out.alerts.sort();
    out.risks.sort();
    out.exposures.sort();
    Ok(out)
}

pub(super) async fn set<B: SqlBackend>(
    b: &B,
    scope: &Scope,
    id: IncidentId,
    links: &IncidentLinks,
    meta: &AuditMeta,
) -> StoreResult<IncidentLinks> {
    let mut tx = b.write().await?;
    let incident = incident_in_scope(&mut tx, scope, id).await?;
    check(&mut tx, incident.org, links).await?;
    tx.execute(
        Sql::new("DELETE FROM incident_links WHERE incident_id = $1 AND kind IN ($2, $3, $4)")
            .arg(id)
            .arg(ALERT)
            .arg(RISK)
            .arg(EXPOSURE),
    )
    .await?;
    let rows = links
        .alerts
        .iter()
        .map(|a| (ALERT, a.to_string()))
        .chain(links.risks.iter().map(|r| (RISK, r.to_string())))
        .chain(links.exposures.iter().map(|x| (EXPOSURE, x.key())));
    for (kind, target) in rows {
        tx.execute(
            Sql::new(
                "INSERT INTO incident_links (incident_id, kind, target) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .arg(id)
            .arg(kind)
            .arg(target),
        )
        .await?;
    }
    let stored = read(&mut tx, id).await?;
    let event = meta
        .change("incident.links", "incident", id.to_string())
        .org(incident.org)
        .detail(
            serde_json::json!({
                "alerts": stored.alerts, "risks": stored.risks,
                "exposures": stored.exposures.iter().map(ExposureRef::key).collect::<Vec<_>>(),
            })
            .to_string(),
        )
        .build();
    audit::append(&mut tx, b.keys(), event).await?;
    tx.commit().await?;
    Ok(stored)
}

pub(super) async fn get<B: SqlBackend>(b: &B, scope: &Scope, id: IncidentId) -> StoreResult<IncidentLinks> {
    let mut db = b.read().await?;
    incident_in_scope(&mut db, scope, id).await?;
    read(&mut db, id).await
}
