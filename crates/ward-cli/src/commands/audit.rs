//! `ward audit verify`

use super::open;
use crate::CliError;
use crate::settings::Settings;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the whole hash chain; names the first broken record. Exit code 4 when broken.
    Verify,
}

pub async fn run(settings: &Settings, json: bool, cmd: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify = cmd;
    let app = open(settings).await?;
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_message("verifying audit chain");
    let report =
        ward_app::audit::verify_chain(app.store(), |n| pb.set_message(format!("{n} records checked")))
            .await
            .map_err(super::app_err)?;
    pb.finish_and_clear();
    if json {
        println!("{}", serde_json::json!(report));
    }
    match report.first_break {
        None => {
            if !json {
                println!("audit chain intact: {} records checked", report.checked);
            }
            Ok(())
        }
        Some(b) => Err(CliError::AuditBroken(format!(
            "audit chain broken after {} good records: {b}",
            report.checked
        ))
        .into()),
    }
}
