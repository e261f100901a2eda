//! `ward incidents list|report|metrics` (metrics in `recovery_metrics.rs`): the sector's incidents with their reporting clocks, and recording
//! an incident in the name of the account that reported it, for scripts (`--json`) and people.
//! Times are London time unless they carry an offset (`2026-06-03T09:15` or
//! `2026-06-03T09:15+01:00`).

use clap::Subcommand;
use serde_json::json;
use ward_app::incidents::{IncidentQuery, NewIncident};
use ward_core::alert::Severity;
use ward_core::incident::{IncidentDetails, IncidentStatus, NcscCategory};
use ward_core::local_time::{parse_typed, show};
use ward_core::org::OdsCode;
use ward_core::risk::Consequence;
use ward_core::tlp::Tlp;
use ward_store::Scope;

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum IncidentsCommand {
    /// Incidents, latest detection first, with their reporting clocks now.
    List {
        /// Only this organisation (ODS code) and those beneath it.
        #[arg(long)]
        org: Option<String>,
        /// Only incidents with this status: open, contained, recovered, closed.
        #[arg(long)]
        status: Option<IncidentStatus>,
    },
    /// Record an incident for an organisation, reported by an account.
    Report(Box<ReportArgs>),
    /// Time to detect, contain and recover, grouped, from incidents and exercises.
    Metrics(super::recovery_metrics::MetricsArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReportArgs {
    /// The organisation's ODS code.
    #[arg(long)]
    org: String,
    /// The email of the account that reported it.
    #[arg(long)]
    reporter: String,
    #[arg(long)]
    title: String,
    /// NCSC category, 1 (national cyber emergency) to 6 (localised).
    #[arg(long)]
    category: u8,
    /// critical, high, medium or low.
    #[arg(long)]
    severity: Severity,
    /// When it was detected (London time unless an offset is given).
    #[arg(long)]
    detected_at: String,
    /// CLEAR, GREEN, AMBER, AMBER+STRICT or RED.
    #[arg(long, default_value = "AMBER")]
    tlp: String,
    /// Patient harm on the NPSA consequence scale, 1 (negligible) to 5 (catastrophic).
    #[arg(long, default_value_t = 1)]
    patient_harm: u8,
    #[arg(long, default_value = "")]
    impact: String,
    /// When the initial report was made, if it was.
    #[arg(long)]
    reported_at: Option<String>,
    /// The NIS 72-hour clock does not apply.
    #[arg(long)]
    no_nis: bool,
    /// The ICO 72-hour clock does not apply.
    #[arg(long)]
    no_ico: bool,
}

fn rejected(field: &str, e: impl std::fmt::Display) -> anyhow::Error {
    CliError::Rejected(format!("--{}: {e}", field.replace('_', "-"))).into()
}

fn details(a: &ReportArgs) -> anyhow::Result<IncidentDetails> {
    let time = |field: &str, v: &str| parse_typed(field, v).map_err(|e| rejected(field, e.message));
    let detected_at =
        time("detected_at", &a.detected_at)?.ok_or_else(|| rejected("detected_at", "is empty"))?;
    let reported_at = match &a.reported_at {
        Some(v) => time("reported_at", v)?,
        None => None,
    };
    Ok(IncidentDetails {
        title: a.title.clone(),
        category: NcscCategory::from_number(a.category).map_err(|e| rejected("category", e.message))?,
        severity: a.severity,
        tlp: a.tlp.parse::<Tlp>().map_err(|e| rejected("tlp", e.message))?,
        status: IncidentStatus::Open,
        impact: a.impact.clone(),
        resolution: String::new(),
        patient_harm: Consequence::new(a.patient_harm).map_err(|e| rejected("patient_harm", e.message))?,
        services: vec![],
        assets: vec![],
        suppliers: vec![],
        occurred_at: None,
        detected_at,
        reported_at,
        nis_applies: !a.no_nis,
        ico_applies: !a.no_ico,
        nis_reported_at: None,
        ico_reported_at: None,
        contained_at: None,
        recovered_at: None,
    })
}

async fn org_by_code(app: &ward_app::App, org: &str) -> anyhow::Result<ward_core::OrgId> {
    let code = OdsCode::parse(org).map_err(|e| rejected("org", e))?;
    Ok(app
        .store()
        .get_org_by_code(&Scope::All, &code)
        .await
        .map_err(|_| rejected("org", format!("no organisation {org}")))?
        .id)
}

pub(crate) async fn run(settings: &Settings, json_out: bool, c: IncidentsCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match c {
        IncidentsCommand::List { org, status } => {
            let org = match org {
                Some(o) => Some(org_by_code(&app, &o).await?),
                None => None,
            };
            let found = app
                .incidents(&op, &IncidentQuery { org, status })
                .await
                .map_err(app_err)?;
            if json_out {
                println!("{}", json!({ "incidents": found }));
                return Ok(());
            }
            println!("{} incident(s)", found.len());
            for v in &found {
                let d = &v.incident.details;
                println!(
                    "  {} {:<8} cat {} {:<9} {:<9} detected {}{} {}",
                    v.incident.id,
                    v.org_code,
                    v.category_number,
                    d.severity.label(),
                    d.status.label(),
                    show(d.detected_at),
                    if v.overdue { " REPORT OVERDUE" } else { "" },
                    d.title
                );
            }
            Ok(())
        }
        IncidentsCommand::Metrics(a) => {
            let org = match &a.org {
                Some(o) => Some(org_by_code(&app, o).await?),
                None => None,
            };
            super::recovery_metrics::run(&app, &op, json_out, a, org).await
        }
        IncidentsCommand::Report(a) => {
            let org = org_by_code(&app, &a.org).await?;
            let reporter = app.find_user(&a.reporter).await.map_err(app_err)?;
            let details = details(&a)?;
            let v = app
                .report_incident_for(&op, reporter.id, NewIncident { org, details })
                .await
                .map_err(app_err)?;
            crate::output::done(
                json_out,
                &format!(
                    "Recorded incident {} for {} ({}){}",
                    v.incident.id,
                    v.org_name,
                    v.org_code,
                    if v.overdue { "; a report is overdue" } else { "" }
                ),
                json!(v),
            );
            Ok(())
        }
    }
}
