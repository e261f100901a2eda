//! Walks every API route for every role, against the role's own organisation and a foreign one,
//! and checks allow or deny. The table below must list exactly the routes the server serves: adding
//! a route without deciding who may call it fails `every_route_is_listed`.

use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;
use strum::IntoEnumIterator;
use ward_core::exercise::ExerciseStatus;
use ward_core::role::Role;
use ward_testkit::app::client;
use ward_testkit::{TestApp, spawn_app};

mod assurance_rollup;
mod exercise_injects;
mod exercise_participants;
mod fixtures;
mod notices;
mod people;
mod recovery;
mod routes;
mod supplier_advisories;
mod tech_assessments;
use fixtures::*;
use routes::ROUTES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// The role's own organisation (or something inside its footprint).
    Own,
    /// The foreign trust in another region.
    Foreign,
}

/// Whether `role` may call `route` on `target`.
fn allowed(route: (&str, &str), role: Role, target: Target) -> bool {
    use Role::*;
    let national = role == NationalAnalyst;
    let writer = matches!(role, OrgAdmin | OrgMember | IncidentResponder);
    let reader = role != SupplierContact;
    let own = target == Target::Own;
    match route {
        ("GET", "/api/v1/me" | "/api/v1/me/org" | "/api/v1/orgs" | "/api/v1/products") => true,
        ("GET", "/api/v1/orgs/{id}") => own || national,
        // The board pack: the organisation's own people, its region and the nation, auditors.
        ("GET", "/api/v1/orgs/{id}/board-pack") => {
            national || (own && matches!(role, RegionalLead | OrgAdmin | OrgMember | Auditor))
        }
        ("POST", "/api/v1/orgs/import") => national,
        ("GET", "/api/v1/services" | "/api/v1/assets") => reader,
        ("GET", "/api/v1/services/{id}" | "/api/v1/assets/{id}") => reader && (own || national),
        ("POST", "/api/v1/services" | "/api/v1/assets" | "/api/v1/assets/import") => writer && own,
        ("PUT" | "DELETE", "/api/v1/assets/{id}") => writer && own,
        ("POST", "/api/v1/products") => national || (role == SupplierContact && own),
        // Confirming a product gives its supplier's statements sector-wide effect: national only.
        ("POST", "/api/v1/products/{id}/review") => national,
        ("GET", "/api/v1/users") => matches!(role, NationalAnalyst | RegionalLead | OrgAdmin),
        ("POST", "/api/v1/users" | "/api/v1/users/{id}/grants" | "/api/v1/users/{id}/disable")
        | ("POST", "/api/v1/users/{id}/reset-mfa")
        | ("DELETE", "/api/v1/users/{id}/grants/{grant}") => {
            national || (matches!(role, RegionalLead | OrgAdmin) && own)
        }
        ("GET", "/api/v1/tokens") => matches!(role, NationalAnalyst | OrgAdmin),
        ("POST" | "DELETE", "/api/v1/tokens" | "/api/v1/tokens/{id}") => {
            national || (role == OrgAdmin && own)
        }
        ("GET", "/api/v1/audit") => matches!(role, NationalAnalyst | RegionalLead | OrgAdmin | Auditor),
        ("POST", "/api/v1/audit/verify") => national,
        ("POST", "/api/v1/assets/{id}/sbom") => writer && own,
        (
            "GET",
            "/api/v1/exposures"
            | "/api/v1/exposures/summary"
            | "/api/v1/advisories"
            | "/api/v1/exposures/export"
            | "/api/v1/exposures/unsupported",
        ) => reader && (own || national),
        // Within each caller's own footprint (foreign organisations are left out, not refused).
        ("GET", "/api/v1/advisories/{id}/exposure" | "/api/v1/vex") => reader,
        ("POST", "/api/v1/vex") => writer && own,
        // A blast radius starts inside the caller's footprint (or at something it depends on);
        // a foreign organisation reads as unknown. Suppliers have no services to see.
        ("GET", "/api/v1/impact") => reader && (own || national),
        // Dry runs: the national team over the sector, a regional lead counting its region.
        ("POST", "/api/v1/simulations") => matches!(role, NationalAnalyst | RegionalLead),
        // Reference data: everyone reads it; loading it is national.
        ("GET", "/api/v1/frameworks" | "/api/v1/frameworks/{id}/{version}") => true,
        ("POST", "/api/v1/frameworks") => national,
        ("GET", "/api/v1/profiles/{framework}/{version}/{category}") => true,
        ("POST", "/api/v1/profiles/preview" | "/api/v1/profiles") => national,
        // Listing is filtered to the caller's footprint.
        ("GET", "/api/v1/assessments") => true,
        ("GET", "/api/v1/assessments/{id}") => own || national,
        // An organisation answers its own assessments (a supplier its own supplier assessment);
        // national and regional roles read, they do not answer for others.
        (
            "POST" | "PUT",
            "/api/v1/assessments"
            | "/api/v1/assessments/{id}/answers"
            | "/api/v1/assessments/{id}/outcomes/{outcome}"
            | "/api/v1/assessments/{id}/status"
            | "/api/v1/assessments/{id}/carry",
        ) => matches!(role, OrgAdmin | OrgMember | SupplierContact) && own,
        // Exports and the facts beside the claims: whoever reads the assessment.
        ("GET", "/api/v1/assessments/{id}/export" | "/api/v1/assessments/{id}/evidence") => own || national,
        // Evidence files: read with the assessment, kept and removed by those who answer it.
        ("GET", "/api/v1/assessments/{id}/files" | "/api/v1/assessments/{id}/files/{file}") => {
            own || national
        }
        ("POST", "/api/v1/assessments/{id}/files") | ("DELETE", "/api/v1/assessments/{id}/files/{file}") => {
            matches!(role, OrgAdmin | OrgMember | SupplierContact) && own
        }
        // The organisation keeps its own improvement plan; a regional lead within its region or
        // the national team approves it (never the organisation itself).
        ("POST", "/api/v1/assessments/{id}/plan/actions")
        | ("PUT", "/api/v1/assessments/{id}/plan/actions/{action}") => {
            matches!(role, OrgAdmin | OrgMember | SupplierContact) && own
        }
        ("POST", "/api/v1/assessments/{id}/plan/approve") => national || (role == RegionalLead && own),
        ("GET", "/api/v1/assurance/disagreements") => matches!(role, NationalAnalyst | RegionalLead),
        // The SIRO: read with the organisation's assessments; named by whoever manages its users.
        ("GET", "/api/v1/siro") => own || national,
        ("GET", "/api/v1/siro/candidates") | ("PUT", "/api/v1/siro") => {
            national || (matches!(role, RegionalLead | OrgAdmin) && own)
        }
        // Alerts: listing is filtered to the footprint; issuing is national, or regional inside
        // the region; organisations answer their own.
        ("GET", "/api/v1/alerts") => reader,
        // Response figures are counted over the caller's footprint (no organisation in the path).
        ("GET", "/api/v1/alerts/figures" | "/api/v1/alerts/figures/export") => reader,
        ("POST", "/api/v1/alerts") => national || (role == RegionalLead && own),
        ("GET", "/api/v1/alerts/{id}") => reader && (own || national),
        ("POST", "/api/v1/alerts/{id}/orgs/{org}/responses") => writer && own,
        // Failed deliveries: the national team, and organisation admins for their own (the list
        // is filtered to the footprint).
        ("GET", "/api/v1/deliveries/dead") => matches!(role, NationalAnalyst | OrgAdmin),
        ("POST", "/api/v1/deliveries/dead/{job}/replay") => national || (role == OrgAdmin && own),
        // Notices: everyone reads and marks their own; another person's notice is not found.
        ("GET" | "PUT", "/api/v1/notices/preferences")
        | (_, "/api/v1/notices" | "/api/v1/notices/read-all") => true,
        ("POST", "/api/v1/notices/{id}/read") => own,
        // Risk registers: every role but supplier contacts reads its footprint (lists are filtered,
        // an organisation outside it is refused); an organisation writes its own; only an admin
        // approves an acceptance; the vocabulary is extended nationally.
        ("GET", "/api/v1/risks/rollup" | "/api/v1/risks/vocabulary") | ("POST", "/api/v1/risks/quantify") => {
            reader
        }
        ("GET", "/api/v1/risks" | "/api/v1/risks/{id}") => reader && (own || national),
        ("POST", "/api/v1/risks/vocabulary") => national,
        ("POST", "/api/v1/risks" | "/api/v1/risks/from-exposure") | ("PUT", "/api/v1/risks/{id}") => {
            matches!(role, OrgAdmin | OrgMember) && own
        }
        ("POST", "/api/v1/risks/{id}/approve") => role == OrgAdmin && own,
        // Incidents: the organisation, its ICB and region and the national team read them
        // (auditors and supplier contacts do not); the organisation's admins, members and
        // incident responders write its own.
        ("GET", "/api/v1/incidents" | "/api/v1/incidents/{id}") => {
            !matches!(role, Auditor | SupplierContact) && (own || national)
        }
        ("POST", "/api/v1/incidents" | "/api/v1/incidents/{id}/timeline")
        | ("PUT", "/api/v1/incidents/{id}") => writer && own,
        // Exercises: visible to the organisations taking part, their ICB and region, the national
        // team and (as CAF D1.c evidence) auditors; planned and run by an organisation's admin, a
        // regional lead in its region, or the national team.
        ("GET", "/api/v1/exercises/scenarios") => reader,
        ("GET", "/api/v1/exercises" | "/api/v1/exercises/{id}") => reader && (own || national),
        (
            "POST",
            "/api/v1/exercises"
            | "/api/v1/exercises/{id}/status"
            | "/api/v1/exercises/{id}/injects/{number}/release"
            | "/api/v1/exercises/{id}/injects/{number}/entries"
            | "/api/v1/exercises/{id}/actions",
        )
        | ("PUT", "/api/v1/exercises/{id}/debrief" | "/api/v1/exercises/{id}/actions/{action}") => {
            national || (matches!(role, RegionalLead | OrgAdmin) && own)
        }
        // Response teams: the national team deploys (and ends deployments) anywhere, a regional
        // lead within its region; both see the capacity view of their footprint.
        ("POST", "/api/v1/incidents/{id}/deployments" | "/api/v1/deployments/{id}/end") => {
            national || (role == RegionalLead && own)
        }
        ("GET", "/api/v1/deployments") => matches!(role, NationalAnalyst | RegionalLead),
        (_, p) if people::is_people(p) => people::allowed(route, role, own),
        (_, p) if tech_assessments::is_tech_assessment(p) => tech_assessments::allowed(route, role, own),
        (_, p) if recovery::is_recovery(p) => recovery::allowed(route, role, own),
        (_, p) if exercise_participants::is_exercise_participants(p) => {
            exercise_participants::allowed(route, role, own)
        }
        (_, p) if supplier_advisories::is_supplier_advisory(p) => {
            supplier_advisories::allowed(route, role, own)
        }
        (_, p) if assurance_rollup::is_assurance_rollup(p) => assurance_rollup::allowed(role, own),
        // Tasks, links, sector-wide incidents and figures: see `incident_response_allowed`.
        (_, p) if is_incident_response(p) => incident_response_allowed(route, role, own),
        // The supplier register: lists are filtered to the footprint (a supplier contact sees its
        // own record). Nothing in the walk's world depends on the supplier, so only the national
        // team and the supplier's own contact find it; a trust's code names no supplier.
        ("GET", "/api/v1/suppliers" | "/api/v1/certificates") => true,
        ("GET", "/api/v1/suppliers/{id}") => own && (national || role == SupplierContact),
        ("PUT", "/api/v1/suppliers/{id}/assurance") => national && own,
        // Certificates: the national team for anyone, an organisation's admin for its own.
        ("POST", "/api/v1/certificates") | ("DELETE", "/api/v1/certificates/{id}") => {
            national || (role == OrgAdmin && own)
        }
        (_, p) if exercise_injects::is_exercise_injects(p) => exercise_injects::allowed(route, role, own),
        _ => panic!("route {route:?} has no rule in the walk"),
    }
}

