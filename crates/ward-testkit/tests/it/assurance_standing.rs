//! Standing against the minimum standard through the API: an organisation below target keeps an
//! improvement plan, a regional lead in its region approves it (Approaching Standards), and the
//! attacks on it (the organisation approving its own plan, another trust's admin reading,
//! exporting or approving, a regional lead outside its region, an auditor writing). Exports carry
//! every answer and outcome with formula cells neutralised; the facts beside the claims and the
//! national ranking of disagreement. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, with_session};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};
use ward_testkit::fixtures::SMALL_CAF;

fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

async fn call(
    app: &TestApp,
    s: &(String, String),
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, String) {
    let mut req = with_session(client().request(method, app.url(path)), s);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn call_json(
    app: &TestApp,
    s: &(String, String),
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let (status, text) = call(app, s, method, path, body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The three outcomes Ward holds facts for, one achieved statement each.
const EVIDENCE_FRAMEWORK: &str = "objectives:
  A:
    title: Managing risk
    principles:
      A3:
        title: Asset management
        outcomes:
          A3.a:
            title: Asset management
            indicators:
              achieved:
                A3.a.1:
                  description: Every asset is known.
                  ncsc-index: A3.a.A.1
  B:
    title: Protecting
    principles:
      B4:
        title: System security
        outcomes:
          B4.d:
            title: Vulnerability management
            indicators:
              achieved:
                B4.d.1:
                  description: Known-exploited vulnerabilities are fixed quickly.
                  ncsc-index: B4.d.A.1
  D:
    title: Minimising impact
    principles:
      D1:
        title: Response and recovery planning
        outcomes:
          D1.c:
            title: Testing and exercising
            indicators:
              achieved:
                D1.c.1:
                  description: The plan is exercised every year.
                  ncsc-index: D1.c.A.1
";

async fn load(app: &TestApp, file: &str, version: &str, targets: Value) {
    let system = ward_app::Actor::system("test", app.world.national);
    app.app
        .import_framework(&system, "caf.yaml", file.into(), Some(version.into()))
        .await
        .unwrap();
    let draft: ward_app::assurance::profiles::ProfileDraft = serde_json::from_value(json!({
        "framework": "ncsc-caf", "framework_version": version, "category": "trusts-and-icbs",
        "effective_from": "2026-04-01", "targets": targets,
    }))
    .unwrap();
    app.app.publish_profile(&system, draft).await.unwrap();
}

async fn start(
    app: &TestApp,
    s: &(String, String),
    org: ward_core::OrgId,
    version: &str,
    answers: Value,
) -> String {
    let (status, head) = call_json(
        app,
        s,
        Method::POST,
        "/api/v1/assessments",
        Some(json!({"org": org, "framework": "ncsc-caf", "version": version, "year": 2026, "kind": "final"})),
    )
    .await;
    assert_eq!(status, 200, "{head}");
    let id = head["id"].as_str().unwrap().to_owned();
    let (status, body) = call_json(
        app,
        s,
        Method::PUT,
        &format!("/api/v1/assessments/{id}/answers"),
        Some(json!({ "answers": answers })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    id
}

#[tokio::test]
async fn a_plan_below_the_standard_is_approved_by_the_region_and_nobody_else() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        load(
            &app,
            SMALL_CAF,
            "4.0",
            json!({"A1.a": "achieved", "A1.b": "achieved"}),
        )
        .await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let member = as_role(&app, Role::OrgMember).await;
        let auditor = as_role(&app, Role::Auditor).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let foreign = app.session_for(&w.foreign_admin).await;

        let id = start(
            &app,
            &member,
            w.trust,
            "4.0",
            json!({
                "A1.a.NA.1": {"value": false}, "A1.a.PA.1": {"value": true},
                "A1.a.A.1": {"value": false, "comment": "=HYPERLINK(\"http://evil.example\")"},
                "A1.b.A.1": {"value": true}
            }),
        )
        .await;
        let path = |tail: &str| format!("/api/v1/assessments/{id}{tail}");
        let (_, v) = call_json(&app, &member, Method::GET, &path(""), None).await;
        assert_eq!(v["standard"]["status"], "not-met", "{backend}: {}", v["standard"]);
        assert_eq!(v["standard"]["unaddressed"], json!(["A1.a"]), "{backend}");

        // Nobody approves a plan that does not address every outcome below target.
        let (status, body) = call_json(&app, &regional, Method::POST, &path("/plan/approve"), None).await;
        assert_eq!(status, 422, "{backend}: {body}");

        // Writing the plan: the organisation only, with outcomes the framework has.
        let action = |outcomes: Value| json!({"title": "Board to own cyber risk", "owner": "Chief executive", "due": "2026-05-01", "outcomes": outcomes});
        let (status, body) = call_json(
            &app,
            &member,
            Method::POST,
            &path("/plan/actions"),
            Some(action(json!(["Z9.z"]))),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.to_string().contains("outcomes[0]"), "{backend}: {body}");
        for (who, s) in [
            ("auditor", &auditor),
            ("regional lead", &regional),
            ("foreign admin", &foreign),
        ] {
            let (status, _) = call_json(
                &app,
                s,
                Method::POST,
                &path("/plan/actions"),
                Some(action(json!(["A1.a"]))),
            )
            .await;
            assert!(
                matches!(status, 403 | 404),
                "{backend}: {who} wrote the plan: {status}"
            );
        }
        let (status, v) = call_json(
            &app,
            &member,
            Method::POST,
            &path("/plan/actions"),
            Some(action(json!(["A1.a"]))),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {v}");
        assert_eq!(v["standard"]["status"], "not-met-with-plan", "{backend}");
        assert_eq!(
            v["plan"]["actions"][0]["overdue"], true,
            "{backend}: due before today and open"
        );
        let action_id = v["plan"]["actions"][0]["action"]["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // Approval: never the organisation itself, never outside the approver's region.
        let (status, _) = call_json(&app, &admin, Method::POST, &path("/plan/approve"), None).await;
        assert_eq!(status, 403, "{backend}: the trust's own admin approved its plan");
        let (status, _) = call_json(&app, &foreign, Method::POST, &path("/plan/approve"), None).await;
        assert!(
            matches!(status, 403 | 404),
            "{backend}: another trust's admin approved: {status}"
        );
        let foreign_id = start(
            &app,
            &foreign,
            w.foreign_trust,
            "4.0",
            json!({"A1.a.NA.1": {"value": true}, "A1.a.PA.1": {"value": false}, "A1.a.A.1": {"value": false}, "A1.b.A.1": {"value": true}}),
        )
        .await;
        let (status, _) = call_json(
            &app,
            &foreign,
            Method::POST,
            &format!("/api/v1/assessments/{foreign_id}/plan/actions"),
            Some(action(json!(["A1.a"]))),
        )
        .await;
        assert_eq!(status, 200, "{backend}");
        let (status, _) = call_json(
            &app,
            &regional,
            Method::POST,
            &format!("/api/v1/assessments/{foreign_id}/plan/approve"),
            None,
        )
        .await;
        assert_eq!(
            status, 404,
            "{backend}: a regional lead approved outside its region"
        );

        let (status, v) = call_json(&app, &regional, Method::POST, &path("/plan/approve"), None).await;
        assert_eq!(status, 200, "{backend}: {v}");
        assert_eq!(v["standard"]["status"], "approaching", "{backend}");
        assert_eq!(
            v["plan"]["approval"]["approver_org"],
            json!(w.london),
            "{backend}"
        );
        let (status, _) = call_json(&app, &national, Method::POST, &path("/plan/approve"), None).await;
        assert_eq!(status, 409, "{backend}: approved twice");
        let system = ward_app::Actor::system("test", w.national);
        let actions = app.app.audit_actions(&system).await.unwrap();
        for a in ["improvement.approve", "improvement.action"] {
            assert!(
                actions.iter().any(|x| x == a),
                "{backend}: {a} not audited: {actions:?}"
            );
        }

        let (status, v) = call_json(
            &app,
            &member,
            Method::PUT,
            &path(&format!("/plan/actions/{action_id}")),
            Some(json!({"status": "done"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {v}");
        assert_eq!(
            v["plan"]["actions"][0]["overdue"], false,
            "{backend}: done is never overdue"
        );

        // Exports: whoever reads the assessment; never another trust.
        let (status, csv) = call(&app, &auditor, Method::GET, &path("/export?format=csv"), None).await;
        assert_eq!(status, 200, "{backend}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "row,outcome,indicator,column,statement,answer,comment,evidence,derived,override,justification,status,target,shortfall"
        );
        assert_eq!(
            lines.len(),
            1 + 4 + 2,
            "{backend}: a row per indicator and per outcome:\n{csv}"
        );
        assert!(
            lines.contains(&"outcome,A1.a,,,,,,,partially-achieved,,,partially-achieved,achieved,true"),
            "{backend}:\n{csv}"
        );
        assert!(
            lines.contains(&"outcome,A1.b,,,,,,,achieved,,,achieved,achieved,false"),
            "{backend}:\n{csv}"
        );
        assert!(
            csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
            "{backend}: formula neutralised:\n{csv}"
        );
        let (status, j) = call_json(&app, &auditor, Method::GET, &path("/export?format=json"), None).await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(j["rows"].as_array().map(Vec::len), Some(6), "{backend}");
        assert_eq!(j["standing"]["status"], "approaching", "{backend}");
        assert_eq!(j["rows"][0]["indicator"], "A1.a.NA.1", "{backend}");
        let (status, _) = call(&app, &foreign, Method::GET, &path("/export?format=csv"), None).await;
        assert_eq!(status, 404, "{backend}: another trust's admin exported");
        let (status, _) = call(&app, &auditor, Method::GET, &path("/export?format=xlsx"), None).await;
        assert_eq!(status, 422, "{backend}");
    }
}

#[tokio::test]
async fn claims_are_shown_beside_the_facts_and_the_widest_gaps_rank_first() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        load(&app, EVIDENCE_FRAMEWORK, "ev", json!({"A3.a": "achieved"})).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let yes =
            json!({"A3.a.A.1": {"value": true}, "B4.d.A.1": {"value": true}, "D1.c.A.1": {"value": true}});
        let no =
            json!({"A3.a.A.1": {"value": false}, "B4.d.A.1": {"value": false}, "D1.c.A.1": {"value": false}});
        let trust = start(&app, &member, w.trust, "ev", yes).await;
        let abroad = start(&app, &foreign, w.foreign_trust, "ev", no).await;

        // The trust claims B4.d achieved while Log4Shell, known-exploited since 2021, is open.
        let (status, e) = call_json(
            &app,
            &member,
            Method::GET,
            &format!("/api/v1/assessments/{trust}/evidence"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{backend}: {e}");
        let by = |code: &str| {
            e["suggestions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["outcome"] == code)
                .cloned()
                .unwrap()
        };
        let b4d = by("B4.d");
        assert_eq!(b4d["claimed"], "achieved", "{backend}");
        assert_eq!(b4d["suggested"], "not-achieved", "{backend}: {b4d}");
        assert_eq!(b4d["agreement"], "claim-above-facts", "{backend}");
        assert!(
            b4d["facts"].to_string().contains("2021-12-10"),
            "{backend}: the facts name the KEV listing: {b4d}"
        );
        assert_eq!(by("A4.a")["agreement"], "no-claim", "{backend}");
        assert_eq!(
            by("B6.b")["facts"],
            json!(["no training record imported"]),
            "{backend}"
        );

        // With a training record (one of two staff current), B6.b speaks from it.
        let admin = as_role(&app, Role::OrgAdmin).await;
        let res = with_session(
            client().post(app.url(&format!("/api/v1/training/import?org={}", w.trust))),
            &admin,
        )
        .header("content-type", "text/csv")
        .body(
            "person_ref,role,course,completed_on\nE1,staff,data-security-awareness,2026-03-01\nE2,staff,,\n",
        )
        .send()
        .await
        .unwrap();
        assert_eq!(
            res.status().as_u16(),
            200,
            "{backend}: {}",
            res.text().await.unwrap_or_default()
        );
        let (_, e) = call_json(
            &app,
            &member,
            Method::GET,
            &format!("/api/v1/assessments/{trust}/evidence"),
            None,
        )
        .await;
        let b6b = e["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["outcome"] == "B6.b")
            .cloned()
            .unwrap();
        assert_eq!(b6b["suggested"], "not-achieved", "{backend}: {b6b}");
        assert!(
            b6b["facts"][0]
                .as_str()
                .unwrap()
                .starts_with("1 of 2 required trainings"),
            "{backend}: {b6b}"
        );
        let (status, _) = call_json(
            &app,
            &foreign,
            Method::GET,
            &format!("/api/v1/assessments/{trust}/evidence"),
            None,
        )
        .await;
        assert_eq!(status, 404, "{backend}: another trust read the facts");

        // The national view ranks the trust (claims above the facts) before the foreign trust
        // (claims at or below them); the London lead sees only London.
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, rows) = call_json(
            &app,
            &national,
            Method::GET,
            "/api/v1/assurance/disagreements",
            None,
        )
        .await;
        assert_eq!(status, 200, "{backend}: {rows}");
        let rows = rows.as_array().unwrap().clone();
        assert_eq!(rows[0]["assessment"], trust, "{backend}: {rows:?}");
        assert!(
            rows[0]["above"].as_u64().unwrap() >= 4,
            "{backend}: B4.d and D1.c two steps each: {rows:?}"
        );
        for r in rows.iter().filter(|r| r["assessment"] == abroad) {
            assert_eq!(
                r["above"], 0,
                "{backend}: the foreign trust claims nothing above the facts"
            );
        }
        let regional = as_role(&app, Role::RegionalLead).await;
        let (_, rows) = call_json(
            &app,
            &regional,
            Method::GET,
            "/api/v1/assurance/disagreements",
            None,
        )
        .await;
        assert!(
            rows.as_array()
                .unwrap()
                .iter()
                .all(|r| r["org"] != json!(w.foreign_trust)),
            "{backend}: the London lead saw another region: {rows}"
        );
        for role in [Role::OrgAdmin, Role::Auditor] {
            let s = as_role(&app, role).await;
            let (status, _) = call_json(&app, &s, Method::GET, "/api/v1/assurance/disagreements", None).await;
            assert_eq!(status, 403, "{backend}: {role:?}");
        }

        // The page shows the claims beside the facts and links the exports.
        let (status, page) = call(&app, &member, Method::GET, &format!("/assessments/{trust}"), None).await;
        assert_eq!(status, 200, "{backend}");
        assert!(
            page.contains("What Ward&#39;s facts suggest") || page.contains("What Ward's facts suggest"),
            "{backend}"
        );
        assert!(
            page.contains("Claim is better than the facts suggest"),
            "{backend}"
        );
        assert!(
            page.contains(&format!("/api/v1/assessments/{trust}/export?format=csv")),
            "{backend}"
        );
        let (status, page) = call(&app, &national, Method::GET, "/assurance/disagreements", None).await;
        assert_eq!(status, 200, "{backend}");
        assert!(
            page.contains(&format!("/assessments/{trust}#evidence")),
            "{backend}"
        );
    }
}

#[tokio::test]
async fn the_plan_is_written_and_approved_through_the_pages() {
    use crate::web::{Visitor, hidden};
    use reqwest::StatusCode;
    let app = ward_testkit::spawn_app().await;
    let w = &app.world;
    load(
        &app,
        SMALL_CAF,
        "4.0",
        json!({"A1.a": "achieved", "A1.b": "achieved"}),
    )
    .await;
    let member = as_role(&app, Role::OrgMember).await;
    let id = start(
        &app,
        &member,
        w.trust,
        "4.0",
        json!({"A1.a.NA.1": {"value": true}, "A1.a.PA.1": {"value": false}, "A1.a.A.1": {"value": false}, "A1.b.A.1": {"value": true}}),
    )
    .await;
    let at = format!("/assessments/{id}");

    let mut v = Visitor::new(&app);
    v.sign_in_as(Role::OrgMember).await;
    let page = v.get(&at).await;
    assert!(page.body.contains("Standards Not Met"), "{}", page.body);
    assert!(page.body.contains("not yet addressed by any action"));
    assert!(
        page.body.contains(&format!("action=\"{at}/plan/actions\"")),
        "the member may add actions"
    );
    assert!(
        !page.body.contains("/plan/approve"),
        "the organisation is never offered the approval"
    );
    let csrf = hidden(&page.body, "csrf");
    let wrong = v
        .post(
            &format!("{at}/plan/actions"),
            &[
                ("csrf", &csrf),
                ("title", "x"),
                ("owner", "CIO"),
                ("due", "next week"),
                ("outcomes", "A1.a"),
            ],
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a due date that is not a date"
    );
    let added = v
        .post(
            &format!("{at}/plan/actions"),
            &[
                ("csrf", &csrf),
                ("title", "Board to own cyber risk"),
                ("owner", "Chief executive"),
                ("due", "2026-09-30"),
                ("outcomes", "A1.a"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    let page = v.get(added.location.as_deref().unwrap()).await;
    assert!(page.body.contains("The improvement plan is saved"));
    assert!(page.body.contains("Board to own cyber risk") && page.body.contains("Chief executive"));
    assert!(page.body.contains("awaiting approval"), "{}", page.body);

    let mut r = Visitor::new(&app);
    r.sign_in_as(Role::RegionalLead).await;
    let page = r.get(&at).await;
    assert!(
        page.body.contains(&format!("action=\"{at}/plan/approve\"")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&format!("action=\"{at}/plan/actions\"")),
        "the region does not write the plan"
    );
    let csrf = hidden(&page.body, "csrf");
    let approved = r.post(&format!("{at}/plan/approve"), &[("csrf", &csrf)]).await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let page = r.get(approved.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Approaching Standards"), "{}", page.body);
    assert!(
        page.body.contains("Approved by regional for London (Y56) on"),
        "the approval names the person and the organisation they acted for: {}",
        page.body
    );
    let list = r.get("/assurance").await;
    assert!(
        list.body.contains("href=\"/assurance/disagreements\""),
        "the region finds the national view"
    );
}

/// Standards Met becomes Exceeded with a current Cyber Essentials Plus certificate, and only then:
/// plain Cyber Essentials, an expired certificate or another organisation's do not count.
#[tokio::test]
async fn a_current_cyber_essentials_plus_certificate_makes_met_exceeded() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        load(&app, SMALL_CAF, "4.0", json!({"A1.b": "achieved"})).await;
        let member = as_role(&app, Role::OrgMember).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let id = start(
            &app,
            &member,
            w.trust,
            "4.0",
            json!({"A1.b.A.1": {"value": true}}),
        )
        .await;
        let status = |v: &Value| v["standard"]["status"].clone();
        let path = format!("/api/v1/assessments/{id}");
        let read = || call_json(&app, &member, Method::GET, &path, None);
        assert_eq!(status(&read().await.1), "met", "{backend}");

        let certify = |org: &str, kind: &str, expires: &str| {
            let body = json!({"org": org, "kind": kind, "issued_on": "2025-06-01", "expires_on": expires});
            call_json(&app, &national, Method::POST, "/api/v1/certificates", Some(body))
        };
        for (org, kind, expires) in [
            ("RJZ", "cyber_essentials", "2027-06-01"),
            ("RJZ", "cyber_essentials_plus", "2026-05-31"),
            ("RA7", "cyber_essentials_plus", "2027-06-01"),
        ] {
            let (code, body) = certify(org, kind, expires).await;
            assert_eq!(code, 200, "{backend}: {body}");
            assert_eq!(
                status(&read().await.1),
                "met",
                "{backend}: {org} {kind} to {expires}"
            );
        }
        let (code, body) = certify("RJZ", "cyber_essentials_plus", "2027-06-01").await;
        assert_eq!(code, 200, "{backend}: {body}");
        assert_eq!(status(&read().await.1), "exceeded", "{backend}");
    }
}

/// A4.a from the supplier register: the trust comes to depend on the supplier's product; the
/// supplier is assured once it has attested the charter and holds a current Cyber Essentials Plus
/// certificate.
#[tokio::test]
async fn supply_chain_evidence_follows_the_suppliers_a_trust_depends_on() {
    use ward_core::DependencyId;
    use ward_core::dependency::{Dependency, DependencyTarget};
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        load(&app, EVIDENCE_FRAMEWORK, "ev", json!({"A3.a": "achieved"})).await;
        let member = as_role(&app, Role::OrgMember).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let id = start(&app, &member, w.trust, "ev", json!({"A3.a.A.1": {"value": true}})).await;
        let path = format!("/api/v1/assessments/{id}/evidence");
        let a4a = || async {
            let (status, e) = call_json(&app, &member, Method::GET, &path, None).await;
            assert_eq!(status, 200, "{e}");
            e["suggestions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["outcome"] == "A4.a")
                .cloned()
                .unwrap()
        };
        let before = a4a().await;
        assert_eq!(
            before["facts"],
            json!(["depends on no supplier in the register"]),
            "{backend}"
        );

        // The trust's first service comes to depend on the supplier's product (written past the
        // application, as an import in another process would: the test tells it).
        let dep = Dependency {
            id: DependencyId::from_uuid(uuid::Uuid::now_v7()),
            org: w.trust,
            service: w.trust_services[0],
            target: DependencyTarget::Product(w.product),
            note: None,
        };
        app.store
            .insert_dependencies(&ward_store::Scope::All, &[dep], &ward_testkit::db::restore_meta())
            .await
            .unwrap();
        app.app.exposure_changed();
        let unassured = a4a().await;
        assert_eq!(unassured["suggested"], "not-achieved", "{backend}: {unassured}");
        assert!(
            unassured["facts"][0]
                .as_str()
                .unwrap()
                .starts_with("1 supplier depended on, 0 with"),
            "{backend}: {unassured}"
        );

        let (code, body) = call_json(
            &app,
            &national,
            Method::PUT,
            "/api/v1/suppliers/SUP001/assurance",
            Some(json!({"charter_attested_on": "2026-01-10", "charter_attested_by": "A Director", "dspt_status": "standards_met"})),
        )
        .await;
        assert_eq!(code, 200, "{backend}: {body}");
        assert_eq!(
            a4a().await["suggested"],
            "not-achieved",
            "{backend}: the charter alone is not enough"
        );
        let (code, body) = call_json(
            &app,
            &national,
            Method::POST,
            "/api/v1/certificates",
            Some(json!({"org": "SUP001", "kind": "cyber_essentials_plus", "issued_on": "2026-01-01", "expires_on": "2027-01-01"})),
        )
        .await;
        assert_eq!(code, 200, "{backend}: {body}");
        assert_eq!(a4a().await["suggested"], "achieved", "{backend}");
    }
}
