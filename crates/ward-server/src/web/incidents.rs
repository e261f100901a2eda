//! Incident pages: the incidents in the person's footprint with their regulatory clocks (overdue
//! ones flagged), and one incident with its clocks, times and timeline as each entry was written.

use super::views::{Chrome, Section};
use super::{PageResult, Signed, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use ward_app::AppError;
use ward_app::incidents::{IncidentQuery, IncidentView};
use ward_core::IncidentId;

fn when(t: jiff::Timestamp) -> String {
    t.strftime("%-d %b %Y %H:%M UTC").to_string()
}

struct ClockLine {
    label: &'static str,
    due: String,
    state: String,
    overdue: bool,
}

struct IncidentLine {
    id: String,
    title: String,
    org: String,
    category: String,
    severity: &'static str,
    status: &'static str,
    harm: String,
    detected: String,
    overdue: bool,
    clocks: Vec<ClockLine>,
}

impl From<&IncidentView> for IncidentLine {
    fn from(v: &IncidentView) -> Self {
        let d = &v.incident.details;
        Self {
            id: v.incident.id.to_string(),
            title: d.title.clone(),
            org: format!("{} ({})", v.org_name, v.org_code),
            category: format!("Category {}: {}", v.category_number, d.category.label()),
            severity: d.severity.label(),
            status: d.status.label(),
            harm: format!("{} ({})", d.patient_harm.label(), d.patient_harm.value()),
            detected: when(d.detected_at),
            overdue: v.overdue,
            clocks: v
                .clocks
                .iter()
                .map(|c| ClockLine {
                    label: c.clock.label(),
                    due: when(c.due),
                    state: if !c.applies {
                        "Does not apply".to_owned()
                    } else if let Some(m) = c.met_at {
                        format!("Reported {}{}", when(m), if c.late { ", late" } else { "" })
                    } else if c.overdue {
                        "Overdue".to_owned()
                    } else {
                        "Due".to_owned()
                    },
                    overdue: c.overdue,
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct IncidentsPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<IncidentLine>,
}

/// `GET /incidents`.
pub(super) async fn incidents(State(s): State<AppState>, page: Signed) -> PageResult {
    let found = s
        .app
        .incidents(&page.actor, &IncidentQuery::default())
        .await
        .map_err(page.fail())?;
    let view = IncidentsPage {
        chrome: chrome_at(&page, Section::Incidents),
        title: "Incidents".into(),
        rows: found.iter().map(IncidentLine::from).collect(),
    };
    Ok(render(StatusCode::OK, &view))
}

struct EntryLine {
    at: String,
    author: String,
    text: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct IncidentDetailPage {
    chrome: Option<Chrome>,
    title: String,
    i: IncidentLine,
    tlp: &'static str,
    impact: String,
    resolution: String,
    times: Vec<(&'static str, String)>,
    timeline: Vec<EntryLine>,
}

/// `GET /incidents/{id}`.
pub(super) async fn incident(State(s): State<AppState>, page: Signed, Path(id): Path<String>) -> PageResult {
    let fail = page.fail();
    let id: IncidentId = id
        .parse()
        .map_err(|_| AppError::NotFound("incident".into()))
        .map_err(&fail)?;
    let p = s.app.incident(&page.actor, id).await.map_err(&fail)?;
    let d = &p.view.incident.details;
    let mut times = vec![("Detected", when(d.detected_at))];
    for (label, t) in [
        ("Reported", d.reported_at),
        ("Contained", d.contained_at),
        ("Recovered", d.recovered_at),
    ] {
        if let Some(t) = t {
            times.push((label, when(t)));
        }
    }
    let view = IncidentDetailPage {
        chrome: chrome_at(&page, Section::Incidents),
        title: d.title.clone(),
        tlp: d.tlp.as_str(),
        impact: d.impact.clone(),
        resolution: d.resolution.clone(),
        times,
        timeline: p
            .timeline
            .iter()
            .map(|t| EntryLine {
                at: t.local.clone(),
                author: t.author_name.clone().unwrap_or_else(|| "Someone".to_owned()),
                text: t.entry.text.clone(),
            })
            .collect(),
        i: IncidentLine::from(&p.view),
    };
    Ok(render(StatusCode::OK, &view))
}
