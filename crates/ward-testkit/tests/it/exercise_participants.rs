//! Exercise participants as accounts, through the API: the national team plans a joint exercise
//! of a trust and its pathology supplier with the supplier's contact as a participant (named from
//! the account) and a guest; the contact, whose role reads no exercises, reads this one in every
//! status and finds it among the exercises it takes part in, but cannot run it. Attacks: an
//! account of an organisation not taking part is refused as a participant; another trust's admin
//! neither reads the exercise nor finds it; an admin of only one of the organisations cannot add
//! participants. Each test runs on SQLite, and on PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-04T14:00:00Z".parse().expect("fixed instant"))
}

fn paths(body: &Value) -> Vec<String> {
    body["error"]["fields"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|f| f["path"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn ids(body: &Value) -> Vec<String> {
    body.as_array()
        .map(|v| {
            v.iter()
                .map(|e| e["exercise"]["id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_participant_with_an_account_reads_the_exercise_and_no_one_else_gains_access() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let contact = w.users[&Role::SupplierContact].id;
        let plan = |participants: Value| {
            json!({
                "title": "Pathology supplier drill", "scenario": "synnovis-2024",
                "orgs": [w.trust, w.supplier], "facilitator": w.users[&Role::NationalAnalyst].id,
                "planned_for": "2026-06-10", "participants": participants
            })
        };

        // An account of an organisation not taking part is refused, naming the participant.
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            "/api/v1/exercises",
            Some(plan(json!([
                {"name": "Ada", "role": "clinical_lead"},
                {"role": "incident_lead", "account": w.foreign_admin.id}
            ]))),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(paths(&body), ["participants[1].account"], "{backend}");

        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            "/api/v1/exercises",
            Some(plan(json!([
                {"role": "supplier_manager", "account": contact},
                {"name": "Ada", "role": "clinical_lead"}
            ]))),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let id = body["exercise"]["id"].as_str().unwrap().to_owned();
        let people = &body["exercise"]["participants"];
        assert_eq!(people[0]["account"], json!(contact), "{backend}");
        assert_eq!(people[0]["name"], "supplier", "{backend}: named from the account");
        assert_eq!(people[1]["account"], Value::Null, "{backend}: a guest");
        let page = format!("/api/v1/exercises/{id}");

        // The contact's role reads no exercises, yet it reads this one and finds it.
        let (status, _) = call(&app, &supplier, Method::GET, "/api/v1/exercises", None).await;
        assert_eq!(status, 403, "{backend}: the role still reads no exercises");
        let (status, body) = call(&app, &supplier, Method::GET, &page, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["view"]["exercise"]["title"], "Pathology supplier drill");
        assert_eq!(body["may_run"], false, "{backend}");
        let (status, body) = call(
            &app,
            &supplier,
            Method::GET,
            "/api/v1/exercises/taking-part",
            None,
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(ids(&body), std::slice::from_ref(&id), "{backend}");
        // ... but cannot run it or add people to it.
        let (status, _) = call(
            &app,
            &supplier,
            Method::POST,
            &format!("{page}/status"),
            Some(json!({"status": "running"})),
        )
        .await;
        assert_eq!(status, 403, "{backend}: a participant starting the exercise");
        let (status, _) = call(
            &app,
            &supplier,
            Method::POST,
            &format!("{page}/participants"),
            Some(json!({"name": "Planted", "role": "executive"})),
        )
        .await;
        assert_eq!(status, 403, "{backend}: a participant adding people");

        // Another trust's admin: not found, and nothing listed.
        let (status, _) = call(&app, &foreign, Method::GET, &page, None).await;
        assert_eq!(status, 404, "{backend}: another trust reading");
        let (status, body) = call(&app, &foreign, Method::GET, "/api/v1/exercises/taking-part", None).await;
        assert_eq!((status, ids(&body)), (200, vec![]), "{backend}");

        // Adding participants: the trust's admin holds only one of the two organisations.
        let member = w.users[&Role::OrgMember].id;
        let add = |account: ward_core::UserId| json!({"role": "incident_lead", "account": account});
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("{page}/participants"),
            Some(add(member)),
        )
        .await;
        assert_eq!(status, 403, "{backend}: one of two organisations adding: {body}");
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            &format!("{page}/participants"),
            Some(add(w.foreign_admin.id)),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(paths(&body), ["account"], "{backend}");
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            &format!("{page}/participants"),
            Some(add(contact)),
        )
        .await;
        assert_eq!(status, 422, "{backend}: the same account twice: {body}");
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            &format!("{page}/participants"),
            Some(add(member)),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["exercise"]["participants"][2]["name"], "member", "{backend}");

        // The contact reads it running and completed (the debrief); no participant joins once it runs.
        for to in ["running", "completed"] {
            let (status, body) = call(
                &app,
                &national,
                Method::POST,
                &format!("{page}/status"),
                Some(json!({"status": to})),
            )
            .await;
            assert_eq!(status, 200, "{backend}: {body}");
            let (status, body) = call(&app, &supplier, Method::GET, &page, None).await;
            assert_eq!(status, 200, "{backend}: reading it {to}: {body}");
            assert_eq!(body["view"]["exercise"]["status"], to, "{backend}");
        }
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            &format!("{page}/participants"),
            Some(json!({"name": "Late", "role": "executive"})),
        )
        .await;
        assert_eq!(status, 409, "{backend}: a participant added after the start");
    }
}
