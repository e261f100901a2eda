//! The exercise pages, driven through their forms: a trust's admin plans an exercise, starts it,
//! releases an inject, records a decision, completes it, writes the debrief and adds an action
//! that raises a risk; the page then shows it as CAF D1.c evidence. Another trust's admin finds
//! nothing; a form without its CSRF token changes nothing.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn an_exercise_is_planned_run_and_debriefed_through_the_pages() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let list = v.get("/exercises").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Shared pathology supplier lost"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("value=\"RJZ\""),
        "the plan form starts with the admin's trust"
    );
    let csrf = hidden(&list.body, "csrf");

    let bad = v
        .post(
            "/exercises",
            &[
                ("csrf", &csrf),
                ("title", "Drill"),
                ("scenario", "synnovis-2024"),
                ("orgs", "RJZ"),
                ("planned_for", "2026-07-01"),
                ("participants", "Ada, Wizard"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Wizard"), "{}", bad.body);
    // The refused plan comes back as typed, each problem beside its field.
    assert!(bad.body.contains("The exercise was not planned"), "{}", bad.body);
    assert!(bad.body.contains("id=\"ex-participants-error\""), "{}", bad.body);
    assert!(bad.body.contains("value=\"Drill\""), "the title is kept");
    assert!(
        bad.body.contains(">Ada, Wizard</textarea>"),
        "the participants are kept"
    );

    let several = v
        .post(
            "/exercises",
            &[
                ("csrf", &csrf),
                ("title", "Drill"),
                ("scenario", "synnovis-2024"),
                ("orgs", "RJZ, NOPE1"),
                ("planned_for", "soon"),
                ("participants", ""),
            ],
        )
        .await;
    assert_eq!(several.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (field, words) in [
        ("orgs", "NOPE1&#39; is not an organisation you can see"),
        ("planned_for", "give the planned date"),
    ] {
        assert!(
            several.body.contains(&format!("id=\"ex-{field}-error\"")),
            "{field}: {}",
            several.body
        );
        assert!(several.body.contains(words), "{field}: {}", several.body);
    }
    assert!(
        several.body.contains("value=\"RJZ, NOPE1\""),
        "the codes are kept as typed"
    );
    assert!(
        several.body.contains("<option value=\"synnovis-2024\" selected>"),
        "the scenario stays chosen"
    );

    let planned = v
        .post(
            "/exercises",
            &[
                ("csrf", &csrf),
                ("title", "Pathology drill"),
                ("scenario", "synnovis-2024"),
                ("kind", ""),
                ("orgs", "RJZ"),
                ("planned_for", "2026-07-01"),
                ("participants", "Ada Lovelace, Clinical lead"),
            ],
        )
        .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let page_path = planned.location.clone().unwrap();
    let id = page_path.trim_start_matches("/exercises/").to_owned();

    // Without the token nothing moves.
    let forged = v
        .post(&format!("/exercises/{id}/status"), &[("status", "running")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(v.get(&page_path).await.body.contains("Start the exercise"));

    let go = |path: String| path;
    for (path, form) in [
        (go(format!("/exercises/{id}/status")), vec![("status", "running")]),
        (go(format!("/exercises/{id}/injects/1/release")), vec![]),
        (
            go(format!("/exercises/{id}/injects/1/entries")),
            vec![
                ("kind", "decision"),
                ("text", "Urgent-only testing, decided by Ada"),
            ],
        ),
        (
            go(format!("/exercises/{id}/status")),
            vec![("status", "completed")],
        ),
        (
            go(format!("/exercises/{id}/debrief")),
            vec![
                ("went_well", "Blood protocol held"),
                ("to_improve", "Call tree out of date"),
            ],
        ),
    ] {
        let mut f: Vec<(&str, &str)> = vec![("csrf", &csrf)];
        f.extend(form);
        let r = v.post(&path, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.body);
    }
    let page = v.get(&page_path).await;
    assert!(
        page.body.contains("Urgent-only testing, decided by Ada"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Evidence for CAF D1.c"));
    assert!(page.body.contains("Call tree out of date"));
    assert!(
        !page.body.contains("Release inject 2"),
        "nothing is released once completed"
    );

    let me = t.world.users[&Role::OrgAdmin].id.to_string();
    let trust = t.world.trust.to_string();
    let added = v
        .post(
            &format!("/exercises/{id}/actions"),
            &[
                ("csrf", &csrf),
                ("org", &trust),
                ("lesson", "Refresh the call tree"),
                ("owner", &me),
                ("due", "2026-08-01"),
                ("risk", "raise"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = v.get(&page_path).await;
    assert!(page.body.contains("Refresh the call tree"));
    assert!(page.body.contains("Linked risk"), "{}", page.body);
    assert!(v.get("/risks").await.body.contains("Refresh the call tree"));

    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    assert!(!foreign.get("/exercises").await.body.contains("Pathology drill"));
    assert_eq!(foreign.get(&page_path).await.status, StatusCode::NOT_FOUND);
    let mut supplier = Visitor::new(&t);
    supplier.sign_in_as(Role::SupplierContact).await;
    assert_eq!(supplier.get("/exercises").await.status, StatusCode::FORBIDDEN);
}
