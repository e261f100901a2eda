//! The JSON API under `/api/v1`. Routes are added through [`ApiRoutes`], which records each
//! (method, path) so tests can walk every route for every role, and fail when one is missing.

pub mod accounts;
pub mod alerts;
pub mod assessment_files;
pub mod assurance;
pub mod assurance_rollup;
pub mod audit;
pub mod board_pack;
pub mod coordinated;
pub mod deliveries;
pub mod deployments;
pub mod exercises;
pub mod exposure;
pub mod impact;
pub mod incidents;
pub mod inventory;
pub mod notices;
pub mod orgs;
pub mod people;
pub mod recovery;
pub mod risks;
pub mod simulations;
pub mod siro;
pub mod supplier_advisories;
pub mod suppliers;
pub mod tech_assessments;

use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use utoipa::OpenApi;

/// A router that remembers what it serves.
pub struct ApiRoutes {
    router: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

impl ApiRoutes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            list: Vec::new(),
        }
    }
    fn add(mut self, method: Method, path: &'static str, mr: MethodRouter<AppState>) -> Self {
        self.list.push((method, path));
        self.router = self.router.route(path, mr);
        self
    }
}

/// Every API route, as `(method, path template)`.
pub fn routes(import_limit: usize) -> ApiRoutes {
    use Method as M;
    ApiRoutes::new()
        .add(M::GET, "/api/v1/me", get(accounts::me))
        .add(M::GET, "/api/v1/me/org", get(orgs::mine))
        .add(M::GET, "/api/v1/orgs", get(orgs::list))
        .add(M::GET, "/api/v1/orgs/{id}", get(orgs::get))
        .add(
            M::GET,
            "/api/v1/orgs/{id}/board-pack",
            get(board_pack::board_pack),
        )
        .add(
            M::POST,
            "/api/v1/orgs/import",
            post(orgs::import).layer(DefaultBodyLimit::max(import_limit)),
        )
        .add(M::GET, "/api/v1/services", get(inventory::list_services))
        .add(M::POST, "/api/v1/services", post(inventory::create_service))
        .add(M::GET, "/api/v1/services/{id}", get(inventory::get_service))
        .add(M::GET, "/api/v1/assets", get(inventory::list_assets))
        .add(M::POST, "/api/v1/assets", post(inventory::create_asset))
        .add(
            M::POST,
            "/api/v1/assets/import",
            post(inventory::import_assets).layer(DefaultBodyLimit::max(import_limit)),
        )
        .add(M::GET, "/api/v1/assets/{id}", get(inventory::get_asset))
        .add(M::PUT, "/api/v1/assets/{id}", put(inventory::update_asset))
        .add(M::DELETE, "/api/v1/assets/{id}", delete(inventory::delete_asset))
        .add(
            M::POST,
            "/api/v1/assets/{id}/sbom",
            post(exposure::upload_sbom).layer(DefaultBodyLimit::max(import_limit)),
        )
        .add(M::GET, "/api/v1/exposures", get(exposure::list))
        .add(M::GET, "/api/v1/exposures/summary", get(exposure::summary))
        .add(M::GET, "/api/v1/exposures/export", get(exposure::export))
        .add(
            M::GET,
            "/api/v1/exposures/unsupported",
            get(exposure::unsupported),
        )
        .add(M::GET, "/api/v1/advisories", get(exposure::advisory_index))
        .add(
            M::GET,
            "/api/v1/advisories/{id}/exposure",
            get(exposure::advisory),
        )
        .add(M::GET, "/api/v1/vex", get(exposure::list_vex))
        .add(M::POST, "/api/v1/vex", post(exposure::state_vex))
        .add(M::GET, "/api/v1/impact", get(impact::blast_radius))
        .add(M::POST, "/api/v1/simulations", post(simulations::run))
        .add(M::GET, "/api/v1/products", get(inventory::list_products))
        .add(M::POST, "/api/v1/products", post(inventory::create_product))
        .add(
            M::POST,
            "/api/v1/products/{id}/review",
            post(inventory::review_product),
        )
        .add(M::GET, "/api/v1/users", get(accounts::list_users))
        .add(M::POST, "/api/v1/users", post(accounts::create_user))
        .add(M::POST, "/api/v1/users/{id}/grants", post(accounts::grant))
        .add(
            M::DELETE,
            "/api/v1/users/{id}/grants/{grant}",
            delete(accounts::revoke_grant),
        )
        .add(M::POST, "/api/v1/users/{id}/disable", post(accounts::disable))
        .add(M::POST, "/api/v1/users/{id}/reset-mfa", post(accounts::reset_mfa))
        .add(M::GET, "/api/v1/tokens", get(accounts::list_tokens))
        .add(M::POST, "/api/v1/tokens", post(accounts::create_token))
        .add(M::DELETE, "/api/v1/tokens/{id}", delete(accounts::revoke_token))
        .add(M::GET, "/api/v1/audit", get(audit::list))
        .add(M::POST, "/api/v1/audit/verify", post(audit::verify))
        .add(M::GET, "/api/v1/frameworks", get(assurance::list))
        .add(
            M::POST,
            "/api/v1/frameworks",
            post(assurance::import).layer(DefaultBodyLimit::max(import_limit)),
        )
        .add(M::GET, "/api/v1/frameworks/{id}/{version}", get(assurance::get))
        .add(M::GET, "/api/v1/assessments", get(assurance::list_assessments))
        .add(M::POST, "/api/v1/assessments", post(assurance::start_assessment))
        .add(M::GET, "/api/v1/assessments/{id}", get(assurance::get_assessment))
        .add(
            M::PUT,
            "/api/v1/assessments/{id}/answers",
            put(assurance::answer_assessment),
        )
        .add(
            M::PUT,
            "/api/v1/assessments/{id}/outcomes/{outcome}",
            put(assurance::note_outcome),
        )
        .add(
            M::POST,
            "/api/v1/assessments/{id}/status",
            post(assurance::move_assessment),
        )
        .add(
            M::GET,
            "/api/v1/profiles/{framework}/{version}/{category}",
            get(assurance::profile_versions),
        )
        .add(
            M::POST,
            "/api/v1/profiles/preview",
            post(assurance::preview_profile),
        )
        .add(M::POST, "/api/v1/profiles", post(assurance::publish_profile))
        .add(
            M::POST,
            "/api/v1/assessments/{id}/carry",
            post(assurance::carry_assessment),
        )
        .add(
            M::GET,
            "/api/v1/assessments/{id}/export",
            get(assurance::export_assessment),
        )
        .add(
            M::GET,
            "/api/v1/assessments/{id}/evidence",
            get(assurance::assessment_evidence),
        )
        .add(
            M::POST,
            "/api/v1/assessments/{id}/plan/actions",
            post(assurance::add_plan_action),
        )
        .add(
            M::PUT,
            "/api/v1/assessments/{id}/plan/actions/{action}",
            put(assurance::update_plan_action),
        )
        .add(
            M::POST,
            "/api/v1/assessments/{id}/plan/approve",
            post(assurance::approve_plan),
        )
        .add(
            M::GET,
            "/api/v1/assurance/disagreements",
            get(assurance::disagreements),
        )
        .add(M::GET, "/api/v1/alerts", get(alerts::list))
        .add(M::POST, "/api/v1/alerts", post(alerts::issue))
        .add(M::GET, "/api/v1/alerts/figures", get(alerts::figures))
        .add(
            M::GET,
            "/api/v1/alerts/figures/export",
            get(alerts::figures_export),
        )
        .add(M::GET, "/api/v1/alerts/{id}", get(alerts::get))
        .add(
            M::POST,
            "/api/v1/alerts/{id}/orgs/{org}/responses",
            post(alerts::respond),
        )
        .add(M::GET, "/api/v1/deliveries/dead", get(deliveries::list))
        .add(
            M::POST,
            "/api/v1/deliveries/dead/{job}/replay",
            post(deliveries::replay),
        )
        .add(M::GET, "/api/v1/notices", get(notices::list))
        .add(M::POST, "/api/v1/notices/read-all", post(notices::read_all))
        .add(M::GET, "/api/v1/notices/preferences", get(notices::preferences))
        .add(
            M::PUT,
            "/api/v1/notices/preferences",
            put(notices::set_preferences),
        )
        .add(M::POST, "/api/v1/notices/{id}/read", post(notices::read))
        .add(M::GET, "/api/v1/risks", get(risks::list))
        .add(M::POST, "/api/v1/risks", post(risks::create))
        .add(M::GET, "/api/v1/risks/rollup", get(risks::rollup))
        .add(M::GET, "/api/v1/risks/vocabulary", get(risks::vocabulary))
        .add(M::POST, "/api/v1/risks/vocabulary", post(risks::add_vocabulary))
        .add(
            M::POST,
            "/api/v1/risks/from-exposure",
            post(risks::raise_from_exposure),
        )
        .add(M::POST, "/api/v1/risks/quantify", post(risks::quantify))
        .add(M::GET, "/api/v1/risks/{id}", get(risks::get))
        .add(M::PUT, "/api/v1/risks/{id}", put(risks::update))
        .add(M::POST, "/api/v1/risks/{id}/approve", post(risks::approve))
        .add(M::GET, "/api/v1/incidents", get(incidents::list))
        .add(M::POST, "/api/v1/incidents", post(incidents::create))
        .add(M::GET, "/api/v1/incidents/{id}", get(incidents::get))
        .add(M::PUT, "/api/v1/incidents/{id}", put(incidents::update))
        .add(
            M::POST,
            "/api/v1/incidents/{id}/timeline",
            post(incidents::add_timeline),
        )
        .add(M::GET, "/api/v1/exercises/scenarios", get(exercises::scenarios))
        .add(M::GET, "/api/v1/exercises", get(exercises::list))
        .add(M::POST, "/api/v1/exercises", post(exercises::plan))
        .add(M::GET, "/api/v1/exercises/{id}", get(exercises::get))
        .add(M::POST, "/api/v1/exercises/{id}/status", post(exercises::status))
        .add(
            M::POST,
            "/api/v1/exercises/{id}/injects/{number}/release",
            post(exercises::release),
        )
        .add(
            M::POST,
            "/api/v1/exercises/{id}/injects/{number}/entries",
            post(exercises::record),
        )
        .add(M::PUT, "/api/v1/exercises/{id}/debrief", put(exercises::debrief))
        .add(
            M::POST,
            "/api/v1/exercises/{id}/actions",
            post(exercises::add_action),
        )
        .add(
            M::PUT,
            "/api/v1/exercises/{id}/actions/{action}",
            put(exercises::update_action),
        )
        .add(
            M::POST,
            "/api/v1/incidents/{id}/deployments",
            post(deployments::deploy),
        )
        .add(M::GET, "/api/v1/deployments", get(deployments::capacity))
        .add(M::POST, "/api/v1/deployments/{id}/end", post(deployments::end))
        .add(M::GET, "/api/v1/training/requirements", get(people::requirements))
        .add(
            M::PUT,
            "/api/v1/training/requirements",
            put(people::put_requirement),
        )
        .add(
            M::POST,
            "/api/v1/training/import",
            post(people::import).layer(DefaultBodyLimit::max(import_limit)),
        )
        .add(M::GET, "/api/v1/training", get(people::completion))
        .add(M::GET, "/api/v1/training/rollup", get(people::rollup))
        .add(
            M::GET,
            "/api/v1/assessments/{id}/files",
            get(assessment_files::list),
        )
        .add(
            M::POST,
            "/api/v1/assessments/{id}/files",
            post(assessment_files::upload).layer(DefaultBodyLimit::max(
                ward_core::assurance::attachment::MAX_EVIDENCE_BYTES + 1024,
            )),
        )
        .add(
            M::GET,
            "/api/v1/assessments/{id}/files/{file}",
            get(assessment_files::download),
        )
        .add(
            M::DELETE,
            "/api/v1/assessments/{id}/files/{file}",
            delete(assessment_files::remove),
        )
        .add(M::GET, "/api/v1/siro", get(siro::siro))
        .add(M::PUT, "/api/v1/siro", put(siro::name))
        .add(M::GET, "/api/v1/siro/candidates", get(siro::candidates))
        .add(M::GET, "/api/v1/board", get(people::board))
        .add(M::POST, "/api/v1/board", post(people::add_board_member))
        .add(
            M::DELETE,
            "/api/v1/board/{id}",
            delete(people::remove_board_member),
        )
        .add(
            M::POST,
            "/api/v1/questionnaires",
            post(people::start_questionnaire),
        )
        .add(M::GET, "/api/v1/questionnaires/{id}", get(people::questionnaire))
        .add(
            M::PUT,
            "/api/v1/questionnaires/{id}/answers/{question}",
            put(people::answer),
        )
        .add(
            M::POST,
            "/api/v1/questionnaires/{id}/submit",
            post(people::submit),
        )
        .add(M::POST, "/api/v1/incidents/{id}/tasks", post(incidents::add_task))
        .add(
            M::PUT,
            "/api/v1/incidents/{id}/tasks/{task}",
            put(incidents::set_task_done),
        )
        .add(M::PUT, "/api/v1/incidents/{id}/links", put(incidents::set_links))
        .add(M::GET, "/api/v1/coordinated-incidents", get(coordinated::list))
        .add(
            M::POST,
            "/api/v1/coordinated-incidents",
            post(coordinated::create),
        )
        .add(
            M::GET,
            "/api/v1/coordinated-incidents/{id}",
            get(coordinated::get),
        )
        .add(
            M::POST,
            "/api/v1/coordinated-incidents/{id}/incidents",
            post(coordinated::link),
        )
        .add(
            M::POST,
            "/api/v1/coordinated-incidents/{id}/timeline",
            post(coordinated::add_timeline),
        )
        .add(M::GET, "/api/v1/incidents/figures", get(incidents::figures))
        .add(M::GET, "/api/v1/recovery-metrics", get(recovery::metrics))
        .add(M::GET, "/api/v1/recovery-metrics/export", get(recovery::export))
        .add(M::GET, "/api/v1/exercises/{id}/timings", get(recovery::timings))
        .add(
            M::PUT,
            "/api/v1/exercises/{id}/timings",
            put(recovery::record_timings),
        )
        .add(M::GET, "/api/v1/suppliers", get(suppliers::register))
        .add(M::GET, "/api/v1/suppliers/{id}", get(suppliers::record))
        .add(
            M::PUT,
            "/api/v1/suppliers/{id}/assurance",
            put(suppliers::put_assurance),
        )
        .add(M::GET, "/api/v1/certificates", get(suppliers::list_certificates))
        .add(M::POST, "/api/v1/certificates", post(suppliers::add_certificate))
        .add(
            M::DELETE,
            "/api/v1/certificates/{id}",
            delete(suppliers::remove_certificate),
        )
        .add(
            M::POST,
            "/api/v1/suppliers/{id}/advisories",
            post(supplier_advisories::publish_form),
        )
        .add(
            M::POST,
            "/api/v1/suppliers/{id}/advisories/upload",
            post(supplier_advisories::publish_document).layer(DefaultBodyLimit::max(import_limit)),
        )
        .add(
            M::GET,
            "/api/v1/supplier-advisories",
            get(supplier_advisories::list),
        )
        .add(
            M::GET,
            "/api/v1/supplier-advisories/{id}",
            get(supplier_advisories::get),
        )
        .add(
            M::POST,
            "/api/v1/supplier-advisories/{id}/release",
            post(supplier_advisories::release),
        )
        .add(
            M::GET,
            "/api/v1/orgs/{id}/naming-consent",
            get(supplier_advisories::consent),
        )
        .add(
            M::PUT,
            "/api/v1/orgs/{id}/naming-consent",
            put(supplier_advisories::set_consent),
        )
        .add(
            M::POST,
            "/api/v1/exercises/{id}/participants",
            post(exercises::add_participant),
        )
        .add(
            M::GET,
            "/api/v1/exercises/taking-part",
            get(exercises::taking_part),
        )
        .add(
            M::GET,
            "/api/v1/technology-assessments",
            get(tech_assessments::list),
        )
        .add(
            M::POST,
            "/api/v1/technology-assessments",
            post(tech_assessments::request),
        )
        .add(
            M::GET,
            "/api/v1/technology-assessments/{id}",
            get(tech_assessments::get),
        )
        .add(
            M::POST,
            "/api/v1/technology-assessments/{id}/status",
            post(tech_assessments::status),
        )
        .add(
            M::POST,
            "/api/v1/technology-assessments/{id}/findings",
            post(tech_assessments::add_finding),
        )
        .add(
            M::POST,
            "/api/v1/technology-assessments/{id}/actions",
            post(tech_assessments::add_action),
        )
        .add(
            M::PUT,
            "/api/v1/technology-assessments/{id}/actions/{action}",
            put(tech_assessments::set_action),
        )
        .add(
            M::GET,
            "/api/v1/supplier-advisories/{id}/revisions",
            get(supplier_advisories::revisions),
        )
        .add(
            M::POST,
            "/api/v1/supplier-advisories/{id}/revisions",
            post(supplier_advisories::revise_form),
        )
        .add(
            M::POST,
            "/api/v1/supplier-advisories/{id}/revisions/upload",
            post(supplier_advisories::revise_document).layer(DefaultBodyLimit::max(import_limit)),
        )
        .add(M::GET, "/api/v1/assurance/rollup", get(assurance_rollup::rollup))
        .add(
            M::DELETE,
            "/api/v1/exercises/{id}/participants/{number}",
            delete(exercises::remove_participant),
        )
        .add(
            M::PATCH,
            "/api/v1/exercises/{id}/participants/{number}",
            patch(exercises::set_participant_role),
        )
        .add(
            M::GET,
            "/api/v1/exercises/{id}/my-injects",
            get(exercises::my_injects),
        )
        .add(
            M::POST,
            "/api/v1/exercises/{id}/my-injects/{number}/responses",
            post(exercises::respond),
        )
}

