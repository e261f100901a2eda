//! The care provider questionnaire through the API: each answer gives the status the WebCAF rule
//! gives from the indicators it stands for (on the real CAF 4.0 file); answers save one at a time
//! and the questionnaire resumes where it was left; submission lists every unanswered question,
//! then enters the normal workflow; attacks (another trust's admin reading or answering, an
//! auditor answering, answering once submitted).

use std::collections::BTreeMap;

use crate::api::{as_role, call};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::assurance::Level;
use ward_core::clock::ManualClock;
use ward_core::questionnaire::{QUESTIONS, QuestionAnswer, indicator_answers};
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-04T14:00:00Z".parse().expect("fixed instant"))
}

async fn start(app: &TestApp, s: &(String, String)) -> String {
    let (status, q) = call(
        app,
        s,
        Method::POST,
        "/api/v1/questionnaires",
        Some(json!({"org": app.world.trust, "year": 2026})),
    )
    .await;
    assert_eq!(status, 200, "{q}");
    q["assessment"]["id"].as_str().unwrap().to_owned()
}

async fn answer(app: &TestApp, s: &(String, String), id: &str, q: &str, a: &str) -> (u16, Value) {
    call(
        app,
        s,
        Method::PUT,
        &format!("/api/v1/questionnaires/{id}/answers/{q}"),
        Some(json!({ "answer": a })),
    )
    .await
}

