//! Syncing configured feed sources over HTTP and importing what changed.
//!
//! Each source's URL state (ETag, Last-Modified, last success or error, bytes) is kept in the store,
//! so a second sync asks conditionally and imports nothing when the server answers 304. A CSAF
//! provider is followed from its `provider-metadata.json` to its ROLIE feeds and from each feed to
//! its documents; a document is fetched only when its feed entry's `updated` differs from the one
//! recorded at the last import.

use std::path::PathBuf;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use ward_core::job::{Job, JobKind};
use ward_store::vuln::FeedSourceState;

use super::csaf::sync_csaf_provider;
use super::download::{DownloadOptions, Fetched, fetch};
use super::import::FeedImportSummary;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use crate::jobs::JobHandler;

/// What a source URL serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// An OSV ecosystem archive (`https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip`).
    OsvZip,
    /// The CISA KEV catalogue JSON.
    Kev,
    /// The EPSS daily CSV (usually gzip).
    Epss,
    /// A CSAF provider's `provider-metadata.json`, followed to its ROLIE feeds and documents.
    Csaf,
    /// Any single file `ward feeds import` reads (OSV, CVE 5, NVD, CSAF, CycloneDX VEX, endoflife.date).
    File,
}

/// One configured source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSource {
    /// A short name (`osv-pypi`, `kev`).
    pub name: String,
    pub kind: SourceKind,
    pub url: String,
}

/// How a sync behaves.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    pub download: DownloadOptions,
}

impl SyncOptions {
    /// Options with the cache in `cache_dir` and default retries and timeouts.
    pub fn with_cache(cache_dir: impl Into<PathBuf>) -> Self {
        Self {
            download: DownloadOptions {
                cache_dir: cache_dir.into(),
                ..DownloadOptions::default()
            },
        }
    }
}

/// What happened to one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncOutcome {
    /// New content was downloaded and imported.
    Downloaded,
    /// The server said nothing changed; nothing was imported.
    NotModified,
    /// The source could not be fetched or imported (see `error`).
    Failed,
}

/// One source's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceReport {
    pub name: String,
    pub url: String,
    pub outcome: SyncOutcome,
    /// Bytes received in this sync (for CSAF: over every document).
    pub bytes: u64,
    /// Where an interrupted download was resumed from.
    pub resumed_from: Option<u64>,
    /// CSAF: documents downloaded, and documents skipped because their feed entry had not changed.
    pub documents: u64,
    pub documents_unchanged: u64,
    pub error: Option<String>,
    pub import: Option<FeedImportSummary>,
}

impl SourceReport {
    pub(crate) fn new(source: &FeedSource) -> Self {
        Self {
            name: source.name.clone(),
            url: source.url.clone(),
            outcome: SyncOutcome::NotModified,
            bytes: 0,
            resumed_from: None,
            documents: 0,
            documents_unchanged: 0,
            error: None,
            import: None,
        }
    }
}

/// Every source's result, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub sources: Vec<SourceReport>,
}

impl SyncReport {
    /// True when no source failed and every imported record was stored.
    pub fn is_clean(&self) -> bool {
        self.sources.iter().all(|s| {
            s.outcome != SyncOutcome::Failed && s.import.as_ref().is_none_or(FeedImportSummary::is_clean)
        })
    }
}

/// The HTTP client feeds are fetched with (rustls, timeouts from the options, no decompression, so
/// gzip files arrive as the server stores them).
pub fn http_client(opts: &DownloadOptions) -> AppResult<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(opts.timeout)
        .read_timeout(opts.timeout)
        .user_agent(concat!("ward/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AppError::Internal(format!("HTTP client: {e}")))
}

impl App {
    /// Sync every source in order; one source failing does not stop the others.
    pub async fn sync_feeds(
        &self,
        actor: &Actor,
        sources: &[FeedSource],
        opts: &SyncOptions,
    ) -> AppResult<SyncReport> {
        authorise(actor, Action::ImportFeeds, self.now())?;
        let client = http_client(&opts.download)?;
        let mut report = SyncReport::default();
        for source in sources {
            let r = match source.kind {
                SourceKind::Csaf => sync_csaf_provider(self, actor, &client, source, opts).await?,
                _ => self.sync_single(actor, &client, source, opts).await?,
            };
            tracing::info!(source = %r.name, outcome = ?r.outcome, bytes = r.bytes, "feed synced");
            report.sources.push(r);
        }
        Ok(report)
    }

    /// Write the state of a URL after a fetch.
    pub(crate) async fn record_fetch(
        &self,
        actor: &Actor,
        name: &str,
        url: &str,
        before: Option<FeedSourceState>,
        result: Result<&Fetched, String>,
        version: Option<String>,
    ) -> AppResult<()> {
        let now = self.now();
        let mut state = before.unwrap_or_else(|| FeedSourceState {
            url: url.to_owned(),
            ..FeedSourceState::default()
        });
        state.name = name.to_owned();
        state.last_checked = Some(now);
        match result {
            Ok(Fetched::Downloaded {
                etag,
                last_modified,
                bytes,
                ..
            }) => {
                state.etag.clone_from(etag);
                state.last_modified.clone_from(last_modified);
                state.bytes = Some(*bytes);
                state.last_success = Some(now);
                state.last_error = None;
                state.version = version;
            }
            Ok(Fetched::NotModified) => {
                state.last_success = Some(now);
                state.last_error = None;
                if version.is_some() {
                    state.version = version;
                }
            }
            Err(e) => state.last_error = Some(e.chars().take(500).collect()),
        }
        self.store().put_feed_source(&state, &actor.audit(now)).await?;
        Ok(())
    }

    async fn sync_single(
        &self,
        actor: &Actor,
        client: &reqwest::Client,
        source: &FeedSource,
        opts: &SyncOptions,
    ) -> AppResult<SourceReport> {
        let mut report = SourceReport::new(source);
        let before = self.store().get_feed_source(&source.url).await?;
        let fetched = match fetch(client, &source.url, before.as_ref(), &opts.download).await {
            Ok(f) => f,
            Err(e) => {
                report.outcome = SyncOutcome::Failed;
                report.error = Some(e.to_string());
                self.record_fetch(actor, &source.name, &source.url, before, Err(e.to_string()), None)
                    .await?;
                return Ok(report);
            }
        };
        if let Fetched::Downloaded {
            path,
            bytes,
            resumed_from,
            ..
        } = &fetched
        {
            report.outcome = SyncOutcome::Downloaded;
            report.bytes = bytes.saturating_sub(resumed_from.unwrap_or(0));
            report.resumed_from = *resumed_from;
            let label = file_label(source);
            let summary = match self.import_downloaded(actor, &label, path, source.kind).await {
                Ok(s) => s,
                Err(e) => {
                    // Not recorded as a success, so the next sync downloads it again.
                    report.outcome = SyncOutcome::Failed;
                    report.error = Some(e.to_string());
                    self.record_fetch(actor, &source.name, &source.url, before, Err(e.to_string()), None)
                        .await?;
                    return Ok(report);
                }
            };
            report.import = Some(summary);
        }
        self.record_fetch(actor, &source.name, &source.url, before, Ok(&fetched), None)
            .await?;
        Ok(report)
    }

    async fn import_downloaded(
        &self,
        actor: &Actor,
        label: &str,
        path: &std::path::Path,
        kind: SourceKind,
    ) -> AppResult<FeedImportSummary> {
        let mut import = self.feed_import(actor)?;
        if kind == SourceKind::OsvZip {
            let file = std::fs::File::open(path)
                .map_err(|e| AppError::Internal(format!("cannot open the download of {label}: {e}")))?;
            import.add_zip(label, std::io::BufReader::new(file)).await?;
        } else {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|e| AppError::Internal(format!("cannot read the download of {label}: {e}")))?;
            import.add_bytes(label, &bytes).await?;
        }
        import.finish().await
    }
}

