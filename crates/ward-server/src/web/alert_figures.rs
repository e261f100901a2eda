//! `/alerts/figures`: how organisations in the person's footprint answer alerts, per organisation,
//! ICB, region and nation, with bar charts drawn by the server (SVG) and a CSV download.

use super::views::{Bar, Chrome, Section, bars, thousands};
use super::{PageResult, Signed, chrome_at, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use ward_app::alerts::{FigureLevel, FigureRow};
use ward_core::alert::figures::open_age_band_label;

struct FigureLine {
    level: &'static str,
    org: String,
    records: String,
    acknowledged: String,
    median: String,
    open: String,
    overdue_acknowledge: String,
    overdue_update: String,
    overdue_remediate: String,
    escalations: String,
}

#[derive(Template)]
#[template(path = "alert_figures.html")]
struct FiguresPage {
    chrome: Option<Chrome>,
    title: String,
    /// Whose figures the charts of open and overdue records show (the highest row).
    top: String,
    share_bars: Vec<Bar>,
    age_bars: Vec<Bar>,
    overdue_bars: Vec<Bar>,
    lines: Vec<FigureLine>,
}

fn org_label(r: &FigureRow) -> String {
    format!("{} ({})", r.org.name, r.org.code)
}

/// Share acknowledged within 48 hours, as bars out of 100, for the areas (or, without any, the
/// organisations).
fn share_bars(rows: &[FigureRow]) -> Vec<Bar> {
    let areas: Vec<&FigureRow> = rows
        .iter()
        .filter(|r| r.level != FigureLevel::Organisation)
        .collect();
    let chosen: Vec<&FigureRow> = if areas.is_empty() {
        rows.iter().collect()
    } else {
        areas
    };
    chosen
        .into_iter()
        .map(|r| {
            let pct = r.acknowledged_within_48h_percent.unwrap_or(0);
            Bar {
                label: format!("{}: {}", r.level.label(), org_label(r)),
                count: format!("{pct}%"),
                width: pct.min(100),
            }
        })
        .collect()
}

/// `GET /alerts/figures`.
pub(super) async fn figures(State(s): State<AppState>, page: Signed) -> PageResult {
    let fail = page.fail();
    let rows = s.app.response_figures(&page.actor).await.map_err(&fail)?;
    let top = rows.first();
    let view = FiguresPage {
        chrome: chrome_at(&page, Section::Alerts),
        title: "Response figures".into(),
        top: top.map(org_label).unwrap_or_default(),
        share_bars: share_bars(&rows),
        age_bars: top.map_or_else(Vec::new, |t| {
            bars(
                t.figures
                    .open_by_age
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (open_age_band_label(i), *n)),
            )
        }),
        overdue_bars: top.map_or_else(Vec::new, |t| {
            let f = &t.figures;
            bars([
                ("Acknowledgement overdue".to_owned(), f.overdue_acknowledge),
                ("First update overdue".to_owned(), f.overdue_first_update),
                ("Remediation overdue".to_owned(), f.overdue_remediate),
                ("Escalation steps taken".to_owned(), f.escalations),
            ])
        }),
        lines: rows
            .iter()
            .map(|r| FigureLine {
                level: r.level.label(),
                org: org_label(r),
                records: thousands(r.figures.records),
                acknowledged: r
                    .acknowledged_within_48h_percent
                    .map(|p| format!("{p}%"))
                    .unwrap_or_else(|| "none".into()),
                median: r.median_applicability.clone().unwrap_or_else(|| "not yet".into()),
                open: thousands(r.figures.open),
                overdue_acknowledge: thousands(r.figures.overdue_acknowledge),
                overdue_update: thousands(r.figures.overdue_first_update),
                overdue_remediate: thousands(r.figures.overdue_remediate),
                escalations: thousands(r.figures.escalations),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &view))
}
