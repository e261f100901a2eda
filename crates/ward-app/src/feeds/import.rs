//! Importing feed files: detect and parse with `ward-feeds`, store through the [`VulnStore`].
//!
//! Unlike inventory imports, a feed import is not all or nothing: every entry the parser could not
//! read, and every record that cannot be stored, is reported with its file, place and reason and
//! left out, while the rest is stored. A file that cannot be read at all is reported the same way
//! (as a rejected file). Errors are returned only for a caller who may not import feeds and for
//! storage failures.
//!
//! Advisories and end-of-life products are written in batches across files (one transaction and one
//! audit record per batch), so importing a folder or an OSV `all.zip` of 100,000 entries costs a few
//! hundred transactions, not one per file.

use std::collections::BTreeMap;
use std::io::{Read, Seek};

use serde::Serialize;
use ward_core::vuln::{Advisory, EolProduct, VexStatement};
use ward_feeds::{Action as ProblemAction, Feed, FeedError, Problem, ZipEntries};
use ward_store::Scope;
use ward_store::vuln::VulnCounts;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::AppResult;

/// Most problems (and most flags) listed in a summary; the totals count all of them.
pub const MAX_PROBLEMS: usize = 200;
/// Advisories per store call.
const ADVISORY_BATCH: usize = 1_000;
/// End-of-life products per store call.
const EOL_BATCH: usize = 200;

/// Counts for one kind of record (`advisories`, `kev`, `epss`, `vex`, `eol`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KindCounts {
    /// Records read from the files (stored or not).
    pub records: u64,
    pub inserted: u64,
    pub updated: u64,
    /// Identical to what was stored: nothing written.
    pub unchanged: u64,
    /// Older than the stored record, or repeated later in the same import: not written.
    pub stale: u64,
    /// Stored records a full replacement (the KEV catalogue) no longer lists.
    pub removed: u64,
    /// Entries (or parts of entries) left out because they could not be read or stored.
    pub rejected: u64,
}

impl KindCounts {
    fn add_stored(&mut self, c: VulnCounts) {
        self.inserted += c.inserted;
        self.updated += c.updated;
        self.unchanged += c.unchanged;
        self.stale += c.stale;
        self.removed += c.removed;
    }
}

/// One problem: the file (`archive.zip!entry.json` inside archives), where in it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedProblem {
    pub file: String,
    /// A JSON pointer, `line N`, or empty for the whole file.
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for FeedProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.file, self.reason)
        } else {
            write!(f, "{} {}: {}", self.file, self.path, self.reason)
        }
    }
}

/// What an import did, for people and scripts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FeedImportSummary {
    /// Files and archive entries read.
    pub files: u64,
    /// Files that could not be read at all (each has a problem).
    pub files_rejected: u64,
    /// Totals over every kind.
    pub records: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub stale: u64,
    pub removed: u64,
    pub rejected: u64,
    /// Records kept with a warning (an unknown ecosystem, a version that does not parse, ...).
    pub flagged: u64,
    /// Withdrawn advisories among those read (stored, and matched by nothing).
    pub withdrawn: u64,
    pub by_kind: BTreeMap<String, KindCounts>,
    /// The first [`MAX_PROBLEMS`] rejections (files and records), in the order met.
    pub problems: Vec<FeedProblem>,
    pub problems_total: u64,
    /// The first [`MAX_PROBLEMS`] warnings on records that were kept.
    pub flags: Vec<FeedProblem>,
    pub flags_total: u64,
}

impl FeedImportSummary {
    /// True when every file was read and every record stored (warnings allowed).
    pub fn is_clean(&self) -> bool {
        self.files_rejected == 0 && self.rejected == 0
    }

