//! People through the API: a trust's admin imports its training record and names its board;
//! completion per role with overdue after 12 months; the roll-up adds up; a bad file is refused
//! naming line and column with nothing stored; attacks (another trust's admin importing and
//! reading, a member importing, a member or regional lead changing requirements, a token of a
//! reading role). Each test runs on SQLite, and on PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call, with_session};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-04T14:00:00Z".parse().expect("fixed instant"))
}

async fn upload(app: &TestApp, s: &(String, String), org: ward_core::OrgId, csv: &str) -> (u16, Value) {
    let res = with_session(
        client().post(app.url(&format!("/api/v1/training/import?org={org}&file=staff.csv"))),
        s,
    )
    .header("content-type", "text/csv")
    .body(csv.to_owned())
    .send()
    .await
    .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

const TRUST_CSV: &str = "person_ref,role,course,completed_on\n\
    E1,staff,data-security-awareness,2026-01-10\n\
    E2,staff,data-security-awareness,2025-05-01\n\
    E3,staff,,\n\
    B1,board_member,board-cyber,2026-02-01\n\
    B1,board_member,data-security-awareness,2026-02-01\n\
    B1,staff,data-security-awareness,2026-02-01\n";

/// (people, current, overdue, missing) of one role and course in a figures document.
fn figure(doc: &Value, role: &str, course: &str) -> Option<(u64, u64, u64, u64)> {
    doc["courses"].as_array()?.iter().find_map(|c| {
        (c["role"] == role && c["course"] == course).then(|| {
            let n = |k: &str| c[k].as_u64().unwrap_or(u64::MAX);
            (n("people"), n("current"), n("overdue"), n("missing"))
        })
    })
}

#[tokio::test]
async fn a_trust_imports_its_training_record_and_the_figures_add_up() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let w = &app.world;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (status, body) = upload(&app, &admin, w.trust, TRUST_CSV).await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(
            (
                body["rows"].as_u64(),
                body["people"].as_u64(),
                body["completions"].as_u64()
            ),
            (Some(6), Some(5), Some(4)),
            "{b}: {body}"
        );

        let (status, doc) = call(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/training?org={}", w.trust),
            None,
        )
        .await;
        assert_eq!(status, 200, "{b}: {doc}");
        assert_eq!(
            doc["current_since"], "2025-06-04",
            "{b}: 12 months before the test clock"
        );
        assert_eq!(
            figure(&doc, "staff", "data-security-awareness"),
            Some((4, 2, 1, 1)),
            "{b}: {doc}"
        );
        assert_eq!(
            figure(&doc, "board_member", "board-cyber"),
            Some((1, 1, 0, 0)),
            "{b}"
        );
        assert_eq!(
            figure(&doc, "cyber_lead", "cyber-specialist"),
            None,
            "{b}: no cyber leads, no line"
        );

        // The foreign trust's own record, for the roll-up.
        let foreign = app.session_for(&w.foreign_admin).await;
        let (status, _) = upload(
            &app,
            &foreign,
            w.foreign_trust,
            "person_ref,role,course,completed_on\nF1,staff,data-security-awareness,2026-03-01\nF2,staff,,\n",
        )
        .await;
        assert_eq!(status, 200, "{b}");

        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, r) = call(&app, &national, Method::GET, "/api/v1/training/rollup", None).await;
        assert_eq!(status, 200, "{b}: {r}");
        let area = |id: ward_core::OrgId| {
            r["areas"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["org"]["id"] == json!(id))
                .cloned()
        };
        let orgs = r["orgs"].as_array().unwrap();
        let sum = |pick: &dyn Fn(&Value) -> bool| {
            orgs.iter()
                .filter(|o| pick(o))
                .filter_map(|o| figure(o, "staff", "data-security-awareness"))
                .fold((0, 0, 0, 0), |a, f| (a.0 + f.0, a.1 + f.1, a.2 + f.2, a.3 + f.3))
        };
        let nation = area(w.national).expect("the nation's figures");
        assert_eq!(
            figure(&nation, "staff", "data-security-awareness"),
            Some(sum(&|_| true)),
            "{b}: the nation is the sum of every organisation"
        );
        assert_eq!(
            figure(&nation, "staff", "data-security-awareness"),
            Some((6, 3, 1, 2)),
            "{b}"
        );
        let icb = area(w.icb).expect("the ICB's figures");
        assert_eq!(
            figure(&icb, "staff", "data-security-awareness"),
            Some((4, 2, 1, 1)),
            "{b}: only the trust beneath the ICB"
        );

        // A regional lead sees its region's areas, not the foreign trust.
        let regional = as_role(&app, Role::RegionalLead).await;
        let (_, r) = call(&app, &regional, Method::GET, "/api/v1/training/rollup", None).await;
        let codes: Vec<&str> = r["orgs"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["org"]["code"].as_str())
            .collect();
        assert_eq!(codes, vec!["RJZ"], "{b}: {r}");
        assert!(
            r["areas"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a["org"]["id"] != json!(w.national)),
            "{b}: the nation is outside a region's footprint"
        );
    }
}

