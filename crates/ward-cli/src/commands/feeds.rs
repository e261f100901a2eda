//! `ward feeds import`, `ward feeds sync` and `ward feeds status`.
//!
//! Imports store every record they can read and report the rest: exit 0 when everything was
//! stored, 3 when some files or records were rejected (the good ones are stored all the same).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use ward_app::feeds::{FeedImportSummary, FeedSource, KindCounts, SyncOptions, SyncOutcome, SyncReport};

use super::{app_err, open, operator};
use crate::CliError;
use crate::settings::Settings;

#[derive(Debug, Subcommand)]
pub(crate) enum FeedsCommand {
    /// Import feed files: OSV (JSON, YAML), CVE JSON 5, NVD 2.0, KEV, EPSS CSV (plain or .gz), CSAF,
    /// CycloneDX VEX and endoflife.date files; folders are read recursively, .zip archives entry by
    /// entry, .gz files decompressed. Exit 0 when every record was stored, 3 when some were rejected
    /// (everything else is still stored).
    Import {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Download the configured sources (`feeds` in the settings) when they changed, and import them.
    Sync {
        /// Only these sources (by name); repeatable.
        #[arg(long = "source")]
        sources: Vec<String>,
        /// Queue a background `feeds.sync` job that repeats every this many minutes (run by `ward
        /// serve`), instead of syncing now.
        #[arg(long)]
        every_minutes: Option<u32>,
    },
    /// The configured sources and what the last sync of each recorded.
    Status,
}

pub(crate) async fn run(settings: &Settings, json: bool, cmd: FeedsCommand) -> anyhow::Result<()> {
    match cmd {
        FeedsCommand::Import { paths } => import(settings, json, &paths).await,
        FeedsCommand::Sync {
            sources,
            every_minutes,
        } => sync(settings, json, &sources, every_minutes).await,
        FeedsCommand::Status => status(settings, json).await,
    }
}

/// File names read from folders; explicitly named files are read whatever their name.
const FEED_SUFFIXES: &[&str] = &[".json", ".yaml", ".yml", ".md", ".csv", ".gz", ".zip", ".xml"];

/// The files to import: named files as given, folders walked recursively (hidden entries skipped),
/// each folder's files in name order. Paths that do not exist are returned as problems.
fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<(PathBuf, String)>) {
    let mut files = Vec::new();
    let mut missing = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            let mut todo = vec![path.clone()];
            while let Some(dir) = todo.pop() {
                let entries = match std::fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) => {
                        missing.push((dir, format!("cannot read the folder: {e}")));
                        continue;
                    }
                };
                for entry in entries.flatten() {
                    let p = entry.path();
                    let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
                    if name.starts_with('.') {
                        continue;
                    }
                    if p.is_dir() {
                        todo.push(p);
                    } else if FEED_SUFFIXES.iter().any(|s| name.ends_with(s)) {
                        found.push(p);
                    }
                }
            }
            found.sort();
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            missing.push((path.clone(), "no such file or folder".to_owned()));
        }
    }
    (files, missing)
}