/// The routes that need a credential (everything listed by [`routes`]).
pub fn route_list() -> Vec<(Method, &'static str)> {
    routes(0).list
}

pub fn router(import_limit: usize) -> Router<AppState> {
    routes(import_limit)
        .router
        .route("/api/v1/openapi.json", get(openapi_json))
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Ward API", description = "Cyber resilience for health and social care."),
    paths(
        accounts::me, orgs::mine, orgs::list, orgs::get, orgs::import,
        inventory::list_services, inventory::create_service, inventory::get_service,
        inventory::list_assets, inventory::create_asset, inventory::import_assets, inventory::get_asset,
        inventory::update_asset, inventory::delete_asset, inventory::list_products, inventory::create_product,
        inventory::review_product,
        accounts::list_users, accounts::create_user, accounts::grant, accounts::revoke_grant,
        accounts::disable, accounts::reset_mfa, accounts::list_tokens, accounts::create_token,
        accounts::revoke_token, audit::list, audit::verify,
        exposure::list, exposure::summary, exposure::export, exposure::unsupported, exposure::advisory_index, exposure::advisory, exposure::list_vex,
        exposure::state_vex, exposure::upload_sbom,
        assurance::list, assurance::get, assurance::import, assurance::list_assessments,
        assurance::start_assessment, assurance::get_assessment, assurance::answer_assessment,
        assurance::note_outcome, assurance::move_assessment, assurance::profile_versions,
        assurance::preview_profile, assurance::publish_profile, assurance::carry_assessment,
        assurance::export_assessment, assurance::assessment_evidence, assurance::add_plan_action,
        assurance::update_plan_action, assurance::approve_plan, assurance::disagreements,
        alerts::list, alerts::issue, alerts::get, alerts::respond, alerts::figures, alerts::figures_export,
        deliveries::list, deliveries::replay,
        notices::list, notices::read, notices::read_all, notices::preferences, notices::set_preferences,
        impact::blast_radius, simulations::run,
        risks::list, risks::create, risks::get, risks::update, risks::approve, risks::raise_from_exposure,
        risks::rollup, risks::vocabulary, risks::add_vocabulary, risks::quantify,
        incidents::list, incidents::create, incidents::get, incidents::update, incidents::add_timeline,
        exercises::scenarios, exercises::list, exercises::plan, exercises::get, exercises::status,
        exercises::release, exercises::record, exercises::debrief, exercises::add_action,
        exercises::update_action,
        deployments::deploy, deployments::capacity, deployments::end,
        people::requirements, people::put_requirement, people::import, people::completion, people::rollup,
        people::board, people::add_board_member, people::remove_board_member, people::start_questionnaire,
        people::questionnaire, people::answer, people::submit,
        siro::siro, siro::name, siro::candidates,
        assessment_files::upload, assessment_files::list, assessment_files::download,
        assessment_files::remove,
        incidents::add_task, incidents::set_task_done, incidents::set_links,
        coordinated::list, coordinated::create, coordinated::get, coordinated::link, coordinated::add_timeline,
        incidents::figures,
        recovery::metrics, recovery::export, recovery::timings, recovery::record_timings,
        suppliers::register, suppliers::record, suppliers::put_assurance, suppliers::list_certificates,
        suppliers::add_certificate, suppliers::remove_certificate,
        supplier_advisories::publish_form, supplier_advisories::publish_document, supplier_advisories::list,
        supplier_advisories::get, supplier_advisories::release, supplier_advisories::consent,
        supplier_advisories::set_consent,
        board_pack::board_pack,
        exercises::add_participant, exercises::taking_part,
        tech_assessments::list, tech_assessments::request, tech_assessments::get, tech_assessments::status,
        tech_assessments::add_finding, tech_assessments::add_action, tech_assessments::set_action,
        supplier_advisories::revisions, supplier_advisories::revise_form,
        supplier_advisories::revise_document,
        assurance_rollup::rollup,
        exercises::remove_participant, exercises::set_participant_role, exercises::my_injects,
        exercises::respond,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = []), ("session" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ward_…")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// The OpenAPI 3.1 document. Public: it describes the API, not anyone's data.
pub async fn openapi_json() -> axum::response::Response {
    use axum::response::IntoResponse;
    let doc = ApiDoc::openapi();
    match doc.to_json() {
        Ok(s) => ([(axum::http::header::CONTENT_TYPE, "application/json")], s).into_response(),
        Err(e) => crate::error::ApiError::from(ward_app::AppError::Internal(e.to_string())).into_response(),
    }
}
