//! The advisory index page: one line per advisory with open exposure in the person's footprint,
//! ranked by organisations exposed. Opened without filters it shows the known-exploited ones, the
//! question a national analyst brings first.

use super::views::{Choice, Chrome, Pager, Section, thousands};
use super::{PageResult, Signed, WebQuery, chrome_at, page_request, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use ward_app::AppError;
use ward_app::exposure::advisory_index::{AdvisoryLine, AdvisoryQuery};
use ward_core::risk::Consequence;

struct AdvisoryRow {
    id: String,
    /// The advisory's own identifier when it is not the CVE shown.
    other_id: Option<String>,
    name: Option<&'static str>,
    summary: String,
    orgs: String,
    kinds: String,
    critical_services: String,
    open_exposures: String,
    open_assets: String,
    internet_facing: String,
    unsupported: String,
    harm: String,
    kev: bool,
    ransomware: bool,
}

impl From<&AdvisoryLine> for AdvisoryRow {
    fn from(l: &AdvisoryLine) -> Self {
        let summary = l.advisory.summary.clone().unwrap_or_default();
        let summary = if summary.chars().count() > 140 {
            format!("{}…", summary.chars().take(140).collect::<String>().trim_end())
        } else {
            summary
        };
        // People know vulnerabilities by their CVE: show it first where the advisory has one
        // (the link works with any of its identifiers).
        let cve = l.link_id.clone();
        let other = (cve != l.advisory.id).then(|| l.advisory.id.clone());
        Self {
            id: cve,
            other_id: other,
            name: l.common_name,
            summary,
            orgs: thousands(l.open_orgs),
            kinds: l
                .orgs_by_kind
                .iter()
                .map(|(k, n)| format!("{}: {}", k.0.label(), thousands(*n)))
                .collect::<Vec<_>>()
                .join(" · "),
            critical_services: thousands(l.critical_services),
            open_exposures: thousands(l.open_exposures),
            open_assets: thousands(l.open_assets),
            internet_facing: thousands(l.internet_facing_assets),
            unsupported: thousands(l.unsupported_assets),
            harm: l
                .worst_consequence
                .and_then(|c| Consequence::new(c).ok())
                .map(|c| format!("{} ({})", c.label(), c.value()))
                .unwrap_or_else(|| "Not known".to_owned()),
            kev: l.advisory.kev.is_some(),
            ransomware: l.advisory.kev.as_ref().is_some_and(|k| k.ransomware),
        }
    }
}

#[derive(Template)]
#[template(path = "advisories.html")]
struct AdvisoriesPage {
    chrome: Option<Chrome>,
    title: String,
    heading: &'static str,
    q: String,
    kev: Vec<Choice>,
    ransomware: Vec<Choice>,
    internet: Vec<Choice>,
    unsupported: Vec<Choice>,
    rows: Vec<AdvisoryRow>,
    pager: Pager,
}

#[derive(Debug, Deserialize)]
pub(super) struct AdvisoriesQuery {
    q: Option<String>,
    kev: Option<String>,
    ransomware: Option<String>,
    internet_facing: Option<String>,
    unsupported: Option<String>,
    offset: Option<String>,
    limit: Option<String>,
}

/// `yes` / `any` (or empty) for a filter; `default` when it is absent.
fn flag(field: &str, v: Option<&str>, default: bool) -> Result<bool, AppError> {
    match v.map(str::trim) {
        None => Ok(default),
        Some("yes") => Ok(true),
        Some("any" | "") => Ok(false),
        Some(other) => Err(AppError::invalid(field, format!("'{other}' is not yes or any"))),
    }
}

/// `GET /advisories`.
pub(super) async fn advisories(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<AdvisoriesQuery>,
) -> PageResult {
    let fail = page.fail();
    let pr = page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?;
    let text = q.q.as_deref().map(str::trim).unwrap_or("").to_owned();
    // With nothing chosen, the known-exploited ones: what a national analyst asks first.
    let untouched = q.q.is_none()
        && q.kev.is_none()
        && q.ransomware.is_none()
        && q.internet_facing.is_none()
        && q.unsupported.is_none();
    let kev = flag("kev", q.kev.as_deref(), untouched).map_err(&fail)?;
    let ransomware = flag("ransomware", q.ransomware.as_deref(), false).map_err(&fail)?;
    let internet = flag("internet_facing", q.internet_facing.as_deref(), false).map_err(&fail)?;
    let unsupported = flag("unsupported", q.unsupported.as_deref(), false).map_err(&fail)?;
    let query = AdvisoryQuery {
        q: Some(text.clone()).filter(|t| !t.is_empty()),
        kev,
        ransomware,
        internet_facing: internet,
        unsupported,
        org: None,
    };
    let found = s
        .app
        .advisory_index(&page.actor, &query, pr)
        .await
        .map_err(&fail)?;
    let yes_any = |on: bool| if on { "yes" } else { "any" };
    let on = |on: bool| if on { "yes" } else { "" };
    let filters = [
        ("q", text.as_str()),
        ("kev", yes_any(kev)),
        ("ransomware", yes_any(ransomware)),
        ("internet_facing", yes_any(internet)),
        ("unsupported", yes_any(unsupported)),
    ];
    let view = AdvisoriesPage {
        chrome: chrome_at(&page, Section::Advisories),
        title: "Advisories".into(),
        heading: if kev && text.is_empty() && !ransomware && !internet && !unsupported {
            "Known-exploited vulnerabilities affecting the most organisations"
        } else {
            "Vulnerabilities affecting the most organisations"
        },
        kev: Choice::list("Any", on(kev), [("yes", "Known exploited only")])
            .into_iter()
            .map(any_value)
            .collect(),
        ransomware: Choice::list("Any", on(ransomware), [("yes", "Used in ransomware only")])
            .into_iter()
            .map(any_value)
            .collect(),
        internet: Choice::list("Any", on(internet), [("yes", "Reachable from the internet only")])
            .into_iter()
            .map(any_value)
            .collect(),
        unsupported: Choice::list("Any", on(unsupported), [("yes", "On unsupported software only")])
            .into_iter()
            .map(any_value)
            .collect(),
        pager: Pager::new(&found, "/advisories", &filters),
        rows: found.items.iter().map(AdvisoryRow::from).collect(),
        q: text,
    };
    Ok(render(StatusCode::OK, &view))
}

/// The "any" option carries `any` (an empty value would mean "not chosen", which turns the
/// known-exploited default back on).
fn any_value(mut c: Choice) -> Choice {
    if c.value.is_empty() {
        c.value = "any".into();
    }
    c
}
