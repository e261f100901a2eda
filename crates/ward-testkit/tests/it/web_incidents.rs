//! The incident pages: a trust's member records an incident (through the API, with the session's
//! CSRF token), then the list shows it with its reporting clocks and the incident page shows the
//! timeline as written; another trust sees nothing of it.

use crate::web::Visitor;
use reqwest::StatusCode;
use serde_json::json;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn incidents_are_listed_with_their_clocks_and_read_within_the_footprint() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let csrf = v.csrf().await;
    let post = |path: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(t.url(path))
            .header("x-csrf-token", csrf.clone())
            .json(&body)
    };
    // Detected long ago, the initial report made late, NIS and ICO never made: both overdue.
    let req = post(
        "/api/v1/incidents",
        json!({"org": t.world.trust, "details": {
            "title": "Pathology supplier ransomware", "category": "significant", "severity": "critical",
            "tlp": "AMBER", "status": "open", "patient_harm": 4, "services": [],
            "impact": "Blood tests sent to other providers",
            "detected_at": "2026-06-03T08:00:00Z", "reported_at": "2026-06-04T20:00:00Z"
        }}),
    );
    let created = v.send(req).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let body: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    let id = body["incident"]["id"].as_str().unwrap().to_owned();
    let req = post(
        &format!("/api/v1/incidents/{id}/timeline"),
        json!({"at": "2026-06-03T09:15:00+01:00[Europe/London]", "text": "LIMS encrypted"}),
    );
    assert_eq!(v.send(req).await.status, StatusCode::OK);

    assert!(v.get("/").await.body.contains("href=\"/incidents\""));
    let list = v.get("/incidents").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Pathology supplier ransomware"));
    assert!(list.body.contains("Category 3: Significant"), "{}", list.body);
    assert!(list.body.contains("Report overdue"));
    assert!(list.body.contains("Major (4)"));
    let page = v.get(&format!("/incidents/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Reported 4 Jun 2026 20:00 UTC, late"),
        "{}",
        page.body
    );
    assert!(page.body.contains("2026-06-03T09:15:00+01:00[Europe/London]"));
    assert!(page.body.contains("LIMS encrypted"));

    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    assert!(
        !foreign
            .get("/incidents")
            .await
            .body
            .contains("Pathology supplier ransomware")
    );
    assert_eq!(
        foreign.get(&format!("/incidents/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut supplier = Visitor::new(&t);
    supplier.sign_in_as(Role::SupplierContact).await;
    assert_eq!(supplier.get("/incidents").await.status, StatusCode::FORBIDDEN);
}

/// The response-team page: the region sees who is deployed where and until when, and who is free;
/// an organisation's member has neither the link nor the page.
#[tokio::test]
async fn the_capacity_page_shows_who_is_deployed_where_and_who_is_free() {
    let t = spawn_app().await;
    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    let csrf = m.csrf().await;
    let req = reqwest::Client::new()
        .post(t.url("/api/v1/incidents"))
        .header("x-csrf-token", csrf)
        .json(&json!({"org": t.world.trust, "details": {
            "title": "Worm on the trust network", "category": "substantial", "severity": "high",
            "tlp": "AMBER", "status": "open", "patient_harm": 2, "detected_at": "2026-06-03T08:00:00Z"
        }}));
    let created = m.send(req).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = serde_json::from_str::<serde_json::Value>(&created.body).unwrap()["incident"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut r = Visitor::new(&t);
    r.sign_in_as(Role::RegionalLead).await;
    let csrf = r.csrf().await;
    let ends = t.app.now() + jiff::SignedDuration::from_hours(24);
    let req = reqwest::Client::new()
        .post(t.url(&format!("/api/v1/incidents/{id}/deployments")))
        .header("x-csrf-token", csrf)
        .json(&json!({"responder": t.world.users[&Role::OrgMember].id, "ends_at": ends}));
    let deployed = r.send(req).await;
    assert_eq!(deployed.status, StatusCode::OK, "{}", deployed.body);
    assert!(r.get("/").await.body.contains("href=\"/deployments\""));
    let page = r.get("/deployments").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Worm on the trust network"), "{}", page.body);
    assert!(
        page.body
            .contains(&ends.strftime("%-d %b %Y %H:%M UTC").to_string())
    );
    // The fixture responder holds the responder role on the trust and is on no deployment: free.
    let free = page.body.split("<h2>Free</h2>").nth(1).unwrap();
    assert!(free.contains("<li>responder</li>"), "{}", page.body);
    assert!(
        !free.contains("<li>member</li>"),
        "the deployed member is not free"
    );
    assert!(!page.body.contains("incident_responder"));

    assert!(!m.get("/").await.body.contains("href=\"/deployments\""));
    assert_eq!(m.get("/deployments").await.status, StatusCode::FORBIDDEN);
}
