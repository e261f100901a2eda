//! The server-rendered web UI: plain HTML forms and links, no JavaScript needed, every style in
//! `/static/ward.css` (the CSP forbids inline script and style).
//!
//! Handlers are thin: an extractor establishes who is asking ([`Signed`] for signed-in pages,
//! [`WebSession`](crate::auth::WebSession) for the sign-in steps), the handler calls one use case in
//! `ward-app`, and an askama template renders the result. Errors become friendly pages through
//! [`PageError`].

mod admin;
mod advisories;
mod alert_figures;
mod alerts;
mod assessment_files;
mod assurance;
mod assurance_plan;
mod assurance_rollup;
mod assurance_siro;
mod board_pack;
pub(crate) mod charts;
mod coordinated;
mod deliveries;
mod deployments;
mod exercise_injects;
mod exercise_participants;
mod exercise_timings;
mod exercises;
mod exposure;
mod impact;
mod impact_picture;
mod import;
mod incident_form;
mod incident_links;
mod incident_picks;
mod incidents;
mod inventory;
mod login;
mod notices;
mod pages;
mod people;
mod products;
mod questionnaire;
mod recovery;
mod recovery_curve;
mod risk_form;
mod risks;
mod sent_form;
mod simulation;
mod simulation_file;
mod statement;
mod statics;
mod supplier_advisories;
mod suppliers;
mod tech_assessment_forms;
mod tech_assessments;
mod tech_request_form;
mod trend_chart;
pub mod views;

use crate::auth::{WebActor, WebRedirect};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use views::{Chrome, Section};
use ward_app::accounts::SessionView;
use ward_app::authz::{Action, scope_for};
use ward_app::{Actor, AppError};
use ward_store::PageRequest;

