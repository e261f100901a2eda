//! An incident's response through the API: tasks with owners in scope that go overdue when their
//! London day ends; links to the organisation's own risks and exposures (another trust's is not
//! found); reminders of regulatory clocks and overdue tasks, recorded and e-mailed once however
//! many runners take them; and the attacks on each (another trust, a regional lead, an auditor).
//! Each test runs on SQLite, and on PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call};
use crate::notify::{run_due, smtp_receiver, with_mail};
use reqwest::Method;
use serde_json::{Value, json};
use ward_app::Actor;
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, on_each_backend, test_settings};

const START: &str = "2026-06-04T14:00:00Z";

fn clock() -> ManualClock {
    ManualClock::new(START.parse().expect("fixed instant"))
}

fn incident(title: &str, tlp: &str) -> Value {
    json!({
        "title": title, "category": "significant", "severity": "critical",
        "tlp": tlp, "status": "open", "patient_harm": 4,
        "detected_at": "2026-06-03T08:00:00Z"
    })
}

fn risk(owner: ward_core::UserId) -> Value {
    json!({
        "title": "Ransomware through the pathology supplier",
        "source": "external-compromised-supplier", "event": "malware-ransomware",
        "consequence": "service-disruption",
        "inherent": {"likelihood": 4, "consequences": {"patient_safety": 5}},
        "current": {"likelihood": 3, "consequences": {"patient_safety": 4}},
        "target": {"likelihood": 2, "consequences": {"patient_safety": 3}},
        "owner": owner, "review_date": "2027-01-01", "treatment": "reduce", "controls": []
    })
}

