//! Signing in and out: the password form, the second-factor challenge and enrolment, the
//! organisation switcher.
//!
//! The sign-in form has no session yet, so its CSRF token is a double-submit cookie: a random value
//! set on GET, echoed in a hidden field, and compared on POST. Every later form carries the
//! session's own CSRF token, checked before anything else.

use super::views::Chrome;
use super::{ClientAddr, PageError, Signed, WebForm, error_page, render};
use crate::auth::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE, WebSession};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use serde::Deserialize;
use ward_app::AppError;
use ward_app::accounts::{NextStep, SessionView, secrets};
use ward_core::GrantId;

/// The one message for every failed sign-in, so nobody learns which e-mail addresses have accounts.
pub(super) const LOGIN_FAILED: &str = "E-mail or password not recognised.";
const FORM_EXPIRED: &str = "The sign-in form had expired. Please enter your details again.";
const THROTTLED: &str = "There have been too many sign-in attempts. Wait a few minutes, then try again.";
const CODES_THROTTLED: &str =
    "There have been too many attempts at a code. Wait a few minutes, then try the newest code.";
const WRONG_CODE: &str =
    "That code is not right. Check that the time on your phone is correct and type the newest code.";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Option<Chrome>,
    title: String,
    csrf: String,
    message: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "mfa.html")]
struct MfaPage {
    chrome: Option<Chrome>,
    title: String,
    csrf: String,
    message: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "enrol.html")]
struct EnrolPage {
    chrome: Option<Chrome>,
    title: String,
    csrf: String,
    message: Option<&'static str>,
    secret_groups: Vec<String>,
    uri: String,
    /// A `data:` URI holding the QR code as SVG.
    qr: Option<String>,
}

/// The sign-in form fields. Not `Debug`: it holds a password.
#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// A form that only carries the session CSRF token (sign out).
#[derive(Debug, Deserialize)]
pub(super) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// A six-digit code from an authenticator app.
#[derive(Debug, Deserialize)]
pub(super) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// The organisation switcher.
#[derive(Debug, Deserialize)]
pub(super) struct SwitchForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    grant: String,
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

fn login_page(status: StatusCode, csrf: &str, message: Option<&'static str>) -> Response {
    let page = LoginPage {
        chrome: None,
        title: "Sign in".into(),
        csrf: csrf.to_owned(),
        message,
    };
    render(status, &page)
}

/// A sign-in form with a fresh double-submit token (and its cookie).
fn fresh_login(state: &AppState, status: StatusCode, message: Option<&'static str>) -> Response {
    match secrets::random_token() {
        Ok(token) => with_cookie(
            login_page(status, &token, message),
            &auth::set_cookie(LOGIN_CSRF_COOKIE, &token, state.settings.secure_cookies, None),
        ),
        Err(e) => error_page(&e.into()),
    }
}

/// `GET /login`.
pub(super) async fn form(State(s): State<AppState>) -> Response {
    fresh_login(&s, StatusCode::OK, None)
}

/// `POST /login`.
pub(super) async fn submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    ClientAddr(client): ClientAddr,
    WebForm(f): WebForm<LoginForm>,
) -> Response {
    let sent = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if sent.is_empty() || !secrets::same(&sent, &f.csrf) {
        return fresh_login(&s, StatusCode::FORBIDDEN, Some(FORM_EXPIRED));
    }
    let secure = s.settings.secure_cookies;
    match s.app.login(&f.email, &f.password, &client).await {
        Ok(new) => {
            let to = match new.next {
                NextStep::Done => "/",
                NextStep::MfaChallenge => "/mfa",
                NextStep::MfaEnrol => "/mfa/enrol",
            };
            let res = with_cookie(
                Redirect::to(to).into_response(),
                &auth::set_cookie(SESSION_COOKIE, &new.cookie, secure, None),
            );
            with_cookie(res, &auth::clear_cookie(LOGIN_CSRF_COOKIE, secure))
        }
        // Same page for unknown e-mail, wrong password, locked and disabled accounts; the token the
        // browser already holds is reused so nothing in the page differs between them.
        Err(AppError::Unauthenticated) => login_page(StatusCode::OK, &sent, Some(LOGIN_FAILED)),
        Err(AppError::Throttled) => login_page(StatusCode::TOO_MANY_REQUESTS, &sent, Some(THROTTLED)),
        Err(e) => error_page(&e.into()),
    }
}

fn mfa_page(view: &SessionView, status: StatusCode, message: Option<&'static str>) -> Response {
    let page = MfaPage {
        chrome: None,
        title: "Security code".into(),
        csrf: view.session.csrf_token.clone(),
        message,
    };
    render(status, &page)
}

/// Where a session that is not waiting for a code belongs.
fn settled(view: &SessionView) -> Option<Response> {
    if !view.session.mfa_pending {
        return Some(Redirect::to("/").into_response());
    }
    None
}

fn csrf_refused(e: AppError) -> Response {
    error_page(&super::csrf_error(e))
}

/// `GET /mfa`: the second-factor challenge.
pub(super) async fn mfa_form(WebSession(view): WebSession) -> Response {
    if let Some(r) = settled(&view) {
        return r;
    }
    if view.user.totp_secret.is_none() {
        return Redirect::to("/mfa/enrol").into_response();
    }
    mfa_page(&view, StatusCode::OK, None)
}

