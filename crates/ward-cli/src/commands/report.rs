//! `ward report board-pack --org CODE --out FILE.pdf`: one organisation's board pack as a PDF,
//! made by this binary (no other program), as the national team on the local database.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum ReportCommand {
    /// The board pack of one organisation as an A4 PDF: standing against the minimum standard,
    /// outcomes below target, claims the facts disagree with, top risks with the heat map,
    /// exposures and alert response, training, board accountability, the improvement plan.
    BoardPack {
        /// The organisation's ODS code (or identifier).
        #[arg(long)]
        org: String,
        /// Where to write the PDF.
        #[arg(long)]
        out: PathBuf,
    },
    /// The assurance roll-up: organisations by standing against the minimum standard per child
    /// area of an ICB, a region or the nation, and in total (with `--json`, every outcome too).
    AssuranceRollup {
        /// The scope organisation's ODS code (default: the national body).
        #[arg(long)]
        org: Option<String>,
        /// The framework (default: ncsc-caf).
        #[arg(long)]
        framework: Option<String>,
        /// Its version (default: 4.0).
        #[arg(long)]
        version: Option<String>,
    },
}

/// Refuse at once a path whose folder does not exist or that names a folder.
fn check_out(out: &Path) -> Result<(), CliError> {
    if out.is_dir() {
        return Err(CliError::Rejected(format!(
            "--out: {} is a folder; name a file such as board-pack.pdf",
            out.display()
        )));
    }
    let folder = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !folder.is_dir() {
        return Err(CliError::Rejected(format!(
            "--out: cannot write {}: the folder {} does not exist",
            out.display(),
            folder.display()
        )));
    }
    Ok(())
}

pub(crate) async fn run(settings: &Settings, json_out: bool, c: ReportCommand) -> anyhow::Result<()> {
    match c {
        ReportCommand::BoardPack { org, out } => {
            check_out(&out)?;
            let app = open(settings).await?;
            let op = operator(&app).await?;
            let pack = app.board_pack_of(&op, &org).await.map_err(|e| match e {
                ward_app::AppError::NotFound(_) => CliError::Rejected(format!(
                    "--org: no organisation has the code or identifier '{org}'"
                ))
                .into(),
                other => app_err(other),
            })?;
            let bytes = ward_server::board_pack::pdf_bytes(&pack);
            std::fs::write(&out, &bytes)
                .map_err(|e| CliError::Rejected(format!("cannot write {}: {e}", out.display())))?;
            if json_out {
                println!(
                    "{}",
                    json!({"org": pack.org.code, "name": pack.org.name, "file": out, "bytes": bytes.len()})
                );
            } else {
                println!(
                    "Board pack for {} ({}) written to {} ({} bytes)",
                    pack.org.name,
                    pack.org.code,
                    out.display(),
                    bytes.len()
                );
            }
            Ok(())
        }
        ReportCommand::AssuranceRollup {
            org,
            framework,
            version,
        } => {
            let app = open(settings).await?;
            let op = operator(&app).await?;
            let q = ward_app::assurance::rollup::RollupQuery {
                org: org.clone(),
                framework,
                version,
            };
            let r = app.assurance_rollup(&op, &q).await.map_err(|e| match e {
                ward_app::AppError::NotFound(_) => CliError::Rejected(format!(
                    "--org: no organisation has the code '{}'",
                    org.as_deref().unwrap_or_default()
                ))
                .into(),
                other => app_err(other),
            })?;
            if json_out {
                println!("{}", json!(r));
            } else {
                print!("{}", rollup_table(&r));
            }
            Ok(())
        }
    }
}

/// The standing columns as a plain-text table, one line per area and the total.
fn rollup_table(r: &ward_app::assurance::rollup::AssuranceRollup) -> String {
    use std::fmt::Write as _;
    let mut out = format!(
        "Assurance roll-up of {} ({}), {} {}, as of {}\n",
        r.total.name, r.total.code, r.framework, r.version, r.as_of
    );
    let _ = write!(out, "{:<10} {:<32} {:>7}", "code", "area", "orgs");
    for s in r.total.standing.by_standing.keys() {
        let _ = write!(out, " {:>18}", <&str>::from(*s));
    }
    let _ = writeln!(out, " {:>10} {:>13}", "no-profile", "no-assessment");
    for a in r.areas.iter().chain(std::iter::once(&r.total)) {
        let name: String = a.name.chars().take(32).collect();
        let st = &a.standing;
        let _ = write!(out, "{:<10} {:<32} {:>7}", a.code, name, st.organisations);
        for n in st.by_standing.values() {
            let _ = write!(out, " {n:>18}");
        }
        let _ = writeln!(out, " {:>10} {:>13}", st.no_profile, st.no_current_assessment);
    }
    out
}