/// Every page of the web UI.
pub fn router(import_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route("/mfa", get(login::mfa_form).post(login::mfa_submit))
        .route("/mfa/enrol", get(login::enrol_form).post(login::enrol_submit))
        .route("/logout", post(login::logout))
        .route("/switch", post(login::switch))
        .route("/", get(pages::overview))
        .route("/orgs", get(pages::orgs))
        .route("/orgs/{id}", get(pages::org))
        .route("/orgs/{id}/board-pack", get(board_pack::page))
        .route("/orgs/{id}/board-pack.pdf", get(board_pack::pdf))
        .route("/services", get(inventory::services))
        .route("/assets", get(inventory::assets))
        .route("/assets/{id}", get(inventory::asset))
        .route("/assets/{id}/vex", post(statement::state_vex))
        .route("/assets/{id}/statement", get(statement::form))
        .route(
            "/assets/{id}/sbom",
            post(exposure::upload_sbom).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/exposures", get(exposure::exposures))
        .route("/impact", get(impact::impact))
        .route("/simulate", get(simulation::form))
        .route("/simulate/run", get(simulation::run))
        .route("/simulate/progress", get(simulation::progress))
        .route("/products", get(products::products).post(products::list_product))
        .route("/products/vex", post(products::state_vex))
        .route("/products/{id}/review", post(products::review))
        .route("/unsupported", get(exposure::unsupported))
        .route("/assurance", get(assurance::assurance))
        .route("/assessments", post(assurance::start))
        .route("/assessments/{id}", get(assurance::assessment))
        .route("/assessments/{id}/answers", post(assurance::answers))
        .route("/assessments/{id}/outcomes/{code}", post(assurance::note))
        .route("/assessments/{id}/status", post(assurance::move_to))
        .route("/assessments/{id}/siro", post(assurance_siro::name))
        .route(
            "/assessments/{id}/files",
            post(assessment_files::upload).layer(DefaultBodyLimit::max(
                ward_core::assurance::attachment::MAX_EVIDENCE_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/assessments/{id}/files/{file}/remove",
            post(assessment_files::remove),
        )
        .route("/assessments/{id}/plan/actions", post(assurance_plan::add_action))
        .route(
            "/assessments/{id}/plan/actions/{action}",
            post(assurance_plan::action_status),
        )
        .route("/assessments/{id}/plan/approve", post(assurance_plan::approve))
        .route("/assurance/disagreements", get(assurance_plan::disagreements))
        .route("/advisories", get(advisories::advisories))
        .route("/alerts", get(alerts::alerts).post(alerts::issue))
        .route("/alerts/figures", get(alert_figures::figures))
        .route("/alerts/{id}", get(alerts::alert))
        .route("/alerts/{id}/orgs/{org}", post(alerts::answer))
        .route("/risks", get(risks::register))
        .route("/risks/new", get(risks::new_form).post(risks::create))
        .route("/risks/raise", post(risks::raise))
        .route("/risks/{id}", get(risks::risk_page).post(risks::update))
        .route("/risks/{id}/approve", post(risks::approve))
        .route("/advisories/{id}", get(exposure::advisory))
        .route(
            "/import",
            get(import::form)
                .post(import::submit)
                .layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/incidents", get(incidents::incidents))
        .route("/recovery", get(recovery::page))
        .route("/incidents/new", get(incidents::new_form).post(incidents::create))
        .route(
            "/deployments",
            get(deployments::capacity).post(deployments::deploy),
        )
        .route("/deployments/{id}/end", post(deployments::end))
        .route(
            "/incidents/{id}",
            get(incidents::incident).post(incidents::update),
        )
        .route("/incidents/{id}/status", post(incidents::change_status))
        .route("/incidents/{id}/timeline", post(incidents::add_entry))
        .route("/incidents/{id}/tasks", post(incidents::add_task))
        .route("/incidents/{id}/tasks/{task}", post(incidents::change_task))
        .route("/incidents/{id}/links", post(incident_links::change_links))
        .route("/coordinated", get(coordinated::list).post(coordinated::create))
        .route("/coordinated/{id}", get(coordinated::situation))
        .route("/coordinated/{id}/incidents", post(coordinated::link))
        .route("/coordinated/{id}/timeline", post(coordinated::add_entry))
        .route(
            "/supplier-advisories",
            get(supplier_advisories::list).post(supplier_advisories::publish),
        )
        .route(
            "/supplier-advisories/upload",
            post(supplier_advisories::upload).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/supplier-advisories/naming", post(supplier_advisories::consent))
        .route(
            "/supplier-advisories/{id}/release",
            post(supplier_advisories::release),
        )
        .route("/suppliers", get(suppliers::register))
        .route("/suppliers/certificates", post(suppliers::add_certificate))
        .route("/suppliers/{id}", get(suppliers::record))
        .route("/suppliers/{id}/assurance", post(suppliers::put_assurance))
        .route("/exercises", get(exercises::exercises).post(exercises::plan))
        .route("/exercises/{id}", get(exercises::exercise))
        .route("/exercises/{id}/status", post(exercises::status))
        .route(
            "/exercises/{id}/injects/{number}/release",
            post(exercises::release),
        )
        .route(
            "/exercises/{id}/injects/{number}/entries",
            post(exercises::record),
        )
        .route("/exercises/{id}/debrief", post(exercises::debrief))
        .route("/exercises/{id}/actions", post(exercises::add_action))
        .route("/exercises/{id}/actions/{action}", post(exercises::update_action))
        .route("/admin", get(admin::index))
        .route("/admin/users", get(admin::users).post(admin::add_user))
        .route("/admin/users/{id}/{to}", post(admin::set_disabled))
        .route("/admin/users/{id}/reset-mfa", post(admin::reset_mfa))
        .route("/admin/users/{id}/reset-password", post(admin::reset_password))
        .route("/admin/users/{id}/grants", post(admin::grant))
        .route(
            "/admin/users/{id}/grants/{grant}/revoke",
            post(admin::revoke_grant),
        )
        .route("/admin/tokens", get(admin::tokens).post(admin::issue))
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/audit/verify", post(admin::verify))
        .route("/notices", get(notices::notices))
        .route("/notices/read-all", post(notices::read_all))
        .route("/notices/{id}/read", post(notices::read))
        .route(
            "/notices/preferences",
            get(notices::preferences).post(notices::save_preferences),
        )
        .route("/admin/deliveries", get(deliveries::deliveries))
        .route("/admin/deliveries/{job}/replay", post(deliveries::replay))
        .route("/people", get(people::people))
        .route(
            "/people/training",
            post(people::upload).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/people/board", post(people::add_board_member))
        .route("/people/board/{id}/remove", post(people::remove_board_member))
        .route("/people/requirements", post(people::set_requirement))
        .route(
            "/questionnaire",
            get(questionnaire::list).post(questionnaire::start),
        )
        .route("/questionnaire/{id}", get(questionnaire::questionnaire))
        .route("/questionnaire/{id}/answer", post(questionnaire::answer))
        .route("/questionnaire/{id}/submit", post(questionnaire::submit))
        .route(
            "/simulate/file",
            post(simulation_file::run_file).layer(DefaultBodyLimit::max(
                ward_app::simulation::MAX_SCENARIO_BYTES + 64 * 1024,
            )),
        )
        .route("/static/{file}", get(statics::serve))
        .route("/exercises/{id}/timings", post(exercise_timings::record))
        .route("/exercises/{id}/participants", post(exercise_participants::add))
        .route(
            "/technology-assessments",
            get(tech_assessments::list).post(tech_assessments::request),
        )
        .route("/technology-assessments/{id}", get(tech_assessments::detail))
        .route(
            "/technology-assessments/{id}/status",
            post(tech_assessments::status),
        )
        .route(
            "/technology-assessments/{id}/findings",
            post(tech_assessment_forms::finding),
        )
        .route(
            "/technology-assessments/{id}/actions",
            post(tech_assessment_forms::add_action),
        )
        .route(
            "/technology-assessments/{id}/actions/{action}",
            post(tech_assessments::mark),
        )
        .route(
            "/supplier-advisories/{id}/revisions",
            post(supplier_advisories::revise).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/assurance/rollup", get(assurance_rollup::page))
        .route(
            "/exercises/{id}/participants/{number}/role",
            post(exercise_participants::set_role),
        )
        .route(
            "/exercises/{id}/participants/{number}/remove",
            post(exercise_participants::remove),
        )
        .route("/exercises/{id}/my-injects", get(exercise_injects::page))
        .route(
            "/exercises/{id}/my-injects/{number}/responses",
            post(exercise_injects::respond),
        )
}

/// Render a template with a status, or a plain 500 if the template itself fails.
pub(crate) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Html("<!doctype html><html lang=\"en\"><title>Ward</title><p>Something went wrong on our side.</p></html>"),
            )
                .into_response()
        }
    }
}

/// The error page: plain words, the layout when we know who is asking, and nothing that would tell
/// a visitor whether a record exists outside their organisation.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Option<Chrome>,
    title: String,
    heading: &'static str,
    lead: String,
    hint: &'static str,
    status: u16,
}

fn error_page_with(chrome: Option<Chrome>, e: &ApiError) -> Response {
    if e.status == StatusCode::UNAUTHORIZED {
        return Redirect::to("/login").into_response();
    }
    let (heading, lead, hint): (&'static str, String, &'static str) = match e.status.as_u16() {
        400 | 422 => (
            "Something in the request was not right",
            if e.fields.is_empty() {
                e.message.clone()
            } else {
                // Say what was wrong, in the words of each problem.
                e.fields
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            "Go back, check what you entered and try again.",
        ),
        403 if e.code == CSRF_CODE => (
            "This form has expired",
            "The form was open too long, or was not sent from a Ward page, so nothing was changed.".to_owned(),
            "Go back, reload the page and try again.",
        ),
        403 => (
            "You do not have access to this",
            "Your current role does not give you access to this part of Ward.".to_owned(),
            "If you need it for your work, ask your organisation's Ward administrator.",
        ),
        404 => (
            "Page not found",
            "We could not find that page. It may have moved, or it may be outside the organisations you can see."
                .to_owned(),
            "Check the address, or start again from the overview.",
        ),
        413 => (
            "The file is too large",
            if e.fields.is_empty() {
                "The file you sent is larger than Ward accepts in one go.".to_owned()
            } else {
                // A limit on what the file expands to: say which, in the words of the refusal.
                e.message.clone()
            },
            "Split it into smaller files and send them one at a time.",
        ),
        503 if e.code == "busy" => (
            "Ward is busy",
            e.message.clone(),
            "Wait a few seconds, then send the file again. Nothing was changed.",
        ),
        503 if e.code == "timed_out" => (
            "This took too long",
            e.message.clone(),
            "Send a smaller file, or split it into several.",
        ),
        // Conflicts are refusals worded for people (an alert closed while still exposed).
        409 => (
            "This cannot be done as things stand",
            e.message.clone(),
            "Go back, read the page again and try once what it asks is in place.",
        ),
        429 => (
            "Too many attempts",
            "There have been too many attempts in a short time.".to_owned(),
            "Wait a few minutes, then try again.",
        ),
        _ => (
            "Something went wrong on our side",
            "Ward could not finish what you asked. Nothing you did caused this.".to_owned(),
            "Try again in a moment. If it keeps happening, tell your Ward administrator.",
        ),
    };
    let page = ErrorPage {
        chrome,
        title: heading.to_owned(),
        heading,
        lead,
        hint,
        status: e.status.as_u16(),
    };
    let mut res = render(e.status, &page);
    if let Some(secs) = e.retry_after {
        res.headers_mut().insert(
            axum::http::header::RETRY_AFTER,
            axum::http::HeaderValue::from(secs),
        );
    }
    res
}

/// The error code of a refused CSRF token, so its page can say what happened.
const CSRF_CODE: &str = "csrf";

/// A failed CSRF check as an error for the error page (other errors pass through unchanged).
pub(crate) fn csrf_error(e: AppError) -> ApiError {
    match e {
        AppError::Forbidden(m) => ApiError::new(StatusCode::FORBIDDEN, CSRF_CODE, m),
        other => other.into(),
    }
}

/// A friendly page for an error that happened before we knew who was asking.
pub fn error_page(e: &ApiError) -> Response {
    error_page_with(None, e)
}

/// The page for addresses that lead nowhere.
pub fn not_found_page() -> Response {
    error_page(&ApiError::new(StatusCode::NOT_FOUND, "not_found", "not found"))
}

/// An error on a signed-in page: rendered inside the layout.
#[derive(Debug)]
pub struct PageError {
    chrome: Option<Box<Chrome>>,
    error: ApiError,
}

impl PageError {
    pub fn new(chrome: Option<&Chrome>, error: impl Into<ApiError>) -> Self {
        Self {
            chrome: chrome.map(|c| Box::new(c.clone())),
            error: error.into(),
        }
    }
    fn not_found(chrome: &Chrome) -> Self {
        Self::new(Some(chrome), AppError::NotFound("page".into()))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page_with(self.chrome.map(|c| *c), &self.error)
    }
}

pub type PageResult = Result<Response, PageError>;

/// A signed-in person with the page chrome (header, switcher, footer) ready to render.
#[derive(Debug, Clone)]
pub struct Signed {
    pub actor: Actor,
    pub view: SessionView,
    pub chrome: Chrome,
}

impl Signed {
    /// Turn an app error into an error page inside this person's layout.
    pub fn fail(&self) -> impl Fn(AppError) -> PageError + '_ {
        |e| PageError::new(Some(&self.chrome), e)
    }
    /// Check the CSRF token a form sent; a mismatch becomes the "form has expired" page.
    pub fn check_csrf(&self, state: &AppState, sent: &str) -> Result<(), PageError> {
        state
            .app
            .check_csrf(&self.view, sent)
            .map_err(|e| PageError::new(Some(&self.chrome), csrf_error(e)))
    }
    /// Whether the acting role may do `action` at all (for showing or hiding forms and links).
    pub fn may(&self, action: Action) -> bool {
        scope_for(self.actor.role, self.actor.org, action).is_some()
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let WebActor { view, actor } = WebActor::from_request_parts(parts, state)
            .await
            .map_err(WebRedirect::into_response)?;
        let roles = state
            .app
            .my_roles(&view)
            .await
            .map_err(|e| error_page(&e.into()))?;
        let Some(acting) = view.acting_grant() else {
            return Err(error_page(&AppError::forbidden("you hold no active role").into()));
        };
        let can = |a| scope_for(actor.role, actor.org, a).is_some();
        let can_import = can(Action::ImportOrgs) || can(Action::WriteInventory);
        let mut chrome = Chrome::new(
            &view.user.display_name,
            &view.session.csrf_token,
            acting,
            &roles,
            can(Action::ReadInventory),
            can_import,
        );
        chrome.can_read_exposure = can(Action::ReadExposure);
        chrome.can_read_assessments = can(Action::ReadAssessments);
        chrome.can_administer =
            can(Action::ManageUsers) || can(Action::ManageTokens) || can(Action::ReadAudit);
        chrome.can_read_alerts = can(Action::ReadAlerts);
        chrome.can_read_risks = can(Action::ReadRisks);
        chrome.can_read_incidents = can(Action::ReadIncidents);
        chrome.can_read_exercises = can(Action::ReadExercises);
        chrome.can_read_deployments = can(Action::ReadDeployments);
        chrome.can_run_simulations = can(Action::RunSimulations);
        chrome.can_read_people = can(Action::ReadPeople);
        chrome.can_read_tech_assessments = can(Action::ReadTechAssessments);
        // The header's unread count; a failure to count only leaves it out.
        chrome.unread_notices = state.app.unread_notice_count(&actor).await.unwrap_or(0);
        Ok(Self { actor, view, chrome })
    }
}

/// A URL-encoded form body whose rejections become error pages. Fields the page does not know
/// are ignored; missing fields fall back to their defaults so a missing CSRF token reads as empty.
#[derive(Debug)]
pub struct WebForm<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for WebForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Self(v)),
            Err(e) => {
                let status = e.status();
                let err = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(status, "payload_too_large", "the form is too large")
                } else {
                    ApiError::bad_request("the form could not be read; reload the page and try again")
                };
                Err(error_page(&err))
            }
        }
    }
}