fn bar(len: u64, json: bool) -> ProgressBar {
    if json {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    pb
}

fn is_zip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

async fn import(settings: &Settings, json: bool, paths: &[PathBuf]) -> anyhow::Result<()> {
    let (files, missing) = collect(paths);
    let app = open(settings).await?;
    let actor = operator(&app).await?;
    let pb = bar(files.len() as u64, json);
    let mut import = app.feed_import(&actor).map_err(app_err)?;
    let ticker = pb.clone();
    import.on_progress(move |p| {
        let entry = p
            .entry
            .map(|(i, n)| format!(" entry {i}/{n}"))
            .unwrap_or_default();
        ticker.set_message(format!("{}{entry}, {} records", p.current, p.records));
    });
    for (path, reason) in &missing {
        import.reject_file(&path.display().to_string(), reason.clone());
    }
    for path in &files {
        let label = path.display().to_string();
        if is_zip(path) {
            match std::fs::File::open(path) {
                Ok(f) => import
                    .add_zip(&label, std::io::BufReader::new(f))
                    .await
                    .map_err(app_err)?,
                Err(e) => import.reject_file(&label, format!("cannot read: {e}")),
            }
        } else {
            match tokio::fs::read(path).await {
                Ok(bytes) => import.add_bytes(&label, &bytes).await.map_err(app_err)?,
                Err(e) => import.reject_file(&label, format!("cannot read: {e}")),
            }
        }
        pb.inc(1);
    }
    let summary = import.finish().await.map_err(app_err)?;
    pb.finish_and_clear();
    if json {
        println!("{}", serde_json::json!(summary));
    } else {
        print!("{}", summary_table(&summary));
    }
    print_problems(&summary);
    if summary.is_clean() {
        Ok(())
    } else {
        Err(CliError::Rejected(format!(
            "{} record(s) and {} file(s) rejected (listed above); everything else was stored",
            summary.rejected, summary.files_rejected
        ))
        .into())
    }
}

/// The problems of an import on stderr, one per line, naming file and place.
fn print_problems(s: &FeedImportSummary) {
    for p in &s.problems {
        eprintln!("  rejected: {p}");
    }
    if s.problems_total > s.problems.len() as u64 {
        eprintln!("  ... and {} more", s.problems_total - s.problems.len() as u64);
    }
    if s.flags_total > 0 {
        eprintln!(
            "  {} record(s) kept with warnings (see --json for the first ones)",
            s.flags_total
        );
    }
}

/// The summary as a table: one row per kind of record, then the totals.
pub(crate) fn summary_table(s: &FeedImportSummary) -> String {
    let mut out = format!(
        "{:<12} {:>9} {:>9} {:>9} {:>20} {:>7} {:>8} {:>9}\n",
        "kind", "records", "imported", "updated", "skipped (unchanged)", "stale", "removed", "rejected"
    );
    let row = |name: &str, c: &KindCounts| {
        format!(
            "{name:<12} {:>9} {:>9} {:>9} {:>20} {:>7} {:>8} {:>9}\n",
            c.records, c.inserted, c.updated, c.unchanged, c.stale, c.removed, c.rejected
        )
    };
    for (kind, c) in &s.by_kind {
        out.push_str(&row(kind, c));
    }
    let total = KindCounts {
        records: s.records,
        inserted: s.inserted,
        updated: s.updated,
        unchanged: s.unchanged,
        stale: s.stale,
        removed: s.removed,
        rejected: s.rejected,
    };
    out.push_str(&row("total", &total));
    out.push_str(&format!(
        "files: {} read, {} rejected; {} withdrawn advisories; {} warnings\n",
        s.files, s.files_rejected, s.withdrawn, s.flags_total
    ));
    out
}

fn chosen(settings: &Settings, names: &[String]) -> anyhow::Result<Vec<FeedSource>> {
    if names.is_empty() {
        return Ok(settings.feeds.clone());
    }
    let mut out = Vec::new();
    for name in names {
        match settings.feeds.iter().find(|s| &s.name == name) {
            Some(s) => out.push(s.clone()),
            None => {
                let known: Vec<&str> = settings.feeds.iter().map(|s| s.name.as_str()).collect();
                return Err(CliError::Rejected(format!(
                    "no feed source named '{name}' (configured: {})",
                    known.join(", ")
                ))
                .into());
            }
        }
    }
    Ok(out)
}

async fn sync(settings: &Settings, json: bool, names: &[String], every: Option<u32>) -> anyhow::Result<()> {
    let sources = chosen(settings, names)?;
    let app = open(settings).await?;
    if let Some(minutes) = every {
        let cache = std::path::absolute(&settings.feeds_cache_dir)?;
        let payload = serde_json::json!({"sources": sources, "cache_dir": cache, "every_minutes": minutes});
        let id = app
            .enqueue_job(
                ward_core::job::JobKind::FeedsSync,
                payload,
                None,
                3,
                Some("feeds.sync@schedule"),
            )
            .await
            .map_err(app_err)?;
        crate::output::done(
            json,
            &format!("feeds.sync queued (job {id}); `ward serve` runs it every {minutes} minutes"),
            serde_json::json!({"job": id.to_string(), "every_minutes": minutes}),
        );
        return Ok(());
    }
    let actor = operator(&app).await?;
    let pb = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    pb.set_message(format!("syncing {} feed source(s)", sources.len()));
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    let opts = SyncOptions::with_cache(&settings.feeds_cache_dir);
    let report = app.sync_feeds(&actor, &sources, &opts).await.map_err(app_err)?;
    pb.finish_and_clear();
    if json {
        println!("{}", serde_json::json!(report));
    } else {
        print!("{}", sync_table(&report));
    }
    for s in &report.sources {
        if let Some(i) = &s.import {
            print_problems(i);
        }
    }
    let failed = report
        .sources
        .iter()
        .filter(|s| s.outcome == SyncOutcome::Failed)
        .count();
    if failed > 0 {
        anyhow::bail!("{failed} feed source(s) failed (see the table); the others were synced");
    }
    if !report.is_clean() {
        return Err(
            CliError::Rejected("some records were rejected; everything else was stored".into()).into(),
        );
    }
    Ok(())
}

fn sync_table(r: &SyncReport) -> String {
    let mut out = format!(
        "{:<16} {:<13} {:>12} {:>9} {:>9} {:>9} {:>9} {:>9}  error\n",
        "source", "outcome", "bytes", "records", "imported", "updated", "unchanged", "rejected"
    );
    for s in &r.sources {
        let outcome = match s.outcome {
            SyncOutcome::Downloaded => "downloaded",
            SyncOutcome::NotModified => "not modified",
            SyncOutcome::Failed => "FAILED",
        };
        let i = s.import.clone().unwrap_or_default();
        out.push_str(&format!(
            "{:<16} {:<13} {:>12} {:>9} {:>9} {:>9} {:>9} {:>9}  {}\n",
            s.name,
            outcome,
            s.bytes,
            i.records,
            i.inserted,
            i.updated,
            i.unchanged,
            i.rejected,
            s.error.as_deref().unwrap_or("")
        ));
    }
    out
}

async fn status(settings: &Settings, json: bool) -> anyhow::Result<()> {
    let app = open(settings).await?;
    let mut rows = Vec::new();
    for source in &settings.feeds {
        let state = app.store().get_feed_source(&source.url).await?;
        rows.push(serde_json::json!({"source": source, "state": state}));
        if !json {
            let last = state
                .as_ref()
                .and_then(|s| s.last_success)
                .map_or("never".to_owned(), |t| t.to_string());
            let error = state
                .as_ref()
                .and_then(|s| s.last_error.clone())
                .unwrap_or_default();
            println!(
                "{:<16} {:<8} last success {last:<28} {error}",
                source.name,
                kind(source)
            );
        }
    }
    if json {
        println!("{}", serde_json::Value::Array(rows));
    }
    Ok(())
}

fn kind(s: &FeedSource) -> String {
    serde_json::to_value(s.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
