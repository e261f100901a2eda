//! Recovery metrics (time to detect, contain and recover, grouped and with a trend, as JSON and
//! CSV), and the times recorded for each organisation in an exercise run.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::recovery::{RecoveryQuery, RecoveryReport};
use ward_core::ExerciseId;
use ward_core::recovery::{ExerciseTimings, RecordedTimings};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiQuery, ApiResult};
use crate::state::AppState;

fn exercise_id(id: &str) -> Result<ExerciseId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

/// Time to detect, contain and recover over your footprint, from incidents and exercises,
/// grouped (`by`) with a trend (`period`); counts and sums beside medians and 90th percentiles.
#[utoipa::path(get, path = "/api/v1/recovery-metrics", tag = "incidents", params(RecoveryQuery),
    responses((status = 200, body = RecoveryReport), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody, description = "an organisation outside your footprint"),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn metrics(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RecoveryQuery>,
) -> ApiResult<Json<RecoveryReport>> {
    Ok(Json(s.app.recovery_metrics(&actor, &q).await?))
}

/// The same figures as CSV: a line per group, the total, then a line per period of the trend.
#[utoipa::path(get, path = "/api/v1/recovery-metrics/export", tag = "incidents", params(RecoveryQuery),
    responses((status = 200, body = String, content_type = "text/csv"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn export(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<RecoveryQuery>,
) -> ApiResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let report = s.app.recovery_metrics(&actor, &q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"recovery-metrics.csv\"",
            ),
        ],
        ward_app::recovery::recovery_csv(&report),
    )
        .into_response())
}

/// The times recorded in an exercise for its organisations in your footprint.
#[utoipa::path(get, path = "/api/v1/exercises/{id}/timings", tag = "exercises", params(("id" = String, Path)),
    responses((status = 200, body = Vec<RecordedTimings>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn timings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<RecordedTimings>>> {
    Ok(Json(s.app.exercise_timings(&actor, exercise_id(&id)?).await?))
}

/// Record (or replace) when, in scenario minutes, one organisation taking part detected,
/// contained and recovered; the exercise must have started.
#[utoipa::path(put, path = "/api/v1/exercises/{id}/timings", tag = "exercises", params(("id" = String, Path)),
    request_body = ExerciseTimings,
    responses((status = 200, body = RecordedTimings), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn record_timings(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ExerciseTimings>,
) -> ApiResult<Json<RecordedTimings>> {
    Ok(Json(
        s.app
            .record_exercise_timings(&actor, exercise_id(&id)?, b)
            .await?,
    ))
}
