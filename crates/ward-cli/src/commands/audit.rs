//! `ward audit verify` and `ward audit checkpoint`

use super::open;
use crate::CliError;
use crate::keyfile::{append_checkpoint, checkpoint_path, read_checkpoints};
use crate::settings::Settings;
use clap::Subcommand;
use ward_app::App;
use ward_app::audit::VerifyReport;

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the whole keyed chain, that it ends at its signed head and passes every checkpoint;
    /// names the first break (exit code 4). When intact, appends a new checkpoint.
    Verify,
    /// The same, printing the checkpoint line it appends (to ship to a log outside this host).
    Checkpoint,
}

/// Verify the chain against the checkpoint file; when intact, append a checkpoint of its head.
/// Returns the report and the line appended (if any).
pub(crate) async fn verify_and_checkpoint(
    app: &App,
    settings: &Settings,
) -> anyhow::Result<(VerifyReport, Option<String>)> {
    let path = checkpoint_path(settings);
    let checkpoints = read_checkpoints(&path)?;
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_message("verifying audit chain");
    let report = ward_app::audit::verify_chain(app.store(), app.audit_keys(), &checkpoints, |n| {
        pb.set_message(format!("{n} records checked"))
    })
    .await
    .map_err(super::app_err)?;
    pb.finish_and_clear();
    let line = match (&report.first_break, &report.head) {
        (None, Some(head)) if checkpoints.last() != Some(head) => {
            Some(append_checkpoint(&path, head, app.now())?)
        }
        _ => None,
    };
    Ok((report, line))
}

pub(crate) async fn run(settings: &Settings, json: bool, cmd: AuditCommand) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let (report, line) = verify_and_checkpoint(&app, settings).await?;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "checked": report.checked,
                "first_break": report.first_break,
                "first_break_seq": report.first_break_seq,
                "checkpoints": report.checkpoints,
                "checkpoint": line,
            })
        );
    }
    match report.first_break {
        None => {
            if !json {
                println!(
                    "audit chain intact: {} records checked, ends at its signed head, {} checkpoint(s) passed",
                    report.checked, report.checkpoints
                );
                if let Some(l) = &line {
                    match cmd {
                        AuditCommand::Checkpoint => println!("{l}"),
                        AuditCommand::Verify => {
                            println!("checkpoint appended to {}", checkpoint_path(settings).display())
                        }
                    }
                }
            }
            if let Some(l) = &line {
                tracing::info!(checkpoint = %l, "audit checkpoint");
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
