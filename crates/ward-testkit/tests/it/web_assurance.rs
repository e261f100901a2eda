//! The assurance pages over plain HTTP: an organisation starts an assessment, answers indicators
//! outcome by outcome, sees the derived statuses, is told what is unanswered when it submits too
//! early, then submits, signs off and publishes; an auditor reads without forms; another trust
//! sees nothing.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::fixtures::SMALL_CAF;
use ward_testkit::spawn_app;

/// Every `action` of a form on the page.
fn form_actions(body: &str) -> Vec<String> {
    body.split("<form method=\"post\" action=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn an_organisation_answers_an_assessment_in_the_browser_from_draft_to_published() {
    let t = spawn_app().await;
    let system = ward_app::Actor::system("test", t.world.national);
    t.app
        .import_framework(&system, "caf.yaml", SMALL_CAF.into(), Some("4.0".into()))
        .await
        .expect("framework imported");

    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let home = v.get("/").await;
    assert!(
        home.body.contains("href=\"/assurance\""),
        "the navigation links to assurance"
    );
    let list = v.get("/assurance").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("No assessments yet"));
    assert!(list.body.contains("ncsc-caf|4.0"), "{}", list.body);
    let csrf = hidden(&list.body, "csrf");

    let started = v
        .post(
            "/assessments",
            &[
                ("csrf", &csrf),
                ("framework", "ncsc-caf|4.0"),
                ("year", "2026"),
                ("kind", "final"),
            ],
        )
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let at = started.location.expect("redirect to the assessment");
    assert!(at.starts_with("/assessments/"));
    let page = v.get(&at).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Draft") && page.body.contains("Board direction"));
    assert!(
        page.body.contains("4 indicators not answered yet"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("signed-off"), "no enum text is shown");

    // Submitting now is refused and the page lists what is missing.
    let early = v
        .post(&format!("{at}/status"), &[("csrf", &csrf), ("to", "submitted")])
        .await;
    assert_eq!(early.status, StatusCode::SEE_OTHER);
    let back = v.get(early.location.as_deref().unwrap()).await;
    assert!(back.body.contains("was not submitted"), "{}", back.body);
    assert!(back.body.contains("A1.a.A.1") && back.body.contains("A1.b.A.1"));
    assert!(back.body.contains("Draft"));

    // A1.a: the achieved indicator true, the others not: Achieved.
    let saved = v
        .post(
            &format!("{at}/answers"),
            &[
                ("csrf", &csrf),
                ("id-1", "A1.a.NA.1"),
                ("value-1", "no"),
                ("comment-1", ""),
                ("id-2", "A1.a.PA.1"),
                ("value-2", "no"),
                ("comment-2", ""),
                ("id-3", "A1.a.A.1"),
                ("value-3", "yes"),
                ("comment-3", "Board minutes, March"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = v.get(saved.location.as_deref().unwrap()).await;
    assert!(page.body.contains("Your answers are saved"));
    assert!(page.body.contains("Board minutes, March"), "the comment is kept");
    assert!(
        page.body.contains("1 indicators not answered yet"),
        "{}",
        page.body
    );

    // An answer for an indicator the framework lacks is refused and names it.
    let wrong = v
        .post(
            &format!("{at}/answers"),
            &[("csrf", &csrf), ("id-1", "Z9.z.A.1"), ("value-1", "yes")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Z9.z.A.1"), "{}", wrong.body);

    // A1.b answered not true: Not achieved; then overridden with a justification.
    v.post(
        &format!("{at}/answers"),
        &[("csrf", &csrf), ("id-4", "A1.b.A.1"), ("value-4", "no")],
    )
    .await;
    let no_reason = v
        .post(
            &format!("{at}/outcomes/A1.b"),
            &[("csrf", &csrf), ("status", "achieved"), ("justification", "")],
        )
        .await;
    assert_eq!(
        no_reason.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an override needs a reason"
    );
    let noted = v
        .post(
            &format!("{at}/outcomes/A1.b"),
            &[
                ("csrf", &csrf),
                ("status", "achieved"),
                ("justification", "Roles were named last week"),
            ],
        )
        .await;
    assert_eq!(noted.status, StatusCode::SEE_OTHER);
    let page = v.get(&at).await;
    assert!(page.body.contains("Set by the assessor"));
    assert!(page.body.contains("Roles were named last week"));
    assert!(!page.body.contains("indicators not answered yet"));

    // Evidence: a file kept from the page, listed with a download link; a disguised one refused.
    let page = v.get(&at).await;
    assert!(page.body.contains("No files are kept"), "{}", page.body);
    let kept = v
        .post_file(
            &format!("{at}/files"),
            &[("csrf", &csrf), ("outcome", "A1.a")],
            "asset-register.csv",
            "asset,owner\nPAS,IT\n",
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    let page = v.get(&at).await;
    assert!(page.body.contains("asset-register.csv"), "{}", page.body);
    assert!(page.body.contains("for A1.a"), "{}", page.body);
    let link = page
        .body
        .split("href=\"")
        .map(|x| x.split('"').next().unwrap_or_default())
        .find(|h| h.contains("/files/"))
        .expect("a download link")
        .to_owned();
    let got = v.get(&link).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, "asset,owner\nPAS,IT\n");
    let refused = v
        .post_file(
            &format!("{at}/files"),
            &[("csrf", &csrf), ("outcome", "")],
            "notes.txt",
            "<html><script>alert(1)</script></html>",
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("notes.txt"), "the refusal names the file");

    let submitted = v
        .post(&format!("{at}/status"), &[("csrf", &csrf), ("to", "submitted")])
        .await;
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    // Only the named SIRO signs off: none is named yet, so no "Sign off" button and a forged
    // post is refused.
    let page = v.get(&at).await;
    assert!(page.body.contains("No SIRO is named yet"), "{}", page.body);
    assert!(
        !page.body.contains(">Sign off<"),
        "no sign-off before a SIRO is named"
    );
    let early = v
        .post(&format!("{at}/status"), &[("csrf", &csrf), ("to", "signed-off")])
        .await;
    assert_eq!(early.status, StatusCode::FORBIDDEN, "{}", early.body);
    // A member of the organisation cannot name the SIRO; the admin names themselves from the
    // list, which holds only people who may sign off there.
    let admin = t.world.users[&Role::OrgAdmin].clone();
    let member = t.world.users[&Role::OrgMember].clone();
    assert!(
        page.body.contains(&format!("value=\"{}\"", admin.id)),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&format!("value=\"{}\"", member.id)),
        "members cannot sign off"
    );
    let mut m = Visitor::new(&t);
    m.sign_in_user(&member).await;
    let m_csrf = m.csrf().await;
    let refused = m
        .post(
            &format!("{at}/siro"),
            &[("csrf", m_csrf.as_str()), ("user", &member.id.to_string())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a member names nobody");
    let wrong = v
        .post(
            &format!("{at}/siro"),
            &[("csrf", &csrf), ("user", &member.id.to_string())],
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a member cannot be named SIRO"
    );
    let named = v
        .post(
            &format!("{at}/siro"),
            &[("csrf", &csrf), ("user", &admin.id.to_string())],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
    let page = v.get(&at).await;
    assert!(page.body.contains("is the named SIRO"), "{}", page.body);
    assert!(page.body.contains(">Sign off<"), "the SIRO sees the button");

    for (to, shown) in [("signed-off", "Signed off"), ("published", "Published")] {
        let moved = v
            .post(&format!("{at}/status"), &[("csrf", &csrf), ("to", to)])
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "to {to}");
        let page = v.get(&at).await;
        assert!(
            page.body.contains(&format!("<span class=\"tag\">{shown}</span>")),
            "{to}: {}",
            page.body
        );
    }
    let page = v.get(&at).await;
    assert!(
        page.body.contains("Signed off by "),
        "the sign-off names its SIRO"
    );
    assert!(
        !form_actions(&page.body)
            .iter()
            .any(|a| a.starts_with("/assessments/")),
        "a published assessment has no forms"
    );
    let list = v.get("/assurance").await;
    assert!(list.body.contains("Riverside") && list.body.contains("Published"));

    // An auditor of the trust reads it, with no forms.
    let mut auditor = Visitor::new(&t);
    auditor.sign_in_as(Role::Auditor).await;
    let read = auditor.get(&at).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(read.body.contains("Board direction"));
    assert!(
        !form_actions(&read.body)
            .iter()
            .any(|a| a.starts_with("/assessments/"))
    );
    assert!(auditor.get("/assurance").await.body.contains("Riverside"));

    // Another trust's administrator sees nothing of it, and cannot change it.
    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    assert_eq!(foreign.get(&at).await.status, StatusCode::NOT_FOUND);
    assert!(!foreign.get("/assurance").await.body.contains("Riverside"));
    let fcsrf = foreign.csrf().await;
    let tamper = foreign
        .post(
            &format!("{at}/answers"),
            &[("csrf", &fcsrf), ("id-1", "A1.a.A.1"), ("value-1", "no")],
        )
        .await;
    assert_eq!(tamper.status, StatusCode::NOT_FOUND);
}

/// Before the Cyber Assessment Framework is loaded the roll-up page says how to start instead of
/// an error; a framework that is asked for by name and not loaded is still refused.
#[tokio::test]
async fn the_rollup_page_before_any_framework_is_loaded_says_how_to_start() {
    let t = spawn_app().await;
    let mut national = Visitor::new(&t);
    national.sign_in_as(Role::NationalAnalyst).await;
    let page = national.get("/assurance/rollup").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Nothing to roll up yet"), "{}", page.body);
    assert!(page.body.contains("ward frameworks import FILE"), "{}", page.body);
    let named = national
        .get("/assurance/rollup?framework=ncsc-caf&version=9.9")
        .await;
    assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", named.body);
}
