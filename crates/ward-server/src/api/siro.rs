//! The SIRO each organisation names, who alone signs its assessments off.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use ward_app::assurance::signoff::SiroCandidate;
use ward_core::assurance::signoff::Siro;
use ward_core::{OrgId, UserId};

use crate::auth::ApiActor;
use crate::error::{ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SiroQuery {
    /// The organisation.
    pub org: OrgId,
}

/// An organisation's named SIRO.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SiroBody {
    /// None until the organisation names one.
    pub siro: Option<Siro>,
}

/// Name an organisation's SIRO.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameSiro {
    pub org: OrgId,
    /// A person holding a current grant at the organisation that may sign assessments off.
    pub user: UserId,
}

/// The SIRO an organisation has named (anyone who reads its assessments).
#[utoipa::path(get, path = "/api/v1/siro", tag = "assurance", params(SiroQuery),
    responses((status = 200, body = SiroBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn siro(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SiroQuery>,
) -> ApiResult<Json<SiroBody>> {
    Ok(Json(SiroBody {
        siro: s.app.siro(&actor, q.org).await?,
    }))
}

/// Who could be named SIRO of an organisation (whoever manages its users).
#[utoipa::path(get, path = "/api/v1/siro/candidates", tag = "assurance", params(SiroQuery),
    responses((status = 200, body = Vec<SiroCandidate>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn candidates(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<SiroQuery>,
) -> ApiResult<Json<Vec<SiroCandidate>>> {
    Ok(Json(s.app.siro_candidates(&actor, q.org).await?))
}

/// Name an organisation's SIRO, replacing any earlier one (whoever manages its users).
#[utoipa::path(put, path = "/api/v1/siro", tag = "assurance", request_body = NameSiro,
    responses((status = 200, body = Siro), (status = 422, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn name(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NameSiro>,
) -> ApiResult<Json<Siro>> {
    Ok(Json(s.app.name_siro(&actor, b.org, b.user).await?))
}
