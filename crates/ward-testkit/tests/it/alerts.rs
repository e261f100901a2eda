//! Cyber alerts end to end through the API: targeting from the exposure index, clocks, answers,
//! the VEX a "not affected" writes, closing against open exposure, extension to newly exposed
//! organisations, and the attacks (reading another organisation's record, a member issuing, a
//! regional lead issuing outside its region). Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, with_session};
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

async fn post(app: &TestApp, s: &(String, String), path: &str, body: &Value) -> (u16, Value) {
    let res = with_session(client().post(app.url(path)), s)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get(app: &TestApp, s: &(String, String), path: &str) -> (u16, Value) {
    let res = with_session(client().get(app.url(path)), s).send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

fn log4shell_alert(app: &TestApp) -> Value {
    json!({"severity": "critical", "title": "Log4Shell", "advisories": [app.world.advisory],
           "actions": ["Upgrade log4j-core to 2.17.1"], "references": ["https://logging.apache.org/security.html"]})
}

fn recipient_orgs(view: &Value) -> Vec<String> {
    view["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["org"]["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_alert_reaches_the_exposed_and_each_sees_only_its_own_record() {
    let clock = clock();
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;

        let (status, issued) = post(&app, &national, "/api/v1/alerts", &log4shell_alert(&app)).await;
        assert_eq!(status, 200, "{b}: {issued}");
        assert_eq!(
            issued["organisations"], 2,
            "{b}: both trusts run log4j-core: {issued}"
        );
        assert_eq!(issued["exposed"], 2, "{b}");
        assert_eq!(issued["assets"], 2, "{b}");
        let id = issued["alert"].as_str().unwrap().to_owned();

        // The national team sees both records; each trust only its own.
        let (_, all) = get(&app, &national, &format!("/api/v1/alerts/{id}")).await;
        let mut orgs = recipient_orgs(&all);
        orgs.sort();
        assert_eq!(orgs, vec!["RA7", "RJZ"], "{b}");
        let (status, own) = get(&app, &admin, &format!("/api/v1/alerts/{id}")).await;
        assert_eq!(status, 200, "{b}");
        assert_eq!(recipient_orgs(&own), vec!["RJZ"], "{b}: {own}");
        let clocks = &own["recipients"][0]["record"]["clocks"];
        assert_eq!(clocks["acknowledge_by"], "2026-06-03T09:00:00Z", "{b}: 48 hours");
        assert_eq!(clocks["first_update_by"], "2026-06-04T09:00:00Z", "{b}: 3 days");
        assert!(
            own["events"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["org"].is_null() || e["org"] == json!(app.world.trust)),
            "{b}: the trust sees only its own timeline entries: {own}"
        );

        // Attack: the foreign trust answers for the London trust, and the London trust for it.
        let (status, _) = post(
            &app,
            &foreign,
            &format!("/api/v1/alerts/{id}/orgs/{}/responses", app.world.trust),
            &json!({"action": "acknowledge"}),
        )
        .await;
        assert_eq!(status, 404, "{b}: the foreign admin answers for the trust");
        let (status, _) = post(
            &app,
            &admin,
            &format!("/api/v1/alerts/{id}/orgs/{}/responses", app.world.foreign_trust),
            &json!({"action": "acknowledge"}),
        )
        .await;
        assert_eq!(status, 404, "{b}: the trust answers for the foreign trust");

        // Figures: nothing acknowledged; two days later both acknowledgements are overdue.
        // (Sessions expire meanwhile: sign in again.)
        clock.advance(jiff::SignedDuration::from_hours(49));
        let national = as_role(&app, Role::NationalAnalyst).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (_, list) = get(&app, &national, "/api/v1/alerts").await;
        let mine = list
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["alert"]["id"] == json!(id))
            .unwrap_or_else(|| panic!("{b}: the alert is not listed: {list}"));
        assert_eq!(
            (&mine["organisations"], &mine["acknowledged"], &mine["overdue"]),
            (&json!(2), &json!(0), &json!(2)),
            "{b}: {mine}"
        );
        let (status, r) = post(
            &app,
            &admin,
            &format!("/api/v1/alerts/{id}/orgs/{}/responses", app.world.trust),
            &json!({"action": "acknowledge"}),
        )
        .await;
        assert_eq!(status, 200, "{b}: {r}");
        let (_, list) = get(&app, &admin, "/api/v1/alerts").await;
        assert_eq!(
            list[0]["organisations"], 1,
            "{b}: the trust's figures are its own: {list}"
        );
        assert_eq!(list[0]["acknowledged"], 1, "{b}");
        clock.advance(jiff::SignedDuration::from_hours(-49));
    }
}

#[tokio::test]
async fn members_do_not_issue_and_regional_leads_issue_only_in_their_region() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let member = as_role(&app, Role::OrgMember).await;
        let (status, _) = post(&app, &member, "/api/v1/alerts", &log4shell_alert(&app)).await;
        assert_eq!(status, 403, "{b}: a member issues an alert");

        let regional = as_role(&app, Role::RegionalLead).await;
        let (status, issued) = post(&app, &regional, "/api/v1/alerts", &log4shell_alert(&app)).await;
        assert_eq!(status, 200, "{b}: {issued}");
        assert_eq!(
            issued["organisations"], 1,
            "{b}: only the London trust, not the foreign one"
        );
        let mut outside = log4shell_alert(&app);
        outside["add_area"] = json!(app.world.south_west);
        let (status, _) = post(&app, &regional, "/api/v1/alerts", &outside).await;
        assert_eq!(status, 404, "{b}: a regional lead adds another region");
        let mut inside = log4shell_alert(&app);
        inside["add_area"] = json!(app.world.icb);
        inside["add_kinds"] = json!(["gp_practice"]);
        let (status, issued) = post(&app, &regional, "/api/v1/alerts", &inside).await;
        assert_eq!(status, 200, "{b}: {issued}");
        assert_eq!(
            issued["organisations"], 2,
            "{b}: the exposed trust and the ICB's practice"
        );

        let national = as_role(&app, Role::NationalAnalyst).await;
        let mut unknown = log4shell_alert(&app);
        unknown["advisories"] = json!([app.world.advisory, "CVE-2099-99999"]);
        let (status, body) = post(&app, &national, "/api/v1/alerts", &unknown).await;
        assert_eq!(status, 422, "{b}: {body}");
        assert!(
            body.to_string().contains("CVE-2099-99999"),
            "{b}: names the id: {body}"
        );
        assert!(
            body.to_string().contains("advisories[1]"),
            "{b}: names the field: {body}"
        );
    }
}