#[tokio::test]
async fn a_bad_file_is_refused_naming_line_and_column_and_nothing_changes() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let w = &app.world;
        let admin = as_role(&app, Role::OrgAdmin).await;
        assert_eq!(upload(&app, &admin, w.trust, TRUST_CSV).await.0, 200, "{b}");
        let path = format!("/api/v1/training?org={}", w.trust);
        let (_, before) = call(&app, &admin, Method::GET, &path, None).await;
        let bad = "person_ref,role,course,completed_on\n\
            N1,staff,data-security-awareness,2026-01-01\n\
            N2,matron,data-security-awareness,2026-01-01\n\
            N3,staff,data-security-awareness,01/02/2026\n";
        let (status, body) = upload(&app, &admin, w.trust, bad).await;
        assert_eq!(status, 422, "{b}: {body}");
        let paths: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["path"].as_str())
            .collect();
        assert_eq!(paths, vec!["staff.csv:3:2", "staff.csv:4:4"], "{b}: {body}");
        let (_, after) = call(&app, &admin, Method::GET, &path, None).await;
        assert_eq!(after, before, "{b}: nothing stored");
    }
}

#[tokio::test]
async fn other_organisations_and_other_roles_cannot_import_or_read() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let w = &app.world;
        let admin = as_role(&app, Role::OrgAdmin).await;
        assert_eq!(upload(&app, &admin, w.trust, TRUST_CSV).await.0, 200, "{b}");
        let path = format!("/api/v1/training?org={}", w.trust);
        let (_, before) = call(&app, &admin, Method::GET, &path, None).await;

        // Another trust's admin: the trust looks like nothing at all.
        let foreign = app.session_for(&w.foreign_admin).await;
        assert_eq!(
            upload(
                &app,
                &foreign,
                w.trust,
                "person_ref,role,course,completed_on\nX,staff,,\n"
            )
            .await
            .0,
            404,
            "{b}"
        );
        assert_eq!(call(&app, &foreign, Method::GET, &path, None).await.0, 404, "{b}");
        assert_eq!(
            call(
                &app,
                &foreign,
                Method::GET,
                &format!("/api/v1/board?org={}", w.trust),
                None
            )
            .await
            .0,
            404,
            "{b}"
        );
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            "/api/v1/board",
            Some(json!({"org": w.trust, "name": "Mallory", "board_role": "Chair"})),
        )
        .await;
        assert_eq!(status, 404, "{b}");

        // A member reads but does not import or name the board; a supplier reads nothing.
        let member = as_role(&app, Role::OrgMember).await;
        assert_eq!(
            upload(
                &app,
                &member,
                w.trust,
                "person_ref,role,course,completed_on\nX,staff,,\n"
            )
            .await
            .0,
            403,
            "{b}"
        );
        assert_eq!(call(&app, &member, Method::GET, &path, None).await.0, 200, "{b}");
        let supplier = as_role(&app, Role::SupplierContact).await;
        assert_eq!(
            call(&app, &supplier, Method::GET, &path, None).await.0,
            403,
            "{b}"
        );

        // A reading role's token cannot import either.
        let token = app.token(Role::Auditor, w.icb).await;
        let res = client()
            .post(app.url(&format!("/api/v1/training/import?org={}", w.trust)))
            .bearer_auth(&token)
            .header("content-type", "text/csv")
            .body("person_ref,role,course,completed_on\nX,staff,,\n")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403, "{b}");

        let (_, after) = call(&app, &admin, Method::GET, &path, None).await;
        assert_eq!(after, before, "{b}: every refusal stored nothing");
    }
}

