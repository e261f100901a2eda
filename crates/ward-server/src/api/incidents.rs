//! Incidents: list, record, read with the timeline, edit, add to the timeline.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::incidents::{IncidentPage, IncidentQuery, IncidentView, NewIncident, TimelineView};
use ward_core::IncidentId;
use ward_core::incident::{IncidentDetails, TimelineInput};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

fn incident_id(id: &str) -> Result<IncidentId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// The incidents in your footprint, latest detection first, with their regulatory clocks now.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentQuery),
    responses((status = 200, body = Vec<IncidentView>), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "an organisation outside your footprint")))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<IncidentQuery>,
) -> ApiResult<Json<Vec<IncidentView>>> {
    Ok(Json(s.app.incidents(&actor, &q).await?))
}

/// Record an incident for an organisation in your footprint.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", request_body = NewIncident,
    responses((status = 200, body = IncidentView), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewIncident>,
) -> ApiResult<Json<IncidentView>> {
    Ok(Json(s.app.create_incident(&actor, b).await?))
}

/// One incident with its timeline.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path)),
    responses((status = 200, body = IncidentPage), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<IncidentPage>> {
    Ok(Json(s.app.incident(&actor, incident_id(&id)?).await?))
}

/// Replace an incident's details.
#[utoipa::path(put, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = String, Path)),
    request_body = IncidentDetails,
    responses((status = 200, body = IncidentView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<IncidentDetails>,
) -> ApiResult<Json<IncidentView>> {
    Ok(Json(s.app.update_incident(&actor, incident_id(&id)?, b).await?))
}

/// Add an entry to an incident's timeline (a time with its offset or zone, and what happened).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/timeline", tag = "incidents",
    params(("id" = String, Path)), request_body = TimelineInput,
    responses((status = 200, body = TimelineView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_timeline(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TimelineInput>,
) -> ApiResult<Json<TimelineView>> {
    Ok(Json(
        s.app.add_timeline_entry(&actor, incident_id(&id)?, b).await?,
    ))
}
