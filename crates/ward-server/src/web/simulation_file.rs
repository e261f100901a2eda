//! Running a scenario file from the dry-run page (`POST /simulate/file`): uploaded or pasted,
//! YAML or JSON, read by the same parser as `ward simulate --scenario FILE` (within the parse
//! limits and deadline, off the async workers: `App::simulate`), and run like a built-in one.
//! A refused file is shown with every problem's path in the file (`nodes[2].org`) and reason,
//! the pasted text kept to correct.
//!
//! Unlike a built-in scenario's run, which goes on in the background and is named by its query,
//! a file's run is waited for: the file is in the request, not in a link. Who may run one is the
//! `RunSimulations` rule, checked (with the CSRF token) before the file is read.

use axum::extract::State;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::http::StatusCode;
use ward_app::AppError;
use ward_app::impact::Mitigation;
use ward_app::simulation::{ScenarioSource, SimulationRequest};

use super::import::{file_label, upload_error};
use super::simulation::{DEFAULT_SEED, DEFAULT_TRIALS, RunQuery, blank_page, mitigation_choices, outcome};
use super::{PageError, PageResult, Signed, render};
use crate::error::ApiError;
use crate::state::AppState;

/// The form's fields after the CSRF token.
#[derive(Debug, Default)]
struct FileForm {
    file_name: String,
    bytes: Vec<u8>,
    text: String,
    trials: String,
    seed: String,
    mitigations: Vec<Mitigation>,
}

fn number<T: std::str::FromStr>(raw: &str, field: &str, default: T, what: &str) -> Result<T, AppError> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(default);
    }
    t.parse::<T>()
        .map_err(|_| AppError::invalid(field, format!("'{t}' is not {what}")))
}

/// `POST /simulate/file` (multipart: `csrf` first, then `file` or `text`, `trials`, `seed` and
/// the mitigations' checkboxes).
pub(super) async fn run_file(
    State(s): State<AppState>,
    page: Signed,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let chrome = &page.chrome;
    let mut mp = multipart.map_err(|_| {
        PageError::new(
            Some(chrome),
            ApiError::bad_request("send the scenario file from the dry-run page"),
        )
    })?;
    let token = match mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        Some(f) if f.name() == Some("csrf") => f.text().await.map_err(|e| upload_error(chrome, &e))?,
        _ => String::new(),
    };
    page.check_csrf(&s, &token)?;
    // Who may run one is decided before the file is read.
    s.app.simulation_allowed(&page.actor).map_err(page.fail())?;
    let mut form = FileForm::default();
    while let Some(f) = mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        let name = f.name().unwrap_or("").to_owned();
        match name.as_str() {
            "file" => {
                form.file_name = file_label(f.file_name());
                form.bytes = f.bytes().await.map_err(|e| upload_error(chrome, &e))?.to_vec();
            }
            "text" => form.text = f.text().await.map_err(|e| upload_error(chrome, &e))?,
            "trials" => form.trials = f.text().await.map_err(|e| upload_error(chrome, &e))?,
            "seed" => form.seed = f.text().await.map_err(|e| upload_error(chrome, &e))?,
            other => {
                if let Some(m) = Mitigation::parse(other)
                    && !f.text().await.map_err(|e| upload_error(chrome, &e))?.is_empty()
                {
                    form.mitigations.push(m);
                }
            }
        }
    }
    let mut view = blank_page(&page, &s, &RunQuery::default());
    let ticked: Vec<bool> = <Mitigation as strum::IntoEnumIterator>::iter()
        .map(|m| form.mitigations.contains(&m))
        .collect();
    view.file_mitigations = mitigation_choices(&ticked);
    view.file_trials = if form.trials.trim().is_empty() {
        DEFAULT_TRIALS.to_string()
    } else {
        form.trials.trim().to_owned()
    };
    view.file_seed = if form.seed.trim().is_empty() {
        DEFAULT_SEED.to_string()
    } else {
        form.seed.trim().to_owned()
    };
    let source = if form.bytes.is_empty() {
        view.pasted = form.text.clone();
        ("pasted scenario".to_owned(), std::mem::take(&mut form.text))
    } else {
        match String::from_utf8(std::mem::take(&mut form.bytes)) {
            Ok(text) => (form.file_name.clone(), text),
            Err(_) => {
                return refused(
                    &page,
                    view,
                    AppError::invalid("file", format!("{}: not UTF-8 text", form.file_name)),
                );
            }
        }
    };
    view.file_name = Some(source.0.clone());
    if source.1.trim().is_empty() {
        return refused(
            &page,
            view,
            AppError::invalid("file", "choose a scenario file or paste one"),
        );
    }
    let run = async {
        let trials = number(&form.trials, "trials", DEFAULT_TRIALS, "a whole number of trials")?;
        let seed = number(&form.seed, "seed", DEFAULT_SEED, "a whole number")?;
        let ask = |mitigations: Vec<Mitigation>| SimulationRequest {
            scenario: ScenarioSource::File {
                name: source.0.clone(),
                text: source.1.clone(),
            },
            trials,
            seed,
            mitigations,
        };
        let with = s.app.simulate(&page.actor, ask(form.mitigations.clone())).await?;
        let without = if form.mitigations.is_empty() {
            None
        } else {
            Some(s.app.simulate(&page.actor, ask(Vec::new())).await?)
        };
        Ok::<_, AppError>((with, without))
    };
    match run.await {
        Ok((with, without)) => {
            view.title = format!("Dry run: {}", with.scenario);
            view.result = Some(outcome(&with, without.as_ref()));
            Ok(render(StatusCode::OK, &view))
        }
        Err(e) => refused(&page, view, e),
    }
}

/// The page again with what was wrong: every problem with its path in the file.
fn refused(page: &Signed, mut view: super::simulation::SimulationPage, e: AppError) -> PageResult {
    match e {
        AppError::Invalid(problems) => {
            view.file_problems = problems;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &view))
        }
        AppError::TooLarge { path, message } => {
            view.file_problems = vec![ward_app::FieldProblem { path, message }];
            Ok(render(StatusCode::PAYLOAD_TOO_LARGE, &view))
        }
        other => Err(page.fail()(other)),
    }
}
