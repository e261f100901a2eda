//! `/assurance/rollup`: organisations by standing against their minimum standard per area beneath
//! an ICB, a region or the nation, each area a stacked SVG bar drawn by the server with its
//! numbers in a table beneath, then each outcome's statuses in total. The CSV is the API's.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use ward_app::AppError;
use ward_app::assurance::rollup::{AreaFigures, RollupQuery};
use ward_core::assurance::improvement::StandardStatus;
use ward_core::questionnaire;

use super::charts::{Segment, progress_bar};
use super::views::{Chrome, Section};
use super::{PageResult, Signed, chrome_at, render};
use crate::state::AppState;

/// The standings drawn, best first, with the stylesheet class of each.
const DRAWN: [(StandardStatus, &str); 5] = [
    (StandardStatus::Exceeded, "seg-exceeded"),
    (StandardStatus::Met, "seg-met"),
    (StandardStatus::Approaching, "seg-approaching"),
    (StandardStatus::NotMetWithPlan, "seg-plan"),
    (StandardStatus::NotMet, "seg-not-met"),
];

struct AreaLine {
    name: String,
    code: String,
    /// A link to this area's own roll-up, for areas with areas beneath them.
    href: Option<String>,
    organisations: u64,
    segments: Vec<Segment>,
    no_profile: u64,
    no_assessment: u64,
    /// The bar in words (the SVG's title).
    words: String,
}

struct OutcomeLine {
    code: String,
    title: String,
    achieved: u64,
    partially: u64,
    not_achieved: u64,
    below: u64,
}

struct KeyItem {
    label: &'static str,
    class: &'static str,
}

#[derive(Template)]
#[template(path = "assurance_rollup.html")]
struct RollupPage {
    chrome: Option<Chrome>,
    title: String,
    scope_name: String,
    framework: String,
    as_of: String,
    key: Vec<KeyItem>,
    total: AreaLine,
    areas: Vec<AreaLine>,
    outcomes: Vec<OutcomeLine>,
    csv: String,
}

/// The roll-up before its framework is loaded.
#[derive(Template)]
#[template(path = "assurance_rollup_empty.html")]
struct RollupEmptyPage {
    chrome: Option<Chrome>,
    title: String,
    framework: String,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RollupPageQuery {
    #[serde(default)]
    org: String,
    #[serde(default)]
    framework: String,
    #[serde(default)]
    version: String,
}

fn some(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn line(a: &AreaFigures, name: String, href: Option<String>) -> AreaLine {
    let st = &a.standing;
    let count = |s: StandardStatus| st.by_standing.get(&s).copied().unwrap_or(0);
    let parts: Vec<(&'static str, &'static str, u64)> = DRAWN
        .iter()
        .map(|&(s, class)| (s.label(), class, count(s)))
        .collect();
    let mut words = format!("{} organisations:", st.organisations);
    for (label, _, n) in &parts {
        words.push_str(&format!(" {n} {label};"));
    }
    words.push_str(&format!(
        " {} without a profile; {} with no current assessment",
        st.no_profile, st.no_current_assessment
    ));
    AreaLine {
        name,
        code: a.code.clone(),
        href,
        organisations: st.organisations,
        segments: progress_bar(st.organisations, &parts),
        no_profile: st.no_profile,
        no_assessment: st.no_current_assessment,
        words,
    }
}

/// `GET /assurance/rollup[?org=CODE&framework=ID&version=V]`.
pub(super) async fn page(
    State(s): State<AppState>,
    page: Signed,
    Query(q): Query<RollupPageQuery>,
) -> PageResult {
    let fail = page.fail();
    let query = RollupQuery {
        org: some(&q.org),
        framework: some(&q.framework),
        version: some(&q.version),
    };
    let r = match s.app.assurance_rollup(&page.actor, &query).await {
        Ok(r) => r,
        // The default framework is not loaded (a new deployment, the plain demo): say how to
        // start rather than show an error.
        Err(AppError::Invalid(problems))
            if query.framework.is_none() && problems.iter().any(|p| p.path == "framework") =>
        {
            let view = RollupEmptyPage {
                chrome: chrome_at(&page, Section::Assurance),
                title: "Assurance roll-up".into(),
                framework: format!("{} {}", questionnaire::FRAMEWORK, questionnaire::VERSION),
            };
            return Ok(render(StatusCode::OK, &view));
        }
        Err(e) => return Err(fail(e)),
    };
    let framework_q = format!(
        "&framework={}&version={}",
        super::views::encode(&r.framework),
        super::views::encode(&r.version)
    );
    let drills = |a: &AreaFigures| {
        use ward_core::org::OrgKind::*;
        (!a.own && matches!(a.kind, Region | Icb | NationalBody)).then(|| {
            format!(
                "/assurance/rollup?org={}{framework_q}",
                super::views::encode(&a.code)
            )
        })
    };
    let view = RollupPage {
        chrome: chrome_at(&page, Section::Assurance),
        title: format!("Assurance roll-up: {}", r.total.name),
        scope_name: r.total.name.clone(),
        framework: format!("{} {}", r.framework, r.version),
        as_of: r.as_of.strftime("%-d %B %Y").to_string(),
        key: DRAWN
            .iter()
            .map(|&(s, class)| KeyItem {
                label: s.label(),
                class,
            })
            .collect(),
        total: line(&r.total, format!("{} (total)", r.total.name), None),
        areas: r
            .areas
            .iter()
            .map(|a| {
                let name = if a.own {
                    format!("{} (its own assessment)", a.name)
                } else {
                    a.name.clone()
                };
                line(a, name, drills(a))
            })
            .collect(),
        outcomes: r
            .total
            .outcomes
            .iter()
            .map(|o| OutcomeLine {
                code: o.code.clone(),
                title: o.title.clone(),
                achieved: o.achieved,
                partially: o.partially_achieved,
                not_achieved: o.not_achieved,
                below: o.below_target,
            })
            .collect(),
        csv: format!(
            "/api/v1/assurance/rollup?org={}{framework_q}&format=csv",
            super::views::encode(&r.total.code)
        ),
    };
    Ok(render(StatusCode::OK, &view))
}
