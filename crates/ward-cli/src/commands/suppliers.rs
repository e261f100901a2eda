//! `ward suppliers list [--json]`: the critical supplier register as the national team sees it,
//! most critical first, for scripts (`--json`) and people.

use clap::Subcommand;
use serde_json::json;

use super::{app_err, open, operator};
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum SuppliersCommand {
    /// Every supplier: criticality, products, organisations and services depending on it,
    /// DSPT status and current certificates.
    List,
}

pub(crate) async fn run(settings: &Settings, json_out: bool, c: SuppliersCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match c {
        SuppliersCommand::List => {
            let started = std::time::Instant::now();
            let page = app.supplier_register(&op).await.map_err(app_err)?;
            if json_out {
                println!(
                    "{}",
                    json!({
                        "suppliers": page.view.suppliers,
                        "concentration": page.view.concentration,
                        "assurance": page.assurance,
                        "certificates": page.certificates,
                    })
                );
                return Ok(());
            }
            println!(
                "{} supplier(s), most critical first ({} ms)",
                page.view.suppliers.len(),
                started.elapsed().as_millis()
            );
            for s in &page.view.suppliers {
                let dspt = page
                    .assurance
                    .iter()
                    .find(|a| a.supplier == s.supplier)
                    .map_or("DSPT not recorded", |a| a.dspt_status.label());
                println!(
                    "  {:<8} {:<8} {:>6} orgs {:>7} services {:>6} patient-critical  {} ({dspt})",
                    s.code,
                    s.criticality.label(),
                    s.organisations,
                    s.services,
                    s.patient_critical_services,
                    s.name
                );
            }
            Ok(())
        }
    }
}
