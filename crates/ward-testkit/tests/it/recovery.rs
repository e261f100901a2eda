//! Recovery metrics and the incident form's pickers through the API and the pages, with the
//! attacks: a trust asking for another region's figures, a forged asset of another trust on the
//! form, a trust recording times in an exercise it is not in. Each test runs on SQLite, and on
//! PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call, with_session};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{client, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-20T12:00:00Z".parse().expect("fixed instant"))
}

/// A closed incident: began `to_detect` hours before detection on `day`, contained after
/// `to_contain` hours and recovered `to_recover` hours after detection.
fn closed(
    day: &str,
    to_detect: i64,
    to_contain: i64,
    to_recover: i64,
    suppliers: &[ward_core::OrgId],
) -> Value {
    let detected: jiff::Timestamp = format!("{day}T09:00:00Z").parse().unwrap();
    let h = |n: i64| jiff::SignedDuration::from_hours(n);
    json!({
        "title": "Ransomware", "category": "substantial", "severity": "high", "tlp": "AMBER",
        "status": "closed", "patient_harm": 2, "suppliers": suppliers,
        "occurred_at": detected - h(to_detect), "detected_at": detected,
        "contained_at": detected + h(to_contain), "recovered_at": detected + h(to_recover),
    })
}

#[tokio::test]
async fn recovery_metrics_sum_the_footprint_and_refuse_another_region() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        // Three at the trust (one implicating the supplier), one abroad.
        for (day, d, c, r, s) in [
            ("2026-01-10", 2, 1, 10, vec![w.supplier]),
            ("2026-02-10", 4, 2, 20, vec![]),
            ("2026-04-10", 6, 3, 30, vec![]),
        ] {
            let (status, body) = call(
                &app,
                &member,
                Method::POST,
                "/api/v1/incidents",
                Some(json!({"org": w.trust, "details": closed(day, d, c, r, &s)})),
            )
            .await;
            assert_eq!(status, 200, "{backend}: {body}");
        }
        let (status, body) = call(
            &app,
            &foreign,
            Method::POST,
            "/api/v1/incidents",
            Some(json!({"org": w.foreign_trust, "details": closed("2026-03-10", 100, 50, 500, &[])})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");

        // The region: its trust's three, medians from three values, no p90 yet; a trend per
        // quarter from the first to the last.
        let (status, body) = call(
            &app,
            &regional,
            Method::GET,
            "/api/v1/recovery-metrics?by=region",
            None,
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["total"]["incidents"], 3, "{backend}: {body}");
        assert_eq!(
            body["total"]["recover"]["sum_minutes"],
            (10 + 20 + 30) * 60,
            "{backend}"
        );
        assert_eq!(body["total"]["recover"]["median_minutes"], 20 * 60, "{backend}");
        assert_eq!(body["total"]["detect"]["median_minutes"], 4 * 60, "{backend}");
        assert_eq!(body["total"]["recover"]["p90_minutes"], Value::Null, "{backend}");
        assert_eq!(
            body["groups"].as_array().map(Vec::len),
            Some(1),
            "{backend}: {body}"
        );
        assert_eq!(body["groups"][0]["code"], "Y56", "{backend}: London: {body}");
        let periods: Vec<&str> = body["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["period"].as_str().unwrap())
            .collect();
        assert_eq!(periods, ["2026-Q1", "2026-Q2"], "{backend}");

        // By supplier: the supplier's one incident, the rest without one.
        let (_, body) = call(
            &app,
            &national,
            Method::GET,
            "/api/v1/recovery-metrics?by=supplier",
            None,
        )
        .await;
        assert_eq!(
            body["total"]["incidents"], 4,
            "{backend}: the nation sees all: {body}"
        );
        assert_eq!(
            body["groups"][0]["key"]["org"],
            json!(w.supplier),
            "{backend}: {body}"
        );
        assert_eq!(body["groups"][0]["figures"]["incidents"], 1, "{backend}");
        assert_eq!(body["groups"][1]["key"], Value::Null, "{backend}");

        // The attack: the trust asks for the foreign region's figures (404, nothing of theirs),
        // and its own figures never include them.
        let (status, _) = call(
            &app,
            &member,
            Method::GET,
            &format!("/api/v1/recovery-metrics?org={}", w.south_west),
            None,
        )
        .await;
        assert_eq!(status, 404, "{backend}: a trust asking for another region");
        let (status, _) = call(
            &app,
            &regional,
            Method::GET,
            &format!("/api/v1/recovery-metrics/export?org={}", w.foreign_trust),
            None,
        )
        .await;
        assert_eq!(
            status, 404,
            "{backend}: a region asking for another region's trust"
        );
        let (_, body) = call(
            &app,
            &member,
            Method::GET,
            "/api/v1/recovery-metrics?by=icb",
            None,
        )
        .await;
        assert_eq!(body["total"]["incidents"], 3, "{backend}: {body}");
        let (_, body) = call(&app, &foreign, Method::GET, "/api/v1/recovery-metrics", None).await;
        assert_eq!(body["total"]["incidents"], 1, "{backend}: {body}");
        assert_eq!(body["total"]["recover"]["sum_minutes"], 500 * 60, "{backend}");

        // CSV: the same figures, one line per group, the total and the trend.
        let res = with_session(
            client().get(app.url("/api/v1/recovery-metrics/export?by=org")),
            &regional,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{backend}");
        let csv = res.text().await.unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert!(
            lines[0].starts_with("row,code,name,incidents,exercises,"),
            "{backend}: {csv}"
        );
        assert!(lines[1].starts_with("group,RJZ,"), "{backend}: {csv}");
        assert!(
            lines[2].starts_with("total,,Total,3,0,3,720,240,"),
            "{backend}: {csv}"
        );
        assert_eq!(
            lines.iter().filter(|l| l.starts_with("trend,")).count(),
            2,
            "{backend}"
        );

        // Bad input names its field.
        let (status, body) = call(
            &app,
            &member,
            Method::GET,
            "/api/v1/recovery-metrics?by=planet",
            None,
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.to_string().contains("by"), "{backend}: {body}");
    }
}

#[tokio::test]
async fn exercise_times_count_in_the_metrics_and_only_those_who_run_it_record_them() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/exercises",
            Some(json!({
                "title": "Pathology drill", "scenario": "synnovis-2024", "orgs": [w.trust],
                "facilitator": w.users[&Role::OrgAdmin].id, "planned_for": "2026-06-10"
            })),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let id = body["exercise"]["id"].as_str().unwrap().to_owned();
        let timings = format!("/api/v1/exercises/{id}/timings");
        let times = json!({"org": w.trust, "detected_minutes": 45, "contained_minutes": 105, "recovered_minutes": 525});
        let (status, body) = call(&app, &admin, Method::PUT, &timings, Some(times.clone())).await;
        assert_eq!(status, 409, "{backend}: before it starts: {body}");
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            &format!("/api/v1/exercises/{id}/status"),
            Some(json!({"status": "running"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        // Out of order, another trust, a member: refused.
        let bad = json!({"org": w.trust, "detected_minutes": 45, "contained_minutes": 30});
        let (status, body) = call(&app, &admin, Method::PUT, &timings, Some(bad)).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(
            body.to_string().contains("contained_minutes"),
            "{backend}: {body}"
        );
        let (status, _) = call(&app, &foreign, Method::PUT, &timings, Some(times.clone())).await;
        assert_eq!(status, 404, "{backend}: another trust records times");
        let (status, _) = call(&app, &member, Method::PUT, &timings, Some(times.clone())).await;
        assert_eq!(status, 403, "{backend}: a member records times");
        let wrong = json!({"org": w.foreign_trust, "detected_minutes": 45});
        let (status, body) = call(&app, &admin, Method::PUT, &timings, Some(wrong)).await;
        assert_eq!(status, 422, "{backend}: an organisation not taking part: {body}");
        assert!(body.to_string().contains("org"), "{backend}: {body}");

        let (status, body) = call(&app, &admin, Method::PUT, &timings, Some(times)).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let (status, body) = call(&app, &member, Method::GET, &timings, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body[0]["timings"]["recovered_minutes"], 525, "{backend}");
        let (_, body) = call(
            &app,
            &member,
            Method::GET,
            "/api/v1/recovery-metrics?source=exercise",
            None,
        )
        .await;
        assert_eq!(body["total"]["exercises"], 1, "{backend}: {body}");
        assert_eq!(body["total"]["incidents"], 0, "{backend}");
        assert_eq!(body["total"]["contain"]["sum_minutes"], 60, "{backend}");
        assert_eq!(body["total"]["recover"]["sum_minutes"], 480, "{backend}");
        let (_, body) = call(&app, &foreign, Method::GET, "/api/v1/recovery-metrics", None).await;
        assert_eq!(body["total"]["exercises"], 0, "{backend}: abroad: {body}");
    }
}

#[tokio::test]
async fn the_incident_form_picks_services_assets_and_suppliers_and_refuses_a_forged_asset() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let page = |path: &str| with_session(client().get(app.url(path)), &member);
        let html = page("/incidents/new").send().await.unwrap().text().await.unwrap();
        // The trust's own service and asset and the register's supplier are offered; the
        // foreign trust's asset is not.
        assert!(
            html.contains(&format!("name=\"service:{}\"", w.trust_services[0])),
            "{backend}"
        );
        assert!(
            html.contains(&format!("name=\"asset:{}\"", w.trust_assets[0])),
            "{backend}"
        );
        assert!(
            html.contains(&format!("name=\"supplier:{}\"", w.supplier)),
            "{backend}"
        );
        assert!(!html.contains(&w.foreign_assets[0].to_string()), "{backend}");

        let form = |extra: Vec<(String, String)>| {
            let mut f: Vec<(String, String)> = [
                ("csrf", member.1.as_str()),
                ("org", &w.trust.to_string()),
                ("title", "Picked"),
                ("category", "moderate"),
                ("severity", "high"),
                ("tlp", "TLP:AMBER"),
                ("status", "open"),
                ("patient_harm", "1"),
                ("occurred_at", "2026-06-19T07:00"),
                ("detected_at", "2026-06-19T09:30"),
                ("picks", "yes"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
            f.extend(extra);
            f
        };
        let no_redirect = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let post = |f: Vec<(String, String)>| {
            with_session(no_redirect.post(app.url("/incidents/new")), &member).form(&f)
        };

        // The attack: a forged box naming the foreign trust's asset is refused, nothing stored.
        let forged = form(vec![(format!("asset:{}", w.foreign_assets[0]), "yes".into())]);
        let res = post(forged).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 422, "{backend}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("not assets of this organisation"),
            "{backend}: {body}"
        );
        let (_, list) = call(&app, &member, Method::GET, "/api/v1/incidents", None).await;
        assert_eq!(
            list.as_array().map(Vec::len),
            Some(0),
            "{backend}: nothing stored"
        );

        // Its own service and asset and the supplier are stored, with when it began.
        let picked = form(vec![
            (format!("service:{}", w.trust_services[0]), "yes".into()),
            (format!("asset:{}", w.trust_assets[0]), "yes".into()),
            (format!("supplier:{}", w.supplier), "yes".into()),
        ]);
        let res = post(picked).send().await.unwrap();
        assert_eq!(
            res.status().as_u16(),
            303,
            "{backend}: {}",
            res.text().await.unwrap()
        );
        let (_, list) = call(&app, &member, Method::GET, "/api/v1/incidents", None).await;
        let d = &list[0]["incident"]["details"];
        assert_eq!(d["services"], json!([w.trust_services[0]]), "{backend}: {d}");
        assert_eq!(d["assets"], json!([w.trust_assets[0]]), "{backend}");
        assert_eq!(d["suppliers"], json!([w.supplier]), "{backend}");
        assert_eq!(
            d["occurred_at"], "2026-06-19T06:00:00Z",
            "{backend}: London summer time"
        );
        let id = list[0]["incident"]["id"].as_str().unwrap().to_owned();
        let html = page(&format!("/incidents/{id}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("Suppliers implicated:"), "{backend}");
        assert!(
            html.contains(&format!("name=\"supplier:{}\" value=\"yes\" checked", w.supplier)),
            "{backend}: the edit form shows it ticked"
        );
        // The audit names what was picked.
        let (_, audit) = call(
            &app,
            &as_role(&app, Role::OrgAdmin).await,
            Method::GET,
            "/api/v1/audit",
            None,
        )
        .await;
        assert!(
            audit.to_string().contains(&w.supplier.to_string()),
            "{backend}: {audit}"
        );

        // The recovery page draws its charts for the member.
        let html = page("/recovery?by=supplier&period=month")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(html.contains("<h1>Recovery metrics</h1>"), "{backend}");
        assert!(html.contains("Download these figures (CSV)"), "{backend}");
        assert!(html.contains("<svg class=\"chart-svg\""), "{backend}: {html}");
    }
}

#[tokio::test]
async fn a_tasks_owner_and_due_day_are_changed_and_others_are_refused() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let (_, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/incidents",
            Some(json!({"org": w.trust, "details": closed("2026-06-01", 1, 1, 2, &[])})),
        )
        .await;
        let id = body["incident"]["id"].as_str().unwrap().to_owned();
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            &format!("/api/v1/incidents/{id}/tasks"),
            Some(json!({"title": "Restore LIMS", "owner": w.users[&Role::OrgMember].id, "due_on": "2026-06-25"})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let task = format!(
            "/api/v1/incidents/{id}/tasks/{}",
            body["task"]["id"].as_str().unwrap()
        );

        // A new owner who may work on the trust's incidents, a new day, a new title.
        let admin = w.users[&Role::OrgAdmin].id;
        let change = json!({"owner": admin, "due_on": "2026-06-30", "title": "Restore LIMS from backup"});
        let (status, body) = call(&app, &member, Method::PUT, &task, Some(change.clone())).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["task"]["owner"], json!(admin), "{backend}");
        assert_eq!(body["task"]["due_on"], "2026-06-30", "{backend}");
        assert_eq!(body["task"]["done_at"], Value::Null, "{backend}: still open");
        // Done in the same call, the plan untouched.
        let (_, body) = call(&app, &member, Method::PUT, &task, Some(json!({"done": true}))).await;
        assert_eq!(
            body["task"]["title"], "Restore LIMS from backup",
            "{backend}: {body}"
        );
        assert!(body["task"]["done_at"].is_string(), "{backend}");

        // An auditor cannot own it; another trust cannot touch it; a blank title is refused.
        let auditor = w.users[&Role::Auditor].id;
        let (status, body) = call(&app, &member, Method::PUT, &task, Some(json!({"owner": auditor}))).await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.to_string().contains("owner"), "{backend}: {body}");
        let (status, _) = call(&app, &foreign, Method::PUT, &task, Some(change)).await;
        assert_eq!(status, 404, "{backend}: another trust edits the task");
        let (status, body) = call(&app, &member, Method::PUT, &task, Some(json!({"title": "  "}))).await;
        assert_eq!(status, 422, "{backend}: {body}");
        let (_, audit) = call(
            &app,
            &as_role(&app, Role::OrgAdmin).await,
            Method::GET,
            "/api/v1/audit",
            None,
        )
        .await;
        assert!(audit.to_string().contains("incident.task.edit"), "{backend}");
    }
}
