//! `ward simulate --scenario NAME [--trials N] [--seed S] [--mitigation NAME...] [--json]`: a
//! seeded dry run of a built-in scenario over the current database's dependency graph. The same
//! seed on the same data prints the same bytes. Exit 3 for an unknown scenario or mitigation,
//! or more trials than `max_simulation_trials`.

use clap::Args;
use ward_app::impact::{Mitigation, Scenario, SimulationParams, SimulationResult};

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// wannacry-2017, advanced-2022 or synnovis-2024.
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
    let scenario = Scenario::parse(&a.scenario).ok_or_else(|| {
        CliError::Rejected(format!(
            "unknown scenario '{}' (built in: {})",
            a.scenario,
            Scenario::names()
        ))
    })?;
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
    let params = SimulationParams {
        scenario,
        trials: a.trials,
        seed: a.seed,
        mitigations,
    };
    let result = app.simulate(&op, params).await.map_err(app_err)?;
    if json_out {
        println!("{}", serde_json::to_string(&result)?);
    } else {
        print_result(&result);
    }
    Ok(())
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
    println!("  at the two most affected NHS trusts:");
    line(
        "  outpatient appointments postponed",
        &r.most_affected_trusts.outpatient_appointments_postponed,
    );
    line(
        "  elective procedures postponed",
        &r.most_affected_trusts.elective_procedures_postponed,
    );
}
