//! Deployments of responders, once for both backends.
//!
//! A deployment is a row of `deployments`; the access it gives is an ordinary row of `role_grants`
//! (role `incident_responder` on the incident's organisation, expiring at the deployment's end),
//! written in the same transaction through the one grant insert, so the token-epoch triggers on
//! `role_grants` fire exactly as for any other grant. Ending early sets the grant's expiry to the
//! end instant (an update, which the triggers also see).

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::DeploymentId;
use ward_core::audit::digest_json;
use ward_core::deployment::Deployment;
use ward_core::role::{Role, RoleGrant};

use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::deployments::{DeploymentStore, FreeResponder};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "id, incident_id, org_id, responder_id, grant_id, starts_at, ends_at, ended_at, \
    deployed_by, created_at";

fn deployment_row(r: &impl RowRead) -> StoreResult<Deployment> {
    Ok(Deployment {
        id: r.id("id")?,
        incident: r.id("incident_id")?,
        org: r.id("org_id")?,
        responder: r.id("responder_id")?,
        grant: r.id("grant_id")?,
        starts_at: r.ts("starts_at")?,
        ends_at: r.ts("ends_at")?,
        ended_at: r.opt_ts("ended_at")?,
        deployed_by: r.opt_id("deployed_by")?,
        created_at: r.ts("created_at")?,
    })
}

fn summary(d: &Deployment) -> String {
    serde_json::json!({
        "incident": d.incident, "responder": d.responder, "grant": d.grant,
        "starts_at": d.starts_at, "ends_at": d.ends_at, "ended_at": d.ended_at,
    })
    .to_string()
}

/// The grant and deployment must describe one another: the shape is decided by the use case, but a
/// mismatch here would hand out access the deployment does not show.
fn check_pair(d: &Deployment, g: &RoleGrant) -> StoreResult<()> {
    if g.id != d.grant
        || g.user != d.responder
        || g.org != d.org
        || g.role != Role::IncidentResponder
        || g.expires_at != Some(d.ends_at)
    {
        return Err(StoreError::Invalid("grant: does not match the deployment".into()));
    }
    Ok(())
}

#[async_trait]
impl<B: SqlBackend> DeploymentStore for B {
    async fn create_deployment(
        &self,
        scope: &Scope,
        d: &Deployment,
        grant: &RoleGrant,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        check_pair(d, grant)?;
        let mut tx = self.write().await?;
        let mut q = Sql::new("SELECT 1 AS n FROM incidents WHERE id = $1 AND org_id = $2")
            .arg(d.incident)
            .arg(d.org);
        tx.scope_filter(&mut q, scope, "org_id");
        if tx.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("incident", d.incident.to_string()));
        }
        let granted = super::accounts::insert_grant(&mut tx, grant, meta).await?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO deployments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))
            .arg(d.id)
            .arg(d.incident)
            .arg(d.org)
            .arg(d.responder)
            .arg(d.grant)
            .arg(d.starts_at)
            .arg(d.ends_at)
            .arg(d.ended_at)
            .arg(d.deployed_by)
            .arg(d.created_at),
        )
        .await?;
        let created = meta
            .change("deployment.create", "deployment", d.id.to_string())
            .org(d.org)
            .detail(summary(d))
            .build();
        audit::append_events(&mut tx, self.keys(), vec![granted, created]).await?;
        tx.commit().await
    }

    async fn get_deployment(&self, scope: &Scope, id: DeploymentId) -> StoreResult<Deployment> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM deployments WHERE id = $1")).arg(id);
        db.scope_filter(&mut q, scope, "org_id");
        match db.fetch_optional(q).await? {
            Some(r) => deployment_row(&r),
            None => Err(StoreError::not_found("deployment", id.to_string())),
        }
    }

    async fn end_deployment(
        &self,
        scope: &Scope,
        id: DeploymentId,
        meta: &AuditMeta,
    ) -> StoreResult<Deployment> {
        let mut tx = self.write().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM deployments WHERE id = $1")).arg(id);
        tx.scope_filter(&mut q, scope, "org_id");
        let Some(row) = tx.fetch_optional(q).await? else {
            return Err(StoreError::not_found("deployment", id.to_string()));
        };
        let before = deployment_row(&row)?;
        if !before.is_active(meta.at) {
            return Err(StoreError::Conflict("the deployment has already ended".into()));
        }
        tx.execute(
            Sql::new("UPDATE deployments SET ended_at = $2 WHERE id = $1")
                .arg(id)
                .arg(meta.at),
        )
        .await?;
        // A grant revoked meanwhile is already gone: nothing to shorten.
        tx.execute(
            Sql::new("UPDATE role_grants SET expires_at = $2 WHERE id = $1")
                .arg(before.grant)
                .arg(meta.at),
        )
        .await?;
        let after = Deployment {
            ended_at: Some(meta.at),
            ..before.clone()
        };
        let ended = meta
            .change("deployment.end", "deployment", id.to_string())
            .org(after.org)
            .detail(summary(&after))
            .build();
        let grant_ended = meta
            .change("grant.end", "role_grant", after.grant.to_string())
            .org(after.org)
            .before(digest_json(&before.ends_at))
            .after(digest_json(&meta.at))
            .build();
        audit::append_events(&mut tx, self.keys(), vec![ended, grant_ended]).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn list_deployments(&self, scope: &Scope) -> StoreResult<Vec<Deployment>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM deployments WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY starts_at DESC, id");
        db.fetch_all(q).await?.iter().map(deployment_row).collect()
    }

    async fn free_responders(&self, scope: &Scope, now: Timestamp) -> StoreResult<Vec<FreeResponder>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(
            "SELECT u.id, u.display_name FROM users u WHERE u.disabled = $1 \
             AND u.id NOT IN (SELECT responder_id FROM deployments \
                 WHERE ended_at IS NULL AND ends_at > $2) \
             AND (u.id IN (SELECT user_id FROM role_grants WHERE role = $3",
        )
        .arg(false)
        .arg(now)
        .arg(Role::IncidentResponder.as_str());
        db.scope_filter(&mut q, scope, "org_id");
        q.push(") OR u.id IN (SELECT responder_id FROM deployments WHERE 1 = 1");
        db.scope_filter(&mut q, scope, "org_id");
        q.push(")) ORDER BY u.display_name, u.id");
        db.fetch_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok(FreeResponder {
                    user: r.id("id")?,
                    display_name: r.text("display_name")?,
                })
            })
            .collect()
    }
}