#[test]
fn every_route_is_listed() {
    let served: BTreeSet<(String, String)> = ward_server::api::route_list()
        .into_iter()
        .map(|(m, p)| (m.as_str().to_owned(), p.to_owned()))
        .collect();
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "routes served but not in the authorisation walk: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "routes in the walk that the server no longer serves: {stale:?}"
    );
}

#[test]
fn every_route_is_in_the_openapi_document() {
    use utoipa::OpenApi;
    let doc = ward_server::api::ApiDoc::openapi();
    for (m, p) in ward_server::api::route_list() {
        let item = doc
            .paths
            .paths
            .get(p)
            .unwrap_or_else(|| panic!("{p} missing from OpenAPI"));
        let has = match m.as_str() {
            "GET" => item.get.is_some(),
            "POST" => item.post.is_some(),
            "PUT" => item.put.is_some(),
            "DELETE" => item.delete.is_some(),
            "PATCH" => item.patch.is_some(),
            _ => false,
        };
        assert!(has, "{m} {p} missing from OpenAPI");
    }
}

/// The concrete request for a route, role and target.
struct Call {
    method: Method,
    path: String,
    body: Option<(String, &'static str)>,
}

fn own_org(app: &TestApp, role: Role) -> ward_core::OrgId {
    app.world.users[&role].org
}

/// Something owned inside the role's footprint (the London trust for everyone under it).
fn own_trustish(app: &TestApp, role: Role) -> bool {
    !matches!(role, Role::SupplierContact)
        && [
            app.world.national,
            app.world.london,
            app.world.icb,
            app.world.trust,
        ]
        .contains(&own_org(app, role))
}

async fn build_call(app: &TestApp, route: (&str, &str), role: Role, target: Target, n: usize) -> Call {
    let w = &app.world;
    let own = target == Target::Own;
    let org = if own { own_org(app, role) } else { w.foreign_trust };
    let (service, asset) = if own && own_trustish(app, role) {
        (w.trust_services[0], w.trust_assets[0])
    } else if own {
        // Supplier contacts have no services or assets; use the trust's (they must be refused anyway).
        (w.trust_services[0], w.trust_assets[0])
    } else {
        (w.foreign_services[0], w.foreign_assets[0])
    };
    let write_org = if own { w.trust } else { w.foreign_trust };
    let write_code = if own { "RJZ" } else { "RA7" };
    let method = Method::from_bytes(route.0.as_bytes()).unwrap();
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    let (path, body) = match route {
        ("GET", "/api/v1/orgs/{id}") => (format!("/api/v1/orgs/{org}"), None),
        ("GET", "/api/v1/orgs/{id}/board-pack") => (format!("/api/v1/orgs/{org}/board-pack"), None),
        ("POST", "/api/v1/orgs/import") => (
            "/api/v1/orgs/import?format=csv&file=new.csv".into(),
            Some((
                format!("code,name,kind\nNEW{n:03},New Trust {n},nhs_trust\n"),
                "text/csv",
            )),
        ),
        ("GET", "/api/v1/services/{id}") => (format!("/api/v1/services/{service}"), None),
        ("GET", "/api/v1/assets/{id}") => (format!("/api/v1/assets/{asset}"), None),
        ("POST", "/api/v1/services") => (
            "/api/v1/services".into(),
            j(
                json!({"org": write_org, "name": format!("Svc {n}"), "kind": "clinical", "criticality": 3,
                     "daily_throughput": 10, "throughput_unit": "patients"}),
            ),
        ),
        ("POST", "/api/v1/assets") => (
            "/api/v1/assets".into(),
            j(
                json!({"org": write_org, "name": format!("Asset {n}"), "kind": "server", "internet_facing": false}),
            ),
        ),
        ("POST", "/api/v1/assets/import") => (
            "/api/v1/assets/import?format=csv".into(),
            Some((
                format!("org_code,asset_name,kind,internet_facing\n{write_code},Imported {n},server,no\n"),
                "text/csv",
            )),
        ),
        ("PUT", "/api/v1/assets/{id}") => {
            let a = if own {
                w.trust_assets[1]
            } else {
                w.foreign_assets[0]
            };
            (
                format!("/api/v1/assets/{a}"),
                j(
                    json!({"org": write_org, "name": format!("Renamed {n}"), "kind": "network_device", "internet_facing": true}),
                ),
            )
        }
        ("DELETE", "/api/v1/assets/{id}") => {
            let a = disposable_asset(app, write_org, n).await;
            (format!("/api/v1/assets/{a}"), None)
        }
        ("POST", "/api/v1/products") => (
            "/api/v1/products".into(),
            j(json!({"supplier": org, "name": format!("Product {n}"), "category": "pathology"})),
        ),
        ("POST", "/api/v1/products/{id}/review") => (
            format!(
                "/api/v1/products/{}/review",
                disposable_product(app, w.supplier, n).await
            ),
            j(json!({"status": "rejected"})),
        ),
        ("POST", "/api/v1/users") => (
            "/api/v1/users".into(),
            j(
                json!({"email": format!("walk{n}@test.ward.example"), "display_name": "Walk", "role": "auditor", "org": org}),
            ),
        ),
        ("POST", "/api/v1/users/{id}/grants") => {
            let u = disposable_user(app, org, n).await;
            (
                format!("/api/v1/users/{u}/grants"),
                j(json!({"role": "auditor", "org": org})),
            )
        }
        ("DELETE", "/api/v1/users/{id}/grants/{grant}") => {
            let u = disposable_user(app, org, n).await;
            let g = app.store.grants_of(u).await.unwrap()[0].id;
            (format!("/api/v1/users/{u}/grants/{g}"), None)
        }
        ("POST", "/api/v1/users/{id}/disable") => (
            format!("/api/v1/users/{}/disable", disposable_user(app, org, n).await),
            None,
        ),
        ("POST", "/api/v1/users/{id}/reset-mfa") => (
            format!("/api/v1/users/{}/reset-mfa", disposable_user(app, org, n).await),
            None,
        ),
        ("POST", "/api/v1/tokens") => (
            "/api/v1/tokens".into(),
            j(json!({"name": format!("walk {n}"), "role": "auditor", "org": org, "days": 5})),
        ),
        ("DELETE", "/api/v1/tokens/{id}") => {
            // Issued by someone whose grants cover it (a token is only valid while they do): the
            // national analyst for the caller's own organisation, the foreign admin abroad.
            let creator = if own {
                &w.users[&Role::NationalAnalyst]
            } else {
                &w.foreign_admin
            };
            let t = disposable_token(app, creator.id, org, n).await;
            (format!("/api/v1/tokens/{t}"), None)
        }
        ("POST", "/api/v1/assets/{id}/sbom") => {
            let a = if own {
                w.trust_assets[1]
            } else {
                w.foreign_assets[0]
            };
            (
                format!("/api/v1/assets/{a}/sbom?file=walk.cdx.json"),
                Some((
                    json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
                        {"type": "library", "name": "lodash", "version": "4.17.20", "purl": "pkg:npm/lodash@4.17.20"}
                    ]})
                    .to_string(),
                    "application/json",
                )),
            )
        }
        ("GET", "/api/v1/exposures") => (format!("/api/v1/exposures?org={org}"), None),
        ("GET", "/api/v1/exposures/summary") => (format!("/api/v1/exposures/summary?org={org}"), None),
        ("GET", "/api/v1/exposures/export") => {
            (format!("/api/v1/exposures/export?org={org}&format=csv"), None)
        }
        ("GET", "/api/v1/exposures/unsupported") => {
            (format!("/api/v1/exposures/unsupported?org={org}"), None)
        }
        ("GET", "/api/v1/advisories") => (format!("/api/v1/advisories?org={org}&kev=true"), None),
        ("GET", "/api/v1/advisories/{id}/exposure") => {
            (format!("/api/v1/advisories/{}/exposure", w.advisory), None)
        }
        ("GET", "/api/v1/vex") => (format!("/api/v1/vex?vulnerability={}", w.advisory), None),
        ("GET", "/api/v1/impact") => (format!("/api/v1/impact?org={org}"), None),
        ("POST", "/api/v1/simulations") => (
            "/api/v1/simulations".into(),
            j(json!({"scenario": "wannacry-2017", "trials": 5, "seed": n})),
        ),
        ("POST", "/api/v1/vex") => (
            "/api/v1/vex".into(),
            j(json!({
                "org": write_org, "vulnerability": w.advisory,
                "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                "status": "under_investigation", "detail": format!("walk {n}")
            })),
        ),
        ("POST", "/api/v1/frameworks") => (
            format!("/api/v1/frameworks?file=walk.yaml&version=walk-{n}"),
            Some((SMALL_FRAMEWORK.to_owned(), "application/yaml")),
        ),
        ("GET", "/api/v1/frameworks/{id}/{version}") => {
            let actor = ward_app::Actor::system("walk", app.world.national);
            let f = app
                .app
                .import_framework(&actor, "walk.yaml", SMALL_FRAMEWORK.into(), Some("walk".into()))
                .await
                .unwrap();
            (format!("/api/v1/frameworks/{}/{}", f.framework, f.version), None)
        }
        ("POST", "/api/v1/assessments") => {
            let version = walk_framework(app, n).await;
            (
                "/api/v1/assessments".into(),
                j(
                    json!({"org": org, "framework": "ncsc-caf", "version": version, "year": 2026, "kind": "final"}),
                ),
            )
        }
        ("GET", "/api/v1/assessments/{id}") => (
            format!("/api/v1/assessments/{}", disposable_assessment(app, org, n).await),
            None,
        ),
        ("PUT", "/api/v1/assessments/{id}/answers") => (
            format!(
                "/api/v1/assessments/{}/answers",
                disposable_assessment(app, org, n).await
            ),
            j(json!({"answers": {"A1.a.A.1": {"value": false, "comment": "walk"}}})),
        ),
        ("PUT", "/api/v1/assessments/{id}/outcomes/{outcome}") => (
            format!(
                "/api/v1/assessments/{}/outcomes/A1.a",
                disposable_assessment(app, org, n).await
            ),
            j(json!({"owner": "Walk owner"})),
        ),
        ("POST", "/api/v1/assessments/{id}/status") => (
            format!(
                "/api/v1/assessments/{}/status",
                disposable_assessment(app, org, n).await
            ),
            j(json!({"status": "submitted"})),
        ),
        ("POST", "/api/v1/assessments/{id}/carry") => {
            let id = disposable_assessment(app, org, n).await;
            let next = walk_framework(app, n + 100_000).await;
            (
                format!("/api/v1/assessments/{id}/carry"),
                j(json!({"version": next})),
            )
        }
        ("GET", "/api/v1/assessments/{id}/export") => (
            format!(
                "/api/v1/assessments/{}/export?format=csv",
                disposable_assessment(app, org, n).await
            ),
            None,
        ),
        ("GET", "/api/v1/assessments/{id}/evidence") => (
            format!(
                "/api/v1/assessments/{}/evidence",
                disposable_assessment(app, org, n).await
            ),
            None,
        ),
        ("POST", "/api/v1/assessments/{id}/plan/actions") => (
            format!(
                "/api/v1/assessments/{}/plan/actions",
                disposable_assessment(app, org, n).await
            ),
            j(
                json!({"title": format!("Walk {n}"), "owner": "Walk owner", "due": "2026-12-31", "outcomes": ["A1.a"]}),
            ),
        ),
        ("PUT", "/api/v1/assessments/{id}/plan/actions/{action}") => {
            let (id, action) = disposable_plan(app, org, n).await;
            (
                format!("/api/v1/assessments/{id}/plan/actions/{action}"),
                j(json!({"status": "done"})),
            )
        }
        ("POST", "/api/v1/assessments/{id}/plan/approve") => {
            // A trust's plan: the trust in the caller's region, or the foreign one.
            let (id, _) = disposable_plan(app, write_org, n).await;
            (format!("/api/v1/assessments/{id}/plan/approve"), None)
        }
        ("GET", "/api/v1/profiles/{framework}/{version}/{category}") => {
            let version = walk_framework(app, n).await;
            (format!("/api/v1/profiles/ncsc-caf/{version}/gp-practices"), None)
        }
        ("POST", "/api/v1/profiles/preview" | "/api/v1/profiles") => {
            let version = walk_framework(app, n).await;
            (
                route.1.to_owned(),
                j(
                    json!({"framework": "ncsc-caf", "framework_version": version, "category": "gp-practices",
                         "effective_from": "2026-04-01", "targets": {"A1.a": "achieved"}}),
                ),
            )
        }
        ("POST", "/api/v1/alerts") => (
            "/api/v1/alerts".into(),
            j(
                json!({"severity": "high", "title": format!("Walk {n}"), "advisories": [w.advisory],
                     "add_area": org}),
            ),
        ),
        ("GET", "/api/v1/alerts/{id}") => (
            format!("/api/v1/alerts/{}", disposable_alert(app, write_org, n).await),
            None,
        ),
        ("POST", "/api/v1/alerts/{id}/orgs/{org}/responses") => (
            format!(
                "/api/v1/alerts/{}/orgs/{write_org}/responses",
                disposable_alert(app, write_org, n).await
            ),
            j(json!({"action": "acknowledge"})),
        ),
        ("POST", "/api/v1/deliveries/dead/{job}/replay") => (
            format!(
                "/api/v1/deliveries/dead/{}/replay",
                disposable_dead_delivery(app, org, n).await
            ),
            None,
        ),
        ("GET", "/api/v1/risks") => (format!("/api/v1/risks?org={org}"), None),
        ("POST", "/api/v1/risks") => {
            let owner = if own {
                w.users[&Role::OrgMember].id
            } else {
                w.foreign_admin.id
            };
            (
                "/api/v1/risks".into(),
                j(json!({"org": write_org, "details": risk_details(owner, n)})),
            )
        }
        ("POST", "/api/v1/risks/quantify") => (
            route.1.to_owned(),
            j(
                json!({"frequency": {"min": 0.1, "mode": 0.5, "max": 2}, "magnitude": {"min": 1000, "mode": 5000, "max": 90000},
                     "trials": 200, "seed": n}),
            ),
        ),
        ("POST", "/api/v1/risks/vocabulary") => (
            route.1.to_owned(),
            j(json!({"kind": "event", "code": format!("walk-event-{n}"), "label": "Walk event"})),
        ),
        ("POST", "/api/v1/risks/from-exposure") => {
            let a = if own {
                w.trust_assets[0]
            } else {
                w.foreign_assets[0]
            };
            (route.1.to_owned(), j(json!({"advisory": w.advisory, "asset": a})))
        }
        ("GET", "/api/v1/risks/{id}") => (
            format!("/api/v1/risks/{}", disposable_risk(app, org, false, n).await),
            None,
        ),
        ("PUT", "/api/v1/risks/{id}") => {
            let owner = if own {
                w.users[&Role::OrgMember].id
            } else {
                w.foreign_admin.id
            };
            (
                format!(
                    "/api/v1/risks/{}",
                    disposable_risk(app, write_org, false, n).await
                ),
                j(risk_details(owner, n)),
            )
        }
        ("POST", "/api/v1/risks/{id}/approve") => (
            format!(
                "/api/v1/risks/{}/approve",
                disposable_risk(app, write_org, true, n).await
            ),
            None,
        ),
        ("GET", "/api/v1/incidents") => (format!("/api/v1/incidents?org={org}"), None),
        ("POST", "/api/v1/incidents") => (
            "/api/v1/incidents".into(),
            j(json!({"org": write_org, "details": incident_details(n)})),
        ),
        ("GET", "/api/v1/incidents/{id}") => (
            format!("/api/v1/incidents/{}", disposable_incident(app, org, n).await),
            None,
        ),
        ("PUT", "/api/v1/incidents/{id}") => (
            format!(
                "/api/v1/incidents/{}",
                disposable_incident(app, write_org, n).await
            ),
            j(incident_details(n)),
        ),
        ("POST", "/api/v1/incidents/{id}/timeline") => (
            format!(
                "/api/v1/incidents/{}/timeline",
                disposable_incident(app, write_org, n).await
            ),
            j(json!({"at": "2026-06-03T09:15:00+01:00[Europe/London]", "text": format!("Walk entry {n}")})),
        ),
        ("GET", "/api/v1/exercises") => (format!("/api/v1/exercises?org={org}"), None),
        ("POST", "/api/v1/exercises") => (
            "/api/v1/exercises".into(),
            j(json!({
                "title": format!("Walk exercise {n}"), "scenario": "synnovis-2024", "orgs": [write_org],
                "facilitator": w.users[&Role::OrgAdmin].id, "planned_for": "2026-07-01"
            })),
        ),
        ("GET", "/api/v1/exercises/{id}") => (
            format!(
                "/api/v1/exercises/{}",
                disposable_exercise(app, org, ExerciseStatus::Planned, n).await.0
            ),
            None,
        ),
        ("POST", "/api/v1/exercises/{id}/status") => (
            format!(
                "/api/v1/exercises/{}/status",
                disposable_exercise(app, write_org, ExerciseStatus::Planned, n)
                    .await
                    .0
            ),
            j(json!({"status": "running"})),
        ),
        ("POST", "/api/v1/exercises/{id}/injects/{number}/release") => (
            format!(
                "/api/v1/exercises/{}/injects/2/release",
                disposable_exercise(app, write_org, ExerciseStatus::Running, n)
                    .await
                    .0
            ),
            None,
        ),
        ("POST", "/api/v1/exercises/{id}/injects/{number}/entries") => (
            format!(
                "/api/v1/exercises/{}/injects/1/entries",
                disposable_exercise(app, write_org, ExerciseStatus::Running, n)
                    .await
                    .0
            ),
            j(json!({"kind": "response", "text": format!("Walk entry {n}")})),
        ),
        ("PUT", "/api/v1/exercises/{id}/debrief") => (
            format!(
                "/api/v1/exercises/{}/debrief",
                disposable_exercise(app, write_org, ExerciseStatus::Completed, n)
                    .await
                    .0
            ),
            j(json!({"went_well": format!("Walk {n}")})),
        ),
        ("POST", "/api/v1/exercises/{id}/actions") => (
            format!(
                "/api/v1/exercises/{}/actions",
                disposable_exercise(app, write_org, ExerciseStatus::Completed, n)
                    .await
                    .0
            ),
            j(exercise_action(app, write_org, n)),
        ),
        ("PUT", "/api/v1/exercises/{id}/actions/{action}") => {
            let (e, a) = disposable_exercise(app, write_org, ExerciseStatus::Completed, n).await;
            (
                format!("/api/v1/exercises/{e}/actions/{}", a.unwrap()),
                j(exercise_action(app, write_org, n)),
            )
        }
        ("POST", "/api/v1/incidents/{id}/deployments") => (
            format!(
                "/api/v1/incidents/{}/deployments",
                disposable_incident(app, write_org, n).await
            ),
            j(
                json!({"responder": w.users[&Role::OrgMember].id, "ends_at": app.app.now() + jiff::SignedDuration::from_hours(24)}),
            ),
        ),
        ("POST", "/api/v1/deployments/{id}/end") => (
            format!(
                "/api/v1/deployments/{}/end",
                disposable_deployment(app, write_org, n).await
            ),
            None,
        ),
        (_, p) if p.starts_with("/api/v1/notices") => notices::call(app, route, role, own, n).await,
        (_, p) if people::is_people(p) => people::call(app, route, org, n).await,
        (_, p) if tech_assessments::is_tech_assessment(p) => tech_assessments::call(app, route, own, n).await,
        (_, p) if recovery::is_recovery(p) => recovery::call(app, route, org, write_org, n).await,
        (_, p) if exercise_participants::is_exercise_participants(p) => {
            exercise_participants::call(app, route, write_org, n).await
        }
        (_, p) if supplier_advisories::is_supplier_advisory(p) => {
            supplier_advisories::call(app, route, own, org, n).await
        }
        (_, p) if assurance_rollup::is_assurance_rollup(p) => assurance_rollup::call(app, org, n).await,
        (_, p)
            if p.starts_with("/api/v1/coordinated-incidents")
                || p.contains("/tasks")
                || p.ends_with("/links") =>
        {
            incident_response_call(app, route, org, write_org, n).await
        }
        (_, p) if p.starts_with("/api/v1/suppliers/") || p.starts_with("/api/v1/certificates") => {
            supplier_request(app, route, own, write_org, n).await
        }
        ("GET", "/api/v1/assessments/{id}/files") => (
            format!(
                "/api/v1/assessments/{}/files",
                disposable_assessment(app, org, n).await
            ),
            None,
        ),
        ("POST", "/api/v1/assessments/{id}/files") => (
            format!(
                "/api/v1/assessments/{}/files?name=walk-{n}.pdf&outcome=A1.a",
                disposable_assessment(app, org, n).await
            ),
            Some(("%PDF-1.7 walk".to_owned(), "application/pdf")),
        ),
        ("GET" | "DELETE", "/api/v1/assessments/{id}/files/{file}") => {
            let assessment = disposable_assessment(app, org, n).await;
            let system = ward_app::Actor::system("walk", w.national);
            let kept = app
                .app
                .add_evidence_file(
                    &system,
                    ward_app::assurance::files::NewEvidenceFile {
                        assessment,
                        outcome: None,
                        file_name: format!("walk-{n}.pdf"),
                        content: b"%PDF-1.7 walk".to_vec(),
                    },
                )
                .await
                .unwrap();
            (
                format!("/api/v1/assessments/{assessment}/files/{}", kept.id),
                None,
            )
        }
        ("GET", "/api/v1/siro") => (format!("/api/v1/siro?org={org}"), None),
        ("GET", "/api/v1/siro/candidates") => (format!("/api/v1/siro/candidates?org={write_org}"), None),
        ("PUT", "/api/v1/siro") => {
            // The organisation's own admin, who may sign off there.
            let user = if own {
                w.users[&Role::OrgAdmin].id
            } else {
                w.foreign_admin.id
            };
            (route.1.to_owned(), j(json!({"org": write_org, "user": user})))
        }
        (_, p) if exercise_injects::is_exercise_injects(p) => {
            exercise_injects::call(app, route, role, own, write_org, n).await
        }
        (_, p) => (p.to_owned(), None),
    };
    Call { method, path, body }
}

