//! `ward alerts issue|list|figures`: cyber alerts, as the national team, on the local database.
//!
//! `issue` sends an alert to every organisation Ward sees exposed to its advisories; an advisory
//! Ward does not know is refused (exit code 3) with the id named.

use clap::Subcommand;
use serde_json::json;
use ward_app::alerts::NewAlert;
use ward_core::alert::Severity;
use ward_core::tlp::Tlp;

use super::{app_err, open, operator};
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum AlertsCommand {
    /// Issue an alert to the organisations exposed to its advisories (audited).
    Issue {
        /// An advisory id or alias Ward knows (repeat for several).
        #[arg(long = "advisory", required = true)]
        advisories: Vec<String>,
        /// critical, high, medium or low.
        #[arg(long)]
        severity: Severity,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        summary: String,
        /// What organisations must do (repeat for several).
        #[arg(long = "action")]
        actions: Vec<String>,
        /// A link for the detail (repeat for several).
        #[arg(long = "reference")]
        references: Vec<String>,
        /// TLP label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED); AMBER by default.
        #[arg(long)]
        tlp: Option<Tlp>,
    },
    /// Every alert with its figures: organisations targeted, acknowledged, overdue, closed.
    List,
    /// Response figures per organisation, ICB, region and nation: acknowledged within 48 hours,
    /// time to applicability, open remediations by age, overdue answers.
    Figures {
        /// Print CSV (the same columns as the web export) instead of a table.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
}

pub(crate) async fn run(settings: &Settings, json_out: bool, cmd: AlertsCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match cmd {
        AlertsCommand::Issue {
            advisories,
            severity,
            title,
            summary,
            actions,
            references,
            tlp,
        } => {
            let new = NewAlert {
                severity,
                title,
                summary,
                advisories,
                actions,
                references,
                tlp,
                add_kinds: Vec::new(),
                add_area: None,
                clocks: None,
            };
            let issued = app.issue_alert(&op, new).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!(issued));
            } else {
                println!(
                    "alert {} issued to {} organisation(s) ({} exposed), {} asset(s); acknowledge within {} h, \
                     first update within {} h, remediate within {} days",
                    issued.alert,
                    issued.organisations,
                    issued.exposed,
                    issued.assets,
                    issued.policy.acknowledge_hours,
                    issued.policy.first_update_hours,
                    issued.policy.remediate_days
                );
            }
        }
        AlertsCommand::List => {
            let alerts = app.alerts(&op).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!({ "alerts": alerts }));
            } else {
                for s in &alerts {
                    println!(
                        "{}  {:<8} {}  {} organisation(s), {} acknowledged, {} overdue, {} closed  {}",
                        s.alert.id,
                        s.alert.severity,
                        s.alert.issued_at,
                        s.organisations,
                        s.acknowledged,
                        s.overdue,
                        s.closed,
                        s.alert.title
                    );
                }
            }
        }
        AlertsCommand::Figures { csv } => {
            let rows = app.response_figures(&op).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!({ "figures": rows }));
            } else if csv {
                print!("{}", ward_app::alerts::figures_csv(&rows));
            } else {
                for r in &rows {
                    println!(
                        "{:<12} {:<8} {:<40} records {:>6}  acknowledged within 48 h {:>4}  median to applicability {:<12} open {:>5}  overdue {:>5}",
                        r.level.label(),
                        r.org.code,
                        r.org.name,
                        r.figures.records,
                        r.acknowledged_within_48h_percent
                            .map_or_else(|| "-".to_owned(), |p| format!("{p}%")),
                        r.median_applicability.as_deref().unwrap_or("-"),
                        r.figures.open,
                        r.figures.overdue_acknowledge
                            + r.figures.overdue_first_update
                            + r.figures.overdue_remediate
                    );
                }
            }
        }
    }
    Ok(())
}
