//! The dry-run page: pick a built-in scenario, mitigations, trials and seed (`GET /simulate`);
//! the run goes on in the background (`GET /simulate/run?...` shows a progress bar, which
//! `/static/simulation.js` keeps up to date from `GET /simulate/progress?...`, and which refreshes
//! itself every few seconds where script does not run); then the results, with the recovery
//! curve drawn as SVG and, with mitigations, what they change against the same run without them
//! (same seed, same trials: the difference is the mitigations', not chance's).
//!
//! A run is named by its query, so the page can be reloaded, bookmarked or opened on another
//! server of the same deployment and shows the same figures as `ward simulate` with the same
//! arguments. Nothing is written.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::impact::{Mitigation, Quantiles, Scenario, SimulationResult};
use ward_app::simulation::{RunKey, RunStatus};

use super::recovery_curve::{CurveChart, recovery_curve};
use super::views::{Chrome, Section, thousands};
use super::{PageResult, Signed, WebQuery, chrome_at, render};
use crate::state::AppState;

/// The query of the form, the run, and the progress endpoint.
#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct RunQuery {
    scenario: Option<String>,
    trials: Option<String>,
    seed: Option<String>,
    #[serde(rename = "offline-backups")]
    offline_backups: Option<String>,
    #[serde(rename = "second-pathology-supplier")]
    second_pathology: Option<String>,
    #[serde(rename = "extra-response-team")]
    extra_team: Option<String>,
    #[serde(rename = "mutual-aid-agreement")]
    mutual_aid: Option<String>,
}

pub(super) const DEFAULT_TRIALS: u32 = 1000;
pub(super) const DEFAULT_SEED: u64 = 2017;

/// A choice on the form.
#[derive(Debug, Clone)]
pub(super) struct Choice {
    pub(super) value: &'static str,
    label: &'static str,
    hint: &'static str,
    pub(super) checked: bool,
}

/// A run as asked for: the run with the mitigations, and the same run without them (if any).
struct Asked {
    with: RunKey,
    without: Option<RunKey>,
    /// The query string that names it.
    query: String,
}

fn parse(q: &RunQuery) -> Result<Asked, AppError> {
    let name = q.scenario.as_deref().unwrap_or("").trim();
    let scenario = Scenario::parse(name)
        .ok_or_else(|| AppError::invalid("scenario", format!("choose a scenario ({})", Scenario::names())))?;
    let trials = match q.trials.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => DEFAULT_TRIALS,
        Some(t) => t
            .parse::<u32>()
            .map_err(|_| AppError::invalid("trials", format!("'{t}' is not a whole number of trials")))?,
    };
    let seed = match q.seed.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => DEFAULT_SEED,
        Some(t) => t
            .parse::<u64>()
            .map_err(|_| AppError::invalid("seed", format!("'{t}' is not a whole number")))?,
    };
    let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let mut mitigations = Vec::new();
    if on(&q.offline_backups) {
        mitigations.push(Mitigation::OfflineBackups);
    }
    if on(&q.second_pathology) {
        mitigations.push(Mitigation::SecondPathologySupplier);
    }
    if on(&q.extra_team) {
        mitigations.push(Mitigation::ExtraResponseTeam);
    }
    if on(&q.mutual_aid) {
        mitigations.push(Mitigation::MutualAidAgreement);
    }
    let mut query = format!("scenario={}&trials={trials}&seed={seed}", scenario.as_str());
    for m in &mitigations {
        query.push_str(&format!("&{}=on", m.as_str()));
    }
    let without = (!mitigations.is_empty()).then(|| RunKey::new(scenario, Vec::new(), trials, seed));
    Ok(Asked {
        with: RunKey::new(scenario, mitigations, trials, seed),
        without,
        query,
    })
}

/// A figure's median without the mitigations, and the change they make.
#[derive(Debug, Clone)]
struct Change {
    before: String,
    change: String,
}

/// One figure of the results, with and without the mitigations.
#[derive(Debug, Clone)]
struct FigureLine {
    label: &'static str,
    median: String,
    p90: String,
    without: Option<Change>,
}

/// Trials done of those asked for, over both runs.
#[derive(Debug, Clone, Copy)]
struct Progress {
    done: u32,
    total: u32,
}

