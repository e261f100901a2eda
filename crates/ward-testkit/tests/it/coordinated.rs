//! Sector-wide incidents through the API and pages, with the attacks on each rule: the national
//! team coordinates the trust's and the foreign trust's incidents under one; the London region
//! sees London's part and the foreign trust's admin its own, each with the shared timeline and
//! never the other's local details; a regional lead coordinates only inside its region; an
//! organisation, an auditor and a token-less stranger are refused. Each test runs on SQLite, and
//! on PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call};
use crate::web::Visitor;
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-04T14:00:00Z".parse().expect("fixed instant"))
}

async fn local(app: &TestApp, s: &(String, String), org: ward_core::OrgId, title: &str) -> Value {
    let (status, body) = call(
        app,
        s,
        Method::POST,
        "/api/v1/incidents",
        Some(json!({"org": org, "details": {
            "title": title, "category": "significant", "severity": "critical", "tlp": "AMBER",
            "status": "open", "patient_harm": 4, "detected_at": "2026-06-03T08:00:00Z"
        }})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["incident"]["id"].clone()
}

fn titles(situation: &Value) -> Vec<String> {
    situation["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["incident"]["details"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_coordinated_incident_shows_each_viewer_its_own_part_and_the_shared_timeline() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let w = app.world.clone();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let member = as_role(&app, Role::OrgMember).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let auditor = as_role(&app, Role::Auditor).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let ours = local(&app, &member, w.trust, "London LIMS encrypted").await;
        let theirs = local(&app, &foreign, w.foreign_trust, "South West LIMS encrypted").await;

        // Organisations do not coordinate; an auditor does not even read.
        let open = json!({"title": "Pathology supplier compromise"});
        let (status, _) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/coordinated-incidents",
            Some(open.clone()),
        )
        .await;
        assert_eq!(status, 403, "{b}: an organisation's admin opens one");
        let (status, _) = call(&app, &auditor, Method::GET, "/api/v1/coordinated-incidents", None).await;
        assert_eq!(status, 403, "{b}: an auditor lists them");

        let (status, c) = call(
            &app,
            &national,
            Method::POST,
            "/api/v1/coordinated-incidents",
            Some(open),
        )
        .await;
        assert_eq!(status, 200, "{b}: {c}");
        let id = c["id"].as_str().unwrap().to_owned();
        let base = format!("/api/v1/coordinated-incidents/{id}");
        for incident in [&ours, &theirs] {
            let (status, body) = call(
                &app,
                &national,
                Method::POST,
                &format!("{base}/incidents"),
                Some(json!({"incident": incident})),
            )
            .await;
            assert_eq!(status, 200, "{b}: {body}");
        }
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/timeline"),
            Some(json!({"at": "2026-06-03T10:00:00+01:00[Europe/London]", "text": "Supplier confirms ransomware"})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");

        // The national team sees both, with their clocks (the initial report is overdue).
        let (_, all) = call(&app, &national, Method::GET, &base, None).await;
        let mut seen = titles(&all);
        seen.sort();
        assert_eq!(
            seen,
            ["London LIMS encrypted", "South West LIMS encrypted"],
            "{b}"
        );
        assert_eq!(all["organisations"].as_array().unwrap().len(), 2, "{b}");
        assert_eq!(
            all["incidents"][0]["overdue"], true,
            "{b}: clocks in the situation view"
        );
        // London's region sees London's part only; each trust its own and the shared timeline.
        for (who, s, want) in [
            ("the region", &regional, "London LIMS encrypted"),
            ("the trust's member", &member, "London LIMS encrypted"),
            ("the foreign trust's admin", &foreign, "South West LIMS encrypted"),
        ] {
            let (status, v) = call(&app, s, Method::GET, &base, None).await;
            assert_eq!(status, 200, "{b}: {who}: {v}");
            assert_eq!(titles(&v), [want], "{b}: {who} sees only its own part");
            assert_eq!(v["organisations"].as_array().unwrap().len(), 1, "{b}: {who}");
            assert_eq!(
                v["timeline"][0]["entry"]["text"], "Supplier confirms ransomware",
                "{b}: {who}"
            );
            assert_eq!(
                v["timeline"][0]["local"], "2026-06-03T10:00:00+01:00[Europe/London]",
                "{b}"
            );
        }
        // Nobody but a coordinator writes; an organisation cannot link another's incident.
        let (status, _) = call(
            &app,
            &member,
            Method::POST,
            &format!("{base}/timeline"),
            Some(json!({"at": "2026-06-03T10:00:00+01:00", "text": "Planted"})),
        )
        .await;
        assert_eq!(status, 403, "{b}: a member writes the shared timeline");
        // The London region does not coordinate the national incident, nor reach the foreign trust.
        let (status, _) = call(
            &app,
            &regional,
            Method::POST,
            &format!("{base}/incidents"),
            Some(json!({"incident": ours})),
        )
        .await;
        assert_eq!(status, 404, "{b}: the region links under a national incident");

        // A regional lead coordinates within its region only.
        let (status, rc) = call(
            &app,
            &regional,
            Method::POST,
            "/api/v1/coordinated-incidents",
            Some(json!({"title": "Worm in London"})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {rc}");
        let rbase = format!("/api/v1/coordinated-incidents/{}", rc["id"].as_str().unwrap());
        let (status, _) = call(
            &app,
            &regional,
            Method::POST,
            &format!("{rbase}/incidents"),
            Some(json!({"incident": theirs})),
        )
        .await;
        assert_eq!(status, 404, "{b}: the region links another region's incident");
        let (status, _) = call(
            &app,
            &regional,
            Method::POST,
            "/api/v1/coordinated-incidents",
            Some(json!({"title": "Elsewhere", "area": w.south_west})),
        )
        .await;
        assert_eq!(status, 404, "{b}: the region opens one for another region");
        let (status, _) = call(
            &app,
            &regional,
            Method::POST,
            &format!("{rbase}/incidents"),
            Some(json!({"incident": ours})),
        )
        .await;
        assert_eq!(status, 200, "{b}");
        // The foreign trust has no part in London's: not found, not listed.
        let (status, _) = call(&app, &foreign, Method::GET, &rbase, None).await;
        assert_eq!(status, 404, "{b}: an uninvolved trust reads it");
        let (_, listed) = call(&app, &foreign, Method::GET, "/api/v1/coordinated-incidents", None).await;
        assert_eq!(
            listed.as_array().unwrap().len(),
            1,
            "{b}: only the national one: {listed}"
        );

        // Figures count each footprint's own incidents.
        let (_, figures) = call(&app, &member, Method::GET, "/api/v1/incidents/figures", None).await;
        let counted: u64 = figures
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["count"]["count"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, 1, "{b}: the trust counts its own: {figures}");
        assert_eq!(figures[0]["count"]["status"], "open", "{b}");
        assert_eq!(figures[0]["category_number"], 3, "{b}");
        let (_, figures) = call(&app, &national, Method::GET, "/api/v1/incidents/figures", None).await;
        let counted: u64 = figures
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["count"]["count"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, 2, "{b}: the nation counts both: {figures}");

        let actions: Vec<String> = app
            .store
            .audit_page(1, 100_000)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event.action)
            .collect();
        for a in ["coordinated.create", "coordinated.link", "coordinated.timeline"] {
            assert!(actions.iter().any(|x| x == a), "{b}: {a} audited");
        }
    }
}

/// The situation page: the trust's member sees its own incident, the shared timeline and the
/// overdue flag, but not the foreign trust's incident nor the coordinator's forms.
#[tokio::test]
async fn the_situation_page_is_cut_to_the_viewers_footprint() {
    let t = ward_testkit::spawn_app().await;
    let w = t.world.clone();
    let member = as_role(&t, Role::OrgMember).await;
    let foreign = t.session_for(&w.foreign_admin).await;
    let national = as_role(&t, Role::NationalAnalyst).await;
    let ours = local(&t, &member, w.trust, "London LIMS encrypted").await;
    let theirs = local(&t, &foreign, w.foreign_trust, "South West LIMS encrypted").await;
    let (_, c) = call(
        &t,
        &national,
        Method::POST,
        "/api/v1/coordinated-incidents",
        Some(json!({"title": "Supplier compromise"})),
    )
    .await;
    let id = c["id"].as_str().unwrap().to_owned();
    for i in [&ours, &theirs] {
        let (status, _) = call(
            &t,
            &national,
            Method::POST,
            &format!("/api/v1/coordinated-incidents/{id}/incidents"),
            Some(json!({"incident": i})),
        )
        .await;
        assert_eq!(status, 200);
    }
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    assert!(v.get("/incidents").await.body.contains("href=\"/coordinated\""));
    assert!(v.get("/coordinated").await.body.contains("Supplier compromise"));
    let page = v.get(&format!("/coordinated/{id}")).await;
    assert_eq!(page.status, reqwest::StatusCode::OK);
    assert!(page.body.contains("London LIMS encrypted"), "{}", page.body);
    assert!(
        !page.body.contains("South West LIMS encrypted"),
        "another trust's details"
    );
    assert!(page.body.contains("Report overdue"));
    assert!(
        !page.body.contains("Link a local incident"),
        "no coordinator's forms"
    );
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let page = n.get(&format!("/coordinated/{id}")).await;
    assert!(page.body.contains("South West LIMS encrypted") && page.body.contains("Link a local incident"));
}