/// A query string whose rejections become error pages. Pages read every parameter as text and
/// parse it themselves, so an empty `<select>` choice simply means "any".
#[derive(Debug)]
pub struct WebQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for WebQuery<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(Self(q.0)),
            Err(_) => Err(error_page(&ApiError::bad_request(
                "the address could not be read",
            ))),
        }
    }
}

/// An optional filter value: empty means none; anything else must parse.
pub(crate) fn optional<T: std::str::FromStr>(
    field: &str,
    value: Option<&str>,
) -> Result<Option<T>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("'{v}' is not a valid {field}"))),
    }
}

/// An optional date typed on a form: empty means none; anything else must be a day such as
/// 2027-03-31 (the refusal quotes what was typed).
pub(crate) fn optional_date(field: &str, value: &str) -> Result<Option<jiff::civil::Date>, AppError> {
    match value.trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, format!("'{v}' is not a date such as 2027-03-31"))),
    }
}

/// Rows per page unless the address asks for another number (at most [`MAX_ROWS`]).
pub const DEFAULT_ROWS: u32 = 50;
pub const MAX_ROWS: u32 = 200;

/// The page of results the address asks for.
pub(crate) fn page_request(offset: Option<&str>, limit: Option<&str>) -> Result<PageRequest, AppError> {
    let offset = optional::<u64>("offset", offset)?.unwrap_or(0);
    let limit = optional::<u32>("limit", limit)?
        .unwrap_or(DEFAULT_ROWS)
        .clamp(1, MAX_ROWS);
    Ok(PageRequest { offset, limit })
}

/// `yes`/`no` filter values (empty means either).
pub(crate) fn yes_no(field: &str, value: Option<&str>) -> Result<Option<bool>, AppError> {
    match value.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        other => Err(AppError::invalid(field, format!("'{other}' is not yes or no"))),
    }
}

/// The client's address for sign-in throttling: the TCP peer, or behind a configured trusted proxy
/// the address it forwarded (see [`crate::proxy`]).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(Self("unknown".to_owned()));
        };
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ip = crate::proxy::client_address(peer, &forwarded, &state.settings.trusted_proxies);
        Ok(Self(ip.to_string()))
    }
}

/// A section and chrome for signed-in templates.
fn chrome_at(s: &Signed, section: Section) -> Option<Chrome> {
    Some(s.chrome.clone().at(section))
}
