//! Evidence files on the assessment page: the list with downloads, the upload form (multipart:
//! `csrf` first, then `outcome` and `file`) and removal.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::assurance::files::NewEvidenceFile;
use ward_app::authz::Action;
use ward_app::{App, AppError};
use ward_core::assurance::AssessmentStatus;
use ward_core::assurance::attachment::EvidenceFile;
use ward_core::{AssessmentId, EvidenceFileId};

use super::import::upload_error;
use super::{PageError, PageResult, Signed, WebForm};
use crate::error::ApiError;
use crate::state::AppState;

/// One kept file on the page.
pub(super) struct FileLine {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) kind: &'static str,
    pub(super) size: String,
    pub(super) outcome: String,
    pub(super) uploaded: String,
}

/// The evidence files section of the assessment page.
pub(super) struct FilesSection {
    pub(super) files: Vec<FileLine>,
    /// Whether the person may add and remove files now (an answerer, before sign-off).
    pub(super) may_edit: bool,
    /// The assessment's outcome codes, for the upload form's choice.
    pub(super) outcomes: Vec<String>,
}

fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b.div_ceil(1024)),
        b => format!("{b} bytes"),
    }
}

fn line(f: &EvidenceFile) -> FileLine {
    FileLine {
        id: f.id.to_string(),
        name: f.file_name.clone(),
        kind: f.kind.label(),
        size: size_text(f.size),
        outcome: f.outcome.clone().unwrap_or_default(),
        uploaded: f.uploaded_at.strftime("%-d %b %Y").to_string(),
    }
}

impl FilesSection {
    pub(super) async fn of(
        app: &App,
        page: &Signed,
        id: AssessmentId,
        status: AssessmentStatus,
        outcomes: Vec<String>,
    ) -> Result<Self, AppError> {
        let files = app.evidence_files(&page.actor, id).await?;
        Ok(Self {
            files: files.iter().map(line).collect(),
            may_edit: page.may(Action::WriteAssessments)
                && matches!(status, AssessmentStatus::Draft | AssessmentStatus::Submitted),
            outcomes,
        })
    }
}

fn ids(id: &str, file: Option<&str>) -> Result<(AssessmentId, Option<EvidenceFileId>), AppError> {
    let nf = || AppError::NotFound("assessment".into());
    let a = id.parse().map_err(|_| nf())?;
    let f = file.map(|f| f.parse().map_err(|_| nf())).transpose()?;
    Ok((a, f))
}

/// `POST /assessments/{id}/files`: keep a file of evidence with the assessment.
pub(super) async fn upload(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let chrome = &page.chrome;
    let mut mp = multipart.map_err(|_| {
        PageError::new(
            Some(chrome),
            ApiError::bad_request("send the file from the assessment page"),
        )
    })?;
    let token = match mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        Some(f) if f.name() == Some("csrf") => f.text().await.map_err(|e| upload_error(chrome, &e))?,
        _ => String::new(),
    };
    page.check_csrf(&s, &token)?;
    let fail = page.fail();
    // Refused before the file is read.
    if !page.may(Action::WriteAssessments) {
        return Err(fail(AppError::forbidden("your role does not answer assessments")));
    }
    let (assessment, _) = ids(&id, None).map_err(&fail)?;
    let (mut outcome, mut file_name, mut content) = (None, String::new(), Vec::new());
    while let Some(f) = mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        match f.name() {
            Some("outcome") => outcome = Some(f.text().await.map_err(|e| upload_error(chrome, &e))?),
            Some("file") => {
                file_name = f.file_name().unwrap_or_default().to_owned();
                content = f.bytes().await.map_err(|e| upload_error(chrome, &e))?.to_vec();
            }
            _ => {}
        }
    }
    let new = NewEvidenceFile {
        assessment,
        outcome,
        file_name,
        content,
    };
    s.app.add_evidence_file(&page.actor, new).await.map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{assessment}?done=file#files")).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct RemoveForm {
    csrf: String,
}

/// `POST /assessments/{id}/files/{file}/remove`.
pub(super) async fn remove(
    State(s): State<AppState>,
    page: Signed,
    Path((id, file)): Path<(String, String)>,
    WebForm(form): WebForm<RemoveForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let (assessment, file) = ids(&id, Some(&file)).map_err(&fail)?;
    let file = file.ok_or_else(|| fail(AppError::NotFound("evidence file".into())))?;
    s.app
        .remove_evidence_file(&page.actor, assessment, file)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{assessment}?done=file-removed#files")).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(super::size_text(900), "900 bytes");
        assert_eq!(super::size_text(1025), "2 KB");
        assert_eq!(super::size_text(3 * 1024 * 1024), "3.0 MB");
    }
}
