//! Improvement plans: an organisation below its minimum standard lists the actions it will take
//! (owner, due date, the outcomes each addresses); a regional lead within its region or the
//! national team approves the plan, which moves the assessment to Approaching Standards. An
//! organisation never approves its own plan (`PlanApproval::check`, enforced again by the store).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::assurance::improvement::{ImprovementAction, ImprovementPlan, PlanActionStatus, PlanApproval};
use ward_core::{AssessmentId, ImprovementActionId};

use super::assessments::AssessmentView;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};

/// One action with its overdue flag.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanActionView {
    pub action: ImprovementAction,
    /// Open and past its due date.
    pub overdue: bool,
}

/// An assessment's improvement plan as shown.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub actions: Vec<PlanActionView>,
    pub approval: Option<PlanApproval>,
    /// Who approved the plan, by name: the organisation the approver acted for and, when a person
    /// approved, their name.
    pub approver: Option<ApproverNames>,
}

/// The names behind a plan approval.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApproverNames {
    pub org_code: String,
    pub org_name: String,
    pub person: Option<String>,
}

impl PlanView {
    /// The plan with each action's overdue flag as of `today`.
    pub fn of(plan: ImprovementPlan, today: Date) -> Self {
        Self {
            actions: plan
                .actions
                .into_iter()
                .map(|action| PlanActionView {
                    overdue: action.overdue(today),
                    action,
                })
                .collect(),
            approval: plan.approval,
            approver: None,
        }
    }
}

/// A new action of an improvement plan.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlanAction {
    pub title: String,
    pub owner: String,
    #[schema(value_type = String, format = Date)]
    pub due: Date,
    /// Outcome codes of the assessment's framework version (at least one).
    pub outcomes: Vec<String>,
}

impl App {
    /// Add an action to an assessment's improvement plan (the organisation's own writers).
    pub async fn add_plan_action(
        &self,
        actor: &Actor,
        id: AssessmentId,
        new: NewPlanAction,
    ) -> AppResult<AssessmentView> {
        let scope = authorise(actor, Action::WriteAssessments, self.now())?;
        let current = self.assessment_in(&scope, id).await?;
        let mut problems = Vec::new();
        let mut bad = |path: &str, message: String| {
            problems.push(FieldProblem {
                path: path.to_owned(),
                message,
            })
        };
        let title = new.title.trim().to_owned();
        let owner = new.owner.trim().to_owned();
        if title.is_empty() || title.chars().count() > 500 {
            bad("title", "say what will be done, in 1 to 500 characters".into());
        }
        if owner.is_empty() || owner.chars().count() > 200 {
            bad("owner", "name who owns the action, in 1 to 200 characters".into());
        }
        if new.outcomes.is_empty() {
            bad(
                "outcomes",
                "name at least one outcome the action addresses".into(),
            );
        }
        let mut outcomes: Vec<String> = new.outcomes.iter().map(|o| o.trim().to_owned()).collect();
        outcomes.sort();
        outcomes.dedup();
        for (i, o) in outcomes.iter().enumerate() {
            if !current.outcomes.iter().any(|x| &x.code == o) {
                let h = &current.assessment.head;
                bad(
                    &format!("outcomes[{i}]"),
                    format!("{} {} has no outcome {o}", h.framework, h.version),
                );
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let now = self.now();
        let action = ImprovementAction {
            id: ImprovementActionId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            assessment: id,
            org: current.assessment.head.org,
            title,
            owner,
            due: new.due,
            outcomes,
            status: PlanActionStatus::Open,
            created_at: now,
            updated_at: now,
        };
        self.store()
            .add_improvement_action(&scope, &action, &actor.audit(now))
            .await?;
        self.assessment_in(&scope, id).await
    }

    /// Mark an action of the plan open or done.
    pub async fn set_plan_action_status(
        &self,
        actor: &Actor,
        id: AssessmentId,
        action: ImprovementActionId,
        status: PlanActionStatus,
    ) -> AppResult<AssessmentView> {
        let scope = authorise(actor, Action::WriteAssessments, self.now())?;
        self.store()
            .set_improvement_action_status(&scope, id, action, status, &actor.audit(self.now()))
            .await?;
        self.assessment_in(&scope, id).await
    }

    /// Approve an assessment's improvement plan: a regional lead within its region or the national
    /// team, never the organisation itself. Refused unless the assessment is below its standard
    /// and the plan addresses every outcome below target.
    pub async fn approve_plan(&self, actor: &Actor, id: AssessmentId) -> AppResult<AssessmentView> {
        let read = authorise(actor, Action::ReadAssessments, self.now())?;
        let current = self.assessment_in(&read, id).await?;
        let org = current.assessment.head.org;
        // Outside the approver's footprint reads as not found, as for any record.
        let scope = authorise_on(
            self.store(),
            actor,
            Action::ApproveImprovementPlans,
            org,
            self.now(),
        )
        .await?;
        let Some(standing) = &current.standard else {
            return Err(AppError::Conflict(
                "no minimum standard is published for this assessment: there is nothing to approve".into(),
            ));
        };
        if standing.shortfalls.is_empty() {
            return Err(AppError::Conflict(
                "the assessment meets its minimum standard: there is no plan to approve".into(),
            ));
        }
        if !standing.unaddressed.is_empty() {
            return Err(AppError::Invalid(
                standing
                    .unaddressed
                    .iter()
                    .map(|o| FieldProblem {
                        path: format!("outcomes.{o}"),
                        message: "below target and addressed by no action of the plan".into(),
                    })
                    .collect(),
            ));
        }
        let now = self.now();
        let approval = PlanApproval {
            assessment: id,
            org,
            approver_org: actor.org,
            approved_by: actor.user_id(),
            approved_at: now,
        };
        approval
            .check()
            .map_err(|e| AppError::forbidden(e.message.clone()))?;
        self.store()
            .approve_improvement_plan(&scope, &approval, &actor.audit(now))
            .await?;
        self.assessment_in(&read, id).await
    }
}
