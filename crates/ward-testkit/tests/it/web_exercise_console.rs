//! The facilitator console's timings and the participant form, over plain HTTP: a trust's admin
//! adds an account and a guest as participants of a planned exercise, starts it and records the
//! trust's detection, containment and recovery minutes (refused forms name the field, as typed);
//! the member finds the exercise among those it takes part in. Attacks: the member (who may not
//! run exercises) and another trust's admin post the timings form and are refused, nothing stored.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

async fn post(v: &mut Visitor<'_>, path: &str, f: &[(&str, String)]) -> crate::web::Reply {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, x)| (*k, x.as_str())).collect();
    v.post(path, &pairs).await
}

#[tokio::test]
async fn the_console_records_timings_and_participants_are_picked_from_accounts() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let csrf = hidden(&v.get("/exercises").await.body, "csrf");
    let planned = post(
        &mut v,
        "/exercises",
        &[
            ("csrf", csrf.clone()),
            ("title", "Console drill".into()),
            ("scenario", "synnovis-2024".into()),
            ("orgs", "RJZ".into()),
            ("planned_for", "2026-07-01".into()),
            ("participants", "".into()),
        ],
    )
    .await;
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let page_path = planned.location.clone().unwrap();
    let id = page_path.trim_start_matches("/exercises/").to_owned();

    // Participants: the trust's member picked from the accounts offered, and a guest by name.
    let page = v.get(&page_path).await;
    let member = t.world.users[&Role::OrgMember].id.to_string();
    assert!(
        page.body
            .contains(&format!("<option value=\"{member}\">member</option>")),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(&t.world.foreign_admin.id.to_string()),
        "no account of another trust is offered"
    );
    let to = format!("/exercises/{id}/participants");
    for form in [
        vec![
            ("account", member.clone()),
            ("name", String::new()),
            ("role", "incident_lead".into()),
        ],
        vec![
            ("account", String::new()),
            ("name", "Visiting GP".into()),
            ("role", "executive".into()),
        ],
    ] {
        let mut f = vec![("csrf", csrf.clone())];
        f.extend(form);
        let r = post(&mut v, &to, &f).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = v.get(&page_path).await;
    assert!(
        page.body
            .contains("member: Incident lead <span class=\"tag\">Account</span>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Visiting GP: Executive on call (SIRO) <span class=\"small muted\">(guest)</span>")
    );
    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    let mine = m.get("/exercises").await;
    assert!(mine.body.contains("Exercises you take part in"), "{}", mine.body);
    assert!(mine.body.contains("Console drill"));

    // No timings before the start; then the form, refused by field, kept as typed.
    assert!(!page.body.contains("Record the times"));
    let started = post(
        &mut v,
        &format!("/exercises/{id}/status"),
        &[("csrf", csrf.clone()), ("status", "running".into())],
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.body);
    let trust = t.world.trust.to_string();
    let timings = |d: &str, c: &str, r: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("org", trust.clone()),
            ("detected_minutes", d.to_owned()),
            ("contained_minutes", c.to_owned()),
            ("recovered_minutes", r.to_owned()),
        ]
    };
    let to = format!("/exercises/{id}/timings");
    let bad = post(&mut v, &to, &timings("30", "10", "")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body
            .contains("Contained at minute: 10 is before the detection at minute 30"),
        "{}",
        bad.body
    );
    assert!(
        bad.body
            .contains("<p class=\"field-error\">10 is before the detection at minute 30</p>")
    );
    assert!(bad.body.contains(
        "name=\"contained_minutes\" type=\"number\" min=\"0\" step=\"1\" inputmode=\"numeric\" value=\"10\""
    ));
    let bad = post(&mut v, &to, &timings("soon", "", "600")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("&#39;soon&#39; is not a whole number")
            || bad.body.contains("'soon' is not a whole number"),
        "{}",
        bad.body
    );
    let bad = post(&mut v, &to, &timings("30", "", "600")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("Recovered at minute: an organisation contains before it recovers"),
        "{}",
        bad.body
    );

    let ok = post(&mut v, &to, &timings("30", "90", "600")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = v.get(&page_path).await;
    assert!(
        page.body.contains("minute 90 (1 h after detection)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("minute 600 (9 h 30 min after detection)"));
    let api = v.get(&format!("/api/v1/exercises/{id}/timings")).await;
    assert!(api.body.contains("\"contained_minutes\":90"), "{}", api.body);

    // Attacks: the member may read but not run; another trust's admin does not find it.
    let theirs = hidden(&m.get(&page_path).await.body, "csrf");
    let mut planted = timings("1", "2", "3");
    planted[0].1 = theirs;
    let r = post(&mut m, &to, &planted).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    planted[0].1 = hidden(&foreign.get("/exercises").await.body, "csrf");
    let r = post(&mut foreign, &to, &planted).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let api = v.get(&format!("/api/v1/exercises/{id}/timings")).await;
    assert!(api.body.contains("\"detected_minutes\":30") && api.body.contains("\"contained_minutes\":90"));
}
