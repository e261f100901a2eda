//! Turning a request into an authenticated caller. The checks themselves live in `ward-app`;
//! here we only find the credential (bearer token or session cookie) and the CSRF token.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use tower_http::request_id::RequestId;
use ward_app::accounts::SessionView;
use ward_app::{Actor, AppError};

pub const SESSION_COOKIE: &str = "ward_session";
pub const LOGIN_CSRF_COOKIE: &str = "ward_login_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure behind TLS.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    c
}

pub fn clear_cookie(name: &str, secure: bool) -> String {
    set_cookie(name, "", secure, Some(0))
}

pub fn request_id(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<RequestId>()
        .and_then(|r| r.header_value().to_str().ok())
        .map(str::to_owned)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// An authenticated API caller: a bearer token, or a browser session (which must send the
/// session's CSRF token in `X-CSRF-Token` on anything but GET/HEAD).
#[derive(Debug, Clone)]
pub struct ApiActor(pub Actor);

impl FromRequestParts<AppState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let rid = request_id(parts);
        if let Some(token) = bearer(&parts.headers) {
            return Ok(Self(state.app.actor_for_token(token, rid).await?));
        }
        let Some(c) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(AppError::Unauthenticated.into());
        };
        let view = state.app.session(&c).await?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            state.app.check_csrf(&view, sent)?;
        }
        Ok(Self(state.app.actor_for_session(&view, rid)?))
    }
}

/// A browser session, possibly still waiting for its second factor. Pages that need a full
/// sign-in use [`WebActor`].
#[derive(Debug, Clone)]
pub struct WebSession(pub SessionView);

/// Where a page sends a browser that is not signed in far enough.
#[derive(Debug)]
pub enum WebRedirect {
    Login,
    Mfa,
    Error(ApiError),
}

impl axum::response::IntoResponse for WebRedirect {
    fn into_response(self) -> axum::response::Response {
        match self {
            Self::Login => axum::response::Redirect::to("/login").into_response(),
            Self::Mfa => axum::response::Redirect::to("/mfa").into_response(),
            Self::Error(e) => crate::web::error_page(&e).into_response(),
        }
    }
}

impl FromRequestParts<AppState> for WebSession {
    type Rejection = WebRedirect;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(c) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(WebRedirect::Login);
        };
        match state.app.session(&c).await {
            Ok(v) => Ok(Self(v)),
            Err(AppError::Unauthenticated) => Err(WebRedirect::Login),
            Err(e) => Err(WebRedirect::Error(e.into())),
        }
    }
}

/// A fully signed-in browser user acting under their current grant.
#[derive(Debug, Clone)]
pub struct WebActor {
    pub view: SessionView,
    pub actor: Actor,
}

impl FromRequestParts<AppState> for WebActor {
    type Rejection = WebRedirect;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let WebSession(view) = WebSession::from_request_parts(parts, state).await?;
        if view.session.mfa_pending {
            return Err(WebRedirect::Mfa);
        }
        match state.app.actor_for_session(&view, request_id(parts)) {
            Ok(actor) => Ok(Self { view, actor }),
            Err(AppError::Unauthenticated) => Err(WebRedirect::Mfa),
            Err(e) => Err(WebRedirect::Error(e.into())),
        }
    }
}

/// The action an upload route needs, named by a marker type (see [`ApiUploader`]).
pub trait UploadGate: Send + Sync + 'static {
    const ACTION: ward_app::authz::Action;
}

/// Uploads of assets and SBOMs.
#[derive(Debug)]
pub struct InventoryUpload;
impl UploadGate for InventoryUpload {
    const ACTION: ward_app::authz::Action = ward_app::authz::Action::WriteInventory;
}

/// Uploads of organisation reference data.
#[derive(Debug)]
pub struct OrgsUpload;
impl UploadGate for OrgsUpload {
    const ACTION: ward_app::authz::Action = ward_app::authz::Action::ImportOrgs;
}

/// Uploads of assurance frameworks.
#[derive(Debug)]
pub struct FrameworksUpload;
impl UploadGate for FrameworksUpload {
    const ACTION: ward_app::authz::Action = ward_app::authz::Action::ImportFrameworks;
}

/// Uploads of suppliers' advisories (CSAF, CycloneDX VEX).
#[derive(Debug)]
pub struct SupplierAdvisoryUpload;
impl UploadGate for SupplierAdvisoryUpload {
    const ACTION: ward_app::authz::Action = ward_app::authz::Action::PublishSupplierAdvisories;
}

/// An API caller whose role may do the gate's action at all, checked from the request head before
/// the body is read: a caller who may not upload never makes the server buffer an upload. The use
/// case still decides on the target organisation.
#[derive(Debug, Clone)]
pub struct ApiUploader<G>(pub Actor, pub std::marker::PhantomData<G>);

impl<G: UploadGate> FromRequestParts<AppState> for ApiUploader<G> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let ApiActor(actor) = ApiActor::from_request_parts(parts, state).await?;
        ward_app::authz::authorise(&actor, G::ACTION, state.app.now())?;
        Ok(Self(actor, std::marker::PhantomData))
    }
}
