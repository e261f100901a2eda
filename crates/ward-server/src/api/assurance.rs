//! Assurance frameworks: list, read one version, load a file (national roles).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Deserialize;
use ward_app::assurance::FrameworkImported;
use ward_store::assurance::FrameworkSummary;

use crate::auth::{ApiActor, ApiUploader, FrameworksUpload};
use crate::error::{ApiQuery, ApiResult};
use crate::state::AppState;

/// Every loaded framework version.
#[utoipa::path(get, path = "/api/v1/frameworks", tag = "assurance",
    responses((status = 200, body = Vec<FrameworkSummary>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<FrameworkSummary>>> {
    Ok(Json(s.app.frameworks(&actor).await?))
}

/// One loaded framework version whole: objectives, principles, outcomes and indicators.
#[utoipa::path(get, path = "/api/v1/frameworks/{id}/{version}", tag = "assurance",
    params(("id" = String, Path), ("version" = String, Path)),
    responses((status = 200, description = "the framework"), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, version)): Path<(String, String)>,
) -> ApiResult<Json<ward_core::assurance::Framework>> {
    Ok(Json(s.app.framework(&actor, &id, &version).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FrameworkQuery {
    /// File name, used in messages (and for the version of a WebCAF file when `version` is absent).
    pub file: Option<String>,
    /// The framework's version, where the file does not say it.
    pub version: Option<String>,
}

/// Load a framework file (WebCAF or CISO Assistant YAML) from the request body. A broken file is
/// refused whole with every problem and its path.
#[utoipa::path(post, path = "/api/v1/frameworks", tag = "assurance", params(FrameworkQuery),
    request_body(content = String, content_type = "application/yaml"),
    responses((status = 200, body = FrameworkImported), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody, description = "busy (Retry-After) or the parse deadline passed")))]
pub async fn import(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<FrameworksUpload>,
    ApiQuery(q): ApiQuery<FrameworkQuery>,
    body: Bytes,
) -> ApiResult<Json<FrameworkImported>> {
    let file = q.file.unwrap_or_else(|| "upload.yaml".to_owned());
    Ok(Json(
        s.app
            .import_framework(&actor, &file, body.to_vec(), q.version)
            .await?,
    ))
}
