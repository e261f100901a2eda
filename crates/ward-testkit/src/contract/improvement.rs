//! Improvement plans: actions added and closed, the plan approved once, by another organisation,
//! every change audited, nothing readable or writable outside the scope.

use super::fixtures::{AuditCursor, Fixture, at, new_id, next_number};
use super::frameworks::{framework, head};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::ImprovementActionId;
use ward_core::assurance::improvement::{ImprovementAction, PlanActionStatus, PlanApproval};
use ward_store::{Scope, Store, StoreError};

/// Add, close, approve; refusals by scope, by organisation and for a second approval.
pub async fn improvement_plans_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "IP");
    let [_, region, icb, a, b] = fx.small_tree().await?;
    let fw = format!("contract-{}", next_number());
    store
        .put_framework(&framework(&fw, "1.0", 2), &fx.meta(1))
        .await?;
    let scope_a = Scope::subtree(a.id);
    let h = head(a.id, &fw, 2026, 2);
    store.create_assessment(&scope_a, &h, &fx.meta(2)).await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    let empty = store.improvement_plan(&scope_a, h.id).await?;
    check_eq!(
        (empty.actions.len(), empty.approval.is_none()),
        (0, true),
        "no plan yet"
    );

    let action = ImprovementAction {
        id: new_id(ImprovementActionId::new_at),
        assessment: h.id,
        org: a.id,
        title: "Name a board member \"accountable\" for cyber, é".into(),
        owner: "Chief executive".into(),
        due: jiff::civil::date(2026, 9, 30),
        outcomes: vec!["A1.a".into()],
        status: PlanActionStatus::Open,
        created_at: at(3),
        updated_at: at(3),
    };
    store
        .add_improvement_action(&scope_a, &action, &fx.meta(3))
        .await?;
    cursor
        .expect(&store, "add", &[("improvement.action", Some(a.id))])
        .await?;
    check_err!(
        store
            .add_improvement_action(&Scope::subtree(b.id), &action, &fx.meta(4))
            .await,
        StoreError::NotFound { .. },
        "an action added from outside the scope"
    );
    let wrong_org = ImprovementAction {
        id: new_id(ImprovementActionId::new_at),
        org: b.id,
        ..action.clone()
    };
    check_err!(
        store
            .add_improvement_action(&Scope::All, &wrong_org, &fx.meta(4))
            .await,
        StoreError::Invalid(_),
        "an action naming another organisation than the assessment's"
    );
    check_err!(
        store.improvement_plan(&Scope::subtree(b.id), h.id).await,
        StoreError::NotFound { .. },
        "a plan read from outside the scope"
    );
    cursor.expect(&store, "refusals write nothing", &[]).await?;

    let done = store
        .set_improvement_action_status(&scope_a, h.id, action.id, PlanActionStatus::Done, &fx.meta(5))
        .await?;
    check_eq!(
        (done.status, done.updated_at),
        (PlanActionStatus::Done, at(5)),
        "closed"
    );
    cursor
        .expect(&store, "status", &[("improvement.action_status", Some(a.id))])
        .await?;

    let mut approval = PlanApproval {
        assessment: h.id,
        org: a.id,
        approver_org: a.id,
        approved_by: None,
        approved_at: at(6),
    };
    check_err!(
        store
            .approve_improvement_plan(&Scope::All, &approval, &fx.meta(6))
            .await,
        StoreError::Invalid(_),
        "an organisation approving its own plan"
    );
    approval.approver_org = region.id;
    check_err!(
        store
            .approve_improvement_plan(&Scope::subtree(b.id), &approval, &fx.meta(6))
            .await,
        StoreError::NotFound { .. },
        "an approval from outside the scope"
    );
    cursor
        .expect(&store, "refused approvals write nothing", &[])
        .await?;
    store
        .approve_improvement_plan(&Scope::subtree(icb.id), &approval, &fx.meta(6))
        .await?;
    cursor
        .expect(&store, "approve", &[("improvement.approve", Some(a.id))])
        .await?;
    check_err!(
        store
            .approve_improvement_plan(&Scope::subtree(icb.id), &approval, &fx.meta(7))
            .await,
        StoreError::Conflict(_),
        "a second approval"
    );

    let plan = store.improvement_plan(&scope_a, h.id).await?;
    check_eq!(plan.actions, vec![done], "actions read back equal");
    check_eq!(plan.approval, Some(approval), "approval read back equal");
    Ok(())
}