/// `POST /mfa`.
pub(super) async fn mfa_submit(
    State(s): State<AppState>,
    WebSession(view): WebSession,
    WebForm(f): WebForm<CodeForm>,
) -> Response {
    if let Err(e) = s.app.check_csrf(&view, &f.csrf) {
        return csrf_refused(e);
    }
    if let Some(r) = settled(&view) {
        return r;
    }
    let secure = s.settings.secure_cookies;
    match s.app.verify_mfa(&view, &f.code).await {
        Ok(cookie) => with_cookie(
            Redirect::to("/").into_response(),
            &auth::set_cookie(SESSION_COOKIE, &cookie, secure, None),
        ),
        Err(AppError::Invalid(_)) => mfa_page(&view, StatusCode::OK, Some(WRONG_CODE)),
        Err(AppError::Throttled) => mfa_page(&view, StatusCode::TOO_MANY_REQUESTS, Some(CODES_THROTTLED)),
        // Too many wrong codes: the account is locked and its sessions are gone.
        Err(AppError::Unauthenticated) => with_cookie(
            Redirect::to("/login").into_response(),
            &auth::clear_cookie(SESSION_COOKIE, secure),
        ),
        Err(e) => error_page(&e.into()),
    }
}

/// Split a base32 secret into groups of four for reading aloud or typing.
fn groups_of_four(secret: &str) -> Vec<String> {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// The otpauth URI as an SVG QR code in a `data:` URI, or None if it does not fit in a QR code.
fn qr_data_uri(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Some(format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    ))
}

async fn enrol_page(
    s: &AppState,
    view: &SessionView,
    status: StatusCode,
    message: Option<&'static str>,
) -> Response {
    match s.app.begin_mfa_enrolment(view).await {
        Ok((secret, uri)) => {
            let page = EnrolPage {
                chrome: None,
                title: "Set up your security code".into(),
                csrf: view.session.csrf_token.clone(),
                message,
                secret_groups: groups_of_four(&secret),
                qr: qr_data_uri(&uri),
                uri,
            };
            render(status, &page)
        }
        Err(AppError::Conflict(_)) => {
            Redirect::to(if view.session.mfa_pending { "/mfa" } else { "/" }).into_response()
        }
        Err(e) => error_page(&e.into()),
    }
}

/// `GET /mfa/enrol`: a new secret to add to an authenticator app.
pub(super) async fn enrol_form(State(s): State<AppState>, WebSession(view): WebSession) -> Response {
    enrol_page(&s, &view, StatusCode::OK, None).await
}

/// `POST /mfa/enrol`: confirm with a first code.
pub(super) async fn enrol_submit(
    State(s): State<AppState>,
    WebSession(view): WebSession,
    WebForm(f): WebForm<CodeForm>,
) -> Response {
    if let Err(e) = s.app.check_csrf(&view, &f.csrf) {
        return csrf_refused(e);
    }
    let secure = s.settings.secure_cookies;
    match s.app.confirm_mfa_enrolment(&view, &f.code).await {
        Ok(cookie) => with_cookie(
            Redirect::to("/").into_response(),
            &auth::set_cookie(SESSION_COOKIE, &cookie, secure, None),
        ),
        Err(AppError::Invalid(_)) => enrol_page(&s, &view, StatusCode::OK, Some(WRONG_CODE)).await,
        Err(AppError::Throttled) => {
            enrol_page(&s, &view, StatusCode::TOO_MANY_REQUESTS, Some(CODES_THROTTLED)).await
        }
        Err(AppError::Conflict(_)) => Redirect::to("/mfa/enrol").into_response(),
        Err(e) => error_page(&e.into()),
    }
}

/// `POST /logout`.
pub(super) async fn logout(
    State(s): State<AppState>,
    WebSession(view): WebSession,
    WebForm(f): WebForm<CsrfForm>,
) -> Response {
    if let Err(e) = s.app.check_csrf(&view, &f.csrf) {
        return csrf_refused(e);
    }
    let secure = s.settings.secure_cookies;
    match s.app.logout(&view).await {
        Ok(()) => with_cookie(
            Redirect::to("/login").into_response(),
            &auth::clear_cookie(SESSION_COOKIE, secure),
        ),
        Err(e) => error_page(&e.into()),
    }
}

/// `POST /switch`: act under another of the person's roles.
pub(super) async fn switch(
    State(s): State<AppState>,
    page: Signed,
    WebForm(f): WebForm<SwitchForm>,
) -> Response {
    if let Err(e) = page.check_csrf(&s, &f.csrf) {
        return e.into_response();
    }
    let Ok(grant) = f.grant.parse::<GrantId>() else {
        return PageError::not_found(&page.chrome).into_response();
    };
    match s.app.switch_grant(&page.view, grant).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(e) => page.fail()(e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_grouped_in_fours() {
        assert_eq!(groups_of_four("ABCDEFGHIJ"), vec!["ABCD", "EFGH", "IJ"]);
    }

    #[test]
    fn qr_codes_are_svg_data_uris() {
        let uri = "otpauth://totp/Ward:a%40b.example?secret=ABCDEFGHIJKLMNOP&issuer=Ward";
        let q = qr_data_uri(uri).unwrap();
        assert!(q.starts_with("data:image/svg+xml;base64,"));
        let svg = base64::engine::general_purpose::STANDARD
            .decode(&q["data:image/svg+xml;base64,".len()..])
            .unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg") && !svg.contains("style="));
    }
}
