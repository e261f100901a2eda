//! Participants after planning, through the API and pages: whoever runs the exercise removes a
//! participant or gives one another role until it is completed (then refused: the record is
//! evidence); a participant reads the injects released to the role they play, the expected action
//! hidden until the debrief, and records responses the facilitator console shows. Attacks: a
//! participant removing others or changing their own role, reading unreleased or other roles'
//! injects (through their injects and through the exercise page), responding to them, and an
//! outsider reading someone's injects. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call, with_session};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::exercise::ScenarioId;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-04T14:00:00Z".parse().expect("fixed instant"))
}

/// The national team plans a joint Synnovis exercise of the trust and its supplier: the supplier's
/// contact plays the supplier manager (inject 5), the trust's member the clinical lead (injects 1
/// and 2), and a guest the executive (inject 3). Returns the exercise's API path.
async fn planned(app: &TestApp, national: &(String, String)) -> String {
    let w = &app.world;
    let (status, body) = call(
        app,
        national,
        Method::POST,
        "/api/v1/exercises",
        Some(json!({
            "title": "Pathology drill", "scenario": "synnovis-2024",
            "orgs": [w.trust, w.supplier], "facilitator": w.users[&Role::NationalAnalyst].id,
            "planned_for": "2026-06-10",
            "participants": [
                {"role": "supplier_manager", "account": w.users[&Role::SupplierContact].id},
                {"role": "clinical_lead", "account": w.users[&Role::OrgMember].id},
                {"name": "Ada", "role": "executive"}
            ]
        })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let numbers: Vec<u64> = body["exercise"]["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [0, 1, 2]);
    format!("/api/v1/exercises/{}", body["exercise"]["id"].as_str().unwrap())
}

async fn move_to(app: &TestApp, s: &(String, String), page: &str, to: &str) {
    let (status, body) = call(
        app,
        s,
        Method::POST,
        &format!("{page}/status"),
        Some(json!({"status": to})),
    )
    .await;
    assert_eq!(status, 200, "{to}: {body}");
}

#[tokio::test]
async fn whoever_runs_the_exercise_removes_participants_or_changes_roles_until_it_is_completed() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let member = as_role(&app, Role::OrgMember).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let page = planned(&app, &national).await;
        let people = |n: u32| format!("{page}/participants/{n}");

        // Attacks: a participant removes someone else or changes its own role; the trust's
        // member and the admin of only one of the two organisations try the same.
        let (status, _) = call(&app, &supplier, Method::DELETE, &people(2), None).await;
        assert_eq!(status, 403, "{backend}: a participant removing another");
        let own_role = Some(json!({"role": "incident_lead"}));
        let (status, _) = call(&app, &supplier, Method::PATCH, &people(0), own_role.clone()).await;
        assert_eq!(status, 403, "{backend}: a participant changing its own role");
        let (status, _) = call(&app, &member, Method::DELETE, &people(0), None).await;
        assert_eq!(status, 403, "{backend}: a member removing a participant");
        let (status, _) = call(&app, &admin, Method::PATCH, &people(1), own_role.clone()).await;
        assert_eq!(status, 403, "{backend}: an admin of one of two organisations");
        let (status, body) = call(&app, &national, Method::GET, &page, None).await;
        assert_eq!(status, 200);
        assert_eq!(
            body["view"]["exercise"]["participants"][0]["role"], "supplier_manager",
            "{backend}"
        );

        // Bad input names the field; a number no one has is not found.
        let (status, body) = call(
            &app,
            &national,
            Method::PATCH,
            &people(1),
            Some(json!({"role": "network_team"})),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(body["error"]["fields"][0]["path"], "role", "{backend}: {body}");
        let (status, _) = call(&app, &national, Method::DELETE, &people(7), None).await;
        assert_eq!(status, 404, "{backend}: no participant 7");
        let (status, _) = call(
            &app,
            &national,
            Method::DELETE,
            &format!("{page}/participants/x"),
            None,
        )
        .await;
        assert_eq!(status, 422, "{backend}: not a number");

        // The facilitator changes a role and removes the guest; the others keep their numbers.
        let (status, body) = call(&app, &national, Method::PATCH, &people(1), own_role.clone()).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(
            body["exercise"]["participants"][1]["role"], "incident_lead",
            "{backend}"
        );
        let (status, body) = call(&app, &national, Method::DELETE, &people(0), None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let left: Vec<(u64, String)> = body["exercise"]["participants"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["number"].as_u64().unwrap(),
                    p["role"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            left,
            [(1, "incident_lead".to_owned()), (2, "executive".to_owned())],
            "{backend}"
        );
        let (status, _) = call(&app, &national, Method::DELETE, &people(0), None).await;
        assert_eq!(status, 404, "{backend}: removed twice");
        // The removed contact no longer reads the exercise as a participant.
        let (status, _) = call(&app, &supplier, Method::GET, &page, None).await;
        assert_eq!(status, 403, "{backend}: a removed participant reading");

        // Still changed while running; refused once completed, saying why.
        move_to(&app, &national, &page, "running").await;
        let (status, body) = call(
            &app,
            &national,
            Method::PATCH,
            &people(2),
            Some(json!({"role": "communications"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: running: {body}");
        move_to(&app, &national, &page, "completed").await;
        for (method, body) in [(Method::DELETE, None), (Method::PATCH, own_role.clone())] {
            let (status, body) = call(&app, &national, method, &people(2), body).await;
            assert_eq!(status, 409, "{backend}: completed: {body}");
            assert!(body.to_string().contains("evidence"), "{backend}: {body}");
        }
    }
}

#[tokio::test]
async fn a_participant_reads_and_answers_only_the_injects_released_to_their_role() {
    let synnovis = ScenarioId::Synnovis2024.scenario();
    let text = |n: usize| synnovis.injects[n - 1].text.clone();
    let expected = |n: usize| synnovis.injects[n - 1].expected.clone();
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let page = planned(&app, &national).await;
        let mine = format!("{page}/my-injects");
        let respond = |n: u32| format!("{page}/my-injects/{n}/responses");
        let answer = |t: &str| Some(json!({"text": t}));

        let (status, body) = call(&app, &supplier, Method::GET, &mine, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["role"], "supplier_manager", "{backend}");
        assert_eq!(body["injects"], json!([]), "{backend}: nothing released yet");

        move_to(&app, &national, &page, "running").await;
        for n in [1, 3] {
            let (status, body) = call(
                &app,
                &national,
                Method::POST,
                &format!("{page}/injects/{n}/release"),
                None,
            )
            .await;
            assert_eq!(status, 200, "{backend}: {body}");
        }

        // The clinical lead reads inject 1 (released to its role), not 2 (not released) nor 3
        // (the executive's); the expected action is hidden while the exercise runs.
        let (status, body) = call(&app, &member, Method::GET, &mine, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let numbers: Vec<u64> = body["injects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["number"].as_u64().unwrap())
            .collect();
        assert_eq!(numbers, [1], "{backend}: {body}");
        assert_eq!(body["injects"][0]["text"], text(1).as_str(), "{backend}");
        assert_eq!(body["injects"][0]["expected"], Value::Null, "{backend}");

        // Attack: the supplier's contact reads the exercise page and its own injects, and finds
        // neither its own unreleased inject (5), nor another role's released one (1, 3), nor any
        // expected action.
        for path in [&page, &mine] {
            let (status, body) = call(&app, &supplier, Method::GET, path, None).await;
            assert_eq!(status, 200, "{backend}: {path}: {body}");
            let all = body.to_string();
            for n in [1, 3, 5] {
                assert!(
                    !all.contains(&text(n)),
                    "{backend}: {path} shows inject {n}: {all}"
                );
                assert!(
                    !all.contains(&expected(n)),
                    "{backend}: {path} shows expected {n}"
                );
            }
        }
        // ... and cannot respond to them (not found: they are not there for it).
        for n in [1, 3, 5, 99] {
            let (status, body) = call(&app, &supplier, Method::POST, &respond(n), answer("Planted")).await;
            assert_eq!(status, 404, "{backend}: responding to inject {n}: {body}");
        }
        // Someone not taking part finds nothing; bad input names the field.
        let (status, _) = call(&app, &foreign, Method::GET, &mine, None).await;
        assert_eq!(status, 404, "{backend}: an outsider's injects");
        let (status, _) = call(&app, &foreign, Method::POST, &respond(1), answer("Planted")).await;
        assert_eq!(status, 404, "{backend}: an outsider responding");
        let (status, body) = call(&app, &member, Method::POST, &respond(1), answer("  ")).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert_eq!(body["error"]["fields"][0]["path"], "text", "{backend}: {body}");

        // Released to the supplier manager, it answers; the console shows the response.
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            &format!("{page}/injects/5/release"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        let (status, body) = call(
            &app,
            &supplier,
            Method::POST,
            &respond(5),
            answer("Asked for the recovery plan in writing"),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["entry"]["kind"], "response", "{backend}");
        assert_eq!(
            body["entry"]["at"], "2026-06-04T14:00:00Z",
            "{backend}: timestamped"
        );
        let (_, body) = call(&app, &supplier, Method::GET, &mine, None).await;
        assert_eq!(body["injects"][0]["number"], 5, "{backend}");
        assert_eq!(
            body["injects"][0]["responses"][0]["entry"]["text"], "Asked for the recovery plan in writing",
            "{backend}"
        );
        let (_, body) = call(&app, &national, Method::GET, &page, None).await;
        let entries = &body["injects"][4]["entries"];
        assert_eq!(entries[0]["author_name"], "supplier", "{backend}: {body}");
        assert_eq!(
            body["injects"][1]["inject"]["text"],
            text(2).as_str(),
            "{backend}: the facilitator sees all"
        );

        // The participant's page lists it too.
        let res = with_session(
            client().get(app.url(&format!("{}/my-injects", page.replace("/api/v1", "")))),
            &supplier,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{backend}");
        let html = res.text().await.unwrap();
        assert!(html.contains("recovery plan in writing"), "{backend}: {html}");
        assert!(
            !html.contains(&expected(5)),
            "{backend}: expected hidden on the page"
        );

        // At the debrief the expected action is shown; no more responses.
        move_to(&app, &national, &page, "completed").await;
        let (_, body) = call(&app, &supplier, Method::GET, &mine, None).await;
        assert_eq!(
            body["injects"][0]["expected"],
            expected(5).as_str(),
            "{backend}: {body}"
        );
        let (status, _) = call(&app, &supplier, Method::POST, &respond(5), answer("Late")).await;
        assert_eq!(status, 409, "{backend}: a response after completion");
    }
}

/// Attack: a member of the trust's staff, who reads its exercises but does not run them (and
/// may be asked to play), reads a running exercise: only the injects released so far, with no
/// expected action, as the players see them; whoever runs it reads the whole script, and after
/// the debrief so does the member.
#[tokio::test]
async fn staff_who_do_not_run_an_exercise_do_not_read_its_script_before_the_debrief() {
    let synnovis = ScenarioId::Synnovis2024.scenario();
    let text = |n: usize| synnovis.injects[n - 1].text.clone();
    let expected = |n: usize| synnovis.injects[n - 1].expected.clone();
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let member = as_role(&app, Role::OrgMember).await;
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            "/api/v1/exercises",
            Some(json!({
                "title": "Staff drill", "scenario": "synnovis-2024", "orgs": [w.trust],
                "facilitator": w.users[&Role::NationalAnalyst].id, "planned_for": "2026-06-10",
                "participants": []
            })),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let page = format!("/api/v1/exercises/{}", body["exercise"]["id"].as_str().unwrap());
        move_to(&app, &national, &page, "running").await;
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            &format!("{page}/injects/1/release"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{backend}");

        for path in [page.clone(), page.replace("/api/v1", "")] {
            let (status, body) = call(&app, &member, Method::GET, &path, None).await;
            assert_eq!(status, 200, "{backend}: {path}: {body}");
            let all = body.to_string();
            assert!(all.contains(&text(1)), "{backend}: {path}: the released inject");
            assert!(!all.contains(&expected(1)), "{backend}: {path} shows expected 1");
            for n in [2, 3, 5] {
                assert!(!all.contains(&text(n)), "{backend}: {path} shows unreleased {n}");
                assert!(
                    !all.contains(&expected(n)),
                    "{backend}: {path} shows expected {n}"
                );
            }
        }
        let (_, body) = call(&app, &national, Method::GET, &page, None).await;
        assert_eq!(
            body["injects"][1]["inject"]["text"],
            text(2).as_str(),
            "{backend}: the facilitator reads all"
        );

        move_to(&app, &national, &page, "completed").await;
        let (_, body) = call(&app, &member, Method::GET, &page, None).await;
        let all = body.to_string();
        assert!(
            all.contains(&text(2)) && all.contains(&expected(2)),
            "{backend}: after the debrief the script is the record: {all}"
        );
    }
}
