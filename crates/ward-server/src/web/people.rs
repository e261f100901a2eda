//! The people page: one organisation's training completion per role and required course, its
//! board members accountable for cyber security, the training upload (admins), the roll-up to
//! ICB, region and nation for the areas the reader sees, and the requirements each role holds
//! (which the national team changes here). Every form posts back with the CSRF token.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::authz::Action;
use ward_app::people::{RequirementInput, TrainingFigures};
use ward_app::{AppError, FieldProblem};
use ward_core::training::{NewBoardMember, StaffRole};
use ward_core::{BoardMemberId, OrgId};

use super::import::{file_label, upload_error};
use super::views::{Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, chrome_at, render};
use crate::error::ApiError;
use crate::state::AppState;

/// One line of a figures table.
struct FigureLine {
    role: &'static str,
    course: String,
    people: u64,
    current: u64,
    percent: u64,
    overdue: u64,
    missing: u64,
}

fn lines(f: &TrainingFigures) -> Vec<FigureLine> {
    f.courses
        .iter()
        .map(|c| FigureLine {
            role: c.role.label(),
            course: c.title.clone(),
            people: c.people,
            current: c.current,
            percent: c.percent_current(),
            overdue: c.overdue,
            missing: c.missing,
        })
        .collect()
}

struct AreaBlock {
    name: String,
    code: String,
    lines: Vec<FigureLine>,
}

struct BoardLine {
    id: String,
    name: String,
    board_role: String,
}

struct RequirementLine {
    role: &'static str,
    course: String,
    title: String,
}

struct Choice {
    value: &'static str,
    label: &'static str,
}

