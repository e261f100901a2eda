//! Delivery throughput through the job queue, end to end (issue 9): N alert e-mails to a local
//! SMTP receiver, then N signed webhook posts to a local HTTP receiver, each drained by W job
//! runners working side by side as replicas would. Prints one JSON line per channel with messages
//! per second (the time from the first claim to the last completion, every message received).
//!
//!   cargo run --release -p ward-testkit --example delivery_throughput -- [sqlite|postgres] [N] [W]
//!
//! PostgreSQL needs `WARD_TEST_POSTGRES_URL`. `bench/delivery_throughput.sh` runs both backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use ward_app::notify::{MailSettings, WebhookTarget};
use ward_app::{Actor, AppSettings};
use ward_core::clock::SystemClock;
use ward_core::job::{JobKind, JobStatus};
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{Backend, spawn_app_configured, test_settings};

/// An SMTP receiver that takes every message and counts it.
async fn smtp_receiver() -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicU64::new(0));
    let c = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let c = Arc::clone(&c);
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 bench ESMTP\r\n").await.ok()?;
                while let Some(line) = lines.next_line().await.ok()? {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper == "DATA" {
                        write.write_all(b"354 end with .\r\n").await.ok()?;
                        while let Some(l) = lines.next_line().await.ok()? {
                            if l == "." {
                                break;
                            }
                        }
                        c.fetch_add(1, Ordering::Relaxed);
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        write.write_all(b"221 bye\r\n").await.ok()?;
                        return Some(());
                    } else if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 bench\r\n"
                    } else {
                        b"250 OK\r\n"
                    };
                    write.write_all(reply).await.ok()?;
                }
                Some(())
            });
        }
    });
    (url, count)
}

/// An HTTP receiver answering 200 to every POST and counting them.
async fn http_receiver() -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let count = Arc::new(AtomicU64::new(0));
    let c = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let c = Arc::clone(&c);
            tokio::spawn(async move {
                let mut reader = BufReader::new(socket);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).await.ok()? == 0 {
                        return Some(());
                    }
                    let mut len = 0usize;
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
                    c.fetch_add(1, Ordering::Relaxed);
                    reader
                        .get_mut()
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                        .await
                        .ok()?;
                }
            });
        }
    });
    (url, count)
}

/// Drain the queue with `workers` runners side by side; returns the seconds it took.
async fn drain(app: &ward_app::App, workers: usize) -> f64 {
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let runner = ward_app::jobs::JobRunner::new(app.clone(), format!("bench-{w}"));
        tasks.spawn(async move { while runner.run_once().await.unwrap() {} });
    }
    while tasks.join_next().await.is_some() {}
    start.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let backend_name = args.get(1).map_or("sqlite", String::as_str).to_owned();
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let workers: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(4);
    let (smtp_url, mails) = smtp_receiver().await;
    let (hook_url, posts) = http_receiver().await;
    let settings = AppSettings {
        mail: Some(MailSettings {
            smtp_url,
            from: "Ward <ward@bench.example>".into(),
        }),
        webhooks: vec![WebhookTarget {
            org: "RJZ".into(),
            url: hook_url,
            secret: "bench-secret".into(),
        }],
        ..test_settings()
    };
    let backend = match backend_name.as_str() {
        "postgres" => match ward_testkit::db::fresh_postgres().await {
            Some(db) => Backend::Fresh(db),
            None => {
                eprintln!("SKIPPED: postgres needs WARD_TEST_POSTGRES_URL");
                return;
            }
        },
        _ => Backend::Fresh(ward_testkit::db::fresh_sqlite_store().await),
    };
    let app = spawn_app_configured(
        backend,
        Arc::new(SystemClock),
        settings,
        ServerSettings::default(),
    )
    .await;
    let national = Actor::system("bench", app.world.national);
    let alert: ward_app::alerts::NewAlert = serde_json::from_value(serde_json::json!({
        "severity": "critical", "title": "Bench", "advisories": [app.world.advisory]
    }))
    .unwrap();
    let issued = app.app.issue_alert(&national, alert).await.unwrap();
    // The issue's own notices first, so that the runs below time only their own messages.
    drain(&app.app, workers).await;
    let (base_mails, base_posts) = (mails.load(Ordering::Relaxed), posts.load(Ordering::Relaxed));
    let member = app.world.users[&Role::OrgMember].id;
    let trust = app.world.trust;

    for (kind, received, base) in [
        (JobKind::NotifyEmail, &mails, base_mails),
        (JobKind::NotifyWebhook, &posts, base_posts),
    ] {
        let payload = match kind {
            JobKind::NotifyEmail => {
                serde_json::json!({ "alert": issued.alert, "org": trust, "user": member })
            }
            _ => serde_json::json!({ "alert": issued.alert, "org": trust }),
        };
        for _ in 0..n {
            app.app
                .enqueue_job(kind, payload.clone(), None, 5, None)
                .await
                .unwrap();
        }
        let secs = drain(&app.app, workers).await;
        let got = received.load(Ordering::Relaxed) - base;
        assert_eq!(got, n, "every {kind} message reached the receiver");
        println!(
            "{}",
            serde_json::json!({
                "backend": backend_name, "channel": kind.as_str(), "messages": n, "workers": workers,
                "seconds": (secs * 1000.0).round() / 1000.0,
                "per_second": (n as f64 / secs).round(),
            })
        );
    }
    assert_eq!(
        app.store.count_jobs(JobStatus::Dead).await.unwrap(),
        0,
        "nothing gave up"
    );
}
