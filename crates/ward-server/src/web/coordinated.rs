//! Sector-wide incident pages: the coordinated incidents a person sees (with the form to open one
//! for those who coordinate), and the situation view: the organisations and services affected,
//! each local incident's status and reporting clocks (overdue flagged), and the shared timeline,
//! cut to the person's footprint; coordinators link incidents and write the timeline here.

use std::collections::HashMap;

use super::incident_form::{TypedForm, timeline_from_form};
use super::incidents::IncidentLine;
use super::views::{Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::coordinated::{AffectedOrg, LinkIncident, Situation};
use ward_core::CoordinatedIncidentId;
use ward_core::coordinated::{CoordinatedIncident, CoordinatedInput};
use ward_core::local_time::show as when;

#[derive(Template)]
#[template(path = "coordinated.html")]
struct ListPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<(String, String, String)>,
    can_coordinate: bool,
    form: TypedForm,
}

fn list_page(s: &Signed, found: &[CoordinatedIncident], form: TypedForm, status: StatusCode) -> PageResult {
    let view = ListPage {
        chrome: chrome_at(s, Section::Incidents),
        title: "Sector-wide incidents".into(),
        rows: found
            .iter()
            .map(|c| (c.id.to_string(), c.title.clone(), when(c.created_at)))
            .collect(),
        can_coordinate: s.may(Action::CoordinateIncidents),
        form,
    };
    Ok(render(status, &view))
}

/// `GET /coordinated`.
pub(super) async fn list(State(st): State<AppState>, s: Signed) -> PageResult {
    let found = st.app.coordinated_incidents(&s.actor).await.map_err(s.fail())?;
    list_page(&s, &found, TypedForm::default(), StatusCode::OK)
}

fn take_csrf(f: &mut HashMap<String, String>) -> String {
    f.remove("csrf").unwrap_or_default()
}

/// `POST /coordinated`: open a coordinated incident for the person's own organisation.
pub(super) async fn create(
    State(st): State<AppState>,
    s: Signed,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let mut form = TypedForm::from_sent(f);
    let input = CoordinatedInput {
        title: form.value("title").to_owned(),
        summary: form.value("summary").to_owned(),
        area: None,
    };
    match st.app.coordinate_incident(&s.actor, input).await {
        Ok(c) => Ok(Redirect::to(&format!("/coordinated/{}", c.id)).into_response()),
        Err(AppError::Invalid(problems)) => {
            problems.iter().for_each(|p| form.add_problem(p));
            let found = st.app.coordinated_incidents(&s.actor).await.map_err(s.fail())?;
            list_page(&s, &found, form, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(PageError::new(Some(&s.chrome), e)),
    }
}

struct EntryLine {
    at: String,
    author: String,
    text: String,
}

#[derive(Template)]
#[template(path = "situation.html")]
struct SituationPage {
    chrome: Option<Chrome>,
    title: String,
    summary: String,
    area: String,
    organisations: Vec<AffectedOrg>,
    services: usize,
    rows: Vec<IncidentLine>,
    timeline: Vec<EntryLine>,
    coordinates: bool,
    id: String,
    form: TypedForm,
}

fn situation_page(s: &Signed, v: Situation, form: TypedForm, status: StatusCode) -> PageResult {
    let view = SituationPage {
        chrome: chrome_at(s, Section::Incidents),
        title: v.coordinated.title.clone(),
        summary: v.coordinated.summary.clone(),
        area: format!("{} ({})", v.area_name, v.area_code),
        services: v.services,
        rows: v.incidents.iter().map(IncidentLine::from).collect(),
        timeline: v
            .timeline
            .iter()
            .map(|t| EntryLine {
                at: t.local.clone(),
                author: t.author_name.clone().unwrap_or_else(|| "Someone".to_owned()),
                text: t.entry.text.clone(),
            })
            .collect(),
        coordinates: v.coordinates,
        id: v.coordinated.id.to_string(),
        organisations: v.organisations,
        form,
    };
    Ok(render(status, &view))
}

fn coordinated_id(s: &Signed, id: &str) -> Result<CoordinatedIncidentId, PageError> {
    id.parse()
        .map_err(|_| AppError::NotFound("coordinated incident".into()))
        .map_err(s.fail())
}

/// `GET /coordinated/{id}`: the situation view.
pub(super) async fn situation(State(st): State<AppState>, s: Signed, Path(id): Path<String>) -> PageResult {
    let id = coordinated_id(&s, &id)?;
    let v = st.app.situation(&s.actor, id).await.map_err(s.fail())?;
    situation_page(&s, v, TypedForm::default(), StatusCode::OK)
}

/// `POST /coordinated/{id}/incidents`: link a local incident (by its identifier).
pub(super) async fn link(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = coordinated_id(&s, &id)?;
    let mut form = TypedForm::from_sent(f);
    let refused = match form.value("incident").trim().parse() {
        Ok(incident) => match st
            .app
            .link_to_coordinated(&s.actor, id, LinkIncident { incident })
            .await
        {
            Ok(_) => return Ok(Redirect::to(&format!("/coordinated/{id}")).into_response()),
            Err(AppError::NotFound(what)) if what == "incident" => {
                "No such incident in your footprint.".to_owned()
            }
            Err(e) => return Err(PageError::new(Some(&s.chrome), e)),
        },
        Err(_) => "Give the local incident's identifier.".to_owned(),
    };
    form.general.push(refused);
    let v = st.app.situation(&s.actor, id).await.map_err(s.fail())?;
    situation_page(&s, v, form, StatusCode::UNPROCESSABLE_ENTITY)
}

/// `POST /coordinated/{id}/timeline`: add to the shared timeline (London time, or with an offset).
pub(super) async fn add_entry(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = coordinated_id(&s, &id)?;
    let mut form = TypedForm::from_sent(f);
    if let Some(input) = timeline_from_form(&mut form) {
        match st.app.add_shared_entry(&s.actor, id, input).await {
            Ok(_) => return Ok(Redirect::to(&format!("/coordinated/{id}#timeline-h")).into_response()),
            Err(AppError::Invalid(problems)) => problems.iter().for_each(|p| form.add_problem(p)),
            Err(e) => return Err(PageError::new(Some(&s.chrome), e)),
        }
    }
    let v = st.app.situation(&s.actor, id).await.map_err(s.fail())?;
    situation_page(&s, v, form, StatusCode::UNPROCESSABLE_ENTITY)
}