    /// Fold another summary into this one.
    pub fn merge(&mut self, other: FeedImportSummary) {
        self.files += other.files;
        self.files_rejected += other.files_rejected;
        self.flagged += other.flagged;
        self.withdrawn += other.withdrawn;
        for (kind, c) in other.by_kind {
            let mine = self.by_kind.entry(kind).or_default();
            mine.records += c.records;
            mine.rejected += c.rejected;
            mine.add_stored(VulnCounts {
                inserted: c.inserted,
                updated: c.updated,
                unchanged: c.unchanged,
                stale: c.stale,
                removed: c.removed,
            });
        }
        self.problems_total += other.problems_total;
        self.flags_total += other.flags_total;
        let room = MAX_PROBLEMS.saturating_sub(self.problems.len());
        self.problems.extend(other.problems.into_iter().take(room));
        let room = MAX_PROBLEMS.saturating_sub(self.flags.len());
        self.flags.extend(other.flags.into_iter().take(room));
        self.total_up();
    }

    fn total_up(&mut self) {
        let sum = |f: fn(&KindCounts) -> u64| self.by_kind.values().map(f).sum::<u64>();
        self.records = sum(|c| c.records);
        self.inserted = sum(|c| c.inserted);
        self.updated = sum(|c| c.updated);
        self.unchanged = sum(|c| c.unchanged);
        self.stale = sum(|c| c.stale);
        self.removed = sum(|c| c.removed);
        self.rejected = sum(|c| c.rejected);
    }

    fn kind(&mut self, kind: &str) -> &mut KindCounts {
        self.by_kind.entry(kind.to_owned()).or_default()
    }

    fn problem(&mut self, file: &str, path: &str, reason: impl Into<String>) {
        self.problems_total += 1;
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(FeedProblem {
                file: file.to_owned(),
                path: path.to_owned(),
                reason: reason.into(),
            });
        }
    }

    /// Record a parser's problems against `kind`: skipped entries are rejections, kept ones flags.
    fn parser_problems(&mut self, kind: &str, problems: Vec<Problem>) {
        for p in problems {
            match p.action {
                ProblemAction::Skipped => {
                    self.kind(kind).rejected += 1;
                    self.problem(&p.file, &p.path, p.reason);
                }
                ProblemAction::Kept => {
                    self.flagged += 1;
                    self.flags_total += 1;
                    if self.flags.len() < MAX_PROBLEMS {
                        self.flags.push(FeedProblem {
                            file: p.file,
                            path: p.path,
                            reason: p.reason,
                        });
                    }
                }
            }
        }
    }
}

/// Where an import is, for progress bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProgress {
    /// The file or archive entry just read.
    pub current: String,
    /// For archive entries: this entry's number (from 1) and the archive's entry count.
    pub entry: Option<(usize, usize)>,
    /// Records read so far.
    pub records: u64,
}

/// A progress callback.
type ProgressFn<'a> = Box<dyn FnMut(&ImportProgress) + Send + 'a>;

/// An import in progress: add files, then [`FeedImport::finish`].
pub struct FeedImport<'a> {
    app: &'a App,
    actor: Actor,
    advisories: Vec<Advisory>,
    eol: Vec<EolProduct>,
    summary: FeedImportSummary,
    progress: Option<ProgressFn<'a>>,
}

impl std::fmt::Debug for FeedImport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedImport")
            .field("pending_advisories", &self.advisories.len())
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// The name and bytes of a file with one `.gz` layer removed, unless it is EPSS (streamed as gzip).
fn gunzip(file: &str, bytes: &[u8]) -> Result<Option<(String, Vec<u8>)>, FeedError> {
    let lower = file.to_ascii_lowercase();
    let Some(stem) = lower.strip_suffix(".gz") else {
        return Ok(None);
    };
    if stem.ends_with(".csv") {
        return Ok(None);
    }
    // Bounded by the parsers' one expansion limit, which names the file when it is hit.
    let out = ward_feeds::gunzip(file, bytes, &ward_feeds::Limits::default())?;
    Ok(Some((file[..stem.len()].to_owned(), out)))
}

