//! The board pack of one organisation: the page (`/orgs/{org}/board-pack`, the organisation by
//! identifier or ODS code) and its PDF (`/orgs/{org}/board-pack.pdf`), both drawn from the one
//! `board_pack::view::PackView`. The PDF is made off the async workers, under the cap on heavy
//! requests and the deadline, as exports are.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::views::{Chrome, Section, encode};
use super::{PageResult, Signed, chrome_at, render};
use crate::board_pack::view::PackView;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "board_pack.html")]
struct BoardPackPage {
    chrome: Option<Chrome>,
    title: String,
    /// The organisation as the addresses name it (its ODS code).
    org_ref: String,
    v: PackView,
}

/// `GET /orgs/{org}/board-pack`.
pub(super) async fn page(State(s): State<AppState>, page: Signed, Path(org): Path<String>) -> PageResult {
    let fail = page.fail();
    let pack = s.app.board_pack_of(&page.actor, &org).await.map_err(&fail)?;
    let v = PackView::of(&pack);
    let view = BoardPackPage {
        chrome: chrome_at(&page, Section::Assurance),
        title: format!("Board pack: {}", pack.org.name),
        org_ref: encode(&pack.org.code),
        v,
    };
    Ok(render(StatusCode::OK, &view))
}

/// `GET /orgs/{org}/board-pack.pdf`.
pub(super) async fn pdf(State(s): State<AppState>, page: Signed, Path(org): Path<String>) -> PageResult {
    let fail = page.fail();
    let permit = s.app.heavy_permit().map_err(&fail)?;
    let pack = s.app.board_pack_of(&page.actor, &org).await.map_err(&fail)?;
    let name = crate::board_pack::file_name(&pack);
    let bytes = s
        .app
        .parse_off_workers(&permit, "board pack", move |_| {
            Ok(crate::board_pack::pdf_bytes(&pack))
        })
        .await
        .map_err(&fail)?;
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