#[derive(Template)]
#[template(path = "simulation.html")]
pub(super) struct SimulationPage {
    chrome: Option<Chrome>,
    pub(super) title: String,
    scenarios: Vec<Choice>,
    mitigations: Vec<Choice>,
    trials: String,
    seed: String,
    max_trials: u32,
    error: Option<String>,
    /// While running: how far, and the query naming the run.
    running: Option<Progress>,
    query: String,
    percent: u32,
    pub(super) result: Option<Outcome>,
    /// The scenario file form: its mitigations, trials and seed, the text pasted (kept when
    /// refused) and what was wrong, each with its path in the file.
    pub(super) file_mitigations: Vec<Choice>,
    pub(super) file_trials: String,
    pub(super) file_seed: String,
    pub(super) pasted: String,
    pub(super) file_name: Option<String>,
    pub(super) file_problems: Vec<ward_app::FieldProblem>,
}

pub(super) struct Outcome {
    heading: String,
    target: Option<String>,
    trials: String,
    seed: u64,
    mitigations: String,
    figures: Vec<FigureLine>,
    curve: CurveChart,
    has_without: bool,
}

fn count(v: f64) -> String {
    thousands(v.max(0.0).round() as u64)
}

fn days(v: f64) -> String {
    format!("{v:.1}")
}

fn figures(r: &SimulationResult, without: Option<&SimulationResult>) -> Vec<FigureLine> {
    type Pick = fn(&SimulationResult) -> Quantiles;
    let rows: [(&'static str, Pick, bool); 11] = [
        (
            "Outpatient appointments postponed",
            |r| r.outpatient_appointments_postponed,
            false,
        ),
        (
            "Elective procedures postponed",
            |r| r.elective_procedures_postponed,
            false,
        ),
        (
            "Outpatient appointments postponed at the two most affected trusts",
            |r| r.most_affected_trusts.outpatient_appointments_postponed,
            false,
        ),
        (
            "Elective procedures postponed at the two most affected trusts",
            |r| r.most_affected_trusts.elective_procedures_postponed,
            false,
        ),
        (
            "Appointments postponed (all kinds)",
            |r| r.appointments_postponed,
            false,
        ),
        ("Patient-days of service lost", |r| r.patient_days_lost, false),
        (
            "Patients redirected to providers nearby (mutual aid)",
            |r| r.patients_redirected,
            false,
        ),
        ("Organisations affected", |r| r.organisations_affected, false),
        (
            "Days until the last lost system is back",
            |r| r.days_to_recover,
            true,
        ),
        (
            "Days until half the affected services are back",
            |r| {
                let p = r.recovery_curve.iter().find(|p| (p.share - 0.5).abs() < 1e-9);
                Quantiles {
                    median: p.map_or(0.0, |p| p.median_day),
                    p90: p.map_or(0.0, |p| p.p90_day),
                }
            },
            true,
        ),
        ("Response team-days used", |r| r.team_days, true),
    ];
    rows.into_iter()
        .map(|(label, pick, is_days)| {
            let q = pick(r);
            let show = |v: f64| if is_days { days(v) } else { count(v) };
            FigureLine {
                label,
                median: show(q.median),
                p90: show(q.p90),
                without: without.map(|w| {
                    let b = pick(w).median;
                    let change = q.median - b;
                    let sign = if change > 0.0 {
                        "+"
                    } else if change < 0.0 {
                        "−"
                    } else {
                        ""
                    };
                    Change {
                        before: show(b),
                        change: format!("{sign}{}", show(change.abs())),
                    }
                }),
            }
        })
        .collect()
}

/// The mitigations as choices, `ticked` in [`Mitigation`]'s order.
pub(super) fn mitigation_choices(ticked: &[bool]) -> Vec<Choice> {
    Mitigation::iter()
        .enumerate()
        .map(|(i, m)| Choice {
            value: m.as_str(),
            label: m.label(),
            hint: "",
            checked: ticked.get(i).copied().unwrap_or(false),
        })
        .collect()
}

pub(super) fn blank_page(page: &Signed, s: &AppState, q: &RunQuery) -> SimulationPage {
    let picked = q.scenario.as_deref().and_then(Scenario::parse);
    let on = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    let ticked = [
        on(&q.offline_backups),
        on(&q.second_pathology),
        on(&q.extra_team),
        on(&q.mutual_aid),
    ];
    SimulationPage {
        chrome: chrome_at(page, Section::Exercises),
        title: "Dry-run a scenario".into(),
        scenarios: Scenario::iter()
            .enumerate()
            .map(|(i, sc)| Choice {
                value: sc.as_str(),
                label: sc.as_str(),
                hint: sc.summary(),
                checked: picked.map_or(i == 2, |p| p == sc),
            })
            .collect(),
        mitigations: mitigation_choices(&ticked),
        trials: q.trials.clone().unwrap_or_else(|| DEFAULT_TRIALS.to_string()),
        seed: q.seed.clone().unwrap_or_else(|| DEFAULT_SEED.to_string()),
        max_trials: s.app.settings().max_simulation_trials,
        error: None,
        running: None,
        query: String::new(),
        percent: 0,
        result: None,
        file_mitigations: mitigation_choices(&[]),
        file_trials: DEFAULT_TRIALS.to_string(),
        file_seed: DEFAULT_SEED.to_string(),
        pasted: String::new(),
        file_name: None,
        file_problems: Vec::new(),
    }
}

/// `GET /simulate`: the form.
pub(super) async fn form(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<RunQuery>,
) -> PageResult {
    // Only those who may run one see the form.
    s.app.simulation_allowed(&page.actor).map_err(page.fail())?;
    Ok(render(StatusCode::OK, &blank_page(&page, &s, &q)))
}

/// Both runs' statuses, started if this process does not know them.
async fn statuses(s: &AppState, page: &Signed, asked: &Asked) -> Result<Vec<RunStatus>, AppError> {
    let mut out = vec![s.app.start_simulation(&page.actor, asked.with.clone()).await?];
    if let Some(w) = &asked.without {
        out.push(s.app.start_simulation(&page.actor, w.clone()).await?);
    }
    Ok(out)
}

/// `GET /simulate/run?...`: progress, then results.
pub(super) async fn run(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<RunQuery>,
) -> PageResult {
    let mut view = blank_page(&page, &s, &q);
    let refused = |view: &mut SimulationPage, e: AppError| -> PageResult {
        match e {
            AppError::Invalid(problems) => {
                view.error = Some(
                    problems
                        .iter()
                        .map(|p| p.message.clone())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
                Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &*view))
            }
            other => Err(page.fail()(other)),
        }
    };
    let asked = match parse(&q) {
        Ok(a) => a,
        Err(e) => return refused(&mut view, e),
    };
    let runs = match statuses(&s, &page, &asked).await {
        Ok(r) => r,
        Err(e) => return refused(&mut view, e),
    };
    view.query = asked.query.clone();
    let mut finished = Vec::new();
    let (mut done, mut total) = (0u32, 0u32);
    for r in &runs {
        match r {
            RunStatus::Failed(message) => {
                view.error = Some(message.clone());
                return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view));
            }
            RunStatus::Running { done: d, trials } => {
                done += d;
                total += trials;
            }
            RunStatus::Finished(result) => {
                done += result.trials;
                total += result.trials;
                finished.push(std::sync::Arc::clone(result));
            }
        }
    }
    if finished.len() < runs.len() {
        view.title = "Running the dry run".into();
        view.running = Some(Progress { done, total });
        view.percent = (done * 100).checked_div(total).unwrap_or(0);
        return Ok(render(StatusCode::OK, &view));
    }
    let (Some(with), without) = (finished.first(), finished.get(1)) else {
        return Err(page.fail()(AppError::Internal(
            "a finished run has no result".into(),
        )));
    };
    view.title = format!("Dry run: {}", with.scenario);
    view.result = Some(outcome(with, without.map(|w| w.as_ref())));
    Ok(render(StatusCode::OK, &view))
}

