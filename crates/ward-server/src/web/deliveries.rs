//! `/admin/deliveries`: the e-mail and webhook deliveries (alerts, escalations, incident and
//! certificate reminders, daily digests) that gave up after their retries, for
//! the national team and organisation admins (within their organisation), each with a replay
//! button (the same use case as the API, audited).

use super::admin::Tabs;
use super::views::{Chrome, Section};
use super::{PageResult, Signed, WebForm, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_core::JobId;
use ward_core::job::JobKind;

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%e %b %Y %H:%M UTC").to_string().trim().to_owned()
}

struct DeliveryLine {
    job: String,
    channel: &'static str,
    org: String,
    recipient: String,
    /// What it told of (`Alert`, `Incident reminder`, ...).
    about: &'static str,
    /// The alert it told of, if any.
    alert: Option<String>,
    error: String,
    attempts: u32,
    died: String,
    replayed: String,
}

#[derive(Template)]
#[template(path = "admin_deliveries.html")]
struct DeliveriesPage {
    chrome: Option<Chrome>,
    title: String,
    tabs: Tabs,
    rows: Vec<DeliveryLine>,
}

fn channel(kind: JobKind) -> &'static str {
    match kind {
        JobKind::NotifyWebhook => "Webhook",
        _ => "E-mail",
    }
}

/// `GET /admin/deliveries`.
pub(super) async fn deliveries(State(s): State<AppState>, page: Signed) -> PageResult {
    let fail = page.fail();
    let list = s.app.dead_deliveries(&page.actor).await.map_err(&fail)?;
    let view = DeliveriesPage {
        chrome: chrome_at(&page, Section::Admin),
        title: "Failed deliveries".into(),
        tabs: Tabs::of(&page, "deliveries"),
        rows: list
            .into_iter()
            .map(|v| DeliveryLine {
                job: v.delivery.job.to_string(),
                channel: channel(v.delivery.kind),
                org: format!("{} ({})", v.org.name, v.org.code),
                recipient: v.delivery.recipient,
                about: v.delivery.about.label(),
                alert: v.delivery.alert.map(|a| a.to_string()),
                error: v.delivery.error,
                attempts: v.delivery.attempts,
                died: when(v.delivery.died_at),
                replayed: v.delivery.replayed_at.map(when).unwrap_or_default(),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct ReplayForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/deliveries/{job}/replay`.
pub(super) async fn replay(
    State(s): State<AppState>,
    page: Signed,
    Path(job): Path<String>,
    WebForm(form): WebForm<ReplayForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let job: JobId = job
        .parse()
        .map_err(|_| AppError::NotFound("delivery".into()))
        .map_err(&fail)?;
    s.app.replay_delivery(&page.actor, job).await.map_err(&fail)?;
    Ok(Redirect::to("/admin/deliveries").into_response())
}