/// What the last upload did.
struct UploadOutcome {
    file: String,
    summary: Option<String>,
    problems: Vec<FieldProblem>,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    chrome: Option<Chrome>,
    title: String,
    org_code: String,
    org_name: String,
    since: String,
    figures: Vec<FigureLine>,
    board: Vec<BoardLine>,
    areas: Vec<AreaBlock>,
    requirements: Vec<RequirementLine>,
    may_write: bool,
    may_set_requirements: bool,
    role_choices: Vec<Choice>,
    upload: Option<UploadOutcome>,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct PeopleQuery {
    #[serde(default)]
    org: String,
}

/// The organisation a people page is about: `code` when given, else the acting organisation.
async fn org_of(s: &AppState, page: &Signed, code: &str) -> Result<(OrgId, String, String), PageError> {
    let fail = page.fail();
    let code = code.trim();
    let org = if code.is_empty() {
        s.app
            .store()
            .get_org(&ward_store::Scope::All, page.actor.org)
            .await
            .map_err(|e| fail(e.into()))?
    } else {
        s.app.org_by_code(&page.actor, code).await.map_err(&fail)?
    };
    Ok((org.id, org.code.as_str().to_owned(), org.name))
}

async fn people_page(
    s: &AppState,
    page: &Signed,
    code: &str,
    upload: Option<UploadOutcome>,
) -> Result<PeoplePage, PageError> {
    let fail = page.fail();
    let (org, org_code, org_name) = org_of(s, page, code).await?;
    let figures = s.app.training_completion(&page.actor, org).await.map_err(&fail)?;
    let board = s.app.board_members(&page.actor, org).await.map_err(&fail)?;
    let rollup = s.app.training_rollup(&page.actor).await.map_err(&fail)?;
    let requirements = s.app.training_requirements(&page.actor).await.map_err(&fail)?;
    Ok(PeoplePage {
        chrome: chrome_at(page, Section::People),
        title: format!("People: {org_name}"),
        org_code,
        org_name,
        since: figures.current_since.strftime("%-d %B %Y").to_string(),
        figures: lines(&figures),
        board: board
            .into_iter()
            .map(|m| BoardLine {
                id: m.id.to_string(),
                name: m.name,
                board_role: m.board_role,
            })
            .collect(),
        areas: rollup
            .areas
            .iter()
            .map(|a| AreaBlock {
                name: a.org.name.clone(),
                code: a.org.code.clone(),
                lines: lines(a),
            })
            .collect(),
        requirements: requirements
            .into_iter()
            .map(|r| RequirementLine {
                role: r.role.label(),
                course: r.course.to_string(),
                title: r.title,
            })
            .collect(),
        may_write: page.may(Action::WritePeople),
        may_set_requirements: page.may(Action::ManageTrainingRequirements),
        role_choices: StaffRole::iter()
            .map(|r| Choice {
                value: r.as_str(),
                label: r.label(),
            })
            .collect(),
        upload,
    })
}

/// `GET /people[?org=CODE]`.
pub(super) async fn people(
    State(s): State<AppState>,
    page: Signed,
    Query(q): Query<PeopleQuery>,
) -> PageResult {
    let view = people_page(&s, &page, &q.org, None).await?;
    Ok(render(StatusCode::OK, &view))
}

/// `POST /people/training?org=CODE` (multipart: `csrf` first, then `file`): replace the
/// organisation's training record; a refused file is listed problem by problem, nothing stored.
pub(super) async fn upload(
    State(s): State<AppState>,
    page: Signed,
    Query(q): Query<PeopleQuery>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let chrome = &page.chrome;
    let mut mp = multipart.map_err(|_| {
        PageError::new(
            Some(chrome),
            ApiError::bad_request("send the file from the people page"),
        )
    })?;
    let token = match mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        Some(f) if f.name() == Some("csrf") => f.text().await.map_err(|e| upload_error(chrome, &e))?,
        _ => String::new(),
    };
    page.check_csrf(&s, &token)?;
    // Refused before the file is read.
    if !page.may(Action::WritePeople) {
        return Err(page.fail()(AppError::forbidden(
            "your role does not keep training records",
        )));
    }
    let (org, ..) = org_of(&s, &page, &q.org).await?;
    let (mut file, mut bytes) = (String::new(), Vec::new());
    while let Some(f) = mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        if f.name() == Some("file") {
            file = file_label(f.file_name());
            bytes = f.bytes().await.map_err(|e| upload_error(chrome, &e))?.to_vec();
        }
    }
    let result = if bytes.is_empty() {
        Err(AppError::invalid(
            "file",
            "Choose a CSV file. The file you sent was empty.",
        ))
    } else {
        s.app.import_training_file(&page.actor, org, &file, bytes).await
    };
    let (status, outcome) = match result {
        Ok(done) => (
            StatusCode::OK,
            UploadOutcome {
                file,
                summary: Some(format!(
                    "{} rows read: {} people in roles, {} completions. This is now the organisation's training record.",
                    done.rows, done.people, done.completions
                )),
                problems: vec![],
            },
        ),
        Err(AppError::Invalid(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            UploadOutcome {
                file,
                summary: None,
                problems,
            },
        ),
        Err(e) => return Err(page.fail()(e)),
    };
    let view = people_page(&s, &page, &q.org, Some(outcome)).await?;
    Ok(render(status, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct BoardForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    board_role: String,
}

fn back_to(code: &str) -> axum::response::Response {
    let code: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    Redirect::to(&format!("/people?org={code}")).into_response()
}

/// `POST /people/board`: name a board member.
pub(super) async fn add_board_member(
    State(s): State<AppState>,
    page: Signed,
    WebForm(f): WebForm<BoardForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let (org, code, _) = org_of(&s, &page, &f.org).await?;
    s.app
        .add_board_member(
            &page.actor,
            NewBoardMember {
                org,
                name: f.name,
                board_role: f.board_role,
            },
        )
        .await
        .map_err(page.fail())?;
    Ok(back_to(&code))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RemoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    org: String,
}

/// `POST /people/board/{id}/remove`.
pub(super) async fn remove_board_member(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<RemoveForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let id: BoardMemberId = id
        .parse()
        .map_err(|_| page.fail()(AppError::NotFound("board member".into())))?;
    s.app
        .remove_board_member(&page.actor, id)
        .await
        .map_err(page.fail())?;
    Ok(back_to(&f.org))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RequirementForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    course: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    withdraw: Option<String>,
}

/// `POST /people/requirements`: add, change or withdraw a requirement (national team).
pub(super) async fn set_requirement(
    State(s): State<AppState>,
    page: Signed,
    WebForm(f): WebForm<RequirementForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let fail = page.fail();
    let role: StaffRole = f
        .role
        .parse()
        .map_err(|_| fail(AppError::invalid("role", "choose a role")))?;
    s.app
        .put_training_requirement(
            &page.actor,
            RequirementInput {
                role,
                course: f.course,
                title: f.title,
                active: f.withdraw.is_none(),
            },
        )
        .await
        .map_err(&fail)?;
    Ok(Redirect::to("/people").into_response())
}
