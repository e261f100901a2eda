//! Technology assessments: organisations ask for them and keep their remediation plans; the
//! national team triages, assesses, records findings and closes; regional leads read their
//! region's.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::tech_assessments::{
    NewFinding, NewRemediationAction, RemediationUpdate, TechAssessmentLine, TechAssessmentQuery,
    TechAssessmentView,
};
use ward_core::tech_assessment::{StatusChange, TechRequestInput};
use ward_core::{RemediationActionId, TechAssessmentId};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

fn request_id(id: &str) -> Result<TechAssessmentId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// The requests in your footprint, newest first.
#[utoipa::path(get, path = "/api/v1/technology-assessments", tag = "technology-assessments",
    params(TechAssessmentQuery),
    responses((status = 200, body = Vec<TechAssessmentLine>), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<TechAssessmentQuery>,
) -> ApiResult<Json<Vec<TechAssessmentLine>>> {
    Ok(Json(s.app.tech_assessments(&actor, &q).await?))
}

/// Ask the national service to assess a technology for your organisation.
#[utoipa::path(post, path = "/api/v1/technology-assessments", tag = "technology-assessments",
    request_body = TechRequestInput,
    responses((status = 200, body = TechAssessmentView), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "an organisation outside your footprint"),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn request(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<TechRequestInput>,
) -> ApiResult<Json<TechAssessmentView>> {
    Ok(Json(s.app.request_tech_assessment(&actor, b).await?))
}

/// One request with its findings and remediation plan.
#[utoipa::path(get, path = "/api/v1/technology-assessments/{id}", tag = "technology-assessments",
    params(("id" = String, Path)),
    responses((status = 200, body = TechAssessmentView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<TechAssessmentView>> {
    Ok(Json(s.app.tech_assessment(&actor, request_id(&id)?).await?))
}

/// Move a request on (the national team): triage, decline, assess, report findings, close.
#[utoipa::path(post, path = "/api/v1/technology-assessments/{id}/status", tag = "technology-assessments",
    params(("id" = String, Path)), request_body = StatusChange,
    responses((status = 200, body = TechAssessmentView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "not a move allowed from the request's status"),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn status(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<StatusChange>,
) -> ApiResult<Json<TechAssessmentView>> {
    Ok(Json(
        s.app
            .change_tech_assessment_status(&actor, request_id(&id)?, b)
            .await?,
    ))
}

/// Record a finding, as an exposure or as a risk in the organisation's register (the national
/// team, while the request is in assessment).
#[utoipa::path(post, path = "/api/v1/technology-assessments/{id}/findings", tag = "technology-assessments",
    params(("id" = String, Path)), request_body = NewFinding,
    responses((status = 200, body = TechAssessmentView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_finding(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewFinding>,
) -> ApiResult<Json<TechAssessmentView>> {
    Ok(Json(
        s.app.record_tech_finding(&actor, request_id(&id)?, b).await?,
    ))
}

/// Add an action to the remediation plan (the organisation or the national team, once findings
/// are reported).
#[utoipa::path(post, path = "/api/v1/technology-assessments/{id}/actions", tag = "technology-assessments",
    params(("id" = String, Path)), request_body = NewRemediationAction,
    responses((status = 200, body = TechAssessmentView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_action(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<NewRemediationAction>,
) -> ApiResult<Json<TechAssessmentView>> {
    Ok(Json(
        s.app.add_remediation_action(&actor, request_id(&id)?, b).await?,
    ))
}

/// Mark a remediation action open or done.
#[utoipa::path(put, path = "/api/v1/technology-assessments/{id}/actions/{action}", tag = "technology-assessments",
    params(("id" = String, Path), ("action" = String, Path)), request_body = RemediationUpdate,
    responses((status = 200, body = TechAssessmentView), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn set_action(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, action)): Path<(String, String)>,
    ApiJson(b): ApiJson<RemediationUpdate>,
) -> ApiResult<Json<TechAssessmentView>> {
    let action: RemediationActionId = action
        .parse()
        .map_err(|_| ApiError::unprocessable("action", "not a valid identifier"))?;
    Ok(Json(
        s.app
            .set_remediation_status(&actor, request_id(&id)?, action, b)
            .await?,
    ))
}
