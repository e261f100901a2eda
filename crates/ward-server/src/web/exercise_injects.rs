//! A participant's own injects: `/exercises/{id}/my-injects` lists the injects released to the
//! role the signed-in person plays (the expected action once the exercise is completed) with
//! their responses, and a form to respond to each while the exercise runs; through the same use
//! cases as `GET /api/v1/exercises/{id}/my-injects` and
//! `POST /api/v1/exercises/{id}/my-injects/{number}/responses`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::exercise_injects::ResponseInput;
use ward_core::ExerciseId;

use super::views::{Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%-d %b %Y %H:%M UTC").to_string()
}

struct ResponseLine {
    at: String,
    text: String,
}

struct MyInjectLine {
    number: u32,
    offset: String,
    text: String,
    released: String,
    expected: Option<String>,
    responses: Vec<ResponseLine>,
}

#[derive(Template)]
#[template(path = "exercise_injects.html")]
struct MyInjectsPage {
    chrome: Option<Chrome>,
    title: String,
    id: String,
    exercise_title: String,
    role: &'static str,
    status: &'static str,
    may_respond: bool,
    injects: Vec<MyInjectLine>,
}

fn exercise_id(s: &Signed, id: &str) -> Result<ExerciseId, PageError> {
    id.parse().map_err(|_| PageError::not_found(&s.chrome))
}

/// `GET /exercises/{id}/my-injects`.
pub(super) async fn page(State(st): State<AppState>, s: Signed, Path(id): Path<String>) -> PageResult {
    let id = exercise_id(&s, &id)?;
    let mine = st.app.my_injects(&s.actor, id).await.map_err(s.fail())?;
    let view = MyInjectsPage {
        chrome: chrome_at(&s, Section::Exercises),
        title: format!("Your injects: {}", mine.view.exercise.title),
        id: id.to_string(),
        exercise_title: mine.view.exercise.title.clone(),
        role: mine.role.label(),
        status: mine.view.exercise.status.label(),
        may_respond: mine.may_respond,
        injects: mine
            .injects
            .iter()
            .map(|i| MyInjectLine {
                number: i.number,
                offset: format!("+{} min", i.offset_minutes),
                text: i.text.clone(),
                released: when(i.released_at),
                expected: i.expected.clone(),
                responses: i
                    .responses
                    .iter()
                    .map(|r| ResponseLine {
                        at: when(r.entry.at),
                        text: r.entry.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ResponseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// `POST /exercises/{id}/my-injects/{number}/responses`.
pub(super) async fn respond(
    State(st): State<AppState>,
    s: Signed,
    Path((id, number)): Path<(String, String)>,
    WebForm(f): WebForm<ResponseForm>,
) -> PageResult {
    s.check_csrf(&st, &f.csrf)?;
    let id = exercise_id(&s, &id)?;
    let number: u32 = number.parse().map_err(|_| PageError::not_found(&s.chrome))?;
    st.app
        .respond_to_inject(&s.actor, id, number, ResponseInput { text: f.text })
        .await
        .map_err(s.fail())?;
    Ok(Redirect::to(&format!("/exercises/{id}/my-injects#inject-{number}")).into_response())
}
