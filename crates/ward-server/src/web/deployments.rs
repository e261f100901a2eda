//! The response-team page: who is deployed where (organisation, incident, until when), who in the
//! pool is free, and deployments that have ended. Roles that deploy responders (national analysts,
//! regional leads in their region) deploy a free responder to an incident's organisation and end
//! a deployment early from here; a refused deployment comes back with the problem and the choices
//! kept.

use super::views::{Choice, Chrome, Section};
use super::{PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::deployments::{DeploymentView, NewDeployment};
use ward_app::incidents::IncidentQuery;
use ward_core::incident::IncidentStatus;

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%-d %b %Y %H:%M UTC").to_string()
}

struct DeploymentLine {
    id: String,
    responder: String,
    org: String,
    incident_id: String,
    incident: String,
    from: String,
    until: String,
    status: &'static str,
}

impl From<&DeploymentView> for DeploymentLine {
    fn from(v: &DeploymentView) -> Self {
        Self {
            id: v.deployment.id.to_string(),
            responder: v.responder_name.clone(),
            org: format!("{} ({})", v.org_name, v.org_code),
            incident_id: v.deployment.incident.to_string(),
            incident: v.incident_title.clone(),
            from: when(v.deployment.starts_at),
            until: when(v.access_ends),
            status: v.status_label,
        }
    }
}

#[derive(Template)]
#[template(path = "deployments.html")]
struct CapacityPage {
    chrome: Option<Chrome>,
    title: String,
    deployed: Vec<DeploymentLine>,
    free: Vec<String>,
    ended: Vec<DeploymentLine>,
    /// The deploy form, for roles that deploy: free responders and open incidents.
    may_deploy: bool,
    responders: Vec<Choice>,
    incidents: Vec<Choice>,
    days: String,
    max_days: i64,
    problem: Option<String>,
}

/// What the deploy form sends.
#[derive(Debug, Default, Deserialize)]
pub(super) struct DeployForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    responder: String,
    #[serde(default)]
    incident: String,
    #[serde(default)]
    days: String,
}

async fn page_with(s: &AppState, page: &Signed, form: &DeployForm, problem: Option<String>) -> PageResult {
    let c = s.app.capacity(&page.actor).await.map_err(page.fail())?;
    let may_deploy = page.may(Action::DeployResponders);
    let incidents = if may_deploy {
        s.app
            .incidents(&page.actor, &IncidentQuery::default())
            .await
            .map_err(page.fail())?
            .into_iter()
            .filter(|i| i.incident.details.status != IncidentStatus::Closed)
            .map(|i| Choice {
                selected: form.incident == i.incident.id.to_string(),
                value: i.incident.id.to_string(),
                label: format!("{} ({}, {})", i.incident.details.title, i.org_name, i.org_code),
            })
            .collect()
    } else {
        Vec::new()
    };
    let view = CapacityPage {
        chrome: chrome_at(page, Section::Deployments),
        title: "Response teams".into(),
        deployed: c.deployed.iter().map(DeploymentLine::from).collect(),
        responders: c
            .free
            .iter()
            .map(|f| Choice {
                selected: form.responder == f.user.to_string(),
                value: f.user.to_string(),
                label: f.display_name.clone(),
            })
            .collect(),
        free: c.free.into_iter().map(|f| f.display_name).collect(),
        ended: c.ended.iter().map(DeploymentLine::from).collect(),
        may_deploy,
        incidents,
        days: if form.days.is_empty() {
            "14".into()
        } else {
            form.days.clone()
        },
        max_days: s.app.settings().responder_max_days,
        problem: problem.clone(),
    };
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(status, &view))
}

/// `GET /deployments`.
pub(super) async fn capacity(State(s): State<AppState>, page: Signed) -> PageResult {
    page_with(&s, &page, &DeployForm::default(), None).await
}

/// The words for a refusal shown beside the form (a refusal of the role is an error page).
fn problem_of(e: &AppError) -> Option<String> {
    match e {
        AppError::Invalid(problems) => Some(
            problems
                .iter()
                .map(|p| p.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        AppError::Conflict(m) => Some(m.clone()),
        AppError::NotFound(what) => Some(format!("That {what} is not one you can deploy to.")),
        _ => None,
    }
}

/// `POST /deployments`: deploy a free responder to an incident's organisation for some days.
pub(super) async fn deploy(
    State(s): State<AppState>,
    page: Signed,
    WebForm(f): WebForm<DeployForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    if !page.may(Action::DeployResponders) {
        return Err(page.fail()(AppError::forbidden(
            "your role does not deploy responders",
        )));
    }
    let parsed = (|| {
        let responder = f
            .responder
            .parse()
            .map_err(|_| "Choose a responder from the free pool.".to_owned())?;
        let incident = f
            .incident
            .parse()
            .map_err(|_| "Choose the incident they are sent for.".to_owned())?;
        let days: i64 = f
            .days
            .trim()
            .parse()
            .ok()
            .filter(|d| *d >= 1)
            .ok_or_else(|| "Give the number of days, 1 or more.".to_owned())?;
        Ok::<_, String>((responder, incident, days))
    })();
    let (responder, incident, days) = match parsed {
        Ok(v) => v,
        Err(problem) => return page_with(&s, &page, &f, Some(problem)).await,
    };
    let ends_at = s
        .app
        .now()
        .checked_add(jiff::SignedDuration::from_hours(24 * days))
        .unwrap_or(jiff::Timestamp::MAX);
    let new = NewDeployment {
        responder,
        starts_at: None,
        ends_at,
    };
    match s.app.deploy_responder(&page.actor, incident, new).await {
        Ok(_) => Ok(Redirect::to("/deployments").into_response()),
        Err(e) => match problem_of(&e) {
            Some(problem) => page_with(&s, &page, &f, Some(problem)).await,
            None => Err(page.fail()(e)),
        },
    }
}

/// What the end button sends.
#[derive(Debug, Deserialize)]
pub(super) struct EndForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /deployments/{id}/end`: end a deployment now (the responder's access ends with it).
pub(super) async fn end(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<EndForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let fail = page.fail();
    let id = id
        .parse()
        .map_err(|_| fail(AppError::NotFound("deployment".into())))?;
    s.app.end_deployment(&page.actor, id).await.map_err(&fail)?;
    Ok(Redirect::to("/deployments").into_response())
}