async fn send(app: &TestApp, call: &Call, auth: Option<&(String, String)>) -> reqwest::StatusCode {
    let mut req = client().request(call.method.clone(), app.url(&call.path));
    if let Some((cookie, csrf)) = auth {
        req = req
            .header("cookie", format!("ward_session={cookie}"))
            .header("x-csrf-token", csrf);
    }
    if let Some((body, ct)) = &call.body {
        req = req.header("content-type", *ct).body(body.clone());
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn every_role_on_every_route_against_own_and_foreign_organisations() {
    let app = spawn_app().await;
    let mut failures = Vec::new();
    let mut n = 0;
    for role in Role::iter() {
        let user = app.world.users[&role].clone();
        let session = app.session_for(&user).await;
        for &route in ROUTES {
            for target in [Target::Own, Target::Foreign] {
                n += 1;
                let call = build_call(&app, route, role, target, n).await;
                let status = send(&app, &call, Some(&session)).await;
                let want = allowed(route, role, target);
                // A batch import naming an organisation outside the caller's footprint is refused
                // as invalid input (422, naming the row), with the same words as an unknown code.
                let batch = route == ("POST", "/api/v1/assets/import");
                let ok = if want {
                    status.is_success()
                } else {
                    matches!(status.as_u16(), 401 | 403 | 404) || (batch && status.as_u16() == 422)
                };
                if !ok {
                    failures.push(format!(
                        "{role:?} {target:?} {} {} -> {status} (expected {})",
                        route.0,
                        call.path,
                        if want { "allow" } else { "deny" }
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong decisions:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn every_route_refuses_anonymous_callers() {
    let app = spawn_app().await;
    for (i, &route) in ROUTES.iter().enumerate() {
        let call = build_call(&app, route, Role::NationalAnalyst, Target::Own, 10_000 + i).await;
        let status = send(&app, &call, None).await;
        assert_eq!(status.as_u16(), 401, "{} {}", route.0, call.path);
    }
}

#[tokio::test]
async fn cookie_callers_must_send_the_csrf_token_on_writes() {
    let app = spawn_app().await;
    let member = app.world.users[&Role::OrgMember].clone();
    let (cookie, _csrf) = app.session_for(&member).await;
    let res = client()
        .post(app.url("/api/v1/assets"))
        .header("cookie", format!("ward_session={cookie}"))
        .header("x-csrf-token", "wrong")
        .json(&json!({"org": app.world.trust, "name": "x", "kind": "server", "internet_facing": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}
