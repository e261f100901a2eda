//! `ward tech-assessments list`: the technology assessment requests across the sector, newest
//! first, for scripts (`--json`) and people.

use clap::Subcommand;
use serde_json::json;
use ward_app::tech_assessments::TechAssessmentQuery;
use ward_core::tech_assessment::TechStatus;

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum TechAssessmentsCommand {
    /// Every request, newest first.
    List {
        /// Only requests at this status (`requested`, `triaged`, `declined`, `in-assessment`,
        /// `findings-reported`, `remediating`, `closed`).
        #[arg(long)]
        status: Option<String>,
    },
}

pub(crate) async fn run(
    settings: &Settings,
    json_out: bool,
    c: TechAssessmentsCommand,
) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match c {
        TechAssessmentsCommand::List { status } => {
            let status = status
                .map(|s| {
                    s.parse::<TechStatus>().map_err(|_| {
                        CliError::Rejected(format!("--status: '{s}' is not a status Ward knows"))
                    })
                })
                .transpose()?;
            let found = app
                .tech_assessments(&op, &TechAssessmentQuery { status })
                .await
                .map_err(app_err)?;
            if json_out {
                println!("{}", json!({ "tech_assessments": found }));
                return Ok(());
            }
            println!("{} request(s)", found.len());
            for l in &found {
                let a = &l.assessment;
                println!(
                    "  {}  {:<8} {:<18} {:<8} {} ({})",
                    a.id,
                    l.org_code,
                    a.status,
                    a.priority.map_or("", |p| p.label()),
                    a.technology,
                    a.kind.label()
                );
            }
            Ok(())
        }
    }
}
