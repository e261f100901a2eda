//! Sector-wide incidents: open one, link local incidents under it, write its shared timeline,
//! and read the situation view (cut to the caller's footprint).

use axum::Json;
use axum::extract::{Path, State};
use ward_app::coordinated::{LinkIncident, SharedEntryView, Situation};
use ward_core::CoordinatedIncidentId;
use ward_core::coordinated::{CoordinatedIncident, CoordinatedInput};
use ward_core::incident::TimelineInput;

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;

fn coordinated_id(id: &str) -> Result<CoordinatedIncidentId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// The coordinated incidents you see (their area or any of their local incidents is in your
/// footprint), latest first.
#[utoipa::path(get, path = "/api/v1/coordinated-incidents", tag = "incidents",
    responses((status = 200, body = Vec<CoordinatedIncident>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<CoordinatedIncident>>> {
    Ok(Json(s.app.coordinated_incidents(&actor).await?))
}

/// Open a coordinated incident (the national team anywhere, a regional lead within its region).
#[utoipa::path(post, path = "/api/v1/coordinated-incidents", tag = "incidents", request_body = CoordinatedInput,
    responses((status = 200, body = CoordinatedIncident), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<CoordinatedInput>,
) -> ApiResult<Json<CoordinatedIncident>> {
    Ok(Json(s.app.coordinate_incident(&actor, b).await?))
}

/// The situation view: organisations and services affected, each local incident's status and
/// clocks, and the shared timeline, as far as your footprint reaches.
#[utoipa::path(get, path = "/api/v1/coordinated-incidents/{id}", tag = "incidents", params(("id" = String, Path)),
    responses((status = 200, body = Situation), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Situation>> {
    Ok(Json(s.app.situation(&actor, coordinated_id(&id)?).await?))
}

/// Link a local incident (inside your footprint) under a coordinated incident you coordinate.
#[utoipa::path(post, path = "/api/v1/coordinated-incidents/{id}/incidents", tag = "incidents",
    params(("id" = String, Path)), request_body = LinkIncident,
    responses((status = 200, body = Situation), (status = 404, body = crate::error::ErrorBody)))]
pub async fn link(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<LinkIncident>,
) -> ApiResult<Json<Situation>> {
    Ok(Json(
        s.app.link_to_coordinated(&actor, coordinated_id(&id)?, b).await?,
    ))
}

/// Add to a coordinated incident's shared timeline (a time with its offset or zone).
#[utoipa::path(post, path = "/api/v1/coordinated-incidents/{id}/timeline", tag = "incidents",
    params(("id" = String, Path)), request_body = TimelineInput,
    responses((status = 200, body = SharedEntryView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_timeline(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TimelineInput>,
) -> ApiResult<Json<SharedEntryView>> {
    Ok(Json(
        s.app.add_shared_entry(&actor, coordinated_id(&id)?, b).await?,
    ))
}
