//! The board pack of one organisation, as JSON (the figures the page and PDF draw) or as the PDF.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::board_pack::BoardPack;

use crate::auth::ApiActor;
use crate::error::{ApiError, ApiQuery, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PackQuery {
    /// `json` (the default) or `pdf`.
    pub format: Option<String>,
}

/// One organisation's board pack (by identifier or ODS code): standing against the minimum
/// standard, outcomes below target, claims the facts disagree with, risks with the 5x5 counts,
/// exposures and alert response, training, accountable board members and the improvement plan.
/// With `format=pdf`, the A4 PDF. The organisation's own people, its ICB, region and the national
/// team, and auditors; any other organisation is not found.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/board-pack", tag = "assurance",
    params(("id" = String, Path), PackQuery),
    responses((status = 200, body = BoardPack), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn board_pack(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PackQuery>,
) -> ApiResult<Response> {
    let pdf = match q.format.as_deref() {
        None | Some("json") => false,
        Some("pdf") => true,
        Some(other) => {
            return Err(ApiError::unprocessable(
                "format",
                format!("'{other}' is not a board pack format (json, pdf)"),
            ));
        }
    };
    if !pdf {
        return Ok(axum::Json(s.app.board_pack_of(&actor, &id).await?).into_response());
    }
    let permit = s.app.heavy_permit()?;
    let pack = s.app.board_pack_of(&actor, &id).await?;
    let name = crate::board_pack::file_name(&pack);
    let bytes = s
        .app
        .parse_off_workers(&permit, "board pack", move |_| {
            Ok(crate::board_pack::pdf_bytes(&pack))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
