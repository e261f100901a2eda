//! Alert e-mail end to end: the test starts its own SMTP receiver on the loopback (enough SMTP
//! for messages one after another on a connection: greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA,
//! RSET, NOOP, QUIT), issues
//! an alert and runs the job queue. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use ward_app::alerts::NewAlert;
use ward_app::notify::{EMAIL_ATTEMPTS, MailSettings};
use ward_app::{Actor, AppSettings};
use ward_core::clock::{Clock as _, ManualClock};
use ward_core::job::JobStatus;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, on_each_backend, test_settings};

/// One message as the receiver took it.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub(crate) rcpt: Vec<String>,
    pub(crate) data: String,
}

/// A local SMTP receiver recording every message; it runs until the test ends.
pub(crate) async fn smtp_receiver() -> (String, Arc<Mutex<Vec<Received>>>) {
    let (url, got, _) = counting_smtp_receiver().await;
    (url, got)
}

/// [`smtp_receiver`], also counting the connections it accepted.
pub(crate) async fn counting_smtp_receiver() -> (String, Arc<Mutex<Vec<Received>>>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let store = Arc::clone(&got);
    let counted = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let _ = session(socket, store).await;
            });
        }
    });
    (url, got, connections)
}

pub(crate) async fn session(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 receiver.test ESMTP\r\n").await?;
    let mut rcpt = Vec::new();
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 receiver.test\r\n"
        } else if upper.starts_with("MAIL FROM") {
            rcpt.clear();
            b"250 OK\r\n"
        } else if let Some(to) = upper.strip_prefix("RCPT TO:") {
            rcpt.push(to.trim().trim_matches(['<', '>']).to_ascii_lowercase());
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 end with .\r\n").await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(&l);
                data.push('\n');
            }
            store.lock().unwrap().push(Received {
                rcpt: std::mem::take(&mut rcpt),
                data,
            });
            b"250 queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

pub(crate) fn with_mail(smtp_url: String) -> AppSettings {
    AppSettings {
        mail: Some(MailSettings {
            smtp_url,
            from: "Ward <ward@test.ward.example>".into(),
        }),
        ..test_settings()
    }
}

pub(crate) fn log4shell(app: &TestApp) -> NewAlert {
    serde_json::from_value(serde_json::json!({
        "severity": "critical", "title": "Log4Shell", "advisories": [app.world.advisory],
        "actions": ["Upgrade log4j-core to 2.17.1"]
    }))
    .unwrap()
}

/// Run every due job; returns how many ran.
pub(crate) async fn run_due(app: &TestApp) -> u32 {
    let runner = ward_app::jobs::JobRunner::new(app.app.clone(), "test-worker".into());
    let mut n = 0;
    while runner.run_once().await.unwrap() {
        n += 1;
        assert!(n < 1000, "the queue never empties");
    }
    n
}

#[tokio::test]
async fn issuing_mails_each_user_of_each_targeted_organisation_and_nobody_else() {
    let clock = clock();
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        got.lock().unwrap().clear();
        let national = Actor::system("test", app.world.national);
        let issued = app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        assert_eq!(issued.organisations, 2, "{b}: both trusts");
        assert_eq!(
            app.store.count_jobs(JobStatus::Queued).await.unwrap(),
            4,
            "{b}: the trust's admin, member and responder, and the foreign trust's admin"
        );
        assert!(
            got.lock().unwrap().is_empty(),
            "{b}: nothing is sent while issuing"
        );
        assert_eq!(run_due(&app).await, 4, "{b}");
        assert_eq!(
            app.store.count_jobs(JobStatus::Succeeded).await.unwrap(),
            4,
            "{b}"
        );

        let received = got.lock().unwrap().clone();
        let mut to: Vec<String> = received.iter().flat_map(|m| m.rcpt.clone()).collect();
        to.sort();
        let u = |r: Role| app.world.users[&r].email.to_ascii_lowercase();
        let mut expected = vec![
            u(Role::OrgAdmin),
            u(Role::OrgMember),
            u(Role::IncidentResponder),
            app.world.foreign_admin.email.to_ascii_lowercase(),
        ];
        expected.sort();
        assert_eq!(
            to, expected,
            "{b}: one message to each targeted organisation's user"
        );
        for r in [
            Role::NationalAnalyst,
            Role::RegionalLead,
            Role::Auditor,
            Role::SupplierContact,
        ] {
            assert!(
                !to.contains(&u(r)),
                "{b}: {r:?} is not in a targeted organisation"
            );
        }
        let admin_mail = received
            .iter()
            .find(|m| m.rcpt == vec![u(Role::OrgAdmin)])
            .unwrap();
        let text = admin_mail.data.replace("=\n", "");
        assert!(text.contains("Log4Shell"), "{b}: {text}");
        assert!(text.contains(&format!("/alerts/{}", issued.alert)), "{b}: {text}");
        assert!(
            text.contains("Acknowledge by: 2026-06-03T09:00:00Z"),
            "{b}: the organisation's own clock: {text}"
        );
        assert!(!text.contains("smtp://"), "{b}: no configuration in the mail");
    }
}

