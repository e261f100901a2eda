//! Offline tools that need no database: `ward versions compare|sort` and `ward scan`.
//!
//! `ward scan` exit codes follow osv-scanner: 0 when no component is affected, 1 when at least one
//! is (components whose version cannot be evaluated are listed but do not count), 3 when an input
//! cannot be read (a missing file, a file that is not an SBOM or advisory, invalid JSON). Entries that
//! a parser skips inside an otherwise readable file are reported on standard error and the scan goes
//! on.

use std::cmp::Ordering;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use ward_core::vuln::{Advisory, Sbom};
use ward_engine::{ScanResult, Verdict, scan};
use ward_feeds::{Feed, Problem, parse_file_bytes};
use ward_versions::Ecosystem;

use crate::CliError;

/// `ward versions ...`
#[derive(Debug, Subcommand)]
pub(crate) enum VersionsCommand {
    /// Compare two versions of an ecosystem; prints `<`, `=` or `>`.
    Compare {
        /// The ecosystem, named as OSV names it (`PyPI`, `crates.io`, `Go`, `npm`, `Maven`, ...).
        #[arg(long)]
        ecosystem: String,
        /// The first version.
        a: String,
        /// The second version.
        b: String,
    },
    /// Sort the versions on standard input (one per line) in the ecosystem's order.
    Sort {
        /// The ecosystem, named as OSV names it.
        #[arg(long)]
        ecosystem: String,
    },
}

/// Output format of `ward scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormat {
    /// A table for people.
    Table,
    /// JSON: an object with a `matches` array.
    Json,
}

/// `ward scan`
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// An advisory file (OSV JSON or YAML, NVD, CVE JSON 5) or a folder of them (searched
    /// recursively); repeat for more.
    #[arg(long = "advisories", required = true)]
    pub advisories: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// SBOM files: CycloneDX JSON or XML, SPDX JSON.
    #[arg(required = true)]
    pub sboms: Vec<PathBuf>,
}

fn ecosystem(name: &str) -> Result<Ecosystem, CliError> {
    name.parse::<Ecosystem>()
        .map_err(|e| CliError::Rejected(format!("--ecosystem: {e}")))
}

/// Runs `ward versions ...`.
pub(crate) fn versions(command: VersionsCommand) -> anyhow::Result<()> {
    match command {
        VersionsCommand::Compare { ecosystem: eco, a, b } => {
            let eco = ecosystem(&eco)?;
            let order = ward_versions::compare(eco, &a, &b).map_err(|e| CliError::Rejected(e.to_string()))?;
            println!(
                "{}",
                match order {
                    Ordering::Less => "<",
                    Ordering::Equal => "=",
                    Ordering::Greater => ">",
                }
            );
            Ok(())
        }
        VersionsCommand::Sort { ecosystem: eco } => {
            let eco = ecosystem(&eco)?;
            let mut parsed = Vec::new();
            for (n, line) in std::io::stdin().lock().lines().enumerate() {
                let line = line.map_err(|e| CliError::Rejected(format!("standard input: {e}")))?;
                let text = line.trim();
                if text.is_empty() {
                    continue;
                }
                let v = ward_versions::parse(eco, text)
                    .map_err(|e| CliError::Rejected(format!("line {}: {e}", n + 1)))?;
                parsed.push(v);
            }
            parsed.sort();
            let mut out = std::io::stdout().lock();
            for v in parsed {
                writeln!(out, "{v}")?;
            }
            Ok(())
        }
    }
}

fn read(path: &Path) -> Result<Feed, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::Rejected(format!("cannot read {}: {e}", path.display())))?;
    parse_file_bytes(&path.display().to_string(), &bytes).map_err(|e| CliError::Rejected(e.to_string()))
}

fn warn(problems: &[Problem]) {
    for p in problems {
        eprintln!("warning: {}: {}: {}", p.file, p.path, p.reason);
    }
}

fn advisory_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), CliError> {
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(path)
        .map_err(|e| CliError::Rejected(format!("cannot list {}: {e}", path.display())))?;
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let ext = child.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if child.is_dir() {
            advisory_files(&child, out)?;
        } else if matches!(ext, "json" | "yaml" | "yml" | "zip") {
            out.push(child);
        }
    }
    Ok(())
}

fn load_advisories(paths: &[PathBuf]) -> Result<Vec<Advisory>, CliError> {
    let mut files = Vec::new();
    for p in paths {
        if !p.exists() {
            return Err(CliError::Rejected(format!(
                "--advisories: {} does not exist",
                p.display()
            )));
        }
        advisory_files(p, &mut files)?;
    }
    let mut advisories = Vec::new();
    for file in files {
        if file.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) {
            advisories.extend(advisories_in_zip(&file)?);
            continue;
        }
        match read(&file)? {
            Feed::Advisories(parsed) => {
                warn(&parsed.problems);
                advisories.extend(parsed.items);
            }
            _ => {
                return Err(CliError::Rejected(format!(
                    "{} is not an advisory file (OSV, NVD or CVE JSON 5)",
                    file.display()
                )));
            }
        }
    }
    Ok(advisories)
}

