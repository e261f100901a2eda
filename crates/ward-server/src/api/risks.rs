//! Risk registers: list, read, record, edit, approve an acceptance, raise from an exposure, the
//! roll-up into ICBs, regions and the nation, and the vocabulary.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::risks::{NewRisk, NewVocabularyEntry, RaiseFromExposure, RiskQuery, RiskRollup, RiskView};
use ward_core::RiskId;
use ward_core::risk::register::RiskDetails;
use ward_core::risk::vocabulary::{Vocabulary, VocabularyEntry};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

fn risk_id(id: &str) -> Result<RiskId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// The risks in your footprint, highest current score first.
#[utoipa::path(get, path = "/api/v1/risks", tag = "risks", params(RiskQuery),
    responses((status = 200, body = Vec<RiskView>), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "an organisation outside your footprint")))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RiskQuery>,
) -> ApiResult<Json<Vec<RiskView>>> {
    Ok(Json(s.app.risks(&actor, &q).await?))
}

/// Record a risk for an organisation in your footprint.
#[utoipa::path(post, path = "/api/v1/risks", tag = "risks", request_body = NewRisk,
    responses((status = 200, body = RiskView), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewRisk>,
) -> ApiResult<Json<RiskView>> {
    Ok(Json(s.app.create_risk(&actor, b).await?))
}

/// One risk.
#[utoipa::path(get, path = "/api/v1/risks/{id}", tag = "risks", params(("id" = String, Path)),
    responses((status = 200, body = RiskView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<RiskView>> {
    Ok(Json(s.app.risk(&actor, risk_id(&id)?).await?))
}

/// Replace a risk's details.
#[utoipa::path(put, path = "/api/v1/risks/{id}", tag = "risks", params(("id" = String, Path)),
    request_body = RiskDetails,
    responses((status = 200, body = RiskView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RiskDetails>,
) -> ApiResult<Json<RiskView>> {
    Ok(Json(s.app.update_risk(&actor, risk_id(&id)?, b).await?))
}

/// Approve a risk's acceptance: organisation admins, never the risk's own owner.
#[utoipa::path(post, path = "/api/v1/risks/{id}/approve", tag = "risks", params(("id" = String, Path)),
    responses((status = 200, body = RiskView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody, description = "not accepted, already approved, or you own it")))]
pub async fn approve(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<RiskView>> {
    Ok(Json(s.app.approve_risk(&actor, risk_id(&id)?).await?))
}

/// Raise a risk from an exposure (an advisory on an asset), pre-filled and linked.
#[utoipa::path(post, path = "/api/v1/risks/from-exposure", tag = "risks", request_body = RaiseFromExposure,
    responses((status = 200, body = RiskView), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn raise_from_exposure(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<RaiseFromExposure>,
) -> ApiResult<Json<RiskView>> {
    Ok(Json(s.app.raise_risk_from_exposure(&actor, b).await?))
}

/// Risks by current grade per organisation, and rolled up into ICBs, regions and the nation
/// (your footprint only).
#[utoipa::path(get, path = "/api/v1/risks/rollup", tag = "risks",
    responses((status = 200, body = RiskRollup), (status = 403, body = crate::error::ErrorBody)))]
pub async fn rollup(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<RiskRollup>> {
    Ok(Json(s.app.risk_rollup(&actor).await?))
}

/// The risk vocabulary: sources, events and consequences (built in and added nationally).
#[utoipa::path(get, path = "/api/v1/risks/vocabulary", tag = "risks",
    responses((status = 200, body = Vocabulary), (status = 403, body = crate::error::ErrorBody)))]
pub async fn vocabulary(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<Vocabulary>> {
    Ok(Json(s.app.risk_vocabulary(&actor).await?))
}

/// Add a vocabulary entry (national roles).
#[utoipa::path(post, path = "/api/v1/risks/vocabulary", tag = "risks", request_body = NewVocabularyEntry,
    responses((status = 200, body = VocabularyEntry), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_vocabulary(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewVocabularyEntry>,
) -> ApiResult<Json<VocabularyEntry>> {
    Ok(Json(s.app.add_risk_vocabulary(&actor, b).await?))
}

/// The quantitative view: a seeded FAIR-style Monte Carlo (PERT estimates of loss events per year
/// and of loss per event) giving the loss exceedance curve. Same inputs and seed, same answer.
#[utoipa::path(post, path = "/api/v1/risks/quantify", tag = "risks",
    request_body(content = Object, description = "frequency and magnitude as {min, mode, max}, trials, seed"),
    responses((status = 200, description = "the loss exceedance curve"), (status = 422, body = crate::error::ErrorBody)))]
pub async fn quantify(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<ward_app::risks::FairInputs>,
) -> ApiResult<Json<ward_app::risks::LossExceedance>> {
    Ok(Json(s.app.quantify_risk(&actor, b).await?))
}
