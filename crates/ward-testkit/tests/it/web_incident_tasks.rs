//! Editing an incident's tasks in place on the incident page, over plain HTTP: a member changes a
//! task's title, owner and due day (a refused edit comes back as typed, the problem beside its
//! field), marks it done and opens it again, each change audited as through the API. Attacks:
//! another trust's admin and the region's read-only lead post the same forms and are refused, and
//! the task is unchanged.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use serde_json::json;
use ward_core::role::Role;
use ward_store::Scope;
use ward_testkit::spawn_app;

/// The first task id in the incident page's task forms.
fn first_task(body: &str, incident: &str) -> String {
    let marker = format!("action=\"/incidents/{incident}/tasks/");
    let at = body.find(&marker).expect("a task form") + marker.len();
    body[at..].split('"').next().unwrap().to_owned()
}

async fn post(v: &mut Visitor<'_>, path: &str, f: &[(&str, String)]) -> crate::web::Reply {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, x)| (*k, x.as_str())).collect();
    v.post(path, &pairs).await
}

#[tokio::test]
async fn a_task_is_edited_in_place_and_outsiders_cannot_change_it() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let csrf = v.csrf().await;
    let req = reqwest::Client::new()
        .post(t.url("/api/v1/incidents"))
        .header("x-csrf-token", csrf.clone())
        .json(&json!({"org": t.world.trust, "details": {
            "title": "LIMS ransomware", "category": "significant", "severity": "critical",
            "tlp": "AMBER", "status": "open", "patient_harm": 3, "detected_at": "2026-06-03T08:00:00Z"
        }}));
    let created = v.send(req).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let body: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    let id = body["incident"]["id"].as_str().unwrap().to_owned();
    let incident: ward_core::IncidentId = id.parse().unwrap();
    let member = t.world.users[&Role::OrgMember].id.to_string();
    let admin = t.world.users[&Role::OrgAdmin].id.to_string();
    let added = post(
        &mut v,
        &format!("/incidents/{id}/tasks"),
        &[
            ("csrf", csrf.clone()),
            ("title", "Call the supplier".into()),
            ("owner", member.clone()),
            ("due_on", "2026-06-05".into()),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = v.get(&format!("/incidents/{id}")).await;
    let task = first_task(&page.body, &id);
    let path = format!("/incidents/{id}/tasks/{task}");
    assert!(
        page.body.contains(&format!(
            "id=\"title-{task}\" name=\"title\" type=\"text\" maxlength=\"300\" value=\"Call the supplier\""
        )),
        "the edit form starts with the stored title: {}",
        page.body
    );
    let edit = |title: &str, owner: &str, due: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", title.to_owned()),
            ("owner", owner.to_owned()),
            ("due_on", due.to_owned()),
        ]
    };

    // Refused: no title; an owner who may not work on the trust's incidents. Nothing changes.
    let bad = post(&mut v, &path, &edit("", &admin, "2026-06-09")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("The task was not changed"), "{}", bad.body);
    assert!(
        bad.body.contains("value=\"2026-06-09\""),
        "the due day kept as typed"
    );
    assert!(
        bad.body.contains("<details class=\"task-edit\" open>"),
        "the refused form is open"
    );
    let foreign_id = t.world.foreign_admin.id.to_string();
    let bad = post(&mut v, &path, &edit("Call Synnovis", &foreign_id, "2026-06-09")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("must be an enabled account"), "{}", bad.body);
    let stored = t.store.incident_tasks(&Scope::All, incident).await.unwrap();
    assert_eq!(stored[0].title, "Call the supplier");

    // Saved: title, owner and due day, audited as an edit.
    let ok = post(&mut v, &path, &edit("Call Synnovis", &admin, "2026-06-09")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let stored = t.store.incident_tasks(&Scope::All, incident).await.unwrap();
    assert_eq!(stored[0].title, "Call Synnovis");
    assert_eq!(stored[0].owner, t.world.users[&Role::OrgAdmin].id);
    assert_eq!(stored[0].due_on, jiff::civil::date(2026, 6, 9));
    let page = v.get(&format!("/incidents/{id}")).await;
    assert!(page.body.contains("9 Jun 2026"), "{}", page.body);

    // Done, then open again, through the same form's buttons.
    let done = post(&mut v, &path, &[("csrf", csrf.clone()), ("done", "yes".into())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(
        t.store.incident_tasks(&Scope::All, incident).await.unwrap()[0]
            .done_at
            .is_some()
    );
    assert!(
        v.get(&format!("/incidents/{id}"))
            .await
            .body
            .contains("Open again")
    );
    let reopened = post(&mut v, &path, &[("csrf", csrf.clone()), ("done", "no".into())]).await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    assert!(
        t.store.incident_tasks(&Scope::All, incident).await.unwrap()[0]
            .done_at
            .is_none()
    );

    let mut a = Visitor::new(&t);
    a.sign_in_as(Role::OrgAdmin).await;
    for action in ["incident.task.edit", "incident.task.done", "incident.task.reopen"] {
        let audit = a.get(&format!("/api/v1/audit?action={action}")).await;
        assert_eq!(audit.status, StatusCode::OK, "{}", audit.body);
        assert!(audit.body.contains(&id), "{action} audited: {}", audit.body);
    }

    // Another trust's admin: not found. The region's lead reads incidents but may not write: refused.
    let mut foreign = Visitor::new(&t);
    foreign.sign_in_user(&t.world.foreign_admin.clone()).await;
    let theirs = hidden(&foreign.get("/incidents").await.body, "csrf");
    let planted = vec![
        ("csrf", theirs.clone()),
        ("title", "Planted".to_owned()),
        ("owner", foreign_id.clone()),
        ("due_on", "2026-07-01".to_owned()),
    ];
    let r = post(&mut foreign, &path, &planted).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = post(&mut foreign, &path, &[("csrf", theirs), ("done", "yes".into())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let mut region = Visitor::new(&t);
    region.sign_in_as(Role::RegionalLead).await;
    let seen = region.get(&format!("/incidents/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(!seen.body.contains("Save the task"), "no edit form for a reader");
    let theirs = hidden(&seen.body, "csrf");
    let mut as_region = planted.clone();
    as_region[0].1 = theirs.clone();
    as_region[2].1 = admin.clone();
    let r = post(&mut region, &path, &as_region).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = post(&mut region, &path, &[("csrf", theirs), ("done", "yes".into())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let stored = t.store.incident_tasks(&Scope::All, incident).await.unwrap();
    assert_eq!(
        (stored[0].title.as_str(), stored[0].done_at),
        ("Call Synnovis", None),
        "nothing changed"
    );
}
