//! A technology assessment's reported findings reach the requesting organisation by e-mail, the
//! way other notices do (the job queue, each person's preference for the topic), on SQLite and
//! (when `WARD_TEST_POSTGRES_URL` is set) PostgreSQL: its admin, who kept the default, is mailed
//! the findings; its member, who chose the digest, is not mailed straight away; another trust
//! hears nothing.

use crate::api::{as_role, with_session};
use crate::notify::{run_due, smtp_receiver, with_mail};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend};

async fn call(app: &TestApp, s: &(String, String), method: Method, path: &str, body: Value) -> (u16, Value) {
    let mut req = with_session(client().request(method.clone(), app.url(path)), s);
    if method != Method::GET {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn reported_findings_are_mailed_by_each_persons_preference() {
    let clock = ManualClock::new("2026-06-04T14:00:00Z".parse().unwrap());
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        got.lock().unwrap().clear();
        let w = app.world.clone();
        let member = as_role(&app, Role::OrgMember).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, prefs) = call(
            &app,
            &member,
            Method::PUT,
            "/api/v1/notices/preferences",
            json!({"channels": {"tech_assessment": "digest"}}),
        )
        .await;
        assert_eq!(status, 200, "{b}: {prefs}");
        let (status, asked) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/technology-assessments",
            json!({"org": w.trust, "technology": "Infusion pump XR-300", "kind": "medical-device",
                   "description": "Smart pumps", "wanted_by": "2026-09-30"}),
        )
        .await;
        assert_eq!(status, 200, "{b}: {asked}");
        let base = format!(
            "/api/v1/technology-assessments/{}",
            asked["assessment"]["id"].as_str().unwrap()
        );
        let national_id = w.users[&Role::NationalAnalyst].id;
        for step in [
            json!({"to": "triaged", "priority": "high", "assessor": national_id}),
            json!({"to": "in-assessment"}),
        ] {
            let (status, body) = call(&app, &national, Method::POST, &format!("{base}/status"), step).await;
            assert_eq!(status, 200, "{b}: {body}");
        }
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/findings"),
            json!({"title": "Default admin password on the pump gateway", "severity": "high",
                   "record": "exposure", "advisory": w.advisory, "assets": [w.trust_assets[0]]}),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        run_due(&app).await;
        got.lock().unwrap().clear();

        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            &format!("{base}/status"),
            json!({"to": "findings-reported"}),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        assert!(
            got.lock().unwrap().is_empty(),
            "{b}: nothing is sent while the status changes"
        );
        assert!(
            run_due(&app).await >= 1,
            "{b}: the e-mail goes through the job queue"
        );
        let received = got.lock().unwrap().clone();
        let to = |who: &str| -> Vec<String> {
            received
                .iter()
                .filter(|m| m.rcpt.contains(&who.to_ascii_lowercase()))
                .map(|m| m.data.replace("=\n", ""))
                .collect()
        };
        let admin_mail = to(w.users[&Role::OrgAdmin].email.as_str());
        assert_eq!(admin_mail.len(), 1, "{b}: the admin, once: {received:?}");
        let text = &admin_mail[0];
        assert!(
            text.contains("Subject: [Ward technology assessment] Findings reported")
                && text.contains("Technology: Infusion pump XR-300"),
            "{b}: {text}"
        );
        assert!(
            text.contains("Default admin password on the pump gateway"),
            "{b}: the findings: {text}"
        );
        assert!(
            text.contains(&format!(
                "/technology-assessments/{}",
                asked["assessment"]["id"].as_str().unwrap()
            )),
            "{b}: {text}"
        );
        assert!(
            to(w.users[&Role::OrgMember].email.as_str()).is_empty(),
            "{b}: the member chose the digest"
        );
        assert!(
            to(w.foreign_admin.email.as_str()).is_empty(),
            "{b}: another trust hears nothing"
        );
        // The member is still told in Ward.
        let (_, notices) = call(&app, &member, Method::GET, "/api/v1/notices", Value::Null).await;
        assert!(
            notices
                .to_string()
                .contains("Findings reported: Infusion pump XR-300"),
            "{b}: {notices}"
        );
    }
}
