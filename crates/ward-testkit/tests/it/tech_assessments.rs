//! Technology assessments through the API: a trust asks, the national team triages, assesses,
//! records findings (an exposure naming the trust's asset and a risk raised in the trust's
//! register) and reports them (the trust is told in Ward); the trust plans remediation; closing is
//! refused while an action is open unless a reason is given. And the attacks: another trust, an
//! auditor, a supplier contact, an incident responder, a regional lead writing, an organisation
//! triaging its own request. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, on_each_backend, test_settings};

const START: &str = "2026-06-04T14:00:00Z";

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

/// A trust member's request, returning its id.
async fn ask(app: &TestApp, s: &(String, String), org: ward_core::OrgId, name: &str) -> (u16, Value) {
    call(
        app,
        s,
        Method::POST,
        "/api/v1/technology-assessments",
        Some(json!({"org": org, "technology": name, "kind": "medical-device",
                    "description": "Smart infusion pumps for critical care", "wanted_by": "2026-09-30"})),
    )
    .await
}

#[tokio::test]
async fn a_request_goes_from_asked_to_closed_with_findings_as_exposures_and_risks() {
    let clock = ManualClock::new(START.parse().unwrap());
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let w = app.world.clone();
        let member = as_role(&app, Role::OrgMember).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let national_id = w.users[&Role::NationalAnalyst].id;
        let member_id = w.users[&Role::OrgMember].id;

        let (status, body) = ask(&app, &member, w.trust, "Infusion pump XR-200").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["assessment"]["status"], "requested", "{b}");
        let id = body["assessment"]["id"].as_str().unwrap().to_owned();
        let base = format!("/api/v1/technology-assessments/{id}");
        let (status, past) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/technology-assessments",
            Some(
                json!({"org": w.trust, "technology": " ", "kind": "system", "description": "x",
                        "wanted_by": "2026-01-01"}),
            ),
        )
        .await;
        assert_eq!(status, 422, "{b}: {past}");
        assert_eq!(fields(&past), vec!["technology", "wanted_by"], "{b}");

        // The region reads it; the list shows it.
        let (status, read) = call(&app, &regional, Method::GET, &base, None).await;
        assert_eq!(
            (status, read["org_code"].as_str()),
            (200, Some("RJZ")),
            "{b}: {read}"
        );
        let (_, list) = call(
            &app,
            &national,
            Method::GET,
            "/api/v1/technology-assessments",
            None,
        )
        .await;
        assert_eq!(list.as_array().unwrap().len(), 1, "{b}: {list}");

        // Triage needs a priority and an assessor who is national; then the assessment starts.
        let status_of = |to: Value| Some(to);
        let (status, bad) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "triaged"})),
        )
        .await;
        assert_eq!(status, 422, "{b}: {bad}");
        assert_eq!(fields(&bad), vec!["priority", "assessor"], "{b}");
        let (status, bad) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "triaged", "priority": "high", "assessor": member_id})),
        )
        .await;
        assert_eq!(
            (status, fields(&bad)),
            (422, vec!["assessor".to_owned()]),
            "{b}: {bad}"
        );
        let (status, early) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "closed"})),
        )
        .await;
        assert_eq!(status, 409, "{b}: {early}");
        let (status, triaged) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "triaged", "priority": "high", "assessor": national_id})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {triaged}");
        assert_eq!(triaged["assessment"]["priority"], "high", "{b}");
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "in-assessment"})),
        )
        .await;
        assert_eq!(status, 200, "{b}");

        // Findings: an exposure naming the advisory by its CVE and the trust's asset; an unknown
        // advisory and another trust's asset refused by name; a risk raised in the register.
        let (status, with_exposure) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/findings"),
            Some(
                json!({"title": "Log4Shell in the pump gateway", "severity": "critical", "record": "exposure",
                        "advisory": w.advisory, "assets": [w.trust_assets[0]]}),
            ),
        )
        .await;
        assert_eq!(status, 200, "{b}: {with_exposure}");
        assert_eq!(
            with_exposure["findings"][0]["assets"][0],
            json!(w.trust_assets[0]),
            "{b}"
        );
        let (status, unknown) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/findings"),
            Some(json!({"title": "x", "severity": "low", "record": "exposure", "advisory": "CVE-2099-0001"})),
        )
        .await;
        assert_eq!(status, 422, "{b}: {unknown}");
        assert!(unknown.to_string().contains("CVE-2099-0001"), "{b}: {unknown}");
        let (status, foreign_asset) = call(&app, &national, Method::POST, &format!("{base}/findings"),
            Some(json!({"title": "x", "severity": "low", "record": "exposure", "assets": [w.foreign_assets[0]]}))).await;
        assert_eq!(status, 422, "{b}: {foreign_asset}");
        let (status, wrong_owner) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/findings"),
            Some(
                json!({"title": "x", "severity": "low", "record": "risk", "risk_owner": w.foreign_admin.id}),
            ),
        )
        .await;
        assert_eq!(
            (status, fields(&wrong_owner)),
            (422, vec!["risk_owner".to_owned()]),
            "{b}: {wrong_owner}"
        );
        let (status, with_risk) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/findings"),
            Some(
                json!({"title": "Pumps reachable from the guest Wi-Fi", "severity": "high", "record": "risk",
                        "description": "Flat network", "risk_owner": member_id}),
            ),
        )
        .await;
        assert_eq!(status, 200, "{b}: {with_risk}");
        // Both findings carry the same (fixed) clock time: find the risk one by its kind.
        let risk_finding = with_risk["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "risk")
            .unwrap();
        let risk = risk_finding["risk"].as_str().unwrap().to_owned();
        let (status, in_register) =
            call(&app, &member, Method::GET, &format!("/api/v1/risks/{risk}"), None).await;
        assert_eq!(status, 200, "{b}: {in_register}");
        assert_eq!(
            in_register["risk"]["details"]["title"], "Pumps reachable from the guest Wi-Fi",
            "{b}"
        );
        assert_eq!(in_register["risk"]["org"], json!(w.trust), "{b}");

        // Reported: the trust's people are told in Ward.
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "findings-reported"})),
        )
        .await;
        assert_eq!(status, 200, "{b}");
        let (_, notices) = call(&app, &member, Method::GET, "/api/v1/notices", None).await;
        assert!(
            notices["notices"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["title"] == "Findings reported: Infusion pump XR-200"
                    && n["link"] == format!("/technology-assessments/{id}")),
            "{b}: {notices}"
        );

        // The trust's plan: an action already past due reads overdue; the request is remediating.
        let (status, planned) = call(&app, &member, Method::POST, &format!("{base}/actions"),
            Some(json!({"title": "Move the pumps to their own VLAN", "owner": "Head of IT", "due": "2026-06-01"}))).await;
        assert_eq!(status, 200, "{b}: {planned}");
        assert_eq!(planned["assessment"]["status"], "remediating", "{b}");
        assert_eq!(
            (
                planned["actions"][0]["overdue"].as_bool(),
                planned["overdue_actions"].as_u64()
            ),
            (Some(true), Some(1)),
            "{b}"
        );
        let action = planned["actions"][0]["action"]["id"].as_str().unwrap().to_owned();

        // Closing with the action open needs a reason; once done it closes without one.
        let (status, refused) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "closed"})),
        )
        .await;
        assert_eq!(
            (status, fields(&refused)),
            (422, vec!["reason".to_owned()]),
            "{b}: {refused}"
        );
        let (status, done) = call(
            &app,
            &member,
            Method::PUT,
            &format!("{base}/actions/{action}"),
            Some(json!({"status": "done"})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {done}");
        assert_eq!(
            (
                done["open_actions"].as_u64(),
                done["actions"][0]["overdue"].as_bool()
            ),
            (Some(0), Some(false)),
            "{b}"
        );
        let (status, closed) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            status_of(json!({"to": "closed"})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {closed}");
        assert_eq!(closed["assessment"]["status"], "closed", "{b}");

        // Every change is in the audit trail under the trust.
        let trail = app.store.audit_page(0, 100_000).await.unwrap();
        let actions: Vec<&str> = trail
            .iter()
            .filter(|r| r.event.entity_id == id)
            .inspect(|r| assert_eq!(r.event.org, Some(w.trust), "{b}: {}", r.event.action))
            .map(|r| r.event.action.as_str())
            .collect();
        assert_eq!(
            actions,
            vec![
                "tech_assessment.request",
                "tech_assessment.status",
                "tech_assessment.status",
                "tech_assessment.finding",
                "tech_assessment.finding",
                "tech_assessment.status",
                "tech_assessment.action",
                "tech_assessment.action_status",
                "tech_assessment.status",
            ],
            "{b}"
        );
    }
}

#[tokio::test]
async fn nobody_outside_the_trust_its_region_and_the_national_team_reads_or_changes_a_request() {
    let clock = ManualClock::new(START.parse().unwrap());
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let w = app.world.clone();
        let member = as_role(&app, Role::OrgMember).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let (_, body) = ask(&app, &member, w.trust, "Pathology LIMS").await;
        let id = body["assessment"]["id"].as_str().unwrap().to_owned();
        let base = format!("/api/v1/technology-assessments/{id}");

        // Another trust: not found, and not in its list; it cannot ask on the trust's behalf.
        let (status, _) = call(&app, &foreign, Method::GET, &base, None).await;
        assert_eq!(status, 404, "{b}: another trust reads the request");
        let (_, theirs) = call(
            &app,
            &foreign,
            Method::GET,
            "/api/v1/technology-assessments",
            None,
        )
        .await;
        assert_eq!(theirs, json!([]), "{b}");
        let (status, _) = ask(&app, &foreign, w.trust, "Planted").await;
        assert_eq!(status, 404, "{b}: another trust asks for the trust");
        // Roles that may not read them at all.
        for role in [Role::Auditor, Role::SupplierContact, Role::IncidentResponder] {
            let s = as_role(&app, role).await;
            let (status, _) = call(&app, &s, Method::GET, &base, None).await;
            assert_eq!(status, 403, "{b}: {role:?} reads the request");
            let (status, _) = call(&app, &s, Method::GET, "/api/v1/technology-assessments", None).await;
            assert_eq!(status, 403, "{b}: {role:?} lists requests");
        }
        // The trust cannot triage its own request; nor can the region, which only reads.
        let triage =
            json!({"to": "triaged", "priority": "low", "assessor": w.users[&Role::NationalAnalyst].id});
        for (who, s) in [("admin", &admin), ("regional", &regional)] {
            let (status, _) = call(
                &app,
                s,
                Method::POST,
                &format!("{base}/status"),
                Some(triage.clone()),
            )
            .await;
            assert_eq!(status, 403, "{b}: the {who} triages");
        }
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            Some(triage),
        )
        .await;
        assert_eq!(status, 200, "{b}");
        for to in ["in-assessment", "findings-reported"] {
            let (status, _) = call(
                &app,
                &national,
                Method::POST,
                &format!("{base}/status"),
                Some(json!({"to": to})),
            )
            .await;
            assert_eq!(status, 200, "{b}: {to}");
        }
        // The trust records no findings; the region and another trust keep no plan.
        let (status, _) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{base}/findings"),
            Some(
                json!({"title": "x", "severity": "low", "record": "exposure", "assets": [w.trust_assets[0]]}),
            ),
        )
        .await;
        assert_eq!(status, 403, "{b}: the trust records its own finding");
        let plan = json!({"title": "Patch", "owner": "IT", "due": "2026-07-01"});
        let (status, _) = call(
            &app,
            &regional,
            Method::POST,
            &format!("{base}/actions"),
            Some(plan.clone()),
        )
        .await;
        assert_eq!(status, 403, "{b}: the region adds an action");
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            &format!("{base}/actions"),
            Some(plan.clone()),
        )
        .await;
        assert_eq!(status, 404, "{b}: another trust adds an action");
        let (status, planned) =
            call(&app, &admin, Method::POST, &format!("{base}/actions"), Some(plan)).await;
        assert_eq!(status, 200, "{b}: {planned}");
        let action = planned["actions"][0]["action"]["id"].as_str().unwrap().to_owned();
        let (status, _) = call(
            &app,
            &foreign,
            Method::PUT,
            &format!("{base}/actions/{action}"),
            Some(json!({"status": "done"})),
        )
        .await;
        assert_eq!(status, 404, "{b}: another trust marks the action done");
        let (_, still) = call(&app, &member, Method::GET, &base, None).await;
        assert_eq!(still["open_actions"], 1, "{b}: {still}");
    }
}

