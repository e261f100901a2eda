//! Dry runs over the sector's dependency graph (`ward_app::simulation`): start a run of a built-in
//! scenario in the background, and ask again (the same body) for its progress and, once done,
//! its result. National roles see the sector's figures, regional leads their region's.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use ward_app::AppError;
use ward_app::impact::{Mitigation, Scenario};
use ward_app::simulation::{RunKey, RunStatus};

use crate::auth::ApiActor;
use crate::error::{ApiJson, ApiResult};
use crate::state::AppState;

/// A run: the scenario, mitigations, trials and seed (the same as `ward simulate`'s).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationBody {
    /// `wannacry-2017`, `advanced-2022` or `synnovis-2024`.
    pub scenario: String,
    /// At most `max_simulation_trials` (1,000 when not given).
    pub trials: Option<u32>,
    /// 2017 when not given.
    pub seed: Option<u64>,
    /// `offline-backups`, `second-pathology-supplier`, `extra-response-team`, `mutual-aid-agreement`.
    #[serde(default)]
    pub mitigations: Vec<String>,
}

/// Start a dry run (or find the one started with the same body) and say how far it has got: 202
/// with `{"state": "running", "done", "trials"}` while it runs, 200 with `{"state": "finished",
/// "result": {...}}` (the same figures as `ward simulate --json`) when done.
#[utoipa::path(post, path = "/api/v1/simulations", tag = "impact", request_body = SimulationBody,
    responses((status = 200, description = "finished: the result"), (status = 202, description = "running: trials done"),
        (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn run(
    State(s): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<SimulationBody>,
) -> ApiResult<Response> {
    // Who may run one is decided before the body's names are looked at.
    s.app.simulation_allowed(&actor)?;
    let scenario = Scenario::parse(&body.scenario).ok_or_else(|| {
        AppError::invalid(
            "scenario",
            format!(
                "unknown scenario '{}' (built in: {})",
                body.scenario,
                Scenario::names()
            ),
        )
    })?;
    let mut mitigations = Vec::new();
    for (i, m) in body.mitigations.iter().enumerate() {
        mitigations.push(Mitigation::parse(m).ok_or_else(|| {
            AppError::invalid(
                format!("mitigations[{i}]"),
                format!("unknown mitigation '{m}' (known: {})", Mitigation::names()),
            )
        })?);
    }
    let key = RunKey::new(
        scenario,
        mitigations,
        body.trials.unwrap_or(1000),
        body.seed.unwrap_or(2017),
    );
    Ok(match s.app.start_simulation(&actor, key).await? {
        RunStatus::Running { done, trials } => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({"state": "running", "done": done, "trials": trials})),
        )
            .into_response(),
        RunStatus::Finished(result) => Json(serde_json::json!({
            "state": "finished",
            "result": result.as_ref(),
        }))
        .into_response(),
        RunStatus::Failed(message) => return Err(AppError::invalid("scenario", message).into()),
    })
}
