//! Cyber alerts: issue (national and regional teams), list and read (footprint), and each
//! organisation's answers.

use axum::Json;
use axum::extract::{Path, State};
use ward_app::alerts::{AlertView, FigureRow, Issued, NewAlert};
use ward_core::alert::{Recipient, Response};
use ward_core::{AlertId, OrgId};
use ward_store::alerts::AlertSummary;

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;

fn alert_id(id: &str) -> Result<AlertId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("id", "not a valid identifier"))
}

fn org_id(id: &str) -> Result<OrgId, ApiError> {
    id.parse()
        .map_err(|_| ApiError::unprocessable("org", "not a valid identifier"))
}

/// The alerts in your footprint, newest first, with figures (targeted, acknowledged, overdue,
/// closed) over the organisations you may see.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "alerts",
    responses((status = 200, body = Vec<AlertSummary>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<AlertSummary>>> {
    Ok(Json(s.app.alerts(&actor).await?))
}

/// Issue an alert to the organisations exposed to its advisories (national: the sector;
/// regional: the region), plus any added by kind or area. An advisory Ward does not know is
/// refused, named.
#[utoipa::path(post, path = "/api/v1/alerts", tag = "alerts", request_body = NewAlert,
    responses((status = 200, body = Issued), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn issue(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(b): ApiJson<NewAlert>,
) -> ApiResult<Json<Issued>> {
    Ok(Json(s.app.issue_alert(&actor, b).await?))
}

/// One alert: the records and timeline of the organisations in your footprint.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "alerts", params(("id" = String, Path)),
    responses((status = 200, body = AlertView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
) -> ApiResult<Json<AlertView>> {
    Ok(Json(s.app.alert(&actor, alert_id(&id)?).await?))
}

/// Answer an alert for one organisation: `{"action": "acknowledge"}`,
/// `{"action": "applicability", "applicability": "not_affected", "reason": …, "justification": …}`,
/// `{"action": "update", "text": …}` or `{"action": "close", "reason": …}`.
#[utoipa::path(post, path = "/api/v1/alerts/{id}/orgs/{org}/responses", tag = "alerts",
    params(("id" = String, Path), ("org" = String, Path)), request_body = Response,
    responses((status = 200, body = Recipient), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn respond(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path((id, org)): Path<(String, String)>,
    ApiJson(b): ApiJson<Response>,
) -> ApiResult<Json<Recipient>> {
    Ok(Json(
        s.app
            .respond_to_alert(&actor, alert_id(&id)?, org_id(&org)?, b)
            .await?,
    ))
}

/// Response figures over your footprint: per organisation and for each ICB, region and the nation
/// above them, counts of records, acknowledged within 48 hours, time to applicability by band,
/// open records by age, overdue clocks and escalation steps (all counts, so they add up the tree).
#[utoipa::path(get, path = "/api/v1/alerts/figures", tag = "alerts",
    responses((status = 200, body = Vec<FigureRow>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn figures(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<Json<Vec<FigureRow>>> {
    Ok(Json(s.app.response_figures(&actor).await?))
}

/// The response figures as CSV, one line per row.
#[utoipa::path(get, path = "/api/v1/alerts/figures/export", tag = "alerts",
    responses((status = 200, body = String, content_type = "text/csv"),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn figures_export(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
) -> ApiResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let rows = s.app.response_figures(&actor).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"alert-response-figures.csv\"",
            ),
        ],
        ward_app::alerts::figures_csv(&rows),
    )
        .into_response())
}
