//! Importing organisations and assets from a file. All or nothing: a file with any problem is
//! refused whole, and the page lists every problem with its place in the file.

use super::views::{Chrome, Section, thousands};
use super::{PageError, PageResult, Signed, chrome_at, render};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::http::StatusCode;
use ward_app::authz::{Action, authorise};
use ward_app::imports::ImportSummary;
use ward_app::imports::{assets, orgs};
use ward_app::{AppError, FieldProblem};

/// What happened to an uploaded file.
#[derive(Debug, Clone)]
struct Outcome {
    /// "organisations" or "assets".
    what: &'static str,
    file: String,
    /// Set when the file was imported.
    summary: Option<Vec<(&'static str, String)>>,
    problems: Vec<FieldProblem>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Option<Chrome>,
    title: String,
    role_label: &'static str,
    can_orgs: bool,
    can_assets: bool,
    outcome: Option<Outcome>,
    /// Which form was sent last, to keep its format selected.
    last_format: String,
}

fn import_page(page: &Signed, outcome: Option<Outcome>, last_format: String) -> ImportPage {
    ImportPage {
        chrome: chrome_at(page, Section::Import),
        title: "Import".into(),
        role_label: page.actor.role.label(),
        can_orgs: page.may(Action::ImportOrgs),
        can_assets: page.may(Action::WriteInventory),
        outcome,
        last_format,
    }
}

/// `GET /import`.
pub(super) async fn form(page: Signed) -> PageResult {
    Ok(render(StatusCode::OK, &import_page(&page, None, String::new())))
}

pub(super) fn upload_error(chrome: &Chrome, e: &MultipartError) -> PageError {
    let err = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the file is too large",
        )
    } else {
        ApiError::bad_request("the upload could not be read; choose the file and send it again")
    };
    PageError::new(Some(chrome), err)
}

/// A file name safe to show: the last path component, at most 100 characters.
pub(super) fn file_label(raw: Option<&str>) -> String {
    let base = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("").trim();
    let name: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    if name.is_empty() {
        "upload".to_owned()
    } else {
        name
    }
}

/// What an upload imports: the form's `what` (`orgs` or `assets`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString)]
#[strum(serialize_all = "lowercase")]
enum Target {
    Orgs,
    Assets,
}

/// The fields of the import form after the CSRF token.
#[derive(Debug, Default)]
struct Upload {
    what: String,
    format: String,
    file: String,
    bytes: Vec<u8>,
}

/// `POST /import` (multipart: `csrf` first, then `what`, `format` and `file`).
pub(super) async fn submit(
    State(s): State<AppState>,
    page: Signed,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let chrome = &page.chrome;
    let mut mp = multipart.map_err(|_| {
        PageError::new(
            Some(chrome),
            ApiError::bad_request("send the file from the import page"),
        )
    })?;
    // The CSRF token comes first and is checked before anything else is read.
    let token = match mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        Some(f) if f.name() == Some("csrf") => f.text().await.map_err(|e| upload_error(chrome, &e))?,
        _ => String::new(),
    };
    page.check_csrf(&s, &token)?;
    // Refuse before the file is read: a role that may import nothing never makes the server buffer it.
    if !page.may(Action::ImportOrgs) && !page.may(Action::WriteInventory) {
        return Err(page.fail()(AppError::forbidden(
            "your role does not allow imports",
        )));
    }

    let mut up = Upload::default();
    while let Some(f) = mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        match f.name().unwrap_or("") {
            "what" => up.what = f.text().await.map_err(|e| upload_error(chrome, &e))?,
            "format" => up.format = f.text().await.map_err(|e| upload_error(chrome, &e))?,
            "file" => {
                up.file = file_label(f.file_name());
                up.bytes = f.bytes().await.map_err(|e| upload_error(chrome, &e))?.to_vec();
            }
            _ => {}
        }
    }
    let Ok(target) = up.what.parse::<Target>() else {
        return Err(PageError::new(
            Some(chrome),
            ApiError::bad_request("choose what to import"),
        ));
    };
    let what = match target {
        Target::Orgs => "organisations",
        Target::Assets => "assets",
    };
    let bytes = std::mem::take(&mut up.bytes);
    let result = if bytes.is_empty() {
        Err(AppError::invalid(
            "file",
            "Choose a file to import. The file you sent was empty.",
        ))
    } else {
        match target {
            Target::Orgs => import_orgs(&s, &page, &up, bytes).await,
            Target::Assets => import_assets(&s, &page, &up, bytes).await,
        }
    };
    let (status, outcome) = match result {
        Ok(sum) => (
            StatusCode::OK,
            Outcome {
                what,
                file: up.file,
                summary: Some(summary_rows(&sum)),
                problems: vec![],
            },
        ),
        Err(AppError::Invalid(problems)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome {
                what,
                file: up.file,
                summary: None,
                problems,
            },
        ),
        Err(e) => return Err(page.fail()(e)),
    };
    Ok(render(status, &import_page(&page, Some(outcome), up.format)))
}

async fn import_orgs(
    s: &AppState,
    page: &Signed,
    up: &Upload,
    bytes: Vec<u8>,
) -> Result<ImportSummary, AppError> {
    // The role is checked before the file is read (in the app function, and here before the
    // format, so that a refused role learns nothing about the form).
    authorise(&page.actor, Action::ImportOrgs, s.app.now())?;
    let format: orgs::OrgFormat = up.format.parse()?;
    s.app.import_orgs_file(&page.actor, format, &up.file, bytes).await
}

async fn import_assets(
    s: &AppState,
    page: &Signed,
    up: &Upload,
    bytes: Vec<u8>,
) -> Result<ImportSummary, AppError> {
    authorise(&page.actor, Action::WriteInventory, s.app.now())?;
    let format: assets::AssetFormat = up.format.parse()?;
    s.app
        .import_assets_file(&page.actor, format, &up.file, bytes)
        .await
}

fn summary_rows(s: &ImportSummary) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("Records read", thousands(s.records)),
        ("Added", thousands(s.inserted)),
        ("Updated", thousands(s.updated)),
        ("Already up to date", thousands(s.unchanged)),
    ];
    if s.placeholders > 0 {
        rows.push((
            "Parent organisations added as placeholders",
            thousands(s.placeholders),
        ));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_labels_drop_paths_and_control_characters() {
        assert_eq!(file_label(Some("C:\\Users\\me\\assets.csv")), "assets.csv");
        assert_eq!(file_label(Some("../../etc/x\u{7}.csv")), "x.csv");
        assert_eq!(file_label(None), "upload");
        assert_eq!(file_label(Some("")), "upload");
    }
}
