//! The assurance roll-up: organisations by standing and outcome statuses per area beneath an ICB,
//! a region or the nation, as JSON or CSV.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::assurance::rollup::{AssuranceRollup, RollupQuery, rollup_csv};

use crate::auth::ApiActor;
use crate::error::{ApiQuery, ApiResult};
use crate::state::AppState;

/// How the roll-up is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RollupFormat {
    #[default]
    Json,
    Csv,
}

/// What to roll up; every field may be left out.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RollupParams {
    /// The scope organisation's ODS code (default: your widest scope).
    pub org: Option<String>,
    /// The framework (default `ncsc-caf`).
    pub framework: Option<String>,
    /// Its version (default `4.0`).
    pub version: Option<String>,
    /// `json` (default) or `csv`.
    #[param(value_type = Option<String>)]
    pub format: Option<RollupFormat>,
}

/// Organisations by standing (Exceeded, Met, Approaching, Not Met, no current assessment) and,
/// per contributing outcome, how many are achieved, partially achieved, not achieved and below
/// target: per child area of the scope organisation and in total, with the risk grades beside
/// them. Only organisations in your footprint count; one outside it is not found.
#[utoipa::path(get, path = "/api/v1/assurance/rollup", tag = "assurance", params(RollupParams),
    responses((status = 200, body = AssuranceRollup),
        (status = 200, body = String, content_type = "text/csv", description = "with format=csv"),
        (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "an organisation outside your footprint"),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn rollup(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(p): ApiQuery<RollupParams>,
) -> ApiResult<Response> {
    let q = RollupQuery {
        org: p.org,
        framework: p.framework,
        version: p.version,
    };
    let r = s.app.assurance_rollup(&actor, &q).await?;
    Ok(match p.format.unwrap_or_default() {
        RollupFormat::Json => axum::Json(r).into_response(),
        RollupFormat::Csv => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"assurance-rollup.csv\"",
                ),
            ],
            rollup_csv(&r),
        )
            .into_response(),
    })
}
