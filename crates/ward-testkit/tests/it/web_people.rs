//! The people and questionnaire pages, driven through their forms: a trust's admin uploads a
//! training record (a bad one first, listed problem by problem with nothing stored), names a board
//! member and sees both on the page; a care manager answers the questionnaire one question at a
//! time and comes back to it. A form without its CSRF token changes nothing; a member sees no
//! upload form.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn a_trust_admin_keeps_training_and_board_through_the_page() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let page = v.get("/people").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("No training record has been imported"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Import the training record"));
    let csrf = hidden(&page.body, "csrf");

    let bad = v
        .post_file(
            "/people/training?org=RJZ",
            &[("csrf", &csrf)],
            "staff.csv",
            "person_ref,role,course,completed_on\nE1,nurse,data-security-awareness,2026-01-01\n",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("staff.csv:2:2"), "{}", bad.body);
    assert!(bad.body.contains("Nothing was imported"));
    assert!(
        bad.body.contains("No training record has been imported"),
        "nothing stored"
    );

    let good = v
        .post_file(
            "/people/training?org=RJZ",
            &[("csrf", &csrf)],
            "staff.csv",
            "person_ref,role,course,completed_on\nE1,staff,data-security-awareness,2026-01-01\nE2,Board member,board-cyber,2020-01-01\n",
        )
        .await;
    assert_eq!(good.status, StatusCode::OK, "{}", good.body);
    assert!(good.body.contains("Training record imported"));
    assert!(
        good.body.contains("Board cyber security training"),
        "{}",
        good.body
    );

    let forged = v
        .post(
            "/people/board",
            &[("org", "RJZ"), ("name", "Mallory"), ("board_role", "Chair")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let named = v
        .post(
            "/people/board",
            &[
                ("csrf", &csrf),
                ("org", "RJZ"),
                ("name", "Dr Ada Lovelace"),
                ("board_role", "Medical Director and SIRO"),
            ],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
    let page = v.get("/people?org=RJZ").await;
    assert!(page.body.contains("Dr Ada Lovelace"));
    assert!(page.body.contains("Medical Director and SIRO"));
    assert!(!page.body.contains("Mallory"));

    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    let seen = m.get("/people").await;
    assert!(seen.body.contains("Dr Ada Lovelace"), "a member reads the board");
    assert!(
        !seen.body.contains("Import the training record"),
        "but imports nothing"
    );
}

#[tokio::test]
async fn a_manager_answers_the_questionnaire_question_by_question() {
    let t = spawn_app().await;
    ward_testkit::questionnaire::load_framework(&t.app, t.world.national).await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let list = v.get("/questionnaire").await;
    assert_eq!(list.status, StatusCode::OK);
    let csrf = hidden(&list.body, "csrf");
    let started = v
        .post(
            "/questionnaire",
            &[("csrf", &csrf), ("org", "RJZ"), ("year", "2026")],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let path = started.location.clone().unwrap();
    let page = v.get(&path).await;
    assert!(page.body.contains("0 of 25 questions answered"), "{}", page.body);
    assert!(
        page.body
            .contains("Does the owner or board talk about keeping your computers")
    );

    let saved = v
        .post(
            &format!("{path}/answer"),
            &[("csrf", &csrf), ("question", "q01"), ("answer", "yes")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("{path}#q02").as_str()),
        "on to the next question"
    );
    let forged = v
        .post(
            &format!("{path}/answer"),
            &[("question", "q02"), ("answer", "yes")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Coming back later: the page remembers.
    let back = v.get(&path).await;
    assert!(back.body.contains("1 of 25 questions answered"), "{}", back.body);
    assert!(
        back.body.contains("value=\"yes\" required checked"),
        "the answer is shown"
    );
    assert!(
        back.body.contains("href=\"#q02\""),
        "the next unanswered question is linked"
    );
    assert!(back.body.contains("Answer the remaining 24 questions"));
    let listed = v.get("/questionnaire").await;
    assert!(listed.body.contains("Questionnaire for 2026"));
}
