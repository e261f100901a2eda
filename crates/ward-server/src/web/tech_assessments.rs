//! Technology assessment pages: the requests a person sees (with the request form for an
//! organisation's admins and members), and one request with its findings and remediation plan,
//! showing the national team the triage, assessment and findings forms and whoever keeps the plan
//! its forms. Every decision is the use case's; the page only hides what the role cannot do.

use super::tech_assessment_forms::{ActionForm, FindingForm};
use super::tech_request_form::{Pickers, RequestState};
use super::views::{Chrome, Section};
use super::{PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::tech_assessments::{RemediationUpdate, TechAssessmentQuery, TechAssessmentView};
use ward_core::alert::Severity;
use ward_core::tech_assessment::{RemediationStatus, StatusChange, TechKind, TechPriority, TechStatus};
use ward_core::{RemediationActionId, TechAssessmentId};

fn day(d: jiff::civil::Date) -> String {
    d.strftime("%-d %b %Y").to_string()
}

/// One request in the list.
struct Line {
    id: String,
    technology: String,
    kind: &'static str,
    org: String,
    status: &'static str,
    priority: &'static str,
    wanted_by: String,
}

#[derive(Template)]
#[template(path = "tech_assessments.html")]
struct ListPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<Line>,
    may_request: bool,
    kinds: Vec<(&'static str, &'static str)>,
    form: RequestState,
    pickers: Pickers,
}

/// `GET /technology-assessments`.
pub(super) async fn list(State(st): State<AppState>, page: Signed) -> PageResult {
    list_page(&st, &page, RequestState::default(), StatusCode::OK).await
}

/// The list with the request form (as typed, with its problems, when it was refused).
async fn list_page(st: &AppState, page: &Signed, form: RequestState, status: StatusCode) -> PageResult {
    let fail = page.fail();
    let found = st
        .app
        .tech_assessments(&page.actor, &TechAssessmentQuery::default())
        .await
        .map_err(&fail)?;
    let mut view = ListPage {
        chrome: chrome_at(page, Section::TechAssessments),
        title: "Technology assessments".into(),
        rows: found
            .into_iter()
            .map(|l| Line {
                id: l.assessment.id.to_string(),
                technology: l.assessment.technology,
                kind: l.assessment.kind.label(),
                org: format!("{} ({})", l.org_name, l.org_code),
                status: l.assessment.status.label(),
                priority: l.assessment.priority.map_or("", |p| p.label()),
                wanted_by: l.assessment.wanted_by.map(day).unwrap_or_default(),
            })
            .collect(),
        may_request: page.may(Action::RequestTechAssessments),
        kinds: TechKind::iter().map(|k| (k.into(), k.label())).collect(),
        form,
        pickers: Pickers::default(),
    };
    if view.may_request {
        // The pickers list the person's own organisation's suppliers and products; without them
        // (a failure to list) the form still works, naming none.
        match st.app.tech_choices(&page.actor, page.actor.org).await {
            Ok(choices) => view.pickers = choices.into(),
            Err(e) => tracing::warn!(error = %e, "the request form's pickers could not be listed"),
        }
    }
    Ok(render(status, &view))
}

