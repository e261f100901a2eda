//! Your own in-app notices and how you are told: `GET /api/v1/notices`, marking read, and the
//! notice preferences. Every route answers for the person behind the credential only; another
//! person's notice is not found.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::notices::{NoticeList, PreferencesChange};
use ward_core::NoticeId;
use ward_core::notice::{Notice, Preferences};

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;

/// Your notices, newest first (at most 200), with how many are unread.
#[utoipa::path(get, path = "/api/v1/notices", tag = "notices",
    responses((status = 200, body = NoticeList), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(State(s): State<AppState>, ApiActor(actor): ApiActor) -> ApiResult<Json<NoticeList>> {
    Ok(Json(s.app.notices(&actor).await?))
}

/// Mark one of your notices read. Anyone else's is not found.
#[utoipa::path(post, path = "/api/v1/notices/{id}/read", tag = "notices",
    params(("id" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = crate::error::ErrorBody)))]
pub async fn read(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<Notice>> {
    let id: NoticeId = id
        .parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))?;
    Ok(Json(s.app.mark_notice_read(&actor, id).await?))
}

/// Mark all your unread notices read; answers how many.
#[utoipa::path(post, path = "/api/v1/notices/read-all", tag = "notices",
    responses((status = 200, body = Object), (status = 401, body = crate::error::ErrorBody)))]
pub async fn read_all(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<serde_json::Value>> {
    let n = s.app.mark_all_notices_read(&actor).await?;
    Ok(Json(serde_json::json!({ "marked": n })))
}

/// How you are told, per topic (`alert_critical`, `alert_high`, `alert_medium`, `alert_low`,
/// `escalation`, `reminder`): `email` (straight away, the default), `digest` or `in_app`.
#[utoipa::path(get, path = "/api/v1/notices/preferences", tag = "notices",
    responses((status = 200, body = Preferences), (status = 401, body = crate::error::ErrorBody)))]
pub async fn preferences(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Preferences>> {
    Ok(Json(s.app.notice_preferences(&actor).await?))
}

/// Replace your preferences: topics not named go back to e-mail straight away.
#[utoipa::path(put, path = "/api/v1/notices/preferences", tag = "notices",
    request_body = PreferencesChange,
    responses((status = 200, body = Preferences), (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_preferences(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(change): ApiJson<PreferencesChange>,
) -> ApiResult<Json<Preferences>> {
    Ok(Json(s.app.set_notice_preferences(&actor, change).await?))
}
