//! `ward simulate --scenario NAME|FILE [--trials N] [--seed S] [--mitigation NAME...] [--json]`:
//! a seeded dry run of a built-in scenario or a scenario file (YAML or JSON, `docs/simulation.md`)
//! over the current database's dependency graph. The same seed on the same data prints the same
//! bytes. Exit 3 for an unknown scenario or mitigation, a scenario file that is refused (each
//! problem with its path), or more trials than `max_simulation_trials`.

use clap::Args;
use ward_app::impact::{Mitigation, Scenario, SimulationResult};
use ward_app::simulation::{MAX_SCENARIO_BYTES, ScenarioSource, SimulationRequest};

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// wannacry-2017, advanced-2022, synnovis-2024, or a scenario file (.yaml, .yml, .json).
    #[arg(long)]
    scenario: String,
    #[arg(long, default_value_t = 1000)]
    trials: u32,
    #[arg(long, default_value_t = 2017)]
    seed: u64,
    /// offline-backups, second-pathology-supplier or extra-response-team (repeatable).
    #[arg(long = "mitigation")]
    mitigations: Vec<String>,
}

pub(crate) async fn run(settings: &Settings, json_out: bool, a: SimulateArgs) -> anyhow::Result<()> {
    let scenario = match Scenario::parse(&a.scenario) {
        Some(s) => ScenarioSource::Builtin(s),
        None => ScenarioSource::File {
            name: a.scenario.clone(),
            text: read_scenario(&a.scenario)?,
        },
    };
    let mut mitigations = Vec::new();
    for m in &a.mitigations {
        mitigations.push(Mitigation::parse(m).ok_or_else(|| {
            CliError::Rejected(format!(
                "unknown mitigation '{m}' (known: {})",
                Mitigation::names()
            ))
        })?);
    }
    let app = open(settings).await?;
    let op = operator(&app).await?;
    let request = SimulationRequest {
        scenario,
        trials: a.trials,
        seed: a.seed,
        mitigations,
    };
    let result = app.simulate(&op, request).await.map_err(app_err)?;
    if json_out {
        println!("{}", serde_json::to_string(&result)?);
    } else {
        print_result(&result);
    }
    Ok(())
}

/// A scenario file's text, read no further than the largest file accepted.
fn read_scenario(path: &str) -> Result<String, CliError> {
    use std::io::Read;
    let unknown = || {
        CliError::Rejected(format!(
            "unknown scenario '{path}': neither built in ({}) nor a readable scenario file",
            Scenario::names()
        ))
    };
    let file = std::fs::File::open(path).map_err(|_| unknown())?;
    let mut bytes = Vec::new();
    file.take(MAX_SCENARIO_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|_| unknown())?;
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(CliError::Rejected(format!(
            "{path}: larger than {MAX_SCENARIO_BYTES} bytes"
        )));
    }
    String::from_utf8(bytes).map_err(|_| CliError::Rejected(format!("{path}: not UTF-8 text")))
}

fn print_result(r: &SimulationResult) {
    println!(
        "{} over {} trials (seed {}){}",
        r.scenario,
        r.trials,
        r.seed,
        if r.mitigations.is_empty() {
            String::new()
        } else {
            format!(" with {}", r.mitigations.join(", "))
        }
    );
    if let Some(t) = &r.target {
        println!("  lost: {t}");
    }
    let line = |label: &str, q: &ward_app::impact::Quantiles| {
        println!("  {label:<38} median {:>12}  p90 {:>12}", q.median, q.p90);
    };
    line(
        "outpatient appointments postponed",
        &r.outpatient_appointments_postponed,
    );
    line("elective procedures postponed", &r.elective_procedures_postponed);
    line("appointments postponed (all)", &r.appointments_postponed);
    line("patient-days of service lost", &r.patient_days_lost);
    line("organisations affected", &r.organisations_affected);
    line("days to recover", &r.days_to_recover);
    line("patients redirected (mutual aid)", &r.patients_redirected);
    line("response team-days used", &r.team_days);
    println!("  at the two most affected NHS trusts:");
    line(
        "  outpatient appointments postponed",
        &r.most_affected_trusts.outpatient_appointments_postponed,
    );
    line(
        "  elective procedures postponed",
        &r.most_affected_trusts.elective_procedures_postponed,
    );
    println!("  share of affected services back (days):");
    for p in r
        .recovery_curve
        .iter()
        .filter(|p| ((p.share * 100.0).round() as u32).is_multiple_of(25))
    {
        println!(
            "    {:>3.0} %   median {:>8}  p90 {:>8}",
            p.share * 100.0,
            p.median_day,
            p.p90_day
        );
    }
}
