//! `ward assessments export|disagreements`: an assessment as CSV or JSON for scripts, and the
//! organisations whose claims disagree most with Ward's own facts.

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use ward_app::assurance::export::AssessmentExportFormat;
use ward_core::AssessmentId;

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum AssessmentsCommand {
    /// One assessment: a row per indicator answer and per outcome (derived, override,
    /// justification, target, shortfall), to standard output or a file.
    Export {
        /// The assessment's identifier.
        id: String,
        /// csv (the default) or json.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Organisations whose latest assessment's claims disagree most with the facts, most first.
    Disagreements,
    /// Give every organisation of a demo or benchmark sector without one an assessment against
    /// a framework file (imported first), publishing starting profiles where none exist.
    SeedDemo {
        /// The framework file (WebCAF or CISO Assistant format).
        #[arg(long)]
        framework: PathBuf,
        #[arg(long, default_value_t = 2017)]
        seed: u64,
        /// The assessment year (default: this year).
        #[arg(long)]
        year: Option<i32>,
    },
}

pub(crate) async fn run(settings: &Settings, json_out: bool, c: AssessmentsCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match c {
        AssessmentsCommand::Export { id, format, out } => {
            let id: AssessmentId = id
                .parse()
                .map_err(|_| CliError::Rejected(format!("'{id}' is not an assessment identifier")))?;
            let format: AssessmentExportFormat = format
                .parse()
                .map_err(|_| CliError::Rejected(format!("--format: '{format}' is not csv or json")))?;
            let body = app.export_assessment(&op, id, format).await.map_err(app_err)?;
            match out {
                Some(path) => std::fs::write(&path, body)
                    .map_err(|e| CliError::Rejected(format!("cannot write {}: {e}", path.display())))?,
                None => print!("{body}"),
            }
            Ok(())
        }
        AssessmentsCommand::Disagreements => {
            let rows = app.claim_disagreements(&op).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!(rows));
                return Ok(());
            }
            println!("{:<40} {:>6} {:>6}  outcomes", "organisation", "above", "below");
            for r in &rows {
                println!(
                    "{:<40} {:>6} {:>6}  {}  ({})",
                    r.org_name,
                    r.above,
                    r.below,
                    r.outcomes.join(", "),
                    r.assessment
                );
            }
            Ok(())
        }
        AssessmentsCommand::SeedDemo {
            framework,
            seed,
            year,
        } => {
            let year = year.unwrap_or_else(|| i32::from(app.now().to_zoned(jiff::tz::TimeZone::UTC).year()));
            let s = super::demo_assurance::seed(&app, &framework, seed, year, None).await?;
            if json_out {
                println!(
                    "{}",
                    json!({"framework": s.framework, "version": s.version, "profiles": s.profiles, "assessments": s.assessments,
                        "plans": s.plans, "approved_plans": s.approved, "ce_plus_certificates": s.certificates})
                );
            } else {
                println!(
                    "{} assessments against {} {} loaded; {} starting profiles published; {} improvement plans ({} approved); {} Cyber Essentials Plus certificates",
                    s.assessments, s.framework, s.version, s.profiles, s.plans, s.approved, s.certificates
                );
            }
            Ok(())
        }
    }
}
