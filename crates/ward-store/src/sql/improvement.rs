//! Improvement plans, once for both backends.

use async_trait::async_trait;
use ward_core::assurance::improvement::{ImprovementAction, ImprovementPlan, PlanActionStatus, PlanApproval};
use ward_core::{AssessmentId, ImprovementActionId};

use super::assessments::head_in_scope;
use super::{Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::improvement::{ImprovementStore, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

pub(super) const ACTION_COLUMNS: &str =
    "id, assessment_id, org_id, title, owner, due, outcomes, status, created_at, updated_at";

pub(super) fn action_row(r: &impl RowRead) -> StoreResult<ImprovementAction> {
    let outcomes: Vec<String> =
        serde_json::from_str(&r.text("outcomes")?).map_err(|_| super::corrupt_column("outcomes"))?;
    Ok(ImprovementAction {
        id: r.id("id")?,
        assessment: r.id("assessment_id")?,
        org: r.id("org_id")?,
        title: r.text("title")?,
        owner: r.text("owner")?,
        due: r.date("due")?,
        outcomes,
        status: r.parsed("status")?,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

fn action_detail(a: &ImprovementAction) -> String {
    serde_json::json!({
        "action": a.id, "outcomes": a.outcomes, "due": a.due, "status": a.status,
    })
    .to_string()
}

async fn action_of<E: Exec + ?Sized>(
    db: &mut E,
    assessment: AssessmentId,
    id: ImprovementActionId,
) -> StoreResult<ImprovementAction> {
    let q = Sql::new(format!(
        "SELECT {ACTION_COLUMNS} FROM improvement_actions WHERE id = $1 AND assessment_id = $2"
    ))
    .arg(id)
    .arg(assessment);
    match db.fetch_optional(q).await? {
        Some(r) => action_row(&r),
        None => Err(StoreError::not_found("improvement action", id.to_string())),
    }
}

#[async_trait]
impl<B: SqlBackend> ImprovementStore for B {
    async fn improvement_plan(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
    ) -> StoreResult<ImprovementPlan> {
        let mut db = self.read().await?;
        head_in_scope(&mut db, scope, assessment).await?;
        let actions = db
            .fetch_all(
                Sql::new(format!(
                    "SELECT {ACTION_COLUMNS} FROM improvement_actions WHERE assessment_id = $1 \
                     ORDER BY created_at, id"
                ))
                .arg(assessment),
            )
            .await?
            .iter()
            .map(action_row)
            .collect::<StoreResult<Vec<_>>>()?;
        let approval = db
            .fetch_optional(
                Sql::new(
                    "SELECT assessment_id, org_id, approver_org, approved_by, approved_at \
                     FROM improvement_approvals WHERE assessment_id = $1",
                )
                .arg(assessment),
            )
            .await?
            .map(|r| -> StoreResult<PlanApproval> {
                Ok(PlanApproval {
                    assessment: r.id("assessment_id")?,
                    org: r.id("org_id")?,
                    approver_org: r.id("approver_org")?,
                    approved_by: r.opt_id("approved_by")?,
                    approved_at: r.ts("approved_at")?,
                })
            })
            .transpose()?;
        Ok(ImprovementPlan {
            assessment,
            actions,
            approval,
        })
    }

    async fn add_improvement_action(
        &self,
        scope: &Scope,
        a: &ImprovementAction,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, a.assessment).await?;
        if h.org != a.org {
            return Err(refusals::wrong_organisation());
        }
        let outcomes = serde_json::to_string(&a.outcomes)
            .map_err(|e| StoreError::Backend(format!("outcomes cannot be written as JSON: {e}")))?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO improvement_actions ({ACTION_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            ))
            .arg(a.id)
            .arg(a.assessment)
            .arg(a.org)
            .arg(a.title.as_str())
            .arg(a.owner.as_str())
            .arg(a.due)
            .arg(outcomes)
            .arg(<&str>::from(a.status))
            .arg(a.created_at)
            .arg(a.updated_at),
        )
        .await?;
        let event = meta
            .change("improvement.action", "assessment", a.assessment.to_string())
            .org(a.org)
            .detail(action_detail(a))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn set_improvement_action_status(
        &self,
        scope: &Scope,
        assessment: AssessmentId,
        id: ImprovementActionId,
        status: PlanActionStatus,
        meta: &AuditMeta,
    ) -> StoreResult<ImprovementAction> {
        let mut tx = self.write().await?;
        head_in_scope(&mut tx, scope, assessment).await?;
        let before = action_of(&mut tx, assessment, id).await?;
        tx.execute(
            Sql::new("UPDATE improvement_actions SET status = $1, updated_at = $2 WHERE id = $3")
                .arg(<&str>::from(status))
                .arg(meta.at)
                .arg(id),
        )
        .await?;
        let after = ImprovementAction {
            status,
            updated_at: meta.at,
            ..before
        };
        let event = meta
            .change("improvement.action_status", "assessment", assessment.to_string())
            .org(after.org)
            .detail(action_detail(&after))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn approve_improvement_plan(
        &self,
        scope: &Scope,
        a: &PlanApproval,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        a.check().map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.write().await?;
        let h = head_in_scope(&mut tx, scope, a.assessment).await?;
        if h.org != a.org {
            return Err(refusals::wrong_organisation());
        }
        let held =
            Sql::new("SELECT 1 AS n FROM improvement_approvals WHERE assessment_id = $1").arg(a.assessment);
        if tx.fetch_optional(held).await?.is_some() {
            return Err(refusals::already_approved());
        }
        tx.execute(
            Sql::new(
                "INSERT INTO improvement_approvals (assessment_id, org_id, approver_org, approved_by, approved_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .arg(a.assessment)
            .arg(a.org)
            .arg(a.approver_org)
            .arg(a.approved_by)
            .arg(a.approved_at),
        )
        .await?;
        let detail = serde_json::json!({ "approver_org": a.approver_org, "approved_by": a.approved_by });
        let event = meta
            .change("improvement.approve", "assessment", a.assessment.to_string())
            .org(a.org)
            .detail(detail.to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }
}
