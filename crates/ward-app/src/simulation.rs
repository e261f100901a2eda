//! Dry runs (`ward simulate`, the simulation page): a scenario, built in or from a file, run over
//! the sector's dependency graph.
//!
//! Who may run one (`Action::RunSimulations`): the national team over the sector, a regional lead
//! with the figures counted over its region only (the attack still takes out what the scenario
//! says, wherever it is). Everyone else is refused. More trials than `max_simulation_trials` are
//! refused before anything is read or parsed; a scenario file is parsed off the async workers
//! within the parse limits and deadline.
//!
//! The page runs a simulation in the background ([`App::start_simulation`]) and asks how far it
//! has got (the same call again). A run is named by what determines its result (scenario,
//! mitigations, trials, seed, the caller's scope), so asking again for the same run finds it, and
//! a process that does not know it (another `ward serve` behind the same load balancer, or one
//! restarted) starts it again and arrives at the same figures: the result is a function of those
//! and of the graph. A run over a graph that has since been rebuilt is run again. At most
//! [`KEPT_RUNS`] runs are kept per process, and one runs at a time (the others wait, shown as 0
//! trials done). Nothing is written, so nothing is audited.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::instrument;
use ward_engine::impact::simulate::{Mitigation, Scenario, SimulationParams, SimulationResult};
use ward_engine::impact::{SimulationError, Visibility};
use ward_store::Scope;

use crate::authz::{Action, authorise};
use crate::error::FieldProblem;
use crate::heavy::feed_error;
use crate::impact::BuiltGraph;
use crate::{Actor, App, AppError, AppResult};
use ward_feeds::FeedError;

/// Runs kept in memory per process.
pub const KEPT_RUNS: usize = 16;

/// The largest scenario file read, in bytes.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Where a scenario comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioSource {
    Builtin(Scenario),
    /// A scenario file's name (for messages) and text (YAML or JSON).
    File {
        name: String,
        text: String,
    },
}

/// One dry run to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulationRequest {
    pub scenario: ScenarioSource,
    pub trials: u32,
    pub seed: u64,
    pub mitigations: Vec<Mitigation>,
}

/// A background run of a built-in scenario (what the page offers).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RunKey {
    pub scenario: &'static str,
    pub mitigations: Vec<&'static str>,
    pub trials: u32,
    pub seed: u64,
}

impl RunKey {
    pub fn new(scenario: Scenario, mut mitigations: Vec<Mitigation>, trials: u32, seed: u64) -> Self {
        mitigations.sort();
        mitigations.dedup();
        Self {
            scenario: scenario.as_str(),
            mitigations: mitigations.into_iter().map(Mitigation::as_str).collect(),
            trials,
            seed,
        }
    }
}

/// How far a background run has got.
#[derive(Debug, Clone)]
pub enum RunStatus {
    /// `done` of `trials` trials run (0 while waiting for another run to finish).
    Running {
        done: u32,
        trials: u32,
    },
    Finished(Arc<SimulationResult>),
    /// Refused once it could look at the graph (a scenario target the sector lacks).
    Failed(String),
}

struct Slot {
    done: AtomicU32,
    trials: u32,
    /// The graph it runs over, to tell when the graph was rebuilt since.
    graph: usize,
    outcome: OnceLock<Result<Arc<SimulationResult>, String>>,
}

/// The background runs of one process.
pub(crate) struct Runs {
    slots: Mutex<BTreeMap<(String, RunKey), Arc<Slot>>>,
    /// One run at a time.
    one: tokio::sync::Semaphore,
}

impl Runs {
    pub(crate) fn new() -> Self {
        Self {
            slots: Mutex::default(),
            one: tokio::sync::Semaphore::new(1),
        }
    }
}

fn visibility(scope: &Scope) -> Visibility {
    match scope {
        Scope::All => Visibility::All,
        Scope::Subtrees(v) => Visibility::Subtrees(v.clone()),
        Scope::Orgs(v) => Visibility::Orgs(v.clone()),
    }
}

/// Every problem with its own path (`nodes[2].org`) and reason.
fn refused(e: SimulationError) -> AppError {
    match e {
        SimulationError::Refused(problems) if !problems.is_empty() => AppError::Invalid(
            problems
                .into_iter()
                .map(|p| FieldProblem {
                    path: p.path,
                    message: p.reason,
                })
                .collect(),
        ),
        other => AppError::invalid("trials", other.to_string()),
    }
}

/// A scenario file refused by the parser: every problem with its own path; other failures as
/// every upload's.
fn file_refused(e: FeedError) -> AppError {
    match e {
        FeedError::Rejected { problems, .. } if !problems.is_empty() => AppError::Invalid(
            problems
                .into_iter()
                .map(|p| FieldProblem {
                    path: p.path,
                    message: p.reason,
                })
                .collect(),
        ),
        other => feed_error(other),
    }
}

impl App {
    /// Whether the caller may run simulations at all (to show the form).
    pub fn simulation_allowed(&self, actor: &Actor) -> AppResult<()> {
        authorise(actor, Action::RunSimulations, self.now()).map(|_| ())
    }

    /// The caller's scope for simulations, and the trial count checked against the maximum.
    fn simulation_scope(&self, actor: &Actor, trials: u32) -> AppResult<Scope> {
        let scope = authorise(actor, Action::RunSimulations, self.now())?;
        let max = self.settings().max_simulation_trials;
        if trials > max || trials == 0 {
            return Err(AppError::invalid(
                "trials",
                format!("{trials} trials: give between 1 and {max} (max_simulation_trials)"),
            ));
        }
        Ok(scope)
    }

