//! `ward orgs import` and `ward assets import`.

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;
use clap::Subcommand;
use std::path::PathBuf;
use ward_app::imports::{ImportSummary, assets, orgs};

#[derive(Debug, Subcommand)]
pub(crate) enum OrgsCommand {
    /// Import organisations. Each file is all or nothing.
    Import {
        /// ods-trusts (ODS etr.csv), ods-gp (ODS epraccur.csv), csv or json (Ward's own).
        #[arg(long)]
        format: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum AssetsCommand {
    /// Import assets from CSV or JSON (all or nothing).
    Import {
        #[arg(long)]
        format: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn read(path: &PathBuf) -> anyhow::Result<(String, Vec<u8>)> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", path.display())))?;
    Ok((path.display().to_string(), bytes))
}

fn report(json: bool, s: &ImportSummary) {
    if json {
        println!("{}", serde_json::json!(s));
    } else {
        println!(
            "{}: {} records, {} new, {} updated, {} unchanged{}",
            s.file,
            s.records,
            s.inserted,
            s.updated,
            s.unchanged,
            if s.placeholders > 0 {
                format!(", {} parent placeholders", s.placeholders)
            } else {
                String::new()
            }
        );
    }
}

fn spinner(msg: String) -> indicatif::ProgressBar {
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_message(msg);
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

pub(crate) async fn run_orgs(settings: &Settings, json: bool, cmd: OrgsCommand) -> anyhow::Result<()> {
    let OrgsCommand::Import { format, files } = cmd;
    let format: orgs::OrgFormat = format.parse().map_err(app_err)?;
    let app = open(settings).await?;
    let actor = operator(&app).await?;
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    for path in &files {
        let (name, bytes) = read(path)?;
        let pb = spinner(format!("importing {name}"));
        let result = match orgs::parse(format, &name, &bytes) {
            Ok(records) => app.import_orgs(&actor, &name, &records, today).await,
            Err(e) => Err(e),
        };
        pb.finish_and_clear();
        report(json, &result.map_err(app_err)?);
    }
    Ok(())
}

pub(crate) async fn run_assets(settings: &Settings, json: bool, cmd: AssetsCommand) -> anyhow::Result<()> {
    let AssetsCommand::Import { format, files } = cmd;
    let format: assets::AssetFormat = format.parse().map_err(app_err)?;
    let app = open(settings).await?;
    let actor = operator(&app).await?;
    for path in &files {
        let (name, bytes) = read(path)?;
        let pb = spinner(format!("importing {name}"));
        let result = match assets::parse(format, &name, &bytes) {
            Ok(records) => app.import_assets(&actor, &name, &records).await,
            Err(e) => Err(e),
        };
        pb.finish_and_clear();
        report(json, &result.map_err(app_err)?);
    }
    Ok(())
}