#[tokio::test]
async fn each_answer_gives_the_status_the_webcaf_rule_gives_from_its_indicators() {
    let Some(path) = ward_testkit::skip::shared_data("frameworks/webcaf-caf-4.0.yaml") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let framework = ward_feeds::parse_framework(
        "webcaf-caf-4.0.yaml",
        &text,
        &ward_feeds::Limits::default(),
        Some("4.0"),
    )
    .unwrap()
    .value;
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let actor = ward_app::Actor::system("test", app.world.national);
        app.app
            .import_framework(&actor, "webcaf-caf-4.0.yaml", bytes.clone(), Some("4.0".into()))
            .await
            .unwrap();
        let admin = as_role(&app, Role::OrgAdmin).await;
        let id = start(&app, &admin).await;
        let mut given = BTreeMap::new();
        for (i, q) in QUESTIONS.iter().enumerate() {
            let a = [QuestionAnswer::Partly, QuestionAnswer::Yes, QuestionAnswer::No][i % 3];
            let (status, _) = answer(&app, &admin, &id, q.id, a.as_str()).await;
            assert_eq!(status, 200, "{b}: {}", q.id);
            given.insert(q.id, a);
        }
        let (_, view) = call(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/assessments/{id}"),
            None,
        )
        .await;
        let (_, qv) = call(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/questionnaires/{id}"),
            None,
        )
        .await;
        for q in QUESTIONS {
            let outcome = framework.outcome(q.outcome).unwrap();
            let a = given[q.id];
            // What an assessor answering the same indicators directly gets from the WebCAF rule.
            let direct = ward_engine::assurance::derive(outcome, &indicator_answers(outcome, a)).derived;
            let expected = match a {
                QuestionAnswer::Yes => Level::Achieved,
                QuestionAnswer::Partly if outcome.has(Level::PartiallyAchieved) => Level::PartiallyAchieved,
                _ => Level::NotAchieved,
            };
            assert_eq!(direct, expected, "{b}: {} {a:?}", q.outcome);
            let stored = view["outcomes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["code"] == q.outcome)
                .unwrap();
            assert_eq!(
                stored["derived"]["derived"],
                json!(expected),
                "{b}: {} on the assessment",
                q.outcome
            );
            assert_eq!(
                stored["derived"]["unanswered"],
                json!([]),
                "{b}: every indicator of {} answered",
                q.outcome
            );
            let shown = qv["questions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["question"]["id"] == q.id)
                .unwrap();
            assert_eq!(
                shown["status"],
                json!(expected),
                "{b}: {} on the questionnaire",
                q.id
            );
        }
        assert_eq!(given["q01"], QuestionAnswer::Partly);
        assert!(
            !framework.outcome("A1.a").unwrap().has(Level::PartiallyAchieved),
            "A1.a has no partially-achieved column"
        );
        let (status, done) = call(
            &app,
            &admin,
            Method::POST,
            &format!("/api/v1/questionnaires/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{b}: {done}");
        assert_eq!(
            done["assessment"]["head"]["status"], "submitted",
            "{b}: the outcomes it does not ask about do not block it"
        );
    }
}

#[tokio::test]
async fn answers_save_one_at_a_time_and_the_questionnaire_resumes() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        ward_testkit::questionnaire::load_framework(&app.app, app.world.national).await;
        let member = as_role(&app, Role::OrgMember).await;
        let id = start(&app, &member).await;
        for (q, a) in [("q01", "yes"), ("q02", "no"), ("q03", "partly"), ("q02", "yes")] {
            assert_eq!(answer(&app, &member, &id, q, a).await.0, 200, "{b}: {q}");
        }
        // A later visit (another session) finds it where it was left.
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (status, v) = call(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/questionnaires/{id}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{b}: {v}");
        assert_eq!(
            (v["answered"].as_u64(), v["total"].as_u64()),
            (Some(3), Some(25)),
            "{b}"
        );
        let answers: Vec<&str> = v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .take(4)
            .map(|q| q["answer"].as_str().unwrap_or("-"))
            .collect();
        assert_eq!(
            answers,
            vec!["yes", "yes", "partly", "-"],
            "{b}: the latest answer of each"
        );
        assert_eq!(v["questions"][1]["status"], "achieved", "{b}: q02 changed to yes");

        let (status, refused) = call(
            &app,
            &member,
            Method::POST,
            &format!("/api/v1/questionnaires/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(status, 422, "{b}: {refused}");
        let missing: Vec<&str> = refused["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["path"].as_str())
            .collect();
        assert_eq!(missing.len(), 22, "{b}: every unanswered question listed");
        assert_eq!(missing[0], "answers.q04", "{b}");

        let (status, bad) = answer(&app, &member, &id, "q99", "yes").await;
        assert_eq!(status, 422, "{b}: {bad}");
        let (status, _) = answer(&app, &member, &id, "q04", "maybe").await;
        assert!(matches!(status, 400 | 422), "{b}: {status}");

        // Attacks: another trust's admin, an auditor, a reading token.
        let foreign = app.session_for(&app.world.foreign_admin).await;
        assert_eq!(
            call(
                &app,
                &foreign,
                Method::GET,
                &format!("/api/v1/questionnaires/{id}"),
                None
            )
            .await
            .0,
            404,
            "{b}"
        );
        assert_eq!(answer(&app, &foreign, &id, "q04", "no").await.0, 404, "{b}");
        let auditor = as_role(&app, Role::Auditor).await;
        assert_eq!(
            call(
                &app,
                &auditor,
                Method::GET,
                &format!("/api/v1/questionnaires/{id}"),
                None
            )
            .await
            .0,
            200,
            "{b}: the ICB's auditor reads"
        );
        assert_eq!(answer(&app, &auditor, &id, "q04", "no").await.0, 403, "{b}");
        let (_, v) = call(
            &app,
            &admin,
            Method::GET,
            &format!("/api/v1/questionnaires/{id}"),
            None,
        )
        .await;
        assert_eq!(v["answered"].as_u64(), Some(3), "{b}: no refusal saved anything");

        for q in QUESTIONS.iter().skip(3) {
            assert_eq!(answer(&app, &member, &id, q.id, "no").await.0, 200, "{b}");
        }
        let (status, done) = call(
            &app,
            &member,
            Method::POST,
            &format!("/api/v1/questionnaires/{id}/submit"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{b}: {done}");
        assert_eq!(done["assessment"]["head"]["status"], "submitted", "{b}");
        assert_eq!(
            answer(&app, &member, &id, "q01", "no").await.0,
            409,
            "{b}: answers are fixed once submitted"
        );
        let (status, _) = call(
            &app,
            &admin,
            Method::POST,
            &format!("/api/v1/assessments/{id}/status"),
            Some(json!({"status": "signed-off"})),
        )
        .await;
        assert_eq!(status, 403, "{b}: no SIRO is named yet");
        let siro = app.world.users[&Role::OrgAdmin].id;
        let (status, named) = call(
            &app,
            &admin,
            Method::PUT,
            "/api/v1/siro",
            Some(json!({"org": app.world.trust, "user": siro})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {named}");
        let (status, _) = call(
            &app,
            &admin,
            Method::POST,
            &format!("/api/v1/assessments/{id}/status"),
            Some(json!({"status": "signed-off"})),
        )
        .await;
        assert_eq!(status, 200, "{b}: the normal workflow carries on");
    }
}
