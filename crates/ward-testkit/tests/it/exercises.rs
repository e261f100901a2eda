//! Exercises through the API: the workflow from plan to debrief and actions (one raising a risk),
//! CAF D1.c evidence, bad input named by field, and attacks: another trust's admin reading,
//! listing, starting or releasing injects; roles that may not plan. Each test runs on SQLite, and
//! on PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-04T14:00:00Z".parse().expect("fixed instant"))
}

fn plan(app: &TestApp, scenario: &str) -> Value {
    let w = &app.world;
    json!({
        "title": "Pathology outage drill", "scenario": scenario, "orgs": [w.trust],
        "facilitator": w.users[&Role::OrgAdmin].id, "planned_for": "2026-06-10",
        "participants": [{"name": "Ada", "role": "clinical_lead"}, {"name": "Grace", "role": "incident_lead"}]
    })
}

fn fields(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|f| f["path"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn an_exercise_runs_from_plan_to_tracked_actions() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let auditor = as_role(&app, Role::Auditor).await;
        let regional = as_role(&app, Role::RegionalLead).await;

        let (status, body) = call(&app, &admin, Method::GET, "/api/v1/exercises/scenarios", None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body.as_array().map(Vec::len), Some(6), "{backend}");

        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/exercises",
            Some(plan(&app, "synnovis-2024")),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["exercise"]["status"], "planned", "{backend}");
        assert_eq!(
            body["exercise"]["kind"], "stress_test",
            "{backend}: the scenario's kind"
        );
        assert_eq!(body["orgs"][0]["code"], "RJZ", "{backend}");
        let id = body["exercise"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/exercises/{id}");

        // Nothing is released before the start.
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/injects/1/release"),
            None,
        )
        .await;
        assert_eq!(status, 409, "{backend}: {body}");

        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/status"),
            Some(json!({"status": "running"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(
            body["exercise"]["started_at"], "2026-06-04T14:00:00Z",
            "{backend}"
        );

        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/injects/1/release"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["released_at"], "2026-06-04T14:00:00Z", "{backend}");
        assert_eq!(body["inject"]["target"], "clinical_lead", "{backend}");
        // Released twice: a conflict naming the inject.
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/injects/1/release"),
            None,
        )
        .await;
        assert_eq!(status, 409, "{backend}: {body}");
        assert!(
            body.to_string().contains("inject 1 was already released"),
            "{backend}: {body}"
        );
        // An inject the scenario does not have: 422 naming `inject`.
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/injects/40/release"),
            None,
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(fields(&body), ["inject"], "{backend}: {body}");

        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/injects/1/entries"),
            Some(json!({"kind": "decision", "text": "Urgent-only testing; Grace decided"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["entry"]["at"], "2026-06-04T14:00:00Z", "{backend}");
        assert!(body["author_name"].is_string(), "{backend}: {body}");
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/injects/2/entries"),
            Some(json!({"kind": "response", "text": "Too early"})),
        )
        .await;
        assert_eq!(
            status, 409,
            "{backend}: an entry against an inject not released: {body}"
        );

        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/status"),
            Some(json!({"status": "completed"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["evidence_for"], "D1.c", "{backend}");
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/status"),
            Some(json!({"status": "running"})),
        )
        .await;
        assert_eq!(status, 409, "{backend}: never back to running: {body}");

        let (status, body) = call(
            &app,
            &admin,
            Method::PUT,
            &format!("{path}/debrief"),
            Some(json!({"went_well": "Paper blood protocol held", "to_improve": "Call tree out of date"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");

        // Actions: an owner and a due date are required, named.
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/actions"),
            Some(json!({"org": w.trust, "lesson": "Update the call tree"})),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(fields(&body), ["owner", "due"], "{backend}: {body}");
        let owner = w.users[&Role::OrgMember].id;
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/actions"),
            Some(json!({"org": w.trust, "lesson": "Update the call tree", "owner": owner, "due": "2026-07-01", "raise_risk": true})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let risk = body["action"]["risk"].as_str().unwrap().to_owned();
        let action = body["action"]["id"].as_str().unwrap().to_owned();
        let (status, body) = call(&app, &admin, Method::GET, &format!("/api/v1/risks/{risk}"), None).await;
        assert_eq!(
            status, 200,
            "{backend}: the raised risk is in the register: {body}"
        );
        let (status, body) = call(
            &app,
            &admin,
            Method::PUT,
            &format!("{path}/actions/{action}"),
            Some(json!({"org": w.trust, "lesson": "Update the call tree", "owner": owner, "due": "2026-07-01", "status": "done", "risk": risk})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["action"]["status"], "done", "{backend}");

        // The record, read by the region and by an auditor (evidence), and listed as D1.c evidence.
        let (status, body) = call(&app, &regional, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(
            body["injects"][0]["entries"].as_array().map(Vec::len),
            Some(1),
            "{backend}"
        );
        assert!(body["injects"][1]["released_at"].is_null(), "{backend}");
        assert_eq!(body["actions"].as_array().map(Vec::len), Some(1), "{backend}");
        assert_eq!(
            body["view"]["exercise"]["debrief"]["to_improve"], "Call tree out of date",
            "{backend}"
        );
        let evidence = format!(
            "/api/v1/exercises?org={}&status=completed&completed_since=2026-01-01",
            w.trust
        );
        let (status, body) = call(&app, &auditor, Method::GET, &evidence, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body.as_array().map(Vec::len), Some(1), "{backend}: {body}");
        let later = format!(
            "/api/v1/exercises?org={}&status=completed&completed_since=2026-06-05",
            w.trust
        );
        let (_, body) = call(&app, &auditor, Method::GET, &later, None).await;
        assert_eq!(body.as_array().map(Vec::len), Some(0), "{backend}: {body}");
        // The auditor reads but does not run it.
        let (status, _) = call(
            &app,
            &auditor,
            Method::PUT,
            &format!("{path}/debrief"),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, 403, "{backend}");
    }
}

#[tokio::test]
async fn another_trusts_admin_cannot_read_or_run_an_exercise() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let member = as_role(&app, Role::OrgMember).await;
        let supplier = as_role(&app, Role::SupplierContact).await;

        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/exercises",
            Some(plan(&app, "wannacry-2017")),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let id = body["exercise"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/exercises/{id}");
        let (status, _) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{path}/status"),
            Some(json!({"status": "running"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}");

        let (status, _) = call(&app, &foreign, Method::GET, &path, None).await;
        assert_eq!(status, 404, "{backend}: another trust reads");
        let (status, body) = call(&app, &foreign, Method::GET, "/api/v1/exercises", None).await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(body.as_array().map(Vec::len), Some(0), "{backend}: listed abroad");
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            &format!("{path}/injects/1/release"),
            None,
        )
        .await;
        assert_eq!(status, 404, "{backend}: another trust releases an inject");
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            &format!("{path}/status"),
            Some(json!({"status": "completed"})),
        )
        .await;
        assert_eq!(status, 404, "{backend}: another trust completes it");
        // Planning for another trust: not found, nothing stored.
        let mut abroad = plan(&app, "synnovis-2024");
        abroad["orgs"] = json!([w.trust]);
        let (status, _) = call(&app, &foreign, Method::POST, "/api/v1/exercises", Some(abroad)).await;
        assert_eq!(status, 404, "{backend}: planning for another trust");

        // A member reads it but neither plans nor runs; a supplier does neither.
        let (status, _) = call(&app, &member, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{backend}");
        let (status, _) = call(
            &app,
            &member,
            Method::POST,
            &format!("{path}/injects/1/release"),
            None,
        )
        .await;
        assert_eq!(status, 403, "{backend}");
        let (status, _) = call(&app, &supplier, Method::GET, &path, None).await;
        assert_eq!(status, 403, "{backend}");

        // Still nothing released: the refused attempts left no trace.
        let (_, body) = call(&app, &admin, Method::GET, &path, None).await;
        assert!(body["injects"][0]["released_at"].is_null(), "{backend}: {body}");
    }
}

#[tokio::test]
async fn bad_plans_are_refused_naming_each_field() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let admin = as_role(&app, Role::OrgAdmin).await;
        let mut bad = plan(&app, "zombies-2030");
        bad["title"] = json!("");
        let (status, body) = call(&app, &admin, Method::POST, "/api/v1/exercises", Some(bad)).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(fields(&body), ["title", "scenario"], "{backend}: {body}");
        assert!(
            body.to_string().contains("synnovis-2024"),
            "{backend}: names the scenarios there are"
        );

        let mut bad = plan(&app, "insider");
        bad["participants"] = json!([{"name": "Ada", "role": "clinical_lead"}]);
        let (status, body) = call(&app, &admin, Method::POST, "/api/v1/exercises", Some(bad)).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(fields(&body), ["participants[0].role"], "{backend}: {body}");

        let mut bad = plan(&app, "synnovis-2024");
        bad["facilitator"] = json!(uuid::Uuid::nil());
        let (status, body) = call(&app, &admin, Method::POST, "/api/v1/exercises", Some(bad)).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(fields(&body), ["facilitator"], "{backend}: {body}");

        let (_, body) = call(&app, &admin, Method::GET, "/api/v1/exercises", None).await;
        assert_eq!(
            body.as_array().map(Vec::len),
            Some(0),
            "{backend}: nothing stored"
        );
    }
}
