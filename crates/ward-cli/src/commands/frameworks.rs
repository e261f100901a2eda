//! `ward frameworks import|list|crosswalk`: assurance frameworks as versioned data.
//!
//! Import exit codes: 0 stored (or already held, unchanged), 3 when the file cannot be read or its
//! structure is broken (every problem is listed with its YAML path and nothing is stored).

use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;
use ward_engine::assurance::crosswalk;

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum FrameworksCommand {
    /// Load a framework file: WebCAF (`webcaf-caf-4.0.yaml`) or a CISO Assistant library
    /// (`ncsc-caf-4.0.yaml`, `cyber_essentials.yaml`), told apart by content. The same file twice
    /// changes nothing.
    Import {
        file: PathBuf,
        /// The version, where neither the file nor its name says it.
        #[arg(long = "framework-version")]
        version: Option<String>,
    },
    /// The loaded framework versions.
    List,
    /// How the outcomes of one loaded version map onto another's (same, renamed, moved, new,
    /// removed), e.g. `ward frameworks crosswalk ncsc-caf 3.2 4.0`.
    Crosswalk {
        framework: String,
        from: String,
        to: String,
    },
}

pub(crate) async fn run(settings: &Settings, json_out: bool, cmd: FrameworksCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let op = operator(&app).await?;
    match cmd {
        FrameworksCommand::Import { file, version } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", file.display())))?;
            let name = file.display().to_string();
            let got = app
                .import_framework(&op, &name, bytes, version)
                .await
                .map_err(app_err)?;
            if json_out {
                println!("{}", serde_json::to_value(&got)?);
            } else {
                for w in &got.warnings {
                    eprintln!("warning: {}: {}", w.path, w.message);
                }
                println!(
                    "{} {} ({}): {} outcomes, {} indicators; {}",
                    got.framework,
                    got.version,
                    got.name,
                    got.outcomes,
                    got.indicators,
                    match got.result {
                        ward_store::assurance::FrameworkPut::Created => "stored",
                        ward_store::assurance::FrameworkPut::Replaced => "stored, replacing other content",
                        ward_store::assurance::FrameworkPut::Unchanged => "already held, nothing changed",
                    }
                );
            }
        }
        FrameworksCommand::List => {
            let list = app.frameworks(&op).await.map_err(app_err)?;
            if json_out {
                println!("{}", json!({ "frameworks": list }));
            } else if list.is_empty() {
                println!("no frameworks loaded (ward frameworks import FILE)");
            } else {
                for f in &list {
                    println!(
                        "{:<28} {:<6} {:>3} outcomes {:>4} indicators  {} ({})",
                        f.id, f.version, f.outcomes, f.indicators, f.name, f.format
                    );
                }
            }
        }
        FrameworksCommand::Crosswalk { framework, from, to } => {
            let old = app.framework(&op, &framework, &from).await.map_err(app_err)?;
            let new = app.framework(&op, &framework, &to).await.map_err(app_err)?;
            let rows = crosswalk(&old, &new);
            if json_out {
                println!(
                    "{}",
                    json!({ "framework": framework, "from": from, "to": to, "outcomes": rows })
                );
            } else {
                for r in &rows {
                    println!(
                        "{:<8} {:<8} {}",
                        r.from.as_deref().unwrap_or("-"),
                        r.to.as_deref().unwrap_or("-"),
                        r.change
                    );
                }
            }
        }
    }
    Ok(())
}
