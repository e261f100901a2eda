//! Organisations and the hierarchy.

use crate::auth::{ApiActor, ApiUploader, OrgsUpload};
use crate::error::{ApiError, ApiQuery, ApiResult};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Deserialize;
use ward_app::imports::ImportSummary;
use ward_app::imports::orgs::OrgFormat;
use ward_app::inventory::OrgDetail;
use ward_core::OrgId;
use ward_core::org::{OrgKind, Organisation};
use ward_store::{OrgFilter, Page, PageRequest};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OrgQuery {
    /// Part of the name or code.
    pub q: Option<String>,
    pub kind: Option<OrgKind>,
    /// Only direct children of this organisation.
    pub parent: Option<OrgId>,
    #[serde(default)]
    pub include_closed: bool,
    #[serde(default)]
    pub offset: u64,
    pub limit: Option<u32>,
}

pub fn page(offset: u64, limit: Option<u32>) -> PageRequest {
    PageRequest {
        offset,
        limit: limit.unwrap_or(50),
    }
}

/// Organisations in your footprint.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations", params(OrgQuery),
    responses((status = 200, body = Page<Organisation>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Page<Organisation>>> {
    let f = OrgFilter {
        text: q.q,
        kind: q.kind,
        parent: q.parent,
        include_closed: q.include_closed,
    };
    Ok(Json(s.app.list_orgs(&actor, &f, page(q.offset, q.limit)).await?))
}

/// One organisation with its place in the hierarchy and an overview of its inventory.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "organisations", params(("id" = String, Path)),
    responses((status = 200, body = OrgDetail), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<OrgDetail>> {
    let id: OrgId = id
        .parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))?;
    Ok(Json(s.app.org_detail(&actor, id).await?))
}

/// The organisation you are acting for.
#[utoipa::path(get, path = "/api/v1/me/org", tag = "organisations",
    responses((status = 200, body = OrgDetail), (status = 401, body = crate::error::ErrorBody)))]
pub async fn mine(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<OrgDetail>> {
    Ok(Json(s.app.home(&actor).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `ods-trusts`, `ods-gp`, `csv` or `json`.
    pub format: String,
    /// File name, used in error messages.
    pub file: Option<String>,
}

/// Import organisations from a file in the request body (all or nothing).
#[utoipa::path(post, path = "/api/v1/orgs/import", tag = "organisations", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportSummary), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody, description = "busy (Retry-After) or the parse deadline passed")))]
pub async fn import(
    State(s): State<AppState>,
    ApiUploader(actor, _): ApiUploader<OrgsUpload>,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<Json<ImportSummary>> {
    let format: OrgFormat = q.format.parse()?;
    let file = q.file.unwrap_or_else(|| "upload".to_owned());
    // Refused before parsing when the caller may not import at all (see the app function).
    Ok(Json(s.app.import_orgs_file(&actor, format, &file, body).await?))
}