async fn record(
    app: &TestApp,
    s: &(String, String),
    org: ward_core::OrgId,
    title: &str,
    tlp: &str,
) -> String {
    let (status, body) = call(
        app,
        s,
        Method::POST,
        "/api/v1/incidents",
        Some(json!({"org": org, "details": incident(title, tlp)})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["incident"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn tasks_have_owners_in_scope_go_overdue_with_their_london_day_and_stay_in_the_organisation() {
    let clock = clock();
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        clock.set(START.parse().unwrap());
        let b = app.backend();
        let w = app.world.clone();
        let member = as_role(&app, Role::OrgMember).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let auditor = as_role(&app, Role::Auditor).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let id = record(&app, &member, w.trust, "Worm on the trust network", "AMBER").await;
        let tasks = format!("/api/v1/incidents/{id}/tasks");
        let task = |owner: ward_core::UserId| json!({"title": "Rebuild the LIMS", "owner": owner, "due_on": "2026-06-04"});

        // The owner must be someone who may work on the trust's incidents.
        let member_id = w.users[&Role::OrgMember].id;
        for (who, owner) in [
            ("another trust's admin", w.foreign_admin.id),
            ("an auditor", w.users[&Role::Auditor].id),
            ("the regional lead", w.users[&Role::RegionalLead].id),
        ] {
            let (status, body) = call(&app, &member, Method::POST, &tasks, Some(task(owner))).await;
            assert_eq!(status, 422, "{b}: {who} as owner: {body}");
            assert!(body.to_string().contains("owner"), "{b}: names the field: {body}");
        }
        let (status, body) = call(&app, &member, Method::POST, &tasks, Some(task(member_id))).await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["overdue"], false, "{b}: due today in London");
        let task_id = body["task"]["id"].as_str().unwrap().to_owned();
        assert_eq!(body["task"]["org"], json!(w.trust), "{b}");

        // Attacks: another trust's admin neither adds nor closes; the region and an auditor do
        // not write; the region reads.
        let done = format!("/api/v1/incidents/{id}/tasks/{task_id}");
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            &tasks,
            Some(task(w.foreign_admin.id)),
        )
        .await;
        assert_eq!(status, 404, "{b}: another trust adds a task");
        let (status, _) = call(&app, &foreign, Method::PUT, &done, Some(json!({"done": true}))).await;
        assert_eq!(status, 404, "{b}: another trust closes a task");
        let (status, _) = call(&app, &regional, Method::PUT, &done, Some(json!({"done": true}))).await;
        assert_eq!(status, 403, "{b}: the region closes a task");
        let (status, _) = call(&app, &auditor, Method::POST, &tasks, Some(task(member_id))).await;
        assert_eq!(status, 403, "{b}: an auditor adds a task");

        // Midnight in London (23:00 UTC in June) ends the due day.
        clock.set("2026-06-04T22:59:00Z".parse().unwrap());
        // Sessions lapse while the clock moves on: sign in again.
        let regional = as_role(&app, Role::RegionalLead).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let (_, page) = call(
            &app,
            &regional,
            Method::GET,
            &format!("/api/v1/incidents/{id}"),
            None,
        )
        .await;
        assert_eq!(page["tasks"][0]["overdue"], false, "{b}: {page}");
        clock.set("2026-06-04T23:00:00Z".parse().unwrap());
        let (_, page) = call(
            &app,
            &regional,
            Method::GET,
            &format!("/api/v1/incidents/{id}"),
            None,
        )
        .await;
        assert_eq!(page["tasks"][0]["overdue"], true, "{b}: {page}");
        let (status, body) = call(&app, &member, Method::PUT, &done, Some(json!({"done": true}))).await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(
            (body["overdue"].clone(), body["task"]["done_by"].clone()),
            (json!(false), json!(member_id))
        );

        // Links: the trust's own risk and exposure, never another trust's risk (not found).
        let (status, own) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.trust, "details": risk(member_id)})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {own}");
        let (status, theirs) = call(
            &app,
            &foreign,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.foreign_trust, "details": risk(w.foreign_admin.id)})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {theirs}");
        let links = format!("/api/v1/incidents/{id}/links");
        let own_risk = own["risk"]["id"].clone();
        let (status, body) = call(
            &app,
            &member,
            Method::PUT,
            &links,
            Some(json!({"risks": [own_risk, theirs["risk"]["id"]]})),
        )
        .await;
        assert_eq!(status, 404, "{b}: another trust's risk: {body}");
        let (status, body) = call(
            &app,
            &member,
            Method::PUT,
            &links,
            Some(json!({"exposures": [{"advisory": "CVE-2021-44228", "asset": w.foreign_assets[0]}]})),
        )
        .await;
        assert_eq!(status, 404, "{b}: another trust's asset: {body}");
        let (status, body) = call(
            &app,
            &member,
            Method::PUT,
            &links,
            Some(json!({"risks": [own_risk]})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        let (status, _) = call(&app, &foreign, Method::PUT, &links, Some(json!({}))).await;
        assert_eq!(status, 404, "{b}: another trust changes the links");
        let (_, page) = call(
            &app,
            &member,
            Method::GET,
            &format!("/api/v1/incidents/{id}"),
            None,
        )
        .await;
        assert_eq!(page["links"]["risks"], json!([own_risk]), "{b}: {page}");

        let actions: Vec<String> = app
            .store
            .audit_page(1, 100_000)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event.action)
            .collect();
        for a in ["incident.task.add", "incident.task.done", "incident.links"] {
            assert!(actions.iter().any(|x| x == a), "{b}: {a} audited");
        }
    }
}

/// The reminders job as the servers run it: queued, then run by two runners at once, then twice
/// more directly, then the e-mail jobs.
async fn remind_twice(app: &TestApp) {
    app.app.queue_incident_reminders().await.unwrap();
    let a = ward_app::jobs::JobRunner::new(app.app.clone(), "replica-a".into());
    let b = ward_app::jobs::JobRunner::new(app.app.clone(), "replica-b".into());
    let (x, y) = tokio::join!(a.run_once(), b.run_once());
    x.unwrap();
    y.unwrap();
    let system = Actor::system("test", app.world.national);
    let (x, y) = tokio::join!(
        app.app.remind_incidents(&system),
        app.app.remind_incidents(&system)
    );
    x.unwrap();
    y.unwrap();
    run_due(app).await;
}

