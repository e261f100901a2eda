//! `ward exercises scenarios [--json]`: the built-in scenario library (offline, no database), with
//! each scenario's objectives, roles and injects for scripts, or a short list for people.

use clap::Subcommand;
use ward_core::exercise::library;

#[derive(Debug, Subcommand)]
pub(crate) enum ExercisesCommand {
    /// The built-in scenarios: name, what each is modelled on, objectives, roles and injects.
    Scenarios,
}

pub(crate) fn run(json_out: bool, c: &ExercisesCommand) -> anyhow::Result<()> {
    match c {
        ExercisesCommand::Scenarios => {
            let lib = library();
            if json_out {
                println!("{}", serde_json::to_string(&lib)?);
                return Ok(());
            }
            for s in &lib {
                println!(
                    "{:<16} {} ({} injects, {} roles): modelled on {}",
                    s.id.as_str(),
                    s.title,
                    s.injects.len(),
                    s.roles.len(),
                    s.modelled_on
                );
            }
            Ok(())
        }
    }
}