/// The advisories in a zip archive (an OSV ecosystem export such as `PyPI/all.zip`): every JSON or
/// YAML entry; an entry that is not an advisory is reported and skipped, like a malformed record.
fn advisories_in_zip(path: &Path) -> Result<Vec<Advisory>, CliError> {
    let label = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| CliError::Rejected(format!("cannot read {label}: {e}")))?;
    let entries = ward_feeds::ZipEntries::open(&label, std::io::BufReader::new(f))
        .map_err(|e| CliError::Rejected(e.to_string()))?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| CliError::Rejected(e.to_string()))?;
        let lower = entry.name.to_ascii_lowercase();
        if !(lower.ends_with(".json") || lower.ends_with(".yaml") || lower.ends_with(".yml")) {
            continue;
        }
        match parse_file_bytes(&entry.file, &entry.bytes) {
            Ok(Feed::Advisories(parsed)) => {
                warn(&parsed.problems);
                out.extend(parsed.items);
            }
            Ok(_) => eprintln!("warning: {}: not an advisory; skipped", entry.file),
            Err(e) => eprintln!("warning: {e}; skipped"),
        }
    }
    Ok(out)
}

fn load_sboms(paths: &[PathBuf]) -> Result<Vec<(String, Sbom)>, CliError> {
    let mut sboms = Vec::new();
    for path in paths {
        match read(path)? {
            Feed::Sbom(doc) => {
                warn(&doc.problems);
                sboms.push((path.display().to_string(), doc.value));
            }
            _ => {
                return Err(CliError::Rejected(format!(
                    "{} is not an SBOM (CycloneDX JSON/XML or SPDX JSON)",
                    path.display()
                )));
            }
        }
    }
    Ok(sboms)
}

fn json_output(result: &ScanResult, advisories: usize, sboms: usize) -> serde_json::Value {
    serde_json::json!({
        "matches": result.findings,
        "summary": {
            "sboms": sboms,
            "components": result.components,
            "unidentified_components": result.unidentified,
            "advisories": advisories,
            "affected": result.findings.iter().filter(|f| f.verdict == Verdict::Affected).count(),
            "cannot_evaluate": result.findings.iter().filter(|f| f.verdict != Verdict::Affected).count(),
        },
        "notes": result.notes,
    })
}

fn table_output(result: &ScanResult, advisories: usize, sboms: usize) -> String {
    let header = [
        "SBOM",
        "COMPONENT",
        "ADVISORY",
        "ALIASES",
        "VERSION",
        "FIXED",
        "STATUS",
    ];
    let rows: Vec<[String; 7]> = result
        .findings
        .iter()
        .map(|f| {
            let sbom = Path::new(&f.sbom)
                .file_name()
                .map_or_else(|| f.sbom.clone(), |n| n.to_string_lossy().into_owned());
            let status = match &f.verdict {
                Verdict::Affected => "affected".to_owned(),
                Verdict::CannotEvaluate(reason) => format!("cannot evaluate: {reason}"),
            };
            let fixed = if f.fixed.is_empty() {
                "-".to_owned()
            } else {
                f.fixed.join(", ")
            };
            let component = f
                .purl
                .clone()
                .or_else(|| f.cpe.clone())
                .unwrap_or_else(|| f.component.clone());
            [
                sbom,
                component,
                f.advisory.clone(),
                f.aliases.join(", "),
                f.version.clone(),
                fixed,
                status,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    if !rows.is_empty() {
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            padded.join("  ").trim_end().to_owned() + "\n"
        };
        out.push_str(&line(header.to_vec()));
        for row in &rows {
            out.push_str(&line(row.iter().map(String::as_str).collect()));
        }
    }
    let affected = result
        .findings
        .iter()
        .filter(|f| f.verdict == Verdict::Affected)
        .count();
    out.push_str(&format!(
        "{affected} affected component match(es), {} not evaluable; {} components in {sboms} SBOM(s) ({} without purl or CPE) against {advisories} advisories\n",
        result.findings.len() - affected,
        result.components,
        result.unidentified,
    ));
    out
}

/// Runs `ward scan`; returns whether any component is affected.
pub(crate) fn run_scan(args: &ScanArgs, json: bool) -> anyhow::Result<bool> {
    let advisories = load_advisories(&args.advisories)?;
    let sboms = load_sboms(&args.sboms)?;
    let result = scan(&sboms, &advisories);
    for note in &result.notes {
        eprintln!("note: {note}");
    }
    let mut out = std::io::stdout().lock();
    if json || args.format == ScanFormat::Json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json_output(&result, advisories.len(), sboms.len()))?
        )?;
    } else {
        write!(out, "{}", table_output(&result, advisories.len(), sboms.len()))?;
    }
    out.flush()?;
    Ok(result.has_affected())
}