/// `POST /technology-assessments`: ask for an assessment for the person's own organisation. A
/// refused request comes back as typed, each problem beside its field (422).
pub(super) async fn request(
    State(st): State<AppState>,
    page: Signed,
    WebForm(sent): WebForm<Vec<(String, String)>>,
) -> PageResult {
    let csrf = sent
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    page.check_csrf(&st, csrf)?;
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut form = RequestState::sent(&pairs);
    let Some(input) = form.read(page.actor.org) else {
        return list_page(&st, &page, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match st.app.request_tech_assessment(&page.actor, input).await {
        Ok(v) => Ok(Redirect::to(&format!("/technology-assessments/{}", v.assessment.id)).into_response()),
        Err(AppError::Invalid(problems)) => {
            problems.iter().for_each(|p| form.add_problem(p));
            list_page(&st, &page, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(page.fail()(e)),
    }
}

struct FindingLine {
    title: String,
    severity: &'static str,
    kind: &'static str,
    description: String,
    advisory: String,
    assets: usize,
    risk: String,
}

struct ActionLine {
    id: String,
    title: String,
    owner: String,
    due: String,
    status: &'static str,
    done: bool,
    overdue: bool,
}

#[derive(Template)]
#[template(path = "tech_assessment.html")]
struct DetailPage {
    chrome: Option<Chrome>,
    title: String,
    id: String,
    org: String,
    kind: &'static str,
    description: String,
    status: &'static str,
    priority: &'static str,
    wanted_by: String,
    reason: String,
    findings: Vec<FindingLine>,
    actions: Vec<ActionLine>,
    open_actions: usize,
    overdue_actions: usize,
    /// The moves the national team may make from here, as (value, label).
    moves: Vec<(&'static str, &'static str)>,
    may_triage: bool,
    may_record: bool,
    may_plan: bool,
    may_mark: bool,
    priorities: Vec<(&'static str, &'static str)>,
    severities: Vec<&'static str>,
    /// Who may own a risk the finding raises, as (account, name); empty when they cannot be
    /// listed (the form then takes the account identifier).
    risk_owners: Vec<(String, String)>,
    /// The finding form: empty, or as typed when it was refused.
    finding: FindingForm,
    /// The remediation action form: empty, or as typed when it was refused.
    action: ActionForm,
}

/// The page's forms that add to the request: each empty, or as typed when it was refused.
#[derive(Default)]
pub(super) struct Forms {
    pub(super) finding: FindingForm,
    pub(super) action: ActionForm,
}

fn detail_page(
    page: &Signed,
    v: TechAssessmentView,
    risk_owners: Vec<(String, String)>,
    forms: Forms,
    status: StatusCode,
) -> PageResult {
    let a = &v.assessment;
    let assesses = page.may(Action::AssessTechnology);
    let plans = assesses || page.may(Action::RequestTechAssessments);
    let view = DetailPage {
        chrome: chrome_at(page, Section::TechAssessments),
        title: a.technology.clone(),
        id: a.id.to_string(),
        org: format!("{} ({})", v.org_name, v.org_code),
        kind: a.kind.label(),
        description: a.description.clone(),
        status: a.status.label(),
        priority: a.priority.map_or("Not yet triaged", |p| p.label()),
        wanted_by: a.wanted_by.map(day).unwrap_or_else(|| "No date given".into()),
        reason: a.reason.clone().unwrap_or_default(),
        findings: v
            .findings
            .iter()
            .map(|f| FindingLine {
                title: f.title.clone(),
                severity: f.severity.into(),
                kind: f.kind.label(),
                description: f.description.clone(),
                advisory: f.advisory.clone().unwrap_or_default(),
                assets: f.assets.len(),
                risk: f.risk.map(|r| r.to_string()).unwrap_or_default(),
            })
            .collect(),
        actions: v
            .actions
            .iter()
            .map(|x| ActionLine {
                id: x.action.id.to_string(),
                title: x.action.title.clone(),
                owner: x.action.owner.clone(),
                due: day(x.action.due),
                status: x.action.status.label(),
                done: x.action.status == RemediationStatus::Done,
                overdue: x.overdue,
            })
            .collect(),
        open_actions: v.open_actions,
        overdue_actions: v.overdue_actions,
        moves: if assesses {
            TechStatus::iter()
                .filter(|s| a.status.may_move_to(*s) && *s != TechStatus::Triaged)
                .map(|s| (s.into(), s.label()))
                .collect()
        } else {
            Vec::new()
        },
        may_triage: assesses && a.status.may_move_to(TechStatus::Triaged),
        may_record: assesses && a.status.takes_findings(),
        may_plan: plans && a.status.takes_actions(),
        may_mark: plans && !a.status.is_finished(),
        priorities: TechPriority::iter().map(|p| (p.into(), p.label())).collect(),
        severities: Severity::iter().map(<&str>::from).collect(),
        risk_owners,
        finding: forms.finding,
        action: forms.action,
    };
    Ok(render(status, &view))
}

pub(super) fn parse_id(s: &str) -> Result<TechAssessmentId, AppError> {
    s.parse()
        .map_err(|_| AppError::NotFound("technology assessment".into()))
}

/// `GET /technology-assessments/{id}`.
pub(super) async fn detail(State(st): State<AppState>, page: Signed, Path(id): Path<String>) -> PageResult {
    let id = parse_id(&id).map_err(page.fail())?;
    detail_with(&st, &page, id, Forms::default(), StatusCode::OK).await
}

/// The request's page with its forms as given (refused ones as typed).
pub(super) async fn detail_with(
    st: &AppState,
    page: &Signed,
    id: TechAssessmentId,
    forms: Forms,
    status: StatusCode,
) -> PageResult {
    let v = st
        .app
        .tech_assessment(&page.actor, id)
        .await
        .map_err(page.fail())?;
    let risk_owners = if page.may(Action::AssessTechnology) && v.assessment.status.takes_findings() {
        st.app
            .risk_owners(&page.actor, v.assessment.org)
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|o| (o.id.to_string(), o.display_name))
            .collect()
    } else {
        Vec::new()
    };
    detail_page(page, v, risk_owners, forms, status)
}

/// The status form: triage (the person becomes the assessor), or another move with a reason.
#[derive(Debug, Default, Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    reason: String,
}

/// `POST /technology-assessments/{id}/status`.
pub(super) async fn status(
    State(st): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<StatusForm>,
) -> PageResult {
    page.check_csrf(&st, &form.csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let to: TechStatus = super::exposure::parse_enum("to", &form.to).map_err(&fail)?;
    let triage = to == TechStatus::Triaged;
    let change = StatusChange {
        to,
        priority: if triage {
            super::exposure::optional_enum("priority", &form.priority).map_err(&fail)?
        } else {
            None
        },
        assessor: if triage { page.actor.user_id() } else { None },
        reason: Some(form.reason).filter(|r| !r.trim().is_empty()),
    };
    st.app
        .change_tech_assessment_status(&page.actor, id, change)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/technology-assessments/{id}")).into_response())
}

/// The form marking an action done or open again.
#[derive(Debug, Default, Deserialize)]
pub(super) struct MarkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

/// `POST /technology-assessments/{id}/actions/{action}`.
pub(super) async fn mark(
    State(st): State<AppState>,
    page: Signed,
    Path((id, action)): Path<(String, String)>,
    WebForm(form): WebForm<MarkForm>,
) -> PageResult {
    page.check_csrf(&st, &form.csrf)?;
    let fail = page.fail();
    let id = parse_id(&id).map_err(&fail)?;
    let action: RemediationActionId = action
        .parse()
        .map_err(|_| AppError::NotFound("remediation action".into()))
        .map_err(&fail)?;
    let status: RemediationStatus = super::exposure::parse_enum("status", &form.status).map_err(&fail)?;
    st.app
        .set_remediation_status(&page.actor, id, action, RemediationUpdate { status })
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/technology-assessments/{id}#plan-h")).into_response())
}
