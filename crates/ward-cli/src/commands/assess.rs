//! `ward assess`: derive each outcome's status from a framework file and an answers file, offline,
//! the WebCAF way (see `ward_engine::assurance`). For assessors and suppliers' pipelines: nothing is
//! stored and no database is opened. Exit codes: 0 done, 3 when a file cannot be read, is broken, or
//! the answers name indicators the framework lacks (every one is listed).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value, json};
use ward_core::assurance::Framework;
use ward_engine::assurance::assess;
use ward_feeds::{FeedError, Limits, parse_framework};

use crate::CliError;

/// `ward assess`
#[derive(Debug, Args)]
pub(crate) struct AssessArgs {
    /// The framework file (WebCAF or CISO Assistant YAML).
    #[arg(long)]
    pub framework: PathBuf,
    /// A JSON object mapping indicator identifiers (NCSC indices such as `A1.a.A.1`) to true or
    /// false (null or absent: not answered); the map may also stand under an `answers` key.
    #[arg(long)]
    pub answers: PathBuf,
    /// The framework's version, where neither the file nor its name says it.
    #[arg(long = "framework-version")]
    pub version: Option<String>,
}

/// Read a framework file, refusing it (exit 3) with every problem listed; warnings go to stderr.
pub(crate) fn read_framework(
    path: &Path,
    version: Option<&str>,
) -> anyhow::Result<(Framework, Vec<ward_feeds::Problem>)> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", path.display())))?;
    let file = path.display().to_string();
    match parse_framework(&file, &text, &Limits::default(), version) {
        Ok(doc) => Ok((doc.value, doc.problems)),
        Err(FeedError::Rejected { file, problems }) => {
            for p in &problems {
                eprintln!("  {}: {}", p.path, p.reason);
            }
            Err(CliError::Rejected(format!("{file}: {} problem(s); nothing was read", problems.len())).into())
        }
        Err(e) => Err(CliError::Rejected(e.to_string()).into()),
    }
}

/// The answers file: identifier to true, false or null.
/// The answers file: identifier to true, false or null. Also returns the identifiers whose value is
/// none of those.
fn read_answers(path: &Path) -> anyhow::Result<(BTreeMap<String, bool>, Vec<String>)> {
    let bad = |why: String| CliError::Rejected(format!("{}: {why}", path.display()));
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read: {e}")))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| bad(format!("not JSON: {e}")))?;
    let map = match value.get("answers") {
        Some(Value::Object(m)) => m,
        _ => value
            .as_object()
            .ok_or_else(|| bad("expected an object of indicator: true | false".into()))?,
    };
    let mut out = BTreeMap::new();
    let mut wrong = Vec::new();
    for (id, v) in map {
        match v {
            Value::Bool(b) => {
                out.insert(id.clone(), *b);
            }
            Value::Null => {}
            _ => wrong.push(id.clone()),
        }
    }
    Ok((out, wrong))
}

pub(crate) fn run(a: &AssessArgs, json_out: bool) -> anyhow::Result<()> {
    let (framework, warnings) = read_framework(&a.framework, a.version.as_deref())?;
    for w in &warnings {
        eprintln!("warning: {}: {}", w.path, w.reason);
    }
    let (answers, wrong) = read_answers(&a.answers)?;
    let result = assess(&framework, &answers);
    let mut refused = Vec::new();
    if !result.unknown.is_empty() {
        refused.push(format!(
            "{} answer(s) name indicators that {} {} lacks: {}",
            result.unknown.len(),
            framework.id,
            framework.version,
            result.unknown.join(", ")
        ));
    }
    if !wrong.is_empty() {
        refused.push(format!(
            "{} answer(s) are not true, false or null: {}",
            wrong.len(),
            wrong.join(", ")
        ));
    }
    if !refused.is_empty() {
        return Err(CliError::Rejected(format!("{}: {}", a.answers.display(), refused.join("; "))).into());
    }
    if json_out {
        let value = json!({
            "framework": framework.id,
            "version": framework.version,
            "outcomes": result.outcomes,
            "unanswered": result.unanswered,
            "contradictions": result.contradictions,
            "counts": result.counts,
            "warnings": warnings.iter().map(|w| json!({"path": w.path, "reason": w.reason})).collect::<Vec<_>>(),
        });
        println!("{value}");
        return Ok(());
    }
    println!(
        "{} {}: {} ({} outcomes)",
        framework.id,
        framework.version,
        framework.name,
        result.outcomes.len()
    );
    for o in framework.outcomes() {
        let Some(d) = result.outcomes.get(&o.code) else {
            continue;
        };
        let flag = if d.contradiction { "  CONTRADICTION" } else { "" };
        println!(
            "  {:<6} {:<20} {:>3}/{:<3} answered  {}{flag}",
            o.code,
            d.derived.label(),
            d.answered,
            o.indicators.len(),
            o.title
        );
    }
    let counts: Vec<String> = result
        .counts
        .iter()
        .map(|(l, n)| format!("{n} {}", l.label().to_lowercase()))
        .collect();
    println!(
        "{}; {} unanswered indicator(s)",
        counts.join(", "),
        result.unanswered.len()
    );
    Ok(())
}
