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
    }
}