/// The results of a run, and of the same run without the mitigations if there are any.
pub(super) fn outcome(with: &SimulationResult, without: Option<&SimulationResult>) -> Outcome {
    let curve = recovery_curve(&with.recovery_curve, without.map(|w| w.recovery_curve.as_slice()));
    Outcome {
        heading: format!("Dry run: {}", with.scenario),
        target: with.target.clone(),
        trials: thousands(u64::from(with.trials)),
        seed: with.seed,
        mitigations: if with.mitigations.is_empty() {
            "none".to_owned()
        } else {
            with.mitigations
                .iter()
                .filter_map(|m| Mitigation::parse(m))
                .map(Mitigation::label)
                .collect::<Vec<_>>()
                .join("; ")
        },
        figures: figures(with, without),
        curve,
        has_without: without.is_some(),
    }
}

/// `GET /simulate/progress?...`: how far the run has got, for the page's script.
pub(super) async fn progress(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<RunQuery>,
) -> Response {
    let asked = match parse(&q) {
        Ok(a) => a,
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    match statuses(&s, &page, &asked).await {
        Err(e) => crate::error::ApiError::from(e).into_response(),
        Ok(runs) => {
            let (mut done, mut total, mut finished, mut failed) = (0u32, 0u32, true, false);
            for r in &runs {
                match r {
                    RunStatus::Running { done: d, trials } => {
                        done += d;
                        total += trials;
                        finished = false;
                    }
                    RunStatus::Finished(res) => {
                        done += res.trials;
                        total += res.trials;
                    }
                    RunStatus::Failed(_) => failed = true,
                }
            }
            Json(serde_json::json!({
                "done": done,
                "trials": total,
                "finished": finished || failed,
            }))
            .into_response()
        }
    }
}