fn is_zip(file: &str, bytes: &[u8]) -> bool {
    file.to_ascii_lowercase().ends_with(".zip") || bytes.starts_with(b"PK\x03\x04")
}

/// Why an advisory cannot be stored, if it cannot.
fn advisory_fault(a: &Advisory) -> Option<String> {
    if a.id.trim().is_empty() {
        Some("the advisory has no id".into())
    } else if a.id.chars().count() > 200 || a.id.chars().any(char::is_control) {
        Some(format!(
            "the id '{}' is too long or has control characters",
            a.id.escape_debug()
        ))
    } else {
        None
    }
}

impl App {
    /// Start an import of global feeds. Only national roles (and Ward itself) may.
    pub fn feed_import(&self, actor: &Actor) -> AppResult<FeedImport<'_>> {
        authorise(actor, Action::ImportFeeds, self.now())?;
        Ok(FeedImport {
            app: self,
            actor: actor.clone(),
            advisories: Vec::new(),
            eol: Vec::new(),
            summary: FeedImportSummary::default(),
            progress: None,
        })
    }

    /// Import one feed file (or `.zip` archive, or `.gz` file): see [`FeedImport`].
    pub async fn import_feed(&self, actor: &Actor, file: &str, bytes: &[u8]) -> AppResult<FeedImportSummary> {
        let mut import = self.feed_import(actor)?;
        import.add_bytes(file, bytes).await?;
        import.finish().await
    }
}

impl<'a> FeedImport<'a> {
    /// Call `f` after every file and archive entry.
    pub fn on_progress(&mut self, f: impl FnMut(&ImportProgress) + Send + 'a) {
        self.progress = Some(Box::new(f));
    }

    /// What has been done so far (records still pending in a batch are counted as read only).
    pub fn summary(&self) -> &FeedImportSummary {
        &self.summary
    }

    fn tick(&mut self, current: &str, entry: Option<(usize, usize)>) {
        self.summary.total_up();
        if let Some(f) = self.progress.as_mut() {
            f(&ImportProgress {
                current: current.to_owned(),
                entry,
                records: self.summary.records,
            });
        }
    }

    /// Record a file that cannot be read at all.
    pub fn reject_file(&mut self, file: &str, reason: impl Into<String>) {
        self.summary.files += 1;
        self.summary.files_rejected += 1;
        self.summary.problem(file, "", reason);
    }

    /// Record a file the parsers could not read, naming the file, the place and the reason once.
    fn reject_unreadable(&mut self, e: &FeedError) {
        let (file, path, reason) = match e {
            FeedError::Read { file, source } => (file, String::new(), format!("cannot read: {source}")),
            FeedError::Syntax { file, at, reason } => (file, at.clone(), reason.clone()),
            FeedError::Format {
                file,
                expected,
                reason,
            } => (file, String::new(), format!("not {expected}: {reason}")),
            FeedError::TooLarge { file, limit, reason } => (
                file,
                String::new(),
                format!("refused: {reason} (limit on {limit})"),
            ),
            FeedError::Deadline { file } => (
                file,
                String::new(),
                "reading stopped: it took longer than the time allowed".to_owned(),
            ),
            FeedError::Rejected { file, .. } => (file, String::new(), e.to_string()),
        };
        self.summary.files += 1;
        self.summary.files_rejected += 1;
        self.summary.problem(file, &path, reason);
    }

    /// Import one file's bytes: a feed file, a `.gz` of one, or a `.zip` archive of them.
    pub async fn add_bytes(&mut self, file: &str, bytes: &[u8]) -> AppResult<()> {
        if is_zip(file, bytes) {
            return self.add_zip(file, std::io::Cursor::new(bytes)).await;
        }
        self.add_plain_or_gzip(file, bytes).await?;
        self.tick(file, None);
        Ok(())
    }

