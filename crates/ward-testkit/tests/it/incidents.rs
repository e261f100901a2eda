//! Incidents through the API, and attacks on them: another trust reading or editing an incident
//! or its timeline, an auditor writing. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{on_each_backend, test_settings};

/// The fixed instant the apps of one test start at: 30 hours after the detection below.
fn clock() -> ManualClock {
    ManualClock::new("2026-06-04T14:00:00Z".parse().expect("fixed instant"))
}

fn details(services: &[ward_core::ServiceId]) -> Value {
    json!({
        "title": "Pathology supplier ransomware", "category": "significant", "severity": "critical",
        "tlp": "AMBER+STRICT", "status": "open", "patient_harm": 4, "services": services,
        "impact": "Blood tests sent to other providers",
        "detected_at": "2026-06-03T08:00:00Z", "reported_at": "2026-06-03T20:00:00Z"
    })
}

#[tokio::test]
async fn an_organisation_records_its_incidents_and_others_cannot_touch_them() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let auditor = as_role(&app, Role::Auditor).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let foreign = app.session_for(&w.foreign_admin).await;

        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/incidents",
            Some(json!({"org": w.trust, "details": details(&w.trust_services[..1])})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["category_number"], 3, "{backend}");
        assert_eq!(body["org_code"], "RJZ", "{backend}");
        // Initial report made in 12 hours; NIS and ICO not yet made at 30 hours: not yet overdue.
        assert_eq!(body["overdue"], false, "{backend}: {body}");
        assert_eq!(body["clocks"][0]["clock"], "initial_report", "{backend}");
        assert_eq!(body["clocks"][1]["due"], "2026-06-06T08:00:00Z", "{backend}");
        let id = body["incident"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/incidents/{id}");

        // Times out of order are refused, naming the field.
        let mut bad = details(&[]);
        bad["contained_at"] = json!("2026-06-03T07:00:00Z");
        let (status, body) = call(&app, &member, Method::PUT, &path, Some(bad)).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.to_string().contains("contained_at"), "{backend}: {body}");

        // A timeline entry keeps the zone it was written in.
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            &format!("{path}/timeline"),
            Some(json!({"at": "2026-06-03T09:15:00+01:00[Europe/London]", "text": "LIMS encrypted"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(
            body["entry"]["at"], "2026-06-03T08:15:00Z",
            "{backend}: stored as UTC"
        );
        assert_eq!(
            body["local"], "2026-06-03T09:15:00+01:00[Europe/London]",
            "{backend}"
        );
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            &format!("{path}/timeline"),
            Some(json!({"at": "2026-06-03T09:15:00", "text": "No zone"})),
        )
        .await;
        assert_eq!(
            status, 422,
            "{backend}: a time without an offset is ambiguous: {body}"
        );

        // The region reads it with its timeline.
        let (status, body) = call(&app, &regional, Method::GET, &path, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["timeline"].as_array().map(Vec::len), Some(1), "{backend}");

        // Another trust neither reads, lists, edits nor adds to it.
        let (status, _) = call(&app, &foreign, Method::GET, &path, None).await;
        assert_eq!(status, 404, "{backend}: another trust reads");
        let (status, body) = call(&app, &foreign, Method::GET, "/api/v1/incidents", None).await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(body.as_array().map(Vec::len), Some(0), "{backend}: listed abroad");
        let (status, _) = call(&app, &foreign, Method::PUT, &path, Some(details(&[]))).await;
        assert_eq!(status, 404, "{backend}: another trust edits");
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            &format!("{path}/timeline"),
            Some(json!({"at": "2026-06-03T10:00:00Z", "text": "Injected"})),
        )
        .await;
        assert_eq!(status, 404, "{backend}: another trust adds to the timeline");
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            "/api/v1/incidents",
            Some(json!({"org": w.trust, "details": details(&[])})),
        )
        .await;
        assert_eq!(status, 404, "{backend}: another trust records one for the trust");

        // An incident naming another organisation's service is refused.
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/incidents",
            Some(json!({"org": w.trust, "details": details(&w.foreign_services[..1])})),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");

        // An auditor neither reads nor writes incidents.
        let (status, _) = call(&app, &auditor, Method::PUT, &path, Some(details(&[]))).await;
        assert_eq!(status, 403, "{backend}: an auditor edits");
        let (status, _) = call(
            &app,
            &auditor,
            Method::POST,
            "/api/v1/incidents",
            Some(json!({"org": w.trust, "details": details(&[])})),
        )
        .await;
        assert_eq!(status, 403, "{backend}: an auditor records");
        let (status, _) = call(&app, &auditor, Method::GET, &path, None).await;
        assert_eq!(status, 403, "{backend}: an auditor reads");

        // Nothing the refusals tried changed the incident.
        let (_, body) = call(&app, &member, Method::GET, &path, None).await;
        assert_eq!(
            body["view"]["incident"]["details"]["title"],
            "Pathology supplier ransomware"
        );
        assert_eq!(body["timeline"].as_array().map(Vec::len), Some(1), "{backend}");
    }
}
