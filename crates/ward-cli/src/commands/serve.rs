//! `ward serve`: the web UI and API, background jobs, and metrics on a separate listener.

use super::open;
use crate::settings::Settings;
use clap::Args;
use tokio::sync::watch;
use ward_app::App;
use ward_app::jobs::JobRunner;

#[derive(Debug, Args, Default)]
pub(crate) struct ServeArgs {
    /// Address to listen on (overrides `listen`).
    #[arg(long)]
    pub listen: Option<String>,
    /// Address for Prometheus metrics (overrides `metrics_listen`).
    #[arg(long)]
    pub metrics_listen: Option<String>,
    /// Background job runners in this process (overrides `job_workers`).
    #[arg(long)]
    pub workers: Option<usize>,
}

pub(crate) async fn run(mut settings: Settings, a: ServeArgs) -> anyhow::Result<()> {
    init_logging(&settings.log_format);
    if let Some(l) = a.listen {
        settings.listen = l;
    }
    if let Some(m) = a.metrics_listen {
        settings.metrics_listen = m;
    }
    if let Some(w) = a.workers {
        settings.job_workers = w;
    }
    let app = open(&settings).await?;
    serve_app(app, &settings, None).await
}

/// Install the log subscriber once (later calls are ignored).
pub(crate) fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// Serve until Ctrl-C or SIGTERM; `ready` is told the bound address once listening.
pub(crate) async fn serve_app(
    app: App,
    settings: &Settings,
    ready: Option<tokio::sync::oneshot::Sender<std::net::SocketAddr>>,
) -> anyhow::Result<()> {
    let state = ward_server::AppState::new(app.clone(), settings.server_settings()?);
    let metrics = state.metrics.clone();
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.listen))?;
    let addr = listener.local_addr()?;
    let metrics_listener = tokio::net::TcpListener::bind(&settings.metrics_listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {} for metrics: {e}", settings.metrics_listen))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let stopped = |mut rx: watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|v| *v).await;
    };

    let mut servers: Servers = tokio::task::JoinSet::new();
    let metrics_router = ward_server::metrics::router(metrics);
    let rx = stop_rx.clone();
    servers.spawn(async move {
        let result = axum::serve(metrics_listener, metrics_router)
            .with_graceful_shutdown(stopped(rx))
            .await;
        ("the metrics server", result)
    });
    let mut tasks = tokio::task::JoinSet::new();
    let worker_base = format!("{}-{}", hostname(), std::process::id());
    for i in 0..settings.job_workers {
        let runner = JobRunner::new(app.clone(), format!("{worker_base}-{i}")).with_test_support_handlers();
        let rx = stop_rx.clone();
        tasks.spawn(async move { runner.run_until(stopped(rx)).await });
    }
    if settings.job_workers > 0 {
        let app2 = app.clone();
        let rx = stop_rx.clone();
        tasks.spawn(async move { schedule_housekeeping(app2, rx).await });
        let app2 = app.clone();
        let rx = stop_rx.clone();
        tasks.spawn(async move { schedule_escalation(app2, rx).await });
        let app2 = app.clone();
        let rx = stop_rx.clone();
        tasks.spawn(async move { schedule_certificate_reminders(app2, rx).await });
        let app2 = app.clone();
        let rx = stop_rx.clone();
        tasks.spawn(async move { schedule_embargo_release(app2, rx).await });
    }
    {
        let app2 = app.clone();
        let rx = stop_rx.clone();
        tasks.spawn(async move { refresh_exposure(app2, rx).await });
    }
    {
        let app2 = app.clone();
        let rx = stop_rx.clone();
        let path = crate::keyfile::checkpoint_path(settings);
        tasks.spawn(async move { checkpoint_audit_head(app2, path, rx).await });
    }
    tracing::info!(%addr, backend = app.store().backend(), "Ward is listening");
    if let Some(tx) = ready {
        let _ = tx.send(addr);
    }
    let router = ward_server::router(state);
    let rx = stop_rx.clone();
    servers.spawn(async move {
        let result = ward_server::serve(listener, router, stopped(rx)).await;
        ("the HTTP server", result)
    });
    let outcome = supervise(&mut servers, shutdown_signal()).await;
    let _ = stop_tx.send(true);
    while let Some(joined) = servers.join_next().await {
        if let Ok((name, Err(e))) = joined {
            tracing::warn!(error = %e, "{name} failed while stopping");
        }
    }
    while tasks.join_next().await.is_some() {}
    outcome
}