    /// A dry run, waited for. National roles see the sector's figures, regional leads their
    /// region's.
    #[instrument(skip_all, fields(trials = request.trials), err)]
    pub async fn simulate(&self, actor: &Actor, request: SimulationRequest) -> AppResult<SimulationResult> {
        let scope = self.simulation_scope(actor, request.trials)?;
        let params = match request.scenario {
            ScenarioSource::Builtin(s) => {
                SimulationParams::builtin(s, request.trials, request.seed, request.mitigations)
            }
            ScenarioSource::File { name, text } => {
                if text.len() > MAX_SCENARIO_BYTES {
                    return Err(AppError::TooLarge {
                        message: format!("{name}: larger than {MAX_SCENARIO_BYTES} bytes"),
                        path: name,
                    });
                }
                let permit = self.heavy_permit()?;
                let file = name.clone();
                let spec = self
                    .parse_off_workers(&permit, &file, move |limits| {
                        ward_feeds::parse_scenario(&name, &text, limits).map_err(file_refused)
                    })
                    .await?;
                SimulationParams {
                    scenario: spec,
                    from_file: true,
                    trials: request.trials,
                    seed: request.seed,
                    mitigations: request.mitigations,
                }
            }
        };
        let built = self.impact_graph().await?;
        let max = self.settings().max_simulation_trials;
        tokio::task::spawn_blocking(move || {
            built
                .graph()
                .simulate_seen(&params, max, &visibility(&scope), &mut |_| {})
                .map_err(refused)
        })
        .await
        .map_err(|e| AppError::Internal(format!("the simulation failed: {e}")))?
    }

    /// Start a background run of a built-in scenario (or find the one already started) and say
    /// how far it has got.
    #[instrument(skip_all, fields(scenario = key.scenario, trials = key.trials), err)]
    pub async fn start_simulation(&self, actor: &Actor, key: RunKey) -> AppResult<RunStatus> {
        let scope = self.simulation_scope(actor, key.trials)?;
        let scenario = Scenario::parse(key.scenario)
            .ok_or_else(|| AppError::invalid("scenario", format!("unknown scenario '{}'", key.scenario)))?;
        let built = self.impact_graph().await?;
        let graph_id = Arc::as_ptr(&built) as usize;
        let runs = &self.inner.simulation_runs;
        let name = (format!("{scope:?}"), key.clone());
        let (slot, fresh) = {
            let mut slots = runs
                .slots
                .lock()
                .map_err(|_| AppError::Internal("simulation runs lock poisoned".into()))?;
            match slots.get(&name) {
                Some(s) if s.graph == graph_id => (Arc::clone(s), false),
                _ => {
                    if slots.len() >= KEPT_RUNS {
                        // Forget a finished run (the first in key order); keep running ones.
                        let finished = slots
                            .iter()
                            .find(|(_, s)| s.outcome.get().is_some())
                            .map(|(k, _)| k.clone());
                        match finished {
                            Some(k) => {
                                slots.remove(&k);
                            }
                            None => {
                                return Err(AppError::Busy {
                                    message: format!(
                                        "{KEPT_RUNS} simulations are running; try again shortly"
                                    ),
                                    retry_after_secs: crate::heavy::RETRY_AFTER_SECS,
                                });
                            }
                        }
                    }
                    let s = Arc::new(Slot {
                        done: AtomicU32::new(0),
                        trials: key.trials,
                        graph: graph_id,
                        outcome: OnceLock::new(),
                    });
                    slots.insert(name, Arc::clone(&s));
                    (s, true)
                }
            }
        };
        if fresh {
            let params = SimulationParams::builtin(
                scenario,
                key.trials,
                key.seed,
                key.mitigations
                    .iter()
                    .filter_map(|m| Mitigation::parse(m))
                    .collect(),
            );
            self.spawn_run(Arc::clone(&slot), built, params, visibility(&scope));
        }
        Ok(status(&slot))
    }

    fn spawn_run(&self, slot: Arc<Slot>, built: Arc<BuiltGraph>, params: SimulationParams, seen: Visibility) {
        let app = self.clone();
        let max = self.settings().max_simulation_trials;
        tokio::spawn(async move {
            let Ok(_one) = app.inner.simulation_runs.one.acquire().await else {
                return;
            };
            let running = Arc::clone(&slot);
            let outcome = tokio::task::spawn_blocking(move || {
                built
                    .graph()
                    .simulate_seen(&params, max, &seen, &mut |n| {
                        running.done.store(n, Ordering::Relaxed);
                    })
                    .map(Arc::new)
                    .map_err(|e| message(refused(e)))
            })
            .await
            .unwrap_or_else(|e| Err(format!("the simulation failed: {e}")));
            let _ = slot.outcome.set(outcome);
        });
    }
}

/// An error in people's words (the problems' messages, without paths or prefixes).
fn message(e: AppError) -> String {
    match e {
        AppError::Invalid(problems) => problems
            .into_iter()
            .map(|p| p.message)
            .collect::<Vec<_>>()
            .join(" "),
        other => other.to_string(),
    }
}

fn status(slot: &Slot) -> RunStatus {
    match slot.outcome.get() {
        Some(Ok(r)) => RunStatus::Finished(Arc::clone(r)),
        Some(Err(e)) => RunStatus::Failed(e.clone()),
        None => RunStatus::Running {
            done: slot.done.load(Ordering::Relaxed),
            trials: slot.trials,
        },
    }
}