#[tokio::test]
async fn the_pages_take_a_request_from_the_form_to_a_triaged_request_with_a_plan() {
    use crate::web::{Visitor, hidden};
    use reqwest::StatusCode;
    let t = ward_testkit::spawn_app().await;
    let mut member = Visitor::new(&t);
    member.sign_in_as(Role::OrgMember).await;
    let list = member.get("/technology-assessments").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(
        list.body.contains("Ask for an assessment"),
        "the request form is shown"
    );
    let csrf = hidden(&list.body, "csrf");
    let bad = member
        .post(
            "/technology-assessments",
            &[
                ("csrf", &csrf),
                ("technology", ""),
                ("kind", "system"),
                ("description", "x"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("technology"),
        "the field is named: {}",
        bad.body
    );
    let asked = member
        .post(
            "/technology-assessments",
            &[
                ("csrf", &csrf),
                ("technology", "Bedside monitor BM-5"),
                ("kind", "medical-device"),
                ("description", "Monitors for the new ward"),
                ("wanted_by", ""),
            ],
        )
        .await;
    let at = asked.location.clone().unwrap_or_default();
    assert!(
        at.starts_with("/technology-assessments/"),
        "{:?} {}",
        asked.status,
        asked.body
    );
    let page = member.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Bedside monitor BM-5") && page.body.contains("Requested"));
    assert!(!page.body.contains("Triage"), "the trust does not triage");

    let mut national = Visitor::new(&t);
    national.sign_in_as(Role::NationalAnalyst).await;
    let page = national.get(&at).await;
    assert!(page.body.contains("Triage"), "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    let triaged = national
        .post(
            &format!("{at}/status"),
            &[("csrf", &csrf), ("to", "triaged"), ("priority", "urgent")],
        )
        .await;
    assert_eq!(triaged.location.as_deref(), Some(at.as_str()), "{}", triaged.body);
    let page = national.get(&at).await;
    assert!(
        page.body.contains("Urgent") && page.body.contains("Triaged"),
        "{}",
        page.body
    );

    let mut auditor = Visitor::new(&t);
    auditor.sign_in_as(Role::Auditor).await;
    assert_eq!(
        auditor.get("/technology-assessments").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(auditor.get(&at).await.status, StatusCode::FORBIDDEN);
}