/// The HTTP and metrics servers, each ending with its name and result.
type Servers = tokio::task::JoinSet<(&'static str, std::io::Result<()>)>;

/// Waits for `shutdown` or for the first server to end, whichever comes first. A server that ends
/// before shutdown was asked for - with an error, a panic or even cleanly - is a failure: it is
/// logged and returned, so the caller stops everything else and `ward serve` exits 1 instead of
/// running on without it.
async fn supervise(servers: &mut Servers, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
    tokio::select! {
        () = shutdown => {
            tracing::info!("shutting down: finishing requests in flight");
            Ok(())
        }
        Some(ended) = servers.join_next() => {
            let error = match ended {
                Ok((name, Err(e))) => anyhow::anyhow!("{name} failed: {e}"),
                Ok((name, Ok(()))) => anyhow::anyhow!("{name} stopped unexpectedly"),
                Err(e) => anyhow::anyhow!("a server task failed: {e}"),
            };
            tracing::error!(error = %error, "stopping Ward: a server failed");
            Err(error)
        }
    }
}

/// Queue housekeeping every 10 minutes; the dedupe key keeps it to one queued job across servers.
async fn schedule_housekeeping(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        let slot = app.now().as_second() / 600;
        let key = format!("sessions.cleanup:{slot}");
        if let Err(e) = app
            .enqueue_job(
                ward_core::job::JobKind::SessionsCleanup,
                serde_json::json!({}),
                None,
                3,
                Some(&key),
            )
            .await
        {
            tracing::warn!(error = %e, "could not queue housekeeping");
        }
        tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(600)) => {}
        }
    }
}

/// Queue the `certificates.remind` job, and the `notices.digest` job once the digest hour has
/// come, every hour; their dedupe keys keep each to one queued or running job across servers, and
/// the store records each reminder and each person's digest of the day once.
async fn schedule_certificate_reminders(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = app.queue_certificate_reminders().await {
            tracing::warn!(error = %e, "could not queue certificate reminders");
        }
        if let Err(e) = app.queue_notice_digest().await {
            tracing::warn!(error = %e, "could not queue the daily digest");
        }
        tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
        }
    }
}

/// Queue the `supplier_advisories.release` job every ten minutes; its dedupe key keeps it to one
/// queued or running job across servers, and the store lets each advisory be released once.
async fn schedule_embargo_release(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = app.queue_embargo_release().await {
            tracing::warn!(error = %e, "could not queue the release of embargoed supplier advisories");
        }
        tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(600)) => {}
        }
    }
}

/// Queue the `alerts.escalate` job every minute when any alert exists, and the `incidents.remind`
/// job every minute; their dedupe keys keep each to one queued or running job across servers, and
/// the store records each step and each reminder once.
async fn schedule_escalation(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        let queued = match app.store().any_alert().await {
            Ok(false) => Ok(()),
            Ok(true) => app.queue_alert_escalation().await,
            Err(e) => Err(e.into()),
        };
        if let Err(e) = queued {
            tracing::warn!(error = %e, "could not queue alert escalation");
        }
        if let Err(e) = app.queue_incident_reminders().await {
            tracing::warn!(error = %e, "could not queue incident reminders");
        }
        tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(60)) => {}
        }
    }
}

