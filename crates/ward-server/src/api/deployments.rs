//! Response teams: deploy a responder for an incident, end a deployment early, the capacity view.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::deployments::{Capacity, DeploymentView, NewDeployment};
use ward_core::{DeploymentId, IncidentId};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;

fn parse_id<T: std::str::FromStr>(id: &str) -> Result<T, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// Deploy a named responder to the incident's organisation until `ends_at` (national analysts;
/// regional leads within their region). Creates the responder's grant, expiring at the end.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/deployments", tag = "deployments",
    params(("id" = String, Path)), request_body = NewDeployment,
    responses((status = 200, body = DeploymentView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "an incident outside your footprint"),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn deploy(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewDeployment>,
) -> ApiResult<Json<DeploymentView>> {
    let id: IncidentId = parse_id(&id)?;
    Ok(Json(s.app.deploy_responder(&actor, id, b).await?))
}

/// Who is deployed where, who is free, and recently ended deployments, in your footprint.
#[utoipa::path(get, path = "/api/v1/deployments", tag = "deployments",
    responses((status = 200, body = Capacity), (status = 403, body = crate::error::ErrorBody)))]
pub async fn capacity(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<Capacity>> {
    Ok(Json(s.app.capacity(&actor).await?))
}

/// End a deployment now: the responder's grant expires at once.
#[utoipa::path(post, path = "/api/v1/deployments/{id}/end", tag = "deployments",
    params(("id" = String, Path)),
    responses((status = 200, body = DeploymentView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "already ended")))]
pub async fn end(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<DeploymentView>> {
    let id: DeploymentId = parse_id(&id)?;
    Ok(Json(s.app.end_deployment(&actor, id).await?))
}