#[tokio::test]
async fn clocks_and_overdue_tasks_are_reminded_once_each_by_email() {
    let clock = ManualClock::new("2026-06-03T09:00:00Z".parse().unwrap());
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        clock.set("2026-06-03T09:00:00Z".parse().unwrap());
        got.lock().unwrap().clear();
        let w = app.world.clone();
        let member = as_role(&app, Role::OrgMember).await;
        let admin_email = w.users[&Role::OrgAdmin].email.to_ascii_lowercase();
        let member_email = w.users[&Role::OrgMember].email.to_ascii_lowercase();
        let id = record(&app, &member, w.trust, "Pathology supplier ransomware", "RED").await;
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            &format!("/api/v1/incidents/{id}/tasks"),
            Some(json!({"title": "Call the supplier", "owner": w.users[&Role::OrgMember].id, "due_on": "2026-06-03"})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        let mails = |to: &str| -> Vec<String> {
            got.lock()
                .unwrap()
                .iter()
                .filter(|m| m.rcpt.contains(&to.to_owned()))
                .map(|m| m.data.replace("=\n", ""))
                .collect()
        };

        // An hour after detection nothing is due.
        remind_twice(&app).await;
        assert!(got.lock().unwrap().is_empty(), "{b}: nothing due yet");

        // 19 hours after detection the initial report is due within 6 hours: reminded once.
        clock.set("2026-06-04T03:00:00Z".parse().unwrap());
        remind_twice(&app).await;
        remind_twice(&app).await;
        let to_admin = mails(&admin_email);
        assert_eq!(to_admin.len(), 1, "{b}: the admin is told once: {to_admin:?}");
        assert!(
            to_admin[0].contains("Due soon") && to_admin[0].contains("Initial report"),
            "{b}: {}",
            to_admin[0]
        );
        assert!(
            !to_admin[0].contains("Pathology supplier ransomware"),
            "{b}: a TLP:RED title stays in Ward"
        );
        assert!(to_admin[0].contains(&format!("/incidents/{id}")), "{b}");
        // The task's day (3 June, London) has ended: its owner is told, once.
        let task_mails: Vec<String> = mails(&member_email)
            .into_iter()
            .filter(|m| m.contains("Call the supplier"))
            .collect();
        assert_eq!(task_mails.len(), 1, "{b}: the task's owner is told once");

        // Past the 24 hours: overdue, once; the report then made stops the NIS and ICO reminders.
        clock.set("2026-06-04T09:00:00Z".parse().unwrap());
        remind_twice(&app).await;
        remind_twice(&app).await;
        let overdue: Vec<String> = mails(&admin_email)
            .into_iter()
            .filter(|m| m.contains("Overdue"))
            .collect();
        assert_eq!(overdue.len(), 1, "{b}: overdue told once: {overdue:?}");
        let mut d = incident("Pathology supplier ransomware", "RED");
        d["reported_at"] = json!("2026-06-04T10:00:00Z");
        d["nis_reported_at"] = json!("2026-06-04T10:00:00Z");
        d["ico_applies"] = json!(false);
        let member = as_role(&app, Role::OrgMember).await;
        let (status, body) = call(
            &app,
            &member,
            Method::PUT,
            &format!("/api/v1/incidents/{id}"),
            Some(d),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        clock.set("2026-06-07T09:00:00Z".parse().unwrap());
        let before = got.lock().unwrap().len();
        remind_twice(&app).await;
        assert_eq!(
            got.lock().unwrap().len(),
            before,
            "{b}: nothing more once reported"
        );

        let reminders = app
            .store
            .incident_reminders(&ward_store::Scope::All, id.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            reminders.len(),
            3,
            "{b}: due soon, overdue, the task: {reminders:?}"
        );
        assert!(reminders.iter().all(|r| r.queued_at.is_some()), "{b}");
        let audited = app
            .store
            .audit_page(1, 100_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.event.action == "incident.reminder")
            .count();
        assert!(audited >= 3, "{b}: each reminder audited");
    }
}