    async fn add_plain_or_gzip(&mut self, file: &str, bytes: &[u8]) -> AppResult<()> {
        match gunzip(file, bytes) {
            Ok(Some((inner, data))) => self.add_plain(&inner, &data).await,
            Ok(None) => self.add_plain(file, bytes).await,
            Err(e) => {
                self.reject_unreadable(&e);
                Ok(())
            }
        }
    }

    /// Import every file entry of a zip archive (`label` names it in problems). Nested archives
    /// are reported, not opened.
    pub async fn add_zip<R: Read + Seek>(&mut self, label: &str, reader: R) -> AppResult<()> {
        let entries = match ZipEntries::open(label, reader) {
            Ok(e) => e,
            Err(e) => {
                self.reject_unreadable(&e);
                self.tick(label, None);
                return Ok(());
            }
        };
        let total = entries.len();
        for (i, entry) in entries.enumerate() {
            match entry {
                Ok(e) if is_zip(&e.name, &e.bytes) => {
                    self.reject_file(&e.file, "an archive inside an archive is not read");
                }
                Ok(e) => self.add_plain_or_gzip(&e.file, &e.bytes).await?,
                Err(err) => self.reject_unreadable(&err),
            }
            self.tick(label, Some((i + 1, total)));
        }
        Ok(())
    }

    /// Parse one (uncompressed) file and store what it holds.
    async fn add_plain(&mut self, file: &str, bytes: &[u8]) -> AppResult<()> {
        let feed = match ward_feeds::parse_file_bytes(file, bytes) {
            Ok(feed) => feed,
            Err(e) => {
                self.reject_unreadable(&e);
                return Ok(());
            }
        };
        self.summary.files += 1;
        match feed {
            Feed::Advisories(parsed) => {
                self.summary.parser_problems("advisories", parsed.problems);
                for a in parsed.items {
                    self.queue_advisory(file, a).await?;
                }
            }
            Feed::Csaf(doc) => {
                self.summary.parser_problems("vex", doc.problems);
                self.store_vex(doc.value.statements).await?;
                self.queue_advisory(file, doc.value.advisory).await?;
            }
            Feed::Sbom(doc) if doc.value.vex.is_empty() => {
                self.summary.files -= 1;
                self.reject_file(
                    file,
                    "an SBOM without VEX statements is not a feed (SBOMs are imported with assets)",
                );
            }
            Feed::Sbom(doc) => {
                self.summary.parser_problems("vex", doc.problems);
                self.store_vex(doc.value.vex).await?;
            }
            Feed::Kev(kev) => {
                let replace = kev.entries.skipped() == 0;
                self.summary.parser_problems("kev", kev.entries.problems);
                let kind = self.summary.kind("kev");
                kind.records += kev.entries.items.len() as u64;
                let meta = self.actor.audit(self.app.now());
                let counts = self
                    .app
                    .store()
                    .upsert_kev(&kev.catalog, &kev.entries.items, replace, &meta)
                    .await?;
                self.summary.kind("kev").add_stored(counts);
            }
            Feed::Epss(epss) => {
                self.summary.parser_problems("epss", epss.scores.problems);
                self.summary.kind("epss").records += epss.scores.items.len() as u64;
                let meta = self.actor.audit(self.app.now());
                let counts = self
                    .app
                    .store()
                    .upsert_epss(&epss.header, &epss.scores.items, &meta)
                    .await?;
                self.summary.kind("epss").add_stored(counts);
            }
            Feed::Eol(doc) => {
                self.summary.parser_problems("eol", doc.problems);
                self.summary.kind("eol").records += 1;
                self.eol.push(doc.value);
                if self.eol.len() >= EOL_BATCH {
                    self.flush_eol().await?;
                }
            }
        }
        Ok(())
    }

