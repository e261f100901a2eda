//! The response-team capacity page: who is deployed where (organisation, incident, until when),
//! who in the pool is free, and deployments that have ended. Deployments are made and ended
//! through the API.

use super::views::{Chrome, Section};
use super::{PageResult, Signed, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use ward_app::deployments::DeploymentView;

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%-d %b %Y %H:%M UTC").to_string()
}

struct DeploymentLine {
    responder: String,
    org: String,
    incident_id: String,
    incident: String,
    from: String,
    until: String,
    status: &'static str,
}

impl From<&DeploymentView> for DeploymentLine {
    fn from(v: &DeploymentView) -> Self {
        Self {
            responder: v.responder_name.clone(),
            org: format!("{} ({})", v.org_name, v.org_code),
            incident_id: v.deployment.incident.to_string(),
            incident: v.incident_title.clone(),
            from: when(v.deployment.starts_at),
            until: when(v.access_ends),
            status: v.status_label,
        }
    }
}

#[derive(Template)]
#[template(path = "deployments.html")]
struct CapacityPage {
    chrome: Option<Chrome>,
    title: String,
    deployed: Vec<DeploymentLine>,
    free: Vec<String>,
    ended: Vec<DeploymentLine>,
}

/// `GET /deployments`.
pub(super) async fn capacity(State(s): State<AppState>, page: Signed) -> PageResult {
    let c = s.app.capacity(&page.actor).await.map_err(page.fail())?;
    let view = CapacityPage {
        chrome: chrome_at(&page, Section::Deployments),
        title: "Response teams".into(),
        deployed: c.deployed.iter().map(DeploymentLine::from).collect(),
        free: c.free.into_iter().map(|f| f.display_name).collect(),
        ended: c.ended.iter().map(DeploymentLine::from).collect(),
    };
    Ok(render(StatusCode::OK, &view))
}
