//! Incidents: list, record, read with the timeline and tasks, edit, add to the timeline, add tasks
//! and mark them done.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::incident_tasks::{TaskChange, TaskView};
use ward_app::incidents::{
    IncidentFigure, IncidentPage, IncidentQuery, IncidentView, NewIncident, TimelineView,
};
use ward_core::incident::{IncidentDetails, IncidentLinks, TimelineInput};
use ward_core::incident_task::TaskInput;
use ward_core::{IncidentId, IncidentTaskId};

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

/// Add a task to an incident: what is to be done, its owner (an account that may work on the
/// organisation's incidents) and the day it is due.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/tasks", tag = "incidents",
    params(("id" = String, Path)), request_body = TaskInput,
    responses((status = 200, body = TaskView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_task(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<TaskInput>,
) -> ApiResult<Json<TaskView>> {
    Ok(Json(s.app.add_incident_task(&actor, incident_id(&id)?, b).await?))
}

/// Change an incident's task: mark it done or open again, and or change its title, owner or due
/// day (each left out stays as it was).
#[utoipa::path(put, path = "/api/v1/incidents/{id}/tasks/{task}", tag = "incidents",
    params(("id" = String, Path), ("task" = String, Path)), request_body = TaskChange,
    responses((status = 200, body = TaskView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_task_done(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, task)): Path<(String, String)>,
    ApiJson(b): ApiJson<TaskChange>,
) -> ApiResult<Json<TaskView>> {
    let task: IncidentTaskId = task
        .parse()
        .map_err(|_| ApiError::unprocessable("task", "not a valid identifier"))?;
    Ok(Json(
        s.app
            .change_incident_task(&actor, incident_id(&id)?, task, b)
            .await?,
    ))
}

/// Replace what an incident is linked to: alerts sent to its organisation, exposures of its assets
/// (advisory and asset) and risks in its register. Another organisation's is not found (404).
#[utoipa::path(put, path = "/api/v1/incidents/{id}/links", tag = "incidents",
    params(("id" = String, Path)), request_body = IncidentLinks,
    responses((status = 200, body = IncidentLinks), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_links(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<IncidentLinks>,
) -> ApiResult<Json<IncidentLinks>> {
    Ok(Json(
        s.app.set_incident_links(&actor, incident_id(&id)?, b).await?,
    ))
}

/// The incidents in your footprint counted by organisation, status and NCSC category.
#[utoipa::path(get, path = "/api/v1/incidents/figures", tag = "incidents",
    responses((status = 200, body = Vec<IncidentFigure>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<IncidentFigure>>> {
    Ok(Json(s.app.incident_figures(&actor).await?))
}
