//! `ward backup` and `ward restore`: a consistent, backend-neutral snapshot (JSON lines).

use super::open;
use crate::CliError;
use crate::settings::Settings;
use clap::Args;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// Where to write the snapshot (refuses to overwrite).
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// A snapshot written by `ward backup` (from either backend).
    pub input: PathBuf,
}

pub(crate) async fn backup(settings: &Settings, json: bool, a: BackupArgs) -> anyhow::Result<()> {
    let app = open(settings).await?;
    // Owner-only: a backup holds every organisation's data and the password hashes.
    let file = crate::keyfile::create_private_file(&a.out)
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

pub(crate) async fn restore(settings: &Settings, json: bool, a: RestoreArgs) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let read = |p: &std::path::Path| {
        std::fs::File::open(p)
            .map(BufReader::new)
            .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", p.display())))
    };
    // First pass: the header's key and the MAC, so a forged or foreign file is refused with the
    // plainest message before a transaction opens. The restore checks the MAC again as it loads.
    let keys = crate::keyfile::load_key(settings, false).map(|k| ward_store::StoreKeys::new(&k))?;
    ward_store::backup::verify_mac(&mut read(&a.input)?, &keys)
        .map_err(|e| CliError::Rejected(format!("{}: {e}", a.input.display())))?;
    let meta = ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor::system("cli"),
        at: app.now(),
        request_id: None,
    };
    let counts = app
        .store()
        .restore(&mut read(&a.input)?, &meta)
        .await
        .map_err(|e| CliError::Rejected(format!("{}: {e}", a.input.display())))?;
    let total: u64 = counts.tables.values().sum();
    // Checkpoints of the database this one replaces name records the backup may not hold: set
    // them aside, then checkpoint the restored chain.
    let cp = crate::keyfile::checkpoint_path(settings);
    if cp.exists() {
        let aside = cp.with_extension(format!("before-restore-{}", app.now().as_second()));
        std::fs::rename(&cp, &aside)?;
        eprintln!("Earlier audit checkpoints moved to {}", aside.display());
    }
    let (report, _) = super::audit::verify_and_checkpoint(&app, settings).await?;
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