/// A file name for a source's download: the URL's last path segment (which tells the format:
/// `all.zip`, `known_exploited_vulnerabilities.json`, `epss_scores-current.csv.gz`), prefixed with
/// the source name.
fn file_label(source: &FeedSource) -> String {
    let path = source.url.split(['?', '#']).next().unwrap_or(&source.url);
    let last = path
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("download");
    format!("{}:{last}", source.name)
}

/// The payload of a `feeds.sync` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSyncPayload {
    pub sources: Vec<FeedSource>,
    pub cache_dir: PathBuf,
    /// When set, each run queues the next one this many minutes later.
    #[serde(default)]
    pub every_minutes: Option<u32>,
    /// Retries per download (default: [`DownloadOptions::default`]).
    #[serde(default)]
    pub retries: Option<u32>,
    /// The first retry's wait in milliseconds (default: [`DownloadOptions::default`]).
    #[serde(default)]
    pub backoff_ms: Option<u64>,
}

/// The `feeds.sync` job: syncs the payload's sources as Ward itself; fails (and is retried with
/// backoff) when a source failed.
pub struct FeedSyncJob;

#[async_trait]
impl JobHandler for FeedSyncJob {
    fn kind(&self) -> JobKind {
        JobKind::FeedsSync
    }

    async fn run(&self, app: &App, job: &Job) -> Result<(), String> {
        let payload: FeedSyncPayload =
            serde_json::from_value(job.payload.clone()).map_err(|e| format!("bad payload: {e}"))?;
        if let Some(every) = payload.every_minutes.filter(|m| *m > 0) {
            let step = jiff::SignedDuration::from_mins(i64::from(every));
            let now = app.now();
            let mut next = job.run_at + step;
            while next <= now {
                next += step;
            }
            let key = format!("feeds.sync@{}", next.as_second());
            let value = serde_json::to_value(&payload).map_err(|e| e.to_string())?;
            app.enqueue_job(self.kind(), value, Some(next), job.max_attempts, Some(&key))
                .await
                .map_err(|e| e.to_string())?;
        }
        let actor = Actor::system("feeds.sync", ward_core::OrgId::from_uuid(uuid::Uuid::nil()));
        let mut opts = SyncOptions::with_cache(payload.cache_dir);
        if let Some(r) = payload.retries {
            opts.download.retries = r;
        }
        if let Some(ms) = payload.backoff_ms {
            opts.download.backoff = std::time::Duration::from_millis(ms);
        }
        let report = app
            .sync_feeds(&actor, &payload.sources, &opts)
            .await
            .map_err(|e| e.to_string())?;
        let failed: Vec<&str> = report
            .sources
            .iter()
            .filter(|s| s.outcome == SyncOutcome::Failed)
            .map(|s| s.name.as_str())
            .collect();
        if failed.is_empty() {
            Ok(())
        } else {
            Err(format!("sources failed: {}", failed.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_keep_the_file_name() {
        let s = FeedSource {
            name: "epss".into(),
            kind: SourceKind::Epss,
            url: "https://epss.example/epss_scores-current.csv.gz?x=1".into(),
        };
        assert_eq!(file_label(&s), "epss:epss_scores-current.csv.gz");
    }

    #[test]
    fn kinds_are_kebab_case() {
        let s: FeedSource =
            serde_json::from_str(r#"{"name":"a","kind":"osv-zip","url":"https://x/all.zip"}"#).unwrap();
        assert_eq!(s.kind, SourceKind::OsvZip);
    }
}
