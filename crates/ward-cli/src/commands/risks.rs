//! `ward risks list|rollup`: an organisation's risk register and the roll-up of risk grades into
//! ICBs, regions and the nation, for scripts (`--json`) and people.

use clap::Subcommand;
use serde_json::json;
use ward_app::risks::{GradeRow, RiskQuery};
use ward_core::org::OdsCode;
use ward_store::Scope;

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum RisksCommand {
    /// An organisation's risks (and those beneath it), highest current score first.
    List {
        /// The organisation's ODS code.
        #[arg(long)]
        org: String,
        /// Only risks whose review is overdue.
        #[arg(long)]
        overdue: bool,
    },
    /// Risks by current grade per organisation, ICB, region and nation.
    Rollup,
}

pub(crate) async fn run(settings: &Settings, json_out: bool, c: RisksCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match c {
        RisksCommand::List { org, overdue } => {
            let code = OdsCode::parse(&org).map_err(|e| CliError::Rejected(format!("--org: {e}")))?;
            let found = app
                .store()
                .get_org_by_code(&Scope::All, &code)
                .await
                .map_err(|_| CliError::Rejected(format!("--org: no organisation {org}")))?;
            let q = RiskQuery {
                org: Some(found.id),
                overdue,
                ..RiskQuery::default()
            };
            let risks = app.risks(&op, &q).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!({ "org": org, "risks": risks }));
                return Ok(());
            }
            println!("{} risk(s) of {} ({org})", risks.len(), found.name);
            for r in &risks {
                println!(
                    "  {:<8} {:>2} {:<8} {:<8} review {}{} {}",
                    r.org_code,
                    r.current_score,
                    r.grade.label(),
                    r.risk.details.treatment,
                    r.risk.details.review_date,
                    if r.overdue { " OVERDUE" } else { "" },
                    r.risk.details.title
                );
            }
            Ok(())
        }
        RisksCommand::Rollup => {
            let r = app.risk_rollup(&op).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!(r));
                return Ok(());
            }
            let header = r
                .totals
                .keys()
                .map(|g| format!("{:>9}", g.label()))
                .collect::<String>();
            println!("{:<10} {:<40}{header}", "code", "name");
            let line = |row: &GradeRow| {
                let cells: String = row.counts.values().map(|n| format!("{n:>9}")).collect();
                println!(
                    "{:<10} {:<40}{cells}",
                    row.code,
                    row.name.chars().take(40).collect::<String>()
                );
            };
            for (title, rows) in [
                ("Nation", &r.nation),
                ("Regions", &r.regions),
                ("ICBs", &r.icbs),
                ("Organisations", &r.organisations),
            ] {
                println!("{title}");
                rows.iter().for_each(line);
            }
            Ok(())
        }
    }
}
