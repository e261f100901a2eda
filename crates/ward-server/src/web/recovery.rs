//! `/recovery`: time to detect, contain and recover over the person's footprint, from incidents
//! and exercises, grouped by organisation, ICB, region, NCSC category or supplier implicated, with
//! bar charts per group and a trend line drawn by the server (SVG), and the same figures as CSV.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::recovery::{
    Figures, Grouping, MeasureFigures, Period, RecoveryQuery, RecoveryReport, duration_label,
};
use ward_core::incident::NcscCategory;
use ward_core::recovery::RecoverySource;

use super::charts::{Chart, Row, Spec, bar_chart};
use super::trend_chart::{Series, TrendChart, trend_chart};
use super::views::{Choice, Chrome, Section, query_string, thousands};
use super::{PageResult, Signed, WebQuery, chrome_at, optional, render};
use crate::state::AppState;

/// The page's filters as sent by its form (empty means "any").
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RecoveryForm {
    by: Option<String>,
    period: Option<String>,
    source: Option<String>,
    category: Option<String>,
    since: Option<String>,
    until: Option<String>,
}

/// One measure of one group as words: how many, median, 90th percentile.
struct MeasureCells {
    count: String,
    median: String,
    p90: String,
}

fn cells(m: &MeasureFigures) -> MeasureCells {
    let words = |v: Option<u64>| v.map_or_else(|| "too few".to_owned(), duration_label);
    MeasureCells {
        count: thousands(m.count),
        median: if m.count == 0 {
            "none".into()
        } else {
            words(m.median_minutes)
        },
        p90: if m.count == 0 {
            "none".into()
        } else {
            words(m.p90_minutes)
        },
    }
}

struct GroupLine {
    label: String,
    incidents: String,
    exercises: String,
    measures: Vec<MeasureCells>,
}

#[derive(Template)]
#[template(path = "recovery.html")]
struct RecoveryPage {
    chrome: Option<Chrome>,
    title: String,
    by: Vec<Choice>,
    periods: Vec<Choice>,
    sources: Vec<Choice>,
    categories: Vec<Choice>,
    since: String,
    until: String,
    group_heading: &'static str,
    export: String,
    total: GroupLine,
    lines: Vec<GroupLine>,
    charts: Vec<Chart>,
    trend: TrendChart,
    min_for_median: u64,
    min_for_p90: u64,
}

fn line(label: String, f: &Figures) -> GroupLine {
    GroupLine {
        label,
        incidents: thousands(f.incidents),
        exercises: thousands(f.exercises),
        measures: [&f.detect, &f.contain, &f.recover]
            .into_iter()
            .map(cells)
            .collect(),
    }
}

/// A bar per group with a median of `pick`, the bar's length the median and its words a duration.
fn median_chart(
    r: &RecoveryReport,
    id: &'static str,
    heading: &'static str,
    what: &str,
    pick: fn(&Figures) -> &MeasureFigures,
) -> Chart {
    let with: Vec<(String, u64)> = r
        .groups
        .iter()
        .filter_map(|g| pick(&g.figures).median_minutes.map(|m| (g.label.clone(), m)))
        .collect();
    let left_out = r.groups.len() - with.len();
    let mut chart = bar_chart(
        Spec {
            id,
            heading,
            title: format!("Median {what} by {}", r.by.label().to_lowercase()),
            first: r.by.label(),
            counted: "Median",
            marked_legend: None,
            note: (left_out > 0).then(|| {
                format!(
                    "{left_out} {} with fewer than {} values",
                    if left_out == 1 { "group" } else { "groups" },
                    r.min_for_median
                )
            }),
            empty: "No group has enough values for a median yet.",
        },
        with.iter()
            .map(|(label, m)| Row {
                label: label.clone(),
                href: None,
                value: *m,
                marked: None,
            })
            .collect(),
    );
    // The bars' numbers are minutes: write them as durations, in the drawing and the words.
    for (bar, (_, m)) in chart.bars.iter_mut().zip(&with) {
        bar.value = duration_label(*m);
    }
    let mut desc: Vec<String> = with
        .iter()
        .map(|(l, m)| format!("{l}: {}", duration_label(*m)))
        .collect();
    if let Some(n) = &chart.note {
        desc.push(format!("not drawn: {n}"));
    }
    chart.desc = format!("{}.", desc.join("; "));
    chart
}