/// Every hour, append the audit chain's signed head to the checkpoint file and the log, so that
/// cutting the trail and replaying an older head later is caught by `ward audit verify`. Only a
/// head signed with this instance's key is recorded (a full verification is `ward audit verify`'s
/// job, run from cron).
async fn checkpoint_audit_head(app: App, path: std::path::PathBuf, mut stop: watch::Receiver<bool>) {
    let mut last = None;
    loop {
        match app.store().audit_head().await {
            Ok(Some(head)) if last.as_ref() != Some(&head) => {
                if app.audit_keys().head_is_genuine(&head) {
                    match crate::keyfile::append_checkpoint(&path, &head, app.now()) {
                        Ok(line) => tracing::info!(checkpoint = %line, "audit checkpoint"),
                        Err(e) => tracing::warn!(error = %e, "could not write the audit checkpoint"),
                    }
                    last = Some(head);
                } else {
                    tracing::error!(
                        seq = head.seq,
                        "the audit chain's head is not signed with this instance key"
                    );
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not read the audit head"),
        }
        tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
        }
    }
}

/// Keep the exposure index fresh: build it at start, then rebuild shortly after changes made in
/// this process and at the latest `ward_app::exposure::MAX_AGE` after the last build, so requests
/// rarely wait for a build. The impact graph likewise, once a request has built it.
async fn refresh_exposure(app: App, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = app.refresh_exposure().await {
            tracing::warn!(error = %e, "could not build the exposure index");
        } else if let Err(e) = app.supplier_register_index().await {
            // Built beside each new index, so the register's requests rarely wait for it.
            tracing::warn!(error = %e, "could not build the supplier register");
        }
        if let Err(e) = app.refresh_impact_graph().await {
            tracing::warn!(error = %e, "could not build the impact graph");
        }
        tokio::select! {
            _ = stop.wait_for(|v| *v) => break,
            () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "ward".into())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A generous bound for something that should happen at once (a liveness bound, not a speed
    /// assertion): before the fix, supervision waited for a signal that never comes here.
    const BOUND: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn a_failing_server_ends_supervision_with_its_error() {
        let mut servers: Servers = tokio::task::JoinSet::new();
        servers.spawn(std::future::pending());
        servers.spawn(async {
            let taken = std::io::Error::from(std::io::ErrorKind::AddrInUse);
            ("the metrics server", Err(taken))
        });
        let outcome = tokio::time::timeout(BOUND, supervise(&mut servers, std::future::pending()))
            .await
            .expect("supervision ends when a server fails, without a signal");
        let message = outcome.expect_err("a failed server is an error").to_string();
        assert!(message.contains("the metrics server failed"), "{message}");
        assert!(message.contains("in use"), "{message}");
        assert_eq!(
            servers.len(),
            1,
            "the other server is left for the caller to stop"
        );
    }

    #[tokio::test]
    async fn a_server_that_stops_or_panics_by_itself_is_an_error_too() {
        let mut servers: Servers = tokio::task::JoinSet::new();
        servers.spawn(async { ("the HTTP server", Ok(())) });
        let outcome = tokio::time::timeout(BOUND, supervise(&mut servers, std::future::pending()))
            .await
            .expect("supervision ends when a server stops");
        let message = outcome.expect_err("an unasked stop is an error").to_string();
        assert!(
            message.contains("the HTTP server stopped unexpectedly"),
            "{message}"
        );

        servers.spawn(async { panic!("boom") });
        let outcome = tokio::time::timeout(BOUND, supervise(&mut servers, std::future::pending()))
            .await
            .expect("supervision ends when a server task panics");
        assert!(outcome.is_err());
    }

    #[tokio::test]
    async fn shutdown_ends_supervision_cleanly() {
        let mut servers: Servers = tokio::task::JoinSet::new();
        servers.spawn(std::future::pending());
        let outcome = tokio::time::timeout(BOUND, supervise(&mut servers, async {}))
            .await
            .expect("shutdown ends supervision");
        assert!(outcome.is_ok());
    }
}