    async fn queue_advisory(&mut self, file: &str, a: Advisory) -> AppResult<()> {
        let kind = self.summary.kind("advisories");
        kind.records += 1;
        if let Some(reason) = advisory_fault(&a) {
            kind.rejected += 1;
            self.summary.problem(file, "/id", reason);
            return Ok(());
        }
        if a.withdrawn.is_some() {
            self.summary.withdrawn += 1;
        }
        self.advisories.push(a);
        if self.advisories.len() >= ADVISORY_BATCH {
            self.flush_advisories().await?;
        }
        Ok(())
    }

    async fn store_vex(&mut self, statements: Vec<VexStatement>) -> AppResult<()> {
        let kind = self.summary.kind("vex");
        kind.records += statements.len() as u64;
        let (ok, bad): (Vec<_>, Vec<_>) = statements.into_iter().partition(|s| {
            !s.vulnerability.trim().is_empty()
                && s.vulnerability.len() <= 200
                && !s.source.trim().is_empty()
                && s.source.len() <= 200
                && !s.source.chars().any(char::is_control)
        });
        for s in bad {
            self.summary.kind("vex").rejected += 1;
            self.summary.problem(
                &s.source,
                &s.vulnerability,
                "statement without a usable id or source",
            );
        }
        if ok.is_empty() {
            return Ok(());
        }
        let meta = self.actor.audit(self.app.now());
        let counts = self.app.store().upsert_vex(&Scope::All, None, &ok, &meta).await?;
        self.summary.kind("vex").add_stored(counts);
        Ok(())
    }

    async fn flush_advisories(&mut self) -> AppResult<()> {
        if self.advisories.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.advisories);
        let meta = self.actor.audit(self.app.now());
        let counts = self.app.store().upsert_advisories(&batch, &meta).await?;
        self.summary.kind("advisories").add_stored(counts);
        Ok(())
    }

    async fn flush_eol(&mut self) -> AppResult<()> {
        if self.eol.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.eol);
        let meta = self.actor.audit(self.app.now());
        let counts = self.app.store().upsert_eol(&batch, &meta).await?;
        self.summary.kind("eol").add_stored(counts);
        Ok(())
    }

    /// Store what is still pending and return the summary.
    pub async fn finish(mut self) -> AppResult<FeedImportSummary> {
        self.flush_advisories().await?;
        self.flush_eol().await?;
        self.summary.total_up();
        self.app.exposure_changed();
        self.app.queue_alert_extension_logged().await;
        tracing::info!(
            files = self.summary.files,
            records = self.summary.records,
            inserted = self.summary.inserted,
            updated = self.summary.updated,
            rejected = self.summary.rejected,
            "feed import finished"
        );
        Ok(self.summary)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gz_layers_come_off_except_for_epss() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, b"{\"id\":\"X\"}").unwrap();
        let gz = enc.finish().unwrap();
        let (name, data) = gunzip("dir/a.json.gz", &gz).unwrap().unwrap();
        assert_eq!(name, "dir/a.json");
        assert_eq!(data, b"{\"id\":\"X\"}");
        assert!(gunzip("epss.csv.gz", &gz).unwrap().is_none());
        assert!(gunzip("a.json", b"{}").unwrap().is_none());
        assert!(gunzip("broken.json.gz", b"not gzip").is_err());
    }

    #[test]
    fn summaries_merge_and_cap_problems() {
        let mut a = FeedImportSummary::default();
        for i in 0..(MAX_PROBLEMS + 5) {
            a.kind("kev").rejected += 1;
            a.problem("f", &format!("/{i}"), "bad");
        }
        let mut b = FeedImportSummary::default();
        b.kind("kev").records = 3;
        b.kind("kev").inserted = 3;
        b.problem("g", "", "unreadable");
        b.files_rejected = 1;
        a.merge(b);
        assert_eq!(a.problems.len(), MAX_PROBLEMS);
        assert_eq!(a.problems_total, MAX_PROBLEMS as u64 + 6);
        assert_eq!(
            (a.records, a.inserted, a.rejected),
            (3, 3, MAX_PROBLEMS as u64 + 5)
        );
        assert!(!a.is_clean());
    }
}
