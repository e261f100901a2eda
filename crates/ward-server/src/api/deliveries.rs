//! Notification deliveries that gave up: listed (national team; organisation admins for their
//! organisation and those beneath it) and replayed.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::notify::DeadDeliveryView;
use ward_core::JobId;
use ward_core::job::DeadDelivery;

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The e-mail and webhook deliveries that gave up after their retries, for organisations in your
/// footprint, newest first.
#[utoipa::path(get, path = "/api/v1/deliveries/dead", tag = "alerts",
    responses((status = 200, body = Vec<DeadDeliveryView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<DeadDeliveryView>>> {
    Ok(Json(s.app.dead_deliveries(&actor).await?))
}

/// Queue a delivery that gave up again (a fresh job with its full allowance of attempts).
/// Refused with 409 when it was replayed already.
#[utoipa::path(post, path = "/api/v1/deliveries/dead/{job}/replay", tag = "alerts",
    params(("job" = String, Path)),
    responses((status = 200, body = DeadDelivery), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn replay(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(job): Path<String>,
) -> ApiResult<Json<DeadDelivery>> {
    let job: JobId = job
        .parse()
        .map_err(|_| ApiError::unprocessable("job", "not a valid identifier"))?;
    Ok(Json(s.app.replay_delivery(&actor, job).await?))
}
