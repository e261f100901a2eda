//! The server-rendered web UI.

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub fn router(_import_limit: usize) -> Router<AppState> {
    Router::new()
}

pub fn error_page(e: &ApiError) -> Response {
    (e.status, Html(format!("<!doctype html><title>Ward</title><p>{}</p>", e.status))).into_response()
}

pub fn not_found_page() -> Response {
    (StatusCode::NOT_FOUND, Html("<!doctype html><title>Not found</title><p>Not found</p>")).into_response()
}
