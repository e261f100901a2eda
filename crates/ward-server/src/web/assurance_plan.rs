//! The improvement plan and continuous evidence on the assessment page (adding and closing
//! actions, approving the plan), and the national view of claims that disagree with the facts.

use super::views::{Chrome, Section};
use super::{PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_app::assurance::assessments::AssessmentView;
use ward_app::assurance::evidence::EvidenceView;
use ward_app::assurance::improvement::NewPlanAction;
use ward_app::authz::Action;
use ward_core::assurance::evidence::Agreement;
use ward_core::assurance::improvement::{PlanActionStatus, StandardStatus};
use ward_core::{AssessmentId, ImprovementActionId};

/// One action of the plan on the page.
pub(super) struct PlanLine {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) owner: String,
    pub(super) due: String,
    pub(super) outcomes: String,
    pub(super) status: &'static str,
    pub(super) done: bool,
    pub(super) overdue: bool,
}

/// The improvement plan section of the assessment page.
pub(super) struct PlanSection {
    pub(super) actions: Vec<PlanLine>,
    /// Who approved it and when, in words.
    pub(super) approval: Option<String>,
    /// The person may add and close actions (the organisation's writers, below its standard).
    pub(super) may_edit: bool,
    /// The person may approve it now (a regional or national role; the plan addresses every
    /// outcome below target and is not yet approved).
    pub(super) may_approve: bool,
    /// Whether a plan is wanted at all (the assessment is below its standard).
    pub(super) below: bool,
}

impl PlanSection {
    pub(super) fn of(page: &Signed, v: &AssessmentView) -> Self {
        let status = v.standard.as_ref().map(|s| s.status);
        let below = matches!(
            status,
            Some(StandardStatus::NotMet | StandardStatus::NotMetWithPlan | StandardStatus::Approaching)
        );
        Self {
            actions: v
                .plan
                .actions
                .iter()
                .map(|a| PlanLine {
                    id: a.action.id.to_string(),
                    title: a.action.title.clone(),
                    owner: a.action.owner.clone(),
                    due: a.action.due.strftime("%-d %b %Y").to_string(),
                    outcomes: a.action.outcomes.join(", "),
                    status: a.action.status.label(),
                    done: a.action.status == PlanActionStatus::Done,
                    overdue: a.overdue,
                })
                .collect(),
            approval: v.plan.approval.as_ref().map(|a| {
                let by = v.plan.approver.as_ref().map_or_else(String::new, |n| {
                    let org = format!("{} ({})", n.org_name, n.org_code);
                    match &n.person {
                        Some(p) => format!(" by {p} for {org}"),
                        None => format!(" by {org}"),
                    }
                });
                format!("Approved{by} on {}.", a.approved_at.strftime("%-d %b %Y"))
            }),
            may_edit: below && page.may(Action::WriteAssessments),
            may_approve: status == Some(StandardStatus::NotMetWithPlan)
                && page.may(Action::ApproveImprovementPlans),
            below,
        }
    }
}

/// One outcome of the continuous evidence on the page.
pub(super) struct EvidenceLine {
    pub(super) outcome: &'static str,
    pub(super) claimed: &'static str,
    pub(super) suggested: &'static str,
    pub(super) facts: Vec<String>,
    pub(super) agreement: &'static str,
    pub(super) class: &'static str,
}

pub(super) fn evidence_lines(e: &EvidenceView) -> Vec<EvidenceLine> {
    e.suggestions
        .iter()
        .map(|s| EvidenceLine {
            outcome: s.outcome,
            claimed: s.claimed.map_or("No claim", |l| l.label()),
            suggested: s.suggested.map_or("No facts held yet", |l| l.label()),
            facts: s.facts.clone(),
            agreement: s.agreement.label(),
            class: match s.agreement {
                Agreement::ClaimAboveFacts => "tag-danger",
                Agreement::ClaimBelowFacts => "tag-warn",
                Agreement::Agrees => "tag-calm",
                Agreement::NoFacts | Agreement::NoClaim => "",
            },
        })
        .collect()
}

fn parse_id(s: &str) -> Result<AssessmentId, AppError> {
    s.parse().map_err(|_| AppError::NotFound("assessment".into()))
}

/// The form adding an action.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    due: String,
    /// Outcome codes separated by commas or spaces.
    #[serde(default)]
    outcomes: String,
}

/// `POST /assessments/{id}/plan/actions`.
pub(super) async fn add_action(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<ActionForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let due: jiff::civil::Date = form
        .due
        .trim()
        .parse()
        .map_err(|_| AppError::invalid("due", "the due date is a date such as 2027-03-31"))
        .map_err(&fail)?;
    let new = NewPlanAction {
        title: form.title,
        owner: form.owner,
        due,
        outcomes: form
            .outcomes
            .split([',', ' '])
            .filter(|o| !o.trim().is_empty())
            .map(|o| o.trim().to_owned())
            .collect(),
    };
    s.app.add_plan_action(&page.actor, id, new).await.map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{id}?done=plan#plan")).into_response())
}

/// The form closing or reopening an action.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ActionStatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

/// `POST /assessments/{id}/plan/actions/{action}`.
pub(super) async fn action_status(
    State(s): State<AppState>,
    page: Signed,
    Path((id, action)): Path<(String, String)>,
    WebForm(form): WebForm<ActionStatusForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let action: ImprovementActionId = action
        .parse()
        .map_err(|_| AppError::NotFound("improvement action".into()))
        .map_err(&fail)?;
    let status: PlanActionStatus = super::exposure::parse_enum("status", &form.status).map_err(&fail)?;
    s.app
        .set_plan_action_status(&page.actor, id, action, status)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{id}?done=plan#plan")).into_response())
}

/// The approval form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ApproveForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /assessments/{id}/plan/approve`.
pub(super) async fn approve(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<ApproveForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    s.app.approve_plan(&page.actor, id).await.map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{id}?done=approved#plan")).into_response())
}

/// One organisation on the national view.
struct DisagreementLine {
    assessment: String,
    org: String,
    assessed: String,
    above: u32,
    below: u32,
    outcomes: String,
}

#[derive(Template)]
#[template(path = "assurance_disagreements.html")]
struct DisagreementsPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<DisagreementLine>,
}

/// `GET /assurance/disagreements`: the organisations whose claims and facts disagree most.
pub(super) async fn disagreements(State(s): State<AppState>, page: Signed) -> PageResult {
    let fail = page.fail();
    let rows = s.app.claim_disagreements(&page.actor).await.map_err(&fail)?;
    let view = DisagreementsPage {
        chrome: chrome_at(&page, Section::Assurance),
        title: "Claims and facts".into(),
        rows: rows
            .into_iter()
            .map(|r| DisagreementLine {
                assessment: r.assessment.to_string(),
                org: r.org_name,
                assessed: format!("{} {}", r.year, r.kind.label().to_lowercase()),
                above: r.above,
                below: r.below,
                outcomes: r.outcomes.join(", "),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &view))
}