#[tokio::test]
async fn closing_waits_for_the_exposure_and_not_affected_writes_vex() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let (_, issued) = post(&app, &national, "/api/v1/alerts", &log4shell_alert(&app)).await;
        let id = issued["alert"].as_str().unwrap().to_owned();
        let answer = |org| format!("/api/v1/alerts/{id}/orgs/{org}/responses");

        let (status, body) = post(
            &app,
            &member,
            &answer(app.world.trust),
            &json!({"action": "close"}),
        )
        .await;
        assert_eq!(status, 409, "{b}: closed while exposed: {body}");
        let (status, body) = post(
            &app,
            &member,
            &answer(app.world.trust),
            &json!({"action": "applicability", "applicability": "not_affected"}),
        )
        .await;
        assert_eq!(status, 422, "{b}: not affected without a reason: {body}");
        let (status, body) = post(
            &app,
            &member,
            &answer(app.world.trust),
            &json!({"action": "applicability", "applicability": "not_affected",
                    "reason": "JNDI lookups disabled", "justification": "vulnerable_code_not_in_execute_path"}),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["applicability"], "not_affected", "{b}");
        assert!(body["acknowledged_at"].is_string(), "{b}: an answer acknowledges");
        // The VEX statement is the trust's own: its exposure is no longer open, the foreign one is.
        let (_, mine) = get(
            &app,
            &member,
            &format!("/api/v1/exposures?advisory={}", app.world.advisory),
        )
        .await;
        assert_eq!(mine["total"], 0, "{b}: {mine}");
        let (_, theirs) = get(
            &app,
            &foreign,
            &format!("/api/v1/exposures?advisory={}", app.world.advisory),
        )
        .await;
        assert_eq!(theirs["total"], 1, "{b}: {theirs}");
        let (status, body) = post(
            &app,
            &member,
            &answer(app.world.trust),
            &json!({"action": "close"}),
        )
        .await;
        assert_eq!(status, 200, "{b}: nothing open any more: {body}");

        // The foreign trust closes with a reason while still exposed: recorded.
        let (status, body) = post(
            &app,
            &foreign,
            &answer(app.world.foreign_trust),
            &json!({"action": "close", "reason": "server switched off, removal next week"}),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(
            body["close_reason"], "server switched off, removal next week",
            "{b}"
        );
        let (status, _) = post(
            &app,
            &foreign,
            &answer(app.world.foreign_trust),
            &json!({"action": "update", "text": "late"}),
        )
        .await;
        assert_eq!(status, 409, "{b}: an answer once closed");
    }
}