fn choices<T: Copy + Into<&'static str>>(
    any: &str,
    current: &str,
    items: impl IntoIterator<Item = (T, &'static str)>,
) -> Vec<Choice> {
    let items: Vec<(&'static str, &'static str)> = items.into_iter().map(|(v, l)| (v.into(), l)).collect();
    Choice::list(any, current, items)
}

/// `GET /recovery`.
pub(super) async fn page(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(f): WebQuery<RecoveryForm>,
) -> PageResult {
    let fail = page.fail();
    let q = RecoveryQuery {
        by: optional::<Grouping>("by", f.by.as_deref()).map_err(&fail)?,
        period: optional::<Period>("period", f.period.as_deref()).map_err(&fail)?,
        source: optional::<RecoverySource>("source", f.source.as_deref()).map_err(&fail)?,
        category: optional::<NcscCategory>("category", f.category.as_deref()).map_err(&fail)?,
        supplier: None,
        org: None,
        since: optional("since", f.since.as_deref()).map_err(&fail)?,
        until: optional("until", f.until.as_deref()).map_err(&fail)?,
    };
    let r = s.app.recovery_metrics(&page.actor, &q).await.map_err(&fail)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let by_now: &'static str = r.by.into();
    let period_now: &'static str = r.period.into();
    let export = format!(
        "/api/v1/recovery-metrics/export{}",
        query_string(&[
            ("by", by_now),
            ("period", period_now),
            ("source", &text(&f.source)),
            ("category", &text(&f.category)),
            ("since", &text(&f.since)),
            ("until", &text(&f.until)),
        ])
    );
    let periods: Vec<String> = r.trend.iter().map(|t| t.period.clone()).collect();
    let medians = |pick: fn(&Figures) -> &MeasureFigures| {
        r.trend
            .iter()
            .map(|t| pick(&t.figures).median_minutes)
            .collect::<Vec<_>>()
    };
    let trend = trend_chart(
        "trend",
        "Trend",
        format!("Median times per {}", r.period.label().to_lowercase()),
        &periods,
        vec![
            Series {
                name: "Detect",
                class: "trend-a",
                values: medians(|f| &f.detect),
            },
            Series {
                name: "Contain",
                class: "trend-b",
                values: medians(|f| &f.contain),
            },
            Series {
                name: "Recover",
                class: "trend-c",
                values: medians(|f| &f.recover),
            },
        ],
        duration_label,
    );
    let count_chart = bar_chart(
        Spec {
            id: "chart-count",
            heading: "How many",
            title: format!(
                "Incidents and exercise results by {}",
                r.by.label().to_lowercase()
            ),
            first: r.by.label(),
            counted: "Incidents and exercise results",
            marked_legend: Some("From exercises"),
            note: None,
            empty: "Nothing is recorded yet.",
        },
        r.groups
            .iter()
            .map(|g| Row {
                label: g.label.clone(),
                href: None,
                value: g.figures.incidents + g.figures.exercises,
                marked: Some(g.figures.exercises),
            })
            .collect(),
    );
    let view = RecoveryPage {
        chrome: chrome_at(&page, Section::Incidents),
        title: "Recovery metrics".into(),
        by: choices(
            "By organisation",
            by_now,
            Grouping::iter().map(|g| (g, g.label())),
        ),
        periods: choices("Per quarter", period_now, Period::iter().map(|p| (p, p.label()))),
        sources: choices(
            "Incidents and exercises",
            &text(&f.source),
            RecoverySource::iter().map(|s| (s, s.label())),
        ),
        categories: choices(
            "Any category",
            &text(&f.category),
            NcscCategory::iter().map(|c| (c, c.label())),
        ),
        since: text(&f.since),
        until: text(&f.until),
        group_heading: r.by.label(),
        export,
        total: line("All".into(), &r.total),
        lines: r
            .groups
            .iter()
            .map(|g| line(g.label.clone(), &g.figures))
            .collect(),
        charts: vec![
            median_chart(&r, "chart-recover", "Time to recover", "time to recover", |f| {
                &f.recover
            }),
            median_chart(&r, "chart-contain", "Time to contain", "time to contain", |f| {
                &f.contain
            }),
            median_chart(&r, "chart-detect", "Time to detect", "time to detect", |f| {
                &f.detect
            }),
            count_chart,
        ],
        trend,
        min_for_median: r.min_for_median,
        min_for_p90: r.min_for_p90,
    };
    Ok(render(StatusCode::OK, &view))
}
