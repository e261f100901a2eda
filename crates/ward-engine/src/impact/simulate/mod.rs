//! A seeded Monte Carlo dry run over the dependency graph (`ward simulate`).
//!
//! A scenario ([`ScenarioSpec`]: a built-in one from [`builtin`], or a scenario file read by
//! `ward-feeds::scenario`) is first resolved against the graph ([`resolve`]): every name it uses is
//! looked up, and each node's blast radius is worked out once. Each trial then ([`run`]):
//!
//! 1. draws which nodes fall (each with its probability; every organisation separately for a node
//!    naming a kind of organisation; a node with `after` only falls when one of those fell, `lag`
//!    days after the last of them);
//! 2. draws how long each lost thing takes to recover (log-normal around the node's median, which
//!    assumes a response team is at it); the scenario's response teams are a pool that goes to
//!    the heaviest losses (by daily throughput affected) and moves to the next heaviest as each
//!    is back, and a loss without a team recovers at `1 / unhelped` of the pace (`teams`);
//! 3. through each lost thing's blast radius, works out each service's outage: from the loss (or
//!    `dependency_lag` days later for a service hit through a dependency) until the last lost
//!    thing it depends on is back, losing its whole throughput if stopped and what the workaround
//!    does not keep if degraded (a share per service, [`ScenarioSpec::workarounds`]); with a
//!    staged recovery part of that capacity is back before the end;
//! 4. sends the patients an affected service cannot see, as far as they travel, to the same kind
//!    of service nearby, day by day: each day up to that day's spare capacity of the helpers
//!    that are not out themselves that day (`mutual_aid`): those are redirected, not postponed.
//!
//! It counts what is postponed (only services the caller may see), when each affected service is
//! back (the recovery curve), and over the trials reports medians and 90th percentiles.
//!
//! Deterministic: each trial has its own small SplitMix64, seeded from the caller's seed and the
//! trial's number, so the trials run on rayon's threads and each draws the same whichever thread
//! runs it; their figures are tallied in trial order, the graph is walked in its own order and
//! numbers are rounded before they are written, so the same seed on the same graph gives
//! byte-identical output on one thread or several. Pure: no I/O, no clock.

pub mod builtin;
mod mutual_aid;
pub mod resolve;
mod run;
mod teams;

use serde::Serialize;
use ward_core::simulation::ScenarioSpec;

pub use builtin::{Mitigation, Scenario};
pub use resolve::ScenarioProblem;
pub use run::CURVE_POINTS;

/// SplitMix64: small, fast, and the same sequence for the same seed everywhere.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.next_f64().max(f64::MIN_POSITIVE);
        let u2 = self.next_f64();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

/// Response teams the built-in scenarios assume before mitigations.
pub const RESPONSE_TEAMS: usize = 3;

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationParams {
    pub scenario: ScenarioSpec,
    /// Whether the scenario came from a file: then a workaround naming no service is refused.
    pub from_file: bool,
    pub trials: u32,
    pub seed: u64,
    pub mitigations: Vec<Mitigation>,
}

impl SimulationParams {
    /// A built-in scenario.
    pub fn builtin(scenario: Scenario, trials: u32, seed: u64, mitigations: Vec<Mitigation>) -> Self {
        Self {
            scenario: scenario.spec(),
            from_file: false,
            trials,
            seed,
            mitigations,
        }
    }
}

/// The median and 90th percentile of a quantity over the trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantiles {
    pub median: f64,
    pub p90: f64,
}

/// One point of the recovery curve: the day by which `share` of the affected services are back,
/// in the median trial and in the slowest tenth (90th percentile).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    pub share: f64,
    pub median_day: f64,
    pub p90_day: f64,
}

/// The outcome over all trials.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationResult {
    pub scenario: String,
    pub trials: u32,
    pub seed: u64,
    pub mitigations: Vec<&'static str>,
    /// What the scenario takes out (the product for a single-supplier scenario).
    pub target: Option<String>,
    pub outpatient_appointments_postponed: Quantiles,
    pub elective_procedures_postponed: Quantiles,
    /// Every appointment-counted service (outpatients, GP appointments, clinics).
    pub appointments_postponed: Quantiles,
    /// Daily throughput lost, summed over days, over every affected service.
    pub patient_days_lost: Quantiles,
    /// Days until the last lost thing is back.
    pub days_to_recover: Quantiles,
    pub organisations_affected: Quantiles,
    /// The two NHS trusts losing the most outpatient appointments and elective procedures in a
    /// trial, as published figures of real incidents are given (Synnovis 2024: over 10,000
    /// outpatient appointments and 1,693 elective procedures at the two most affected trusts).
    pub most_affected_trusts: TrustFigures,
    /// Patients sent to providers nearby with spare capacity (mutual aid) instead of being
    /// postponed, over every affected service.
    pub patients_redirected: Quantiles,
    /// Days response teams spent on recoveries, summed over the teams.
    pub team_days: Quantiles,
    /// Share of the affected services back by day: 5 %, 10 %, ... 100 % (the 50 % point is the
    /// median service's time to recover, the 90 % point the 90th percentile's).
    pub recovery_curve: Vec<CurvePoint>,
}

/// Outpatient appointments and elective procedures postponed at a trial's two most affected NHS
/// trusts, over the trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrustFigures {
    pub outpatient_appointments_postponed: Quantiles,
    pub elective_procedures_postponed: Quantiles,
}

/// How many of the most affected trusts [`TrustFigures`] adds up.
pub const MOST_AFFECTED_TRUSTS: usize = 2;

/// Why a simulation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimulationError {
    #[error("trials must be at least 1")]
    NoTrials,
    #[error("{asked} trials is more than the configured maximum of {max}")]
    TooManyTrials { asked: u32, max: u32 },
    #[error("the scenario names what the sector does not have: {}", list(.0))]
    Refused(Vec<ScenarioProblem>),
}

fn list(problems: &[ScenarioProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The value at quantile `q` of sorted `v` (the nearest rank), 0 for none.
pub(crate) fn at(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
    v.get(i).copied().unwrap_or(0.0)
}

pub(crate) fn quantiles(mut v: Vec<f64>) -> Quantiles {
    v.sort_by(f64::total_cmp);
    Quantiles {
        median: round1(at(&v, 0.5)),
        p90: round1(at(&v, 0.9)),
    }
}
