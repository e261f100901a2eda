//! The walk's rules and requests for technology assessments: the requesting organisation's admins
//! and members ask for them and keep their remediation plans; the national team triages,
//! assesses, records findings and keeps plans anywhere; a regional lead reads its region's;
//! nobody else reads them.

use serde_json::json;
use ward_core::role::Role;
use ward_core::tech_assessment::{
    RemediationAction, RemediationStatus, TechAssessment, TechKind, TechStatus,
};
use ward_core::{OrgId, RemediationActionId, TechAssessmentId};
use ward_store::Scope;
use ward_testkit::TestApp;

pub(super) fn is_tech_assessment(path: &str) -> bool {
    path.starts_with("/api/v1/technology-assessments")
}

/// Whether `role` may call `route` on its own footprint's request (`own`: the London trust's) or
/// the foreign trust's.
pub(super) fn allowed(route: (&str, &str), role: Role, own: bool) -> bool {
    use Role::*;
    let national = role == NationalAnalyst;
    let requester = matches!(role, OrgAdmin | OrgMember);
    match route {
        // The list is filtered to the footprint.
        ("GET", "/api/v1/technology-assessments") => national || requester || role == RegionalLead,
        ("POST", "/api/v1/technology-assessments") => requester && own,
        ("GET", "/api/v1/technology-assessments/{id}") => {
            national || ((requester || role == RegionalLead) && own)
        }
        (
            "POST",
            "/api/v1/technology-assessments/{id}/status" | "/api/v1/technology-assessments/{id}/findings",
        ) => national,
        ("POST", "/api/v1/technology-assessments/{id}/actions")
        | ("PUT", "/api/v1/technology-assessments/{id}/actions/{action}") => national || (requester && own),
        _ => panic!("route {route:?} has no rule in the walk"),
    }
}

/// A request of `org` at `status`, kept straight in the store.
async fn disposable_request(app: &TestApp, org: OrgId, status: TechStatus, n: usize) -> TechAssessmentId {
    let now = app.app.now();
    let id = TechAssessmentId::from_uuid(uuid::Uuid::from_u128(
        0x0190_0000_0000_7000_8000_0000_7a00_0000 | n as u128,
    ));
    let request = TechAssessment {
        id,
        org,
        technology: format!("Walk device {n}"),
        kind: TechKind::MedicalDevice,
        supplier: None,
        product: None,
        description: "Walked".into(),
        wanted_by: None,
        status,
        priority: None,
        assessor: None,
        reason: None,
        requested_by: None,
        created_at: now,
        updated_at: now,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .create_tech_assessment(&Scope::All, &request, &actor.audit(now))
        .await
        .unwrap();
    id
}

/// The request for a route.
pub(super) async fn call(
    app: &TestApp,
    route: (&str, &str),
    own: bool,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let w = &app.world;
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    let org = if own { w.trust } else { w.foreign_trust };
    let asset = if own {
        w.trust_assets[0]
    } else {
        w.foreign_assets[0]
    };
    match route {
        ("POST", "/api/v1/technology-assessments") => (
            "/api/v1/technology-assessments".into(),
            j(
                json!({"org": org, "technology": format!("Walk PACS {n}"), "kind": "system",
                     "description": "A new imaging system"}),
            ),
        ),
        ("GET", "/api/v1/technology-assessments/{id}") => {
            let id = disposable_request(app, org, TechStatus::Requested, n).await;
            (format!("/api/v1/technology-assessments/{id}"), None)
        }
        ("POST", "/api/v1/technology-assessments/{id}/status") => {
            let id = disposable_request(app, org, TechStatus::Requested, n).await;
            (
                format!("/api/v1/technology-assessments/{id}/status"),
                j(json!({"to": "declined", "reason": "Already assessed nationally"})),
            )
        }
        ("POST", "/api/v1/technology-assessments/{id}/findings") => {
            let id = disposable_request(app, org, TechStatus::InAssessment, n).await;
            (
                format!("/api/v1/technology-assessments/{id}/findings"),
                j(
                    json!({"title": "Default credentials", "severity": "high", "record": "exposure",
                         "assets": [asset]}),
                ),
            )
        }
        ("POST", "/api/v1/technology-assessments/{id}/actions") => {
            let id = disposable_request(app, org, TechStatus::FindingsReported, n).await;
            (
                format!("/api/v1/technology-assessments/{id}/actions"),
                j(
                    json!({"title": "Change the default credentials", "owner": "Head of IT", "due": "2099-01-01"}),
                ),
            )
        }
        ("PUT", "/api/v1/technology-assessments/{id}/actions/{action}") => {
            let id = disposable_request(app, org, TechStatus::FindingsReported, n).await;
            let now = app.app.now();
            let action = RemediationAction {
                id: RemediationActionId::from_uuid(uuid::Uuid::from_u128(
                    0x0190_0000_0000_7000_8000_0000_7b00_0000 | n as u128,
                )),
                assessment: id,
                org,
                title: "Patch".into(),
                owner: "Head of IT".into(),
                due: jiff::civil::date(2099, 1, 1),
                status: RemediationStatus::Open,
                created_at: now,
                updated_at: now,
            };
            let actor = ward_app::Actor::system("walk", app.world.national);
            app.store
                .add_remediation_action(&Scope::All, &action, &actor.audit(now))
                .await
                .unwrap();
            (
                format!("/api/v1/technology-assessments/{id}/actions/{}", action.id),
                j(json!({"status": "done"})),
            )
        }
        (_, p) => (p.to_owned(), None),
    }
}