#[tokio::test]
async fn a_refused_mail_server_retries_then_is_dead_and_audited_and_the_alert_stands() {
    let clock = clock();
    // A port that was free a moment ago: connections to it are refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let settings = with_mail(format!("smtp://127.0.0.1:{port}"));
    for app in on_each_backend(&clock, settings, ServerSettings::default()).await {
        let b = app.backend();
        let national = Actor::system("test", app.world.national);
        let issued = app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        let view = app.app.alert(&national, issued.alert).await.unwrap();
        assert_eq!(
            view.recipients.len(),
            2,
            "{b}: the alert is stored whatever the mail does"
        );

        assert_eq!(run_due(&app).await, 4, "{b}: each delivery tried once");
        assert_eq!(
            app.store.count_jobs(JobStatus::Queued).await.unwrap(),
            4,
            "{b}: every failed delivery is queued again, not lost"
        );
        assert_eq!(run_due(&app).await, 0, "{b}: the retry waits for its backoff");
        let mut advanced = jiff::SignedDuration::ZERO;
        for _ in 1..EMAIL_ATTEMPTS {
            clock.advance(jiff::SignedDuration::from_hours(1));
            advanced += jiff::SignedDuration::from_hours(1);
            assert_eq!(run_due(&app).await, 4, "{b}: each retried");
        }
        assert_eq!(app.store.count_jobs(JobStatus::Dead).await.unwrap(), 4, "{b}");
        assert_eq!(app.store.count_jobs(JobStatus::Queued).await.unwrap(), 0, "{b}");
        let dead = app
            .store
            .audit_page(0, 10_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.event.action == "alert.email.dead")
            .collect::<Vec<_>>();
        assert_eq!(
            dead.len(),
            4,
            "{b}: each dead delivery is visible in the audit trail"
        );
        assert!(
            dead.iter().all(|r| r.event.entity_id == issued.alert.to_string()),
            "{b}"
        );
        let view = app.app.alert(&national, issued.alert).await.unwrap();
        assert_eq!(view.recipients.len(), 2, "{b}: the alert still stands");
        clock.advance(-advanced);
    }
}

/// One request as the HTTP receiver took it: lower-cased headers and the raw body.
#[derive(Debug, Clone)]
struct Posted {
    headers: std::collections::BTreeMap<String, String>,
    body: Vec<u8>,
}

/// A local HTTP receiver answering 200 to every request and recording it.
async fn http_receiver() -> (String, Arc<Mutex<Vec<Posted>>>) {
    use tokio::io::AsyncReadExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let store = Arc::clone(&got);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut reader = BufReader::new(socket);
                let mut headers = std::collections::BTreeMap::new();
                let mut line = String::new();
                reader.read_line(&mut line).await.ok()?; // request line
                loop {
                    line.clear();
                    reader.read_line(&mut line).await.ok()?;
                    let l = line.trim_end();
                    if l.is_empty() {
                        break;
                    }
                    let (k, v) = l.split_once(':')?;
                    headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
                }
                let len: usize = headers.get("content-length")?.parse().ok()?;
                let mut body = vec![0; len];
                reader.read_exact(&mut body).await.ok()?;
                store.lock().unwrap().push(Posted { headers, body });
                let mut socket = reader.into_inner();
                socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await
                    .ok()
            });
        }
    });
    (url, got)
}

#[tokio::test]
async fn a_targeted_organisation_with_a_webhook_gets_one_signed_post() {
    use hmac::Mac;
    let clock = clock();
    let (url, got) = http_receiver().await;
    let secret = "test-webhook-secret";
    let settings = AppSettings {
        webhooks: vec![ward_app::notify::WebhookTarget {
            org: "RJZ".into(),
            url,
            secret: secret.into(),
        }],
        ..test_settings()
    };
    for app in on_each_backend(&clock, settings, ServerSettings::default()).await {
        let b = app.backend();
        got.lock().unwrap().clear();
        let national = Actor::system("test", app.world.national);
        let issued = app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        assert_eq!(issued.organisations, 2, "{b}");
        assert_eq!(
            run_due(&app).await,
            1,
            "{b}: one webhook job (the foreign trust has none, and no mail is configured)"
        );
        let posted = got.lock().unwrap().clone();
        assert_eq!(posted.len(), 1, "{b}");
        let p = &posted[0];
        let ts = &p.headers["x-ward-timestamp"];
        assert_eq!(ts, &clock.now().as_second().to_string(), "{b}");
        // Verify as a receiver would, independently of Ward's code.
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{ts}.").as_bytes());
        mac.update(&p.body);
        let sig = p.headers["x-ward-signature"].strip_prefix("sha256=").unwrap();
        let sig: Vec<u8> = (0..sig.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&sig[i..i + 2], 16).unwrap())
            .collect();
        mac.verify_slice(&sig).expect("the signature verifies");
        let mut wrong = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"another secret").unwrap();
        wrong.update(format!("{ts}.").as_bytes());
        wrong.update(&p.body);
        assert!(wrong.verify_slice(&sig).is_err(), "{b}: a wrong key fails");
        let body: serde_json::Value = serde_json::from_slice(&p.body).unwrap();
        assert_eq!(body["org"]["code"], "RJZ", "{b}: {body}");
        assert_eq!(body["alert"], serde_json::json!(issued.alert), "{b}");
        assert_eq!(body["link"], format!("/alerts/{}", issued.alert), "{b}");
        assert!(!String::from_utf8_lossy(&p.body).contains(secret), "{b}");
    }
}

#[tokio::test]
async fn mails_in_a_row_go_through_one_pooled_connection() {
    let clock = clock();
    let (url, got, connections) = counting_smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        got.lock().unwrap().clear();
        connections.store(0, Ordering::SeqCst);
        let national = Actor::system("test", app.world.national);
        app.app.issue_alert(&national, log4shell(&app)).await.unwrap();
        assert_eq!(run_due(&app).await, 4, "{b}");
        assert_eq!(got.lock().unwrap().len(), 4, "{b}: four messages");
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1,
            "{b}: one connection, kept by the pool, carried them all"
        );
    }
}
