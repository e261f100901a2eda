//! Every failed delivery in one list: a certificate reminder whose mail server is down is retried,
//! gives up, and is listed beside the alerts' failed deliveries (to the organisation's admins and
//! the national team, not to another trust); once the server is back, a replay delivers it, once.

use crate::api::{as_role, with_session};
use crate::notify::{Received, run_due, session, with_mail};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use ward_core::clock::ManualClock;
use ward_core::job::JobStatus;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend};

/// A local SMTP receiver that answers "421 not available" and hangs up while `down` is set, and
/// takes messages when it is cleared.
async fn flaky_smtp() -> (String, Arc<AtomicBool>, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let down = Arc::new(AtomicBool::new(true));
    let got = Arc::new(Mutex::new(Vec::new()));
    let (d, g) = (Arc::clone(&down), Arc::clone(&got));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (d, g) = (Arc::clone(&d), Arc::clone(&g));
            tokio::spawn(async move {
                if d.load(Ordering::SeqCst) {
                    let _ = socket.write_all(b"421 receiver.test not available\r\n").await;
                    return;
                }
                let _ = session(socket, g).await;
            });
        }
    });
    (url, down, got)
}

async fn call(
    app: &TestApp,
    s: &(String, String),
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = with_session(client().request(method, app.url(path)), s);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_reminder_that_gave_up_is_listed_with_the_others_and_replayed_once_the_server_is_back() {
    let clock = ManualClock::new("2026-11-01T09:00:00Z".parse().unwrap());
    let (url, down, got) = flaky_smtp().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        clock.set("2026-11-01T09:00:00Z".parse().unwrap());
        down.store(true, Ordering::SeqCst);
        got.lock().unwrap().clear();
        let admin = as_role(&app, Role::OrgAdmin).await;
        let cert = json!({"org": "RJZ", "kind": "cyber_essentials_plus", "reference": "IASME-9",
            "issued_on": "2026-01-01", "expires_on": "2026-12-31"});
        let (status, _) = call(
            &app,
            &admin,
            reqwest::Method::POST,
            "/api/v1/certificates",
            Some(cert),
        )
        .await;
        assert_eq!(status, 200, "{b}");

        // The 60-day reminder: its e-mail fails five times and gives up.
        let run = app.app.send_certificate_reminders().await.unwrap();
        assert_eq!(run.notices, 1, "{b}: one admin to e-mail");
        run_due(&app).await;
        for _ in 1..ward_app::notify::EMAIL_ATTEMPTS {
            clock.advance(jiff::SignedDuration::from_hours(1));
            run_due(&app).await;
        }
        assert_eq!(app.store.count_jobs(JobStatus::Dead).await.unwrap(), 1, "{b}");
        assert!(got.lock().unwrap().is_empty(), "{b}");

        // Listed, as a certificate reminder with no alert, to the trust's admin and the national
        // team; not to the other trust's admin.
        // (Signed in afresh: the hours of retries outlived the first session.)
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (_, list) = call(
            &app,
            &admin,
            reqwest::Method::GET,
            "/api/v1/deliveries/dead",
            None,
        )
        .await;
        let list = list.as_array().unwrap_or_else(|| panic!("{b}: {list}")).clone();
        assert_eq!(list.len(), 1, "{b}: {list:?}");
        let d = &list[0]["delivery"];
        assert_eq!(d["about"], "certificate_reminder", "{b}: {d}");
        assert_eq!(d["alert"], Value::Null, "{b}");
        assert_eq!(d["kind"], "notify.certificate", "{b}");
        assert_eq!(list[0]["org"]["code"], "RJZ", "{b}");
        let job = d["job"].as_str().unwrap().to_owned();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (_, all) = call(
            &app,
            &national,
            reqwest::Method::GET,
            "/api/v1/deliveries/dead",
            None,
        )
        .await;
        assert_eq!(all.as_array().unwrap().len(), 1, "{b}");
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let (_, theirs) = call(
            &app,
            &foreign,
            reqwest::Method::GET,
            "/api/v1/deliveries/dead",
            None,
        )
        .await;
        assert_eq!(theirs.as_array().unwrap().len(), 0, "{b}");
        let replay = format!("/api/v1/deliveries/dead/{job}/replay");
        let (status, _) = call(&app, &foreign, reqwest::Method::POST, &replay, None).await;
        assert_eq!(status, 404, "{b}: another trust cannot replay it");

        // The page lists it too, in words.
        let page = with_session(client().get(app.url("/admin/deliveries")), &admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Certificate reminder"), "{b}");
        assert!(!page.contains("certificate_reminder"), "{b}: no raw enum text");

        // The server is back: a replay delivers it, once; a second replay is refused.
        down.store(false, Ordering::SeqCst);
        let (status, body) = call(&app, &admin, reqwest::Method::POST, &replay, None).await;
        assert_eq!(status, 200, "{b}: {body}");
        let (status, _) = call(&app, &admin, reqwest::Method::POST, &replay, None).await;
        assert_eq!(status, 409, "{b}");
        run_due(&app).await;
        let mails: Vec<_> = got.lock().unwrap().drain(..).collect();
        assert_eq!(mails.len(), 1, "{b}: delivered once");
        assert!(mails[0].data.contains("Cyber Essentials Plus"), "{b}");
        let (_, audit) = call(
            &app,
            &national,
            reqwest::Method::GET,
            "/api/v1/audit?action=certificate.reminder.dead",
            None,
        )
        .await;
        assert_eq!(audit["total"], 1, "{b}: {audit}");
        let (_, audit) = call(
            &app,
            &national,
            reqwest::Method::GET,
            "/api/v1/audit?action=delivery.replay",
            None,
        )
        .await;
        assert_eq!(audit["total"], 1, "{b}: {audit}");
    }
}