#[tokio::test]
async fn only_the_national_team_changes_requirements_and_it_is_audited() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let body = json!({"role": "cyber_lead", "course": "incident-response", "title": "Incident response for cyber leads"});
        for role in [Role::OrgMember, Role::OrgAdmin, Role::RegionalLead, Role::Auditor] {
            let s = as_role(&app, role).await;
            let (status, _) = call(
                &app,
                &s,
                Method::PUT,
                "/api/v1/training/requirements",
                Some(body.clone()),
            )
            .await;
            assert_eq!(status, 403, "{b}: {role:?}");
        }
        let member = as_role(&app, Role::OrgMember).await;
        let (_, reqs) = call(&app, &member, Method::GET, "/api/v1/training/requirements", None).await;
        assert!(
            reqs.as_array()
                .unwrap()
                .iter()
                .all(|r| r["course"] != "incident-response"),
            "{b}: unchanged"
        );

        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, reqs) = call(
            &app,
            &national,
            Method::PUT,
            "/api/v1/training/requirements",
            Some(body),
        )
        .await;
        assert_eq!(status, 200, "{b}: {reqs}");
        assert!(
            reqs.as_array()
                .unwrap()
                .iter()
                .any(|r| r["course"] == "incident-response" && r["role"] == "cyber_lead"),
            "{b}"
        );
        let withdraw = json!({"role": "staff", "course": "data-security-awareness", "title": "Annual data security awareness", "active": false});
        let (_, reqs) = call(
            &app,
            &national,
            Method::PUT,
            "/api/v1/training/requirements",
            Some(withdraw),
        )
        .await;
        assert!(
            reqs.as_array()
                .unwrap()
                .iter()
                .all(|r| !(r["role"] == "staff" && r["course"] == "data-security-awareness")),
            "{b}: withdrawn"
        );
        let (_, audit) = call(
            &app,
            &national,
            Method::GET,
            "/api/v1/audit?action=training.requirement",
            None,
        )
        .await;
        assert_eq!(audit["items"].as_array().map(Vec::len), Some(2), "{b}: {audit}");
    }
}

#[tokio::test]
async fn a_trust_names_its_accountable_board_members() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let w = &app.world;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (status, m) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/board",
            Some(
                json!({"org": w.trust, "name": "Dr Ada Lovelace", "board_role": "Medical Director and SIRO"}),
            ),
        )
        .await;
        assert_eq!(status, 200, "{b}: {m}");
        let (status, bad) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/board",
            Some(json!({"org": w.trust, "name": " ", "board_role": "Chair"})),
        )
        .await;
        assert_eq!(status, 422, "{b}: {bad}");
        assert_eq!(bad["error"]["fields"][0]["path"], "name", "{b}: {bad}");
        let member = as_role(&app, Role::OrgMember).await;
        let (status, list) = call(
            &app,
            &member,
            Method::GET,
            &format!("/api/v1/board?org={}", w.trust),
            None,
        )
        .await;
        assert_eq!(status, 200, "{b}");
        assert_eq!(list.as_array().map(Vec::len), Some(1), "{b}: {list}");
        assert_eq!(list[0]["board_role"], "Medical Director and SIRO", "{b}");
        let path = format!("/api/v1/board/{}", m["id"].as_str().unwrap());
        assert_eq!(
            call(&app, &member, Method::DELETE, &path, None).await.0,
            403,
            "{b}: a member removing one"
        );
        let foreign = app.session_for(&w.foreign_admin).await;
        assert_eq!(
            call(&app, &foreign, Method::DELETE, &path, None).await.0,
            404,
            "{b}: another trust's admin"
        );
        assert_eq!(
            call(&app, &admin, Method::DELETE, &path, None).await.0,
            200,
            "{b}"
        );
        let (_, list) = call(
            &app,
            &member,
            Method::GET,
            &format!("/api/v1/board?org={}", w.trust),
            None,
        )
        .await;
        assert_eq!(list.as_array().map(Vec::len), Some(0), "{b}");
    }
}
