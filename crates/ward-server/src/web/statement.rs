//! The statement form on its own page: an organisation says whether a vulnerability affects the
//! software on one of its assets. A refusal comes back on the same page with each problem beside
//! its field and everything typed kept.

use std::collections::BTreeMap;

use super::exposure::{optional_enum, parse_enum, vex_justifications, vex_statuses};
use super::views::{Choice, Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, WebQuery, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_app::exposure::statements::VexInput;
use ward_core::AssetId;
use ward_core::vuln::{Justification, VexStatus};

/// What the form holds: from the asset page's link, or as sent when it was refused.
#[derive(Debug, Default, Deserialize)]
pub(super) struct VexForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    vulnerability: String,
    #[serde(default)]
    purl: String,
    #[serde(default)]
    cpe: String,
    #[serde(default)]
    software: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    detail: String,
}

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementPage {
    chrome: Option<Chrome>,
    title: String,
    asset_id: String,
    asset_name: String,
    form: VexForm,
    statuses: Vec<Choice>,
    justifications: Vec<Choice>,
    /// Problems by field (`status`, `justification`, `detail`), and those of no field shown.
    problems: BTreeMap<String, String>,
    general: Vec<String>,
}

impl StatementPage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems.get(field).map(String::as_str)
    }
}

fn select(mut choices: Vec<Choice>, value: &str) -> Vec<Choice> {
    for c in &mut choices {
        c.selected = c.value == value;
    }
    choices
}

async fn page_for(
    s: &AppState,
    page: &Signed,
    asset_id: AssetId,
    form: VexForm,
    problems: Vec<(String, String)>,
) -> Result<StatementPage, PageError> {
    let asset = s.app.asset(&page.actor, asset_id).await.map_err(page.fail())?;
    let mut by_field = BTreeMap::new();
    let mut general = Vec::new();
    for (path, message) in problems {
        match path.as_str() {
            "status" | "justification" | "detail" => {
                by_field.insert(path, message);
            }
            _ => general.push(message),
        }
    }
    Ok(StatementPage {
        chrome: chrome_at(page, Section::Assets),
        title: format!("Statement on {}", form.vulnerability),
        asset_id: asset_id.to_string(),
        asset_name: asset.name,
        statuses: select(vex_statuses(), &form.status),
        justifications: select(vex_justifications(), &form.justification),
        form,
        problems: by_field,
        general,
    })
}

fn asset_id(id: &str, page: &Signed) -> Result<AssetId, PageError> {
    id.parse()
        .map_err(|_| PageError::new(Some(&page.chrome), AppError::NotFound("asset".into())))
}

/// `GET /assets/{id}/statement?vulnerability=..&purl=..&cpe=..&software=..`.
pub(super) async fn form(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<VexForm>,
) -> PageResult {
    let id = asset_id(&id, &page)?;
    if !page.may(ward_app::authz::Action::StateVex) {
        return Err(page.fail()(AppError::forbidden(
            "your role does not allow statements",
        )));
    }
    let view = page_for(&s, &page, id, q, Vec::new()).await?;
    Ok(render(StatusCode::OK, &view))
}

/// `POST /assets/{id}/vex`: record the statement, or show the form again with the problems.
pub(super) async fn state_vex(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<VexForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let asset_id = asset_id(&id, &page)?;
    let asset = s.app.asset(&page.actor, asset_id).await.map_err(&fail)?;
    let mut problems = Vec::new();
    let status: Option<VexStatus> = match parse_enum("status", &form.status) {
        Ok(v) => Some(v),
        Err(_) => {
            problems.push(("status".to_owned(), "Choose whether it affects you.".to_owned()));
            None
        }
    };
    let justification: Option<Justification> =
        optional_enum("justification", &form.justification).unwrap_or(None);
    let result = match status {
        Some(status) => {
            let input = VexInput {
                org: asset.org,
                vulnerability: form.vulnerability.clone(),
                purl: Some(form.purl.clone()).filter(|p| !p.trim().is_empty()),
                cpe: Some(form.cpe.clone()).filter(|c| !c.trim().is_empty()),
                status,
                justification,
                detail: Some(form.detail.clone()).filter(|d| !d.trim().is_empty()),
            };
            s.app.state_vex(&page.actor, &input).await.map(|_| ())
        }
        None => Ok(()),
    };
    match result {
        Ok(()) if problems.is_empty() => {
            Ok(Redirect::to(&format!("/assets/{asset_id}?done=statement#exposure-h")).into_response())
        }
        Ok(()) => {
            let view = page_for(&s, &page, asset_id, form, problems).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(AppError::Invalid(found)) => {
            problems.extend(found.into_iter().map(|p| (p.path, p.message)));
            let view = page_for(&s, &page, asset_id, form, problems).await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        Err(e) => Err(fail(e)),
    }
}
