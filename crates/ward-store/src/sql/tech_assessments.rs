//! Technology assessments, once for both backends: rows of `tech_assessments`, with their
//! findings (`tech_findings`) and remediation plans (`tech_remediation_actions`), each carrying
//! the request's organisation so scope filters apply to them directly.

use async_trait::async_trait;
use ward_core::org::OrgKind;
use ward_core::risk::register::Risk;
use ward_core::tech_assessment::{
    ChangeRefused, RemediationAction, RemediationStatus, StatusChange, TechAssessment, TechAssessmentRecord,
    TechFinding, apply_change,
};
use ward_core::{AssetId, RemediationActionId, TechAssessmentId};

use super::links::count_in;
use super::risks::insert_risk;
use super::{Arg, Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::tech_assessments::{TechAssessmentFilter, TechAssessmentStore, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "id, org_id, technology, kind, supplier_id, product_id, description, wanted_by, status, \
     priority, assessor_id, reason, requested_by, created_at, updated_at";
const FINDING_COLUMNS: &str = "id, assessment_id, org_id, title, severity, description, kind, advisory, assets, \
     risk_id, recorded_by, created_at";
const ACTION_COLUMNS: &str = "id, assessment_id, org_id, title, owner, due, status, created_at, updated_at";

fn request_row(r: &impl RowRead) -> StoreResult<TechAssessment> {
    Ok(TechAssessment {
        id: r.id("id")?,
        org: r.id("org_id")?,
        technology: r.text("technology")?,
        kind: r.parsed("kind")?,
        supplier: r.opt_id("supplier_id")?,
        product: r.opt_id("product_id")?,
        description: r.text("description")?,
        wanted_by: r.opt_date("wanted_by")?,
        status: r.parsed("status")?,
        priority: r.opt_parsed("priority")?,
        assessor: r.opt_id("assessor_id")?,
        reason: r.opt_text("reason")?,
        requested_by: r.opt_id("requested_by")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn finding_row(r: &impl RowRead) -> StoreResult<TechFinding> {
    let assets: Vec<AssetId> =
        serde_json::from_str(&r.text("assets")?).map_err(|_| super::corrupt_column("assets"))?;
    Ok(TechFinding {
        id: r.id("id")?,
        assessment: r.id("assessment_id")?,
        org: r.id("org_id")?,
        title: r.text("title")?,
        severity: r.parsed("severity")?,
        description: r.text("description")?,
        kind: r.parsed("kind")?,
        advisory: r.opt_text("advisory")?,
        assets,
        risk: r.opt_id("risk_id")?,
        recorded_by: r.opt_id("recorded_by")?,
        created_at: r.ts("created_at")?,
    })
}

fn action_row(r: &impl RowRead) -> StoreResult<RemediationAction> {
    Ok(RemediationAction {
        id: r.id("id")?,
        assessment: r.id("assessment_id")?,
        org: r.id("org_id")?,
        title: r.text("title")?,
        owner: r.text("owner")?,
        due: r.date("due")?,
        status: r.parsed("status")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn summary(a: &TechAssessment) -> String {
    serde_json::json!({
        "technology": a.technology, "kind": a.kind, "status": a.status, "priority": a.priority,
        "assessor": a.assessor,
    })
    .to_string()
}

fn action_detail(a: &RemediationAction) -> String {
    serde_json::json!({
        "action": a.id, "owner": a.owner, "due": a.due.to_string(), "status": a.status,
    })
    .to_string()
}

async fn in_scope<E: Exec + ?Sized>(
    db: &mut E,
    scope: &Scope,
    id: TechAssessmentId,
) -> StoreResult<TechAssessment> {
    let mut q = Sql::new(format!("SELECT {COLUMNS} FROM tech_assessments WHERE id = $1")).arg(id);
    db.scope_filter(&mut q, scope, "org_id");
    match db.fetch_optional(q).await? {
        Some(r) => request_row(&r),
        None => Err(StoreError::not_found("technology assessment", id)),
    }
}

async fn set_status<E: Exec + ?Sized>(db: &mut E, a: &TechAssessment) -> StoreResult<()> {
    db.execute(
        Sql::new(
            "UPDATE tech_assessments SET status = $1, priority = $2, assessor_id = $3, reason = $4, \
             updated_at = $5 WHERE id = $6",
        )
        .arg(<&str>::from(a.status))
        .arg(a.priority.map(<&str>::from))
        .arg(a.assessor)
        .arg(a.reason.as_deref())
        .arg(a.updated_at)
        .arg(a.id),
    )
    .await?;
    Ok(())
}

/// Refuse a supplier that is not a supplier organisation, and a product that is not the named
/// supplier's (or unknown).
async fn check_supplier<E: Exec + ?Sized>(db: &mut E, a: &TechAssessment) -> StoreResult<()> {
    if let Some(s) = a.supplier {
        let q = Sql::new("SELECT kind FROM organisations WHERE id = $1").arg(s);
        let kind = match db.fetch_optional(q).await? {
            Some(r) => r.parsed::<OrgKind>("kind")?,
            None => return Err(refusals::not_a_supplier()),
        };
        if kind != OrgKind::Supplier {
            return Err(refusals::not_a_supplier());
        }
    }
    if let Some(p) = a.product {
        let q = Sql::new("SELECT supplier_id FROM products WHERE id = $1").arg(p);
        let Some(row) = db.fetch_optional(q).await? else {
            return Err(StoreError::Invalid("product: no such product".into()));
        };
        let owner: ward_core::OrgId = row.id("supplier_id")?;
        if a.supplier.is_some_and(|s| s != owner) {
            return Err(refusals::not_the_suppliers_product());
        }
    }
    Ok(())
}

#[async_trait]
impl<B: SqlBackend> TechAssessmentStore for B {
    async fn create_tech_assessment(
        &self,
        scope: &Scope,
        a: &TechAssessment,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = $1").arg(a.org);
        tx.scope_filter(&mut q, scope, "id");
        if tx.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("organisation", a.org));
        }
        check_supplier(&mut tx, a).await?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO tech_assessments ({COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
            ))
            .arg(a.id)
            .arg(a.org)
            .arg(a.technology.as_str())
            .arg(<&str>::from(a.kind))
            .arg(a.supplier)
            .arg(a.product)
            .arg(a.description.as_str())
            .arg(a.wanted_by)
            .arg(<&str>::from(a.status))
            .arg(a.priority.map(<&str>::from))
            .arg(a.assessor)
            .arg(a.reason.as_deref())
            .arg(a.requested_by)
            .arg(a.created_at)
            .arg(a.updated_at),
        )
        .await?;
        let event = meta
            .change("tech_assessment.request", "tech_assessment", a.id.to_string())
            .org(a.org)
            .detail(summary(a))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn tech_assessments(
        &self,
        scope: &Scope,
        f: &TechAssessmentFilter,
    ) -> StoreResult<Vec<TechAssessment>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM tech_assessments WHERE 1 = 1"));
        if let Some(s) = f.status {
            q.push(" AND status = ").bind(<&str>::from(s));
        }
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY created_at DESC, id DESC");
        db.fetch_all(q).await?.iter().map(request_row).collect()
    }

    async fn tech_assessment(
        &self,
        scope: &Scope,
        id: TechAssessmentId,
    ) -> StoreResult<TechAssessmentRecord> {
        let mut db = self.read().await?;
        let assessment = in_scope(&mut db, scope, id).await?;
        let findings = db
            .fetch_all(
                Sql::new(format!(
                    "SELECT {FINDING_COLUMNS} FROM tech_findings WHERE assessment_id = $1 ORDER BY created_at, id"
                ))
                .arg(id),
            )
            .await?
            .iter()
            .map(finding_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let actions = db
            .fetch_all(
                Sql::new(format!(
                    "SELECT {ACTION_COLUMNS} FROM tech_remediation_actions WHERE assessment_id = $1 \
                     ORDER BY created_at, id"
                ))
                .arg(id),
            )
            .await?
            .iter()
            .map(action_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(TechAssessmentRecord {
            assessment,
            findings,
            actions,
        })
    }

    async fn change_tech_assessment_status(
        &self,
        scope: &Scope,
        id: TechAssessmentId,
        change: &StatusChange,
        meta: &AuditMeta,
    ) -> StoreResult<TechAssessment> {
        let mut tx = self.write().await?;
        let before = in_scope(&mut tx, scope, id).await?;
        let open = tx
            .fetch_one(
                Sql::new(
                    "SELECT COUNT(*) AS n FROM tech_remediation_actions WHERE assessment_id = $1 AND status = $2",
                )
                .arg(id)
                .arg(<&str>::from(RemediationStatus::Open)),
            )
            .await?
            .u64("n")?;
        let after = apply_change(
            &before,
            change,
            usize::try_from(open).unwrap_or(usize::MAX),
            meta.at,
        )
        .map_err(|e| match e {
            ChangeRefused::Move { .. } => StoreError::Conflict(e.to_string()),
            ChangeRefused::Invalid(_) => StoreError::Invalid(e.to_string()),
        })?;
        set_status(&mut tx, &after).await?;
        let detail = serde_json::json!({
            "from": before.status, "to": after.status, "priority": after.priority,
            "assessor": after.assessor, "reason": after.reason, "open_actions": open,
        });
        let event = meta
            .change("tech_assessment.status", "tech_assessment", id.to_string())
            .org(after.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn add_tech_finding(
        &self,
        scope: &Scope,
        f: &TechFinding,
        risk: Option<&Risk>,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        f.check().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.write().await?;
        let a = in_scope(&mut tx, scope, f.assessment).await?;
        if !a.status.takes_findings() {
            return Err(refusals::no_findings_now(a.status));
        }
        if f.org != a.org || risk.is_some_and(|r| r.org != a.org) {
            return Err(refusals::wrong_organisation());
        }
        if risk.map(|r| r.id) != f.risk {
            return Err(StoreError::Invalid(
                "risk: the finding must link the risk raised with it".into(),
            ));
        }
        let mut ids: Vec<uuid::Uuid> = f.assets.iter().map(|x| *x.as_uuid()).collect();
        ids.sort();
        ids.dedup();
        if !ids.is_empty()
            && count_in(
                &mut tx,
                "assets",
                "org_id = $1",
                Arg::Uuid(Some(*a.org.as_uuid())),
                ids,
            )
            .await?
                > 0
        {
            return Err(refusals::not_own_assets());
        }
        if let Some(r) = risk {
            // The risk goes into the organisation's register under its own scope: the assessor
            // writes it there as part of the finding, nowhere else.
            insert_risk(&mut tx, self.keys(), &Scope::Orgs(vec![a.org]), r, meta).await?;
        }
        let assets = serde_json::to_string(&f.assets)
            .map_err(|e| StoreError::Backend(format!("assets cannot be written as JSON: {e}")))?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO tech_findings ({FINDING_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
            ))
            .arg(f.id)
            .arg(f.assessment)
            .arg(f.org)
            .arg(f.title.as_str())
            .arg(<&str>::from(f.severity))
            .arg(f.description.as_str())
            .arg(<&str>::from(f.kind))
            .arg(f.advisory.as_deref())
            .arg(assets)
            .arg(f.risk)
            .arg(f.recorded_by)
            .arg(f.created_at),
        )
        .await?;
        let detail = serde_json::json!({
            "finding": f.id, "title": f.title, "severity": f.severity, "kind": f.kind,
            "advisory": f.advisory, "assets": f.assets.len(), "risk": f.risk,
        });
        let event = meta
            .change(
                "tech_assessment.finding",
                "tech_assessment",
                f.assessment.to_string(),
            )
            .org(a.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn add_remediation_action(
        &self,
        scope: &Scope,
        action: &RemediationAction,
        meta: &AuditMeta,
    ) -> StoreResult<TechAssessment> {
        let mut tx = self.write().await?;
        let a = in_scope(&mut tx, scope, action.assessment).await?;
        if !a.status.takes_actions() {
            return Err(refusals::no_actions_now(a.status));
        }
        if action.org != a.org {
            return Err(refusals::wrong_organisation());
        }
        tx.execute(
            Sql::new(format!(
                "INSERT INTO tech_remediation_actions ({ACTION_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ))
            .arg(action.id)
            .arg(action.assessment)
            .arg(action.org)
            .arg(action.title.as_str())
            .arg(action.owner.as_str())
            .arg(action.due)
            .arg(<&str>::from(action.status))
            .arg(action.created_at)
            .arg(action.updated_at),
        )
        .await?;
        let next = a.status.after_action_added();
        let after = if next == a.status {
            a
        } else {
            let moved = TechAssessment {
                status: next,
                updated_at: meta.at,
                ..a
            };
            set_status(&mut tx, &moved).await?;
            moved
        };
        let event = meta
            .change(
                "tech_assessment.action",
                "tech_assessment",
                action.assessment.to_string(),
            )
            .org(after.org)
            .detail(action_detail(action))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn set_remediation_status(
        &self,
        scope: &Scope,
        assessment: TechAssessmentId,
        id: RemediationActionId,
        status: RemediationStatus,
        meta: &AuditMeta,
    ) -> StoreResult<RemediationAction> {
        let mut tx = self.write().await?;
        let a = in_scope(&mut tx, scope, assessment).await?;
        if a.status.is_finished() {
            return Err(refusals::finished(a.status));
        }
        let q = Sql::new(format!(
            "SELECT {ACTION_COLUMNS} FROM tech_remediation_actions WHERE id = $1 AND assessment_id = $2"
        ))
        .arg(id)
        .arg(assessment);
        let before = match tx.fetch_optional(q).await? {
            Some(r) => action_row(&r)?,
            None => return Err(StoreError::not_found("remediation action", id)),
        };
        tx.execute(
            Sql::new("UPDATE tech_remediation_actions SET status = $1, updated_at = $2 WHERE id = $3")
                .arg(<&str>::from(status))
                .arg(meta.at)
                .arg(id),
        )
        .await?;
        let after = RemediationAction {
            status,
            updated_at: meta.at,
            ..before
        };
        let event = meta
            .change(
                "tech_assessment.action_status",
                "tech_assessment",
                assessment.to_string(),
            )
            .org(after.org)
            .detail(action_detail(&after))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }
}
