//! `ward training import FILE --org CODE` (replace an organisation's training record from CSV, all
//! or nothing; exit 3 naming each bad cell by line and column) and `ward training rollup`
//! (completion per organisation, ICB, region and nation), for scripts (`--json`) and people.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use ward_app::people::TrainingFigures;
use ward_core::org::OdsCode;
use ward_store::Scope;

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum TrainingCommand {
    /// Replace an organisation's training record with a CSV file
    /// (person_ref,role,course,completed_on).
    Import {
        file: PathBuf,
        /// The organisation's ODS code.
        #[arg(long)]
        org: String,
    },
    /// Completion per role and required course, per organisation, ICB, region and nation.
    Rollup,
}

fn print_figures(f: &TrainingFigures) {
    for c in &f.courses {
        println!(
            "  {:<10} {:<40} {:<14} {:<26} {:>5} people {:>5} current ({:>3}%) {:>5} overdue {:>5} missing",
            f.org.code,
            f.org.name.chars().take(40).collect::<String>(),
            c.role.label(),
            c.course.as_str(),
            c.people,
            c.current,
            c.percent_current(),
            c.overdue,
            c.missing
        );
    }
}

pub(crate) async fn run(settings: &Settings, json_out: bool, c: TrainingCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match c {
        TrainingCommand::Import { file, org } => {
            let code = OdsCode::parse(&org).map_err(|e| CliError::Rejected(format!("--org: {e}")))?;
            let found = app
                .store()
                .get_org_by_code(&Scope::All, &code)
                .await
                .map_err(|_| CliError::Rejected(format!("--org: no organisation {org}")))?;
            let bytes = std::fs::read(&file)
                .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", file.display())))?;
            let name = file.display().to_string();
            let done = app
                .import_training_file(&op, found.id, &name, bytes)
                .await
                .map_err(app_err)?;
            if json_out {
                println!("{}", json!(done));
            } else {
                println!(
                    "{}: {} rows, {} people in roles, {} completions; the training record of {} ({org}) was replaced",
                    done.file, done.rows, done.people, done.completions, found.name
                );
            }
            Ok(())
        }
        TrainingCommand::Rollup => {
            let r = app.training_rollup(&op).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!(r));
                return Ok(());
            }
            println!("Training current since {} (older is overdue)", r.current_since);
            println!("Areas");
            r.areas.iter().for_each(print_figures);
            println!("Organisations");
            r.orgs.iter().for_each(print_figures);
            Ok(())
        }
    }
}