#[tokio::test]
async fn a_new_exposure_extends_the_alert_with_its_own_clocks() {
    let clock = clock();
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, issued) = post(&app, &national, "/api/v1/alerts", &log4shell_alert(&app)).await;
        assert_eq!(status, 200, "{b}: {issued}");
        let id = issued["alert"].as_str().unwrap().to_owned();
        assert_eq!(issued["organisations"], 2, "{b}");

        clock.advance(jiff::SignedDuration::from_hours(5));
        // The practice adds a server running the vulnerable log4j-core.
        let practice = ward_app::Actor::system("test", app.world.national);
        let asset = ward_core::asset::Asset {
            id: ward_core::AssetId::from_uuid(uuid::Uuid::now_v7()),
            org: app.world.practice,
            name: "Practice reporting server".into(),
            kind: ward_core::asset::AssetKind::Server,
            hostname: None,
            internet_facing: false,
            services: vec![],
            software: vec![ward_core::asset::InstalledSoftware {
                name: "log4j-core".into(),
                vendor: None,
                version: "2.14.1".into(),
                purl: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into()),
                cpe: None,
                source: ward_core::asset::SoftwareSource::Manual,
            }],
        };
        app.app.create_assets(&practice, &[asset]).await.unwrap();
        // The import queued the extension job; a runner does it.
        assert_eq!(
            app.store
                .count_jobs(ward_core::job::JobStatus::Queued)
                .await
                .unwrap(),
            1,
            "{b}: alerts.extend queued"
        );
        let runner = ward_app::jobs::JobRunner::new(app.app.clone(), "test-worker".into());
        assert!(runner.run_once().await.unwrap(), "{b}: the job ran");
        assert_eq!(
            app.store
                .count_jobs(ward_core::job::JobStatus::Succeeded)
                .await
                .unwrap(),
            1,
            "{b}"
        );
        assert_eq!(app.app.extend_alerts(&practice).await.unwrap(), 0, "{b}: once");

        let national = as_role(&app, Role::NationalAnalyst).await;
        let (_, view) = get(&app, &national, &format!("/api/v1/alerts/{id}")).await;
        let rec = view["recipients"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["org"]["id"] == json!(app.world.practice))
            .unwrap_or_else(|| panic!("{b}: the practice has no record: {view}"));
        assert_eq!(rec["record"]["reason"], "extended", "{b}");
        assert_eq!(
            rec["record"]["clocks"]["acknowledge_by"], "2026-06-03T14:00:00Z",
            "{b}: its clocks start when it was reached"
        );
        assert!(
            view["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "extended"),
            "{b}: the timeline shows it"
        );
        clock.advance(jiff::SignedDuration::from_hours(-5));
    }
}
