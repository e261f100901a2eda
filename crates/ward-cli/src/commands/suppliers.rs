//! `ward suppliers list [--json]`: the critical supplier register as the national team sees it,
//! most critical first, for scripts (`--json`) and people. `ward suppliers advisory
//! publish|list|release|revise`: a supplier's advisory from a pipeline (CSAF 2.0 or CycloneDX VEX), on
//! the local database as Ward's operator, under the same rules as the web (the supplier speaks
//! only for its confirmed products; a document that does not validate is refused, exit code 3).

use clap::Subcommand;
use serde_json::json;

use super::{app_err, open, operator};
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum SuppliersCommand {
    /// Every supplier: criticality, products, organisations and services depending on it,
    /// DSPT status and current certificates.
    List,
    /// Suppliers' advisories about their own products.
    #[command(subcommand)]
    Advisory(AdvisoryCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum AdvisoryCommand {
    /// Publish a CSAF 2.0 document or CycloneDX VEX (JSON) for a supplier: its products are
    /// matched against the sector's assets and an alert goes to the organisations exposed.
    Publish {
        /// The supplier's ODS code (or identifier).
        #[arg(long)]
        supplier: String,
        /// The document.
        file: std::path::PathBuf,
        /// critical, high, medium or low; by default from the document's highest CVSS score.
        #[arg(long)]
        severity: Option<ward_core::alert::Severity>,
        /// Hold it back (the national team alone sees it) until this day (YYYY-MM-DD).
        #[arg(long)]
        embargo_until: Option<jiff::civil::Date>,
        /// The title, when the document has none (CycloneDX).
        #[arg(long)]
        title: Option<String>,
        /// What customers must do, when the document's remediations do not say.
        #[arg(long)]
        action: Option<String>,
    },
    /// Every supplier advisory with its progress.
    List,
    /// Release an embargoed advisory now.
    Release {
        /// The advisory's id.
        id: String,
    },
    /// Publish a new revision of an advisory: a CSAF 2.0 document with the same tracking id and
    /// a later version, or a CycloneDX VEX (JSON or XML) with a later version.
    Revise {
        /// The advisory's id.
        id: String,
        /// The revised document.
        file: std::path::PathBuf,
        /// critical, high, medium or low; by default from the document's highest CVSS score.
        #[arg(long)]
        severity: Option<ward_core::alert::Severity>,
        /// The title, when the document has none (CycloneDX).
        #[arg(long)]
        title: Option<String>,
        /// What customers must do, when the document's remediations do not say.
        #[arg(long)]
        action: Option<String>,
    },
}

pub(crate) async fn run(settings: &Settings, json_out: bool, c: SuppliersCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match c {
        SuppliersCommand::Advisory(a) => advisory(&app, &op, json_out, a).await,
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

async fn advisory(
    app: &ward_app::App,
    op: &ward_app::Actor,
    json_out: bool,
    c: AdvisoryCommand,
) -> anyhow::Result<()> {
    use ward_app::supplier_advisories::{Submission, UploadOptions};
    let print = |p: &ward_app::supplier_advisories::Published| {
        if json_out {
            println!("{}", json!(p));
            return;
        }
        match &p.alert {
            Some(a) => println!(
                "advisory {} released: alert {} to {} organisation(s), {} asset(s)",
                p.advisory, a.alert, a.organisations, a.assets
            ),
            None => println!(
                "advisory {} kept under embargo until {}",
                p.advisory,
                p.embargo_until.map(|d| d.to_string()).unwrap_or_default()
            ),
        }
    };
    match c {
        AdvisoryCommand::Publish {
            supplier,
            file,
            severity,
            embargo_until,
            title,
            action,
        } => {
            let bytes = tokio::fs::read(&file)
                .await
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let submission = Submission::Document {
                file: file.display().to_string(),
                bytes,
                options: UploadOptions {
                    severity,
                    embargo_until,
                    title,
                    required_action: action,
                },
            };
            let published = app
                .publish_supplier_advisory(op, &supplier, submission)
                .await
                .map_err(app_err)?;
            print(&published);
            Ok(())
        }
        AdvisoryCommand::Release { id } => {
            let published = app.release_supplier_advisory(op, &id).await.map_err(app_err)?;
            print(&published);
            Ok(())
        }
        AdvisoryCommand::Revise {
            id,
            file,
            severity,
            title,
            action,
        } => {
            let bytes = tokio::fs::read(&file)
                .await
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let submission = Submission::Document {
                file: file.display().to_string(),
                bytes,
                options: UploadOptions {
                    severity,
                    embargo_until: None,
                    title,
                    required_action: action,
                },
            };
            let revised = app
                .revise_supplier_advisory(op, &id, submission)
                .await
                .map_err(app_err)?;
            if json_out {
                println!("{}", json!(revised));
            } else {
                println!(
                    "advisory {} revision {} (version {}); {} organisation(s) told what changed:",
                    revised.advisory, revised.revision, revised.version, revised.told
                );
                for c in &revised.changes {
                    println!("  - {c}");
                }
            }
            Ok(())
        }
        AdvisoryCommand::List => {
            let list = app.supplier_advisories(op).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!(list));
                return Ok(());
            }
            println!("{} supplier advisory(ies), newest first", list.len());
            for a in &list {
                let p = a.progress;
                println!(
                    "  {:<28} {:<8} {:<14} {:>4} targeted {:>4} acknowledged {:>4} remediated {:>4} overdue  {}",
                    a.advisory.id,
                    a.supplier.code,
                    a.state.label(),
                    p.targeted,
                    p.acknowledged,
                    p.remediated,
                    p.overdue,
                    a.advisory.title
                );
            }
            Ok(())
        }
    }
}
