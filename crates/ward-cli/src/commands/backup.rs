//! `ward backup` and `ward restore`: a consistent, backend-neutral snapshot (JSON lines).

use super::open;
use crate::CliError;
use crate::settings::Settings;
use clap::Args;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the snapshot (refuses to overwrite).
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A snapshot written by `ward backup` (from either backend).
    pub input: PathBuf,
}

pub async fn backup(settings: &Settings, json: bool, a: BackupArgs) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&a.out)
        .map_err(|e| CliError::Rejected(format!("cannot create {}: {e}", a.out.display())))?;
    let mut w = BufWriter::new(file);
    let counts = app.store().backup(&mut w).await?;
    w.flush()?;
    let total: u64 = counts.tables.values().sum();
    crate::output::done(
        json,
        &format!(
            "wrote {} rows from {} tables to {}",
            total,
            counts.tables.len(),
            a.out.display()
        ),
        serde_json::json!({"file": a.out, "tables": counts.tables}),
    );
    Ok(())
}

pub async fn restore(settings: &Settings, json: bool, a: RestoreArgs) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let file = std::fs::File::open(&a.input)
        .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", a.input.display())))?;
    let mut r = BufReader::new(file);
    let counts = app
        .store()
        .restore(&mut r)
        .await
        .map_err(|e| CliError::Rejected(e.to_string()))?;
    let total: u64 = counts.tables.values().sum();
    let report = ward_app::audit::verify_chain(app.store(), |_| {})
        .await
        .map_err(super::app_err)?;
    if let Some(b) = report.first_break {
        return Err(CliError::AuditBroken(format!("restored, but the audit chain is broken: {b}")).into());
    }
    crate::output::done(
        json,
        &format!(
            "restored {total} rows; audit chain intact ({} records)",
            report.checked
        ),
        serde_json::json!({"tables": counts.tables, "audit_records": report.checked}),
    );
    Ok(())
}
