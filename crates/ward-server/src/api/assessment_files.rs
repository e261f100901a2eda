//! Files of evidence kept with an assessment: upload (the raw file as the body), list, download
//! and remove.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::assurance::files::NewEvidenceFile;
use ward_core::assurance::attachment::EvidenceFile;
use ward_core::{AssessmentId, EvidenceFileId};

use crate::auth::{ApiActor, ApiUploader, UploadGate};
use crate::error::{ApiError, ApiQuery, ApiResult};
use crate::state::AppState;

/// Uploads of evidence files.
#[derive(Debug)]
pub struct EvidenceUpload;
impl UploadGate for EvidenceUpload {
    const ACTION: ward_app::authz::Action = ward_app::authz::Action::WriteAssessments;
}

fn ids(assessment: &str, file: Option<&str>) -> Result<(AssessmentId, Option<EvidenceFileId>), ApiError> {
    let a = assessment
        .parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))?;
    let f = file
        .map(|f| {
            f.parse()
                .map_err(|_| ApiError::unprocessable("file", "not a valid identifier"))
        })
        .transpose()?;
    Ok((a, f))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name (its extension names its kind: pdf, png, jpg, txt, csv, docx, xlsx).
    pub name: String,
    /// The contributing outcome it supports (`A1.a`); none for the assessment as a whole.
    pub outcome: Option<String>,
}

/// Keep a file of evidence with an assessment (its answerers, while a draft or submitted). The
/// body is the file itself, at most 10 MiB; its name and first bytes must agree on a kind Ward keeps.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/files", tag = "assurance",
    params(("id" = String, Path), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = EvidenceFile), (status = 422, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn upload(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<EvidenceUpload>,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Bytes,
) -> ApiResult<Json<EvidenceFile>> {
    let (assessment, _) = ids(&id, None)?;
    let new = NewEvidenceFile {
        assessment,
        outcome: q.outcome,
        file_name: q.name,
        content: body.to_vec(),
    };
    Ok(Json(s.app.add_evidence_file(&actor, new).await?))
}

/// The files kept with an assessment.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/files", tag = "assurance",
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<EvidenceFile>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<EvidenceFile>>> {
    let (assessment, _) = ids(&id, None)?;
    Ok(Json(s.app.evidence_files(&actor, assessment).await?))
}

/// One file, as a download with the content type of its checked kind (never shown inline).
#[utoipa::path(get, path = "/api/v1/assessments/{id}/files/{file}", tag = "assurance",
    params(("id" = String, Path), ("file" = String, Path)),
    responses((status = 200, body = Vec<u8>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn download(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, file)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (assessment, Some(file)) = ids(&id, Some(&file))? else {
        return Err(ApiError::unprocessable("file", "not a valid identifier"));
    };
    let (f, content) = s.app.evidence_file(&actor, assessment, file).await?;
    Ok((
        [
            (header::CONTENT_TYPE, f.kind.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, attachment(&f.file_name)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        content,
    )
        .into_response())
}

/// Remove a file (its answerers, while the assessment is a draft or submitted).
#[utoipa::path(delete, path = "/api/v1/assessments/{id}/files/{file}", tag = "assurance",
    params(("id" = String, Path), ("file" = String, Path)),
    responses((status = 200, body = EvidenceFile), (status = 409, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, file)): Path<(String, String)>,
) -> ApiResult<Json<EvidenceFile>> {
    let (assessment, Some(file)) = ids(&id, Some(&file))? else {
        return Err(ApiError::unprocessable("file", "not a valid identifier"));
    };
    Ok(Json(s.app.remove_evidence_file(&actor, assessment, file).await?))
}

/// `attachment` with the name twice: an ASCII stand-in, and the exact name percent-encoded
/// (RFC 6266 and RFC 8187).
pub(crate) fn attachment(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn attachment_names_are_safe_in_a_header() {
        assert_eq!(
            super::attachment("Board minutes.pdf"),
            "attachment; filename=\"Board minutes.pdf\"; filename*=UTF-8''Board%20minutes.pdf"
        );
        let h = super::attachment("Bericht-Übersicht\".pdf");
        assert!(
            h.starts_with("attachment; filename=\"Bericht-_bersicht_.pdf\""),
            "{h}"
        );
        assert!(h.contains("%C3%9C"), "{h}");
    }
}
