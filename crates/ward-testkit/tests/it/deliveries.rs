//! Failed deliveries and their replay end to end: a local receiver fails every post until the test
//! mends it; the webhook job retries, gives up and is listed (to the national team and the trust's
//! admin, not to others), then is replayed through the API and delivered, once, audited.

use crate::api::{as_role, with_session};
use crate::notify::{log4shell, run_due};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use ward_app::{Actor, AppSettings};
use ward_core::clock::ManualClock;
use ward_core::job::JobStatus;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{client, on_each_backend, test_settings};

/// A local HTTP receiver answering 500 while `failing` is set and 200 after, counting both.
async fn flaky_receiver() -> (
    String,
    Arc<AtomicBool>,
    Arc<AtomicUsize>,
    Arc<Mutex<Vec<Vec<u8>>>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let failing = Arc::new(AtomicBool::new(true));
    let refused = Arc::new(AtomicUsize::new(0));
    let taken = Arc::new(Mutex::new(Vec::new()));
    let (f, r, t) = (Arc::clone(&failing), Arc::clone(&refused), Arc::clone(&taken));
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let (f, r, t) = (Arc::clone(&f), Arc::clone(&r), Arc::clone(&t));
            tokio::spawn(async move {
                let mut reader = BufReader::new(socket);
                let mut line = String::new();
                let mut len = 0usize;
                reader.read_line(&mut line).await.ok()?;
                loop {
                    line.clear();
                    reader.read_line(&mut line).await.ok()?;
                    let l = line.trim_end().to_ascii_lowercase();
                    if l.is_empty() {
                        break;
                    }
                    if let Some(v) = l.strip_prefix("content-length:") {
                        len = v.trim().parse().ok()?;
                    }
                }
                let mut body = vec![0; len];
                reader.read_exact(&mut body).await.ok()?;
                let answer: &[u8] = if f.load(Ordering::SeqCst) {
                    r.fetch_add(1, Ordering::SeqCst);
                    b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                } else {
                    t.lock().unwrap().push(body);
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                };
                reader.into_inner().write_all(answer).await.ok()
            });
        }
    });
    (url, failing, refused, taken)
}

#[tokio::test]
async fn a_webhook_that_gave_up_is_listed_within_scope_and_replayed_once() {
    let clock = ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"));
    let (url, failing, refused, taken) = flaky_receiver().await;
    let settings = AppSettings {
        webhooks: vec![ward_app::notify::WebhookTarget {
            org: "RJZ".into(),
            url,
            secret: "test-webhook-secret".into(),
        }],
        ..test_settings()
    };
    for app in on_each_backend(&clock, settings, ServerSettings::default()).await {
        let b = app.backend();
        failing.store(true, Ordering::SeqCst);
        refused.store(0, Ordering::SeqCst);
        taken.lock().unwrap().clear();
        let national = Actor::system("test", app.world.national);
        let issued = app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        run_due(&app).await;
        for _ in 1..ward_app::notify::WEBHOOK_ATTEMPTS {
            clock.advance(jiff::SignedDuration::from_hours(1));
            run_due(&app).await;
        }
        assert_eq!(refused.load(Ordering::SeqCst), 5, "{b}: five attempts");
        assert_eq!(app.store.count_jobs(JobStatus::Dead).await.unwrap(), 1, "{b}");

        // Listed to the trust's admin and the national team; not to a member or another trust.
        let admin = as_role(&app, Role::OrgAdmin).await;
        let list: serde_json::Value = with_session(client().get(app.url("/api/v1/deliveries/dead")), &admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let list = list.as_array().unwrap().clone();
        assert_eq!(list.len(), 1, "{b}: {list:?}");
        let d = &list[0];
        assert_eq!(d["org"]["code"], "RJZ", "{b}");
        assert_eq!(d["delivery"]["alert"], serde_json::json!(issued.alert), "{b}");
        assert!(
            d["delivery"]["error"].as_str().unwrap().contains("500"),
            "{b}: {d}"
        );
        assert!(!d.to_string().contains("test-webhook-secret"), "{b}: no secret");
        let job = d["delivery"]["job"].as_str().unwrap().to_owned();
        let national_s = as_role(&app, Role::NationalAnalyst).await;
        let all: serde_json::Value =
            with_session(client().get(app.url("/api/v1/deliveries/dead")), &national_s)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(all.as_array().unwrap().len(), 1, "{b}: the national team sees it");
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let theirs: serde_json::Value =
            with_session(client().get(app.url("/api/v1/deliveries/dead")), &foreign)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
        assert_eq!(
            theirs.as_array().unwrap().len(),
            0,
            "{b}: another trust's admin sees none"
        );
        let replay = format!("/api/v1/deliveries/dead/{job}/replay");
        let res = with_session(client().post(app.url(&replay)), &foreign)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{b}: another trust's admin cannot replay it");
        let member = as_role(&app, Role::OrgMember).await;
        let res = with_session(client().get(app.url("/api/v1/deliveries/dead")), &member)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 403, "{b}: members do not administer deliveries");

        // The receiver is mended; the admin replays; it is delivered once.
        failing.store(false, Ordering::SeqCst);
        let res = with_session(client().post(app.url(&replay)), &admin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{b}");
        assert_eq!(run_due(&app).await, 1, "{b}: one job queued by the replay");
        assert_eq!(taken.lock().unwrap().len(), 1, "{b}: delivered");
        let body: serde_json::Value = serde_json::from_slice(&taken.lock().unwrap()[0]).unwrap();
        assert_eq!(body["alert"], serde_json::json!(issued.alert), "{b}");
        let res = with_session(client().post(app.url(&replay)), &admin)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 409, "{b}: replayed once");
        assert_eq!(run_due(&app).await, 0, "{b}: nothing more queued");
        let audited = app
            .store
            .audit_page(0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.event.action == "alert.delivery.replay")
            .count();
        assert_eq!(audited, 1, "{b}: the replay is audited");
        let page = with_session(client().get(app.url("/admin/deliveries")), &admin)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            page.contains("Failed deliveries") && page.contains("Sent again"),
            "{b}"
        );
        assert!(
            !page.contains("notify.webhook"),
            "{b}: no job kind shown to a person"
        );
        clock.set("2026-06-01T09:00:00Z".parse().unwrap());
    }
}
