//! Downloading one feed URL: conditional requests from the stored state (`If-None-Match`,
//! `If-Modified-Since`), retries with exponential backoff on server errors, timeouts and broken
//! connections, and resumption of an interrupted download with `Range` (guarded by `If-Range`)
//! from a partial file kept in the cache folder.
//!
//! Cache layout, per URL (`<key>` is a digest of the URL): `<key>.part` (bytes received so far),
//! `<key>.part.json` (the validator the partial bytes belong to), and `<key>.body` (the last complete
//! download, kept so an unchanged document can be read again without downloading it).

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_RANGE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, LAST_MODIFIED, RANGE,
};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;
use ward_store::vuln::FeedSourceState;

/// How downloads behave.
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// Where partial and complete downloads are kept.
    pub cache_dir: PathBuf,
    /// Further attempts after the first one fails with a retryable error.
    pub retries: u32,
    /// The wait before the first retry; it doubles for each further one.
    pub backoff: Duration,
    /// Longest wait for a connection, and between two reads of the body.
    pub timeout: Duration,
    /// Largest download accepted.
    pub max_bytes: u64,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            cache_dir: PathBuf::from("ward-data/feeds-cache"),
            retries: 4,
            backoff: Duration::from_secs(2),
            timeout: Duration::from_secs(60),
            max_bytes: 4 * 1024 * 1024 * 1024,
        }
    }
}

/// The result of fetching a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The server said the stored copy is current (304).
    NotModified,
    /// A complete body is in `path`.
    Downloaded {
        path: PathBuf,
        etag: Option<String>,
        last_modified: Option<String>,
        bytes: u64,
        /// Where a resumed download started, when it continued a partial one.
        resumed_from: Option<u64>,
    },
}

/// A download that failed for good, with how many attempts were made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{url}: {reason} (after {attempts} attempt(s))")]
pub struct FetchError {
    pub url: String,
    pub reason: String,
    pub attempts: u32,
}

/// The validator partial bytes belong to.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct PartMeta {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

/// One attempt's failure: whether another attempt may succeed.
struct AttemptError {
    reason: String,
    retry: bool,
}

impl AttemptError {
    fn retry(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            retry: true,
        }
    }
    fn fatal(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            retry: false,
        }
    }
}

/// The cache file names of a URL.
pub(crate) fn cache_paths(dir: &Path, url: &str) -> (PathBuf, PathBuf, PathBuf) {
    let key = &ward_core::audit::sha256_hex(url.as_bytes())[..24];
    (
        dir.join(format!("{key}.part")),
        dir.join(format!("{key}.part.json")),
        dir.join(format!("{key}.body")),
    )
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// The first byte of a `Content-Range: bytes START-END/TOTAL` header.
fn range_start(headers: &HeaderMap) -> Option<u64> {
    let value = header(headers, CONTENT_RANGE)?;
    let rest = value.trim().strip_prefix("bytes ")?;
    rest.split('-').next()?.trim().parse().ok()
}

fn io(e: std::io::Error) -> AttemptError {
    AttemptError::fatal(format!("cache: {e}"))
}

/// How many bytes of a usable partial download exist (0 when none, or when it belongs to another
/// version of the resource or has no validator to resume safely).
async fn partial_len(part: &Path, meta: &Path, url: &str) -> Option<(u64, PartMeta)> {
    let text = tokio::fs::read(meta).await.ok()?;
    let m: PartMeta = serde_json::from_slice(&text).ok()?;
    if m.url != url || (m.etag.is_none() && m.last_modified.is_none()) {
        return None;
    }
    let len = tokio::fs::metadata(part).await.ok()?.len();
    (len > 0).then_some((len, m))
}

/// Fetch `url`: conditional on `state` when no partial download is waiting, resumed when one is.
pub async fn fetch(
    client: &reqwest::Client,
    url: &str,
    state: Option<&FeedSourceState>,
    opts: &DownloadOptions,
) -> Result<Fetched, FetchError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        match attempt(client, url, state, opts).await {
            Ok(done) => return Ok(done),
            Err(e) if e.retry && attempts <= opts.retries => {
                let wait = opts.backoff.saturating_mul(2_u32.saturating_pow(attempts - 1));
                tracing::warn!(%url, attempt = attempts, reason = %e.reason, "download failed; retrying");
                tokio::time::sleep(wait).await;
            }
            Err(e) => {
                return Err(FetchError {
                    url: url.to_owned(),
                    reason: e.reason,
                    attempts,
                });
            }
        }
    }
}

async fn attempt(
    client: &reqwest::Client,
    url: &str,
    state: Option<&FeedSourceState>,
    opts: &DownloadOptions,
) -> Result<Fetched, AttemptError> {
    tokio::fs::create_dir_all(&opts.cache_dir).await.map_err(io)?;
    let (part, meta_path, body) = cache_paths(&opts.cache_dir, url);
    let partial = partial_len(&part, &meta_path, url).await;
    let mut req = client.get(url);
    match &partial {
        Some((len, m)) => {
            req = req.header(RANGE, format!("bytes={len}-"));
            if let Some(v) = m.etag.as_ref().or(m.last_modified.as_ref()) {
                req = req.header(IF_RANGE, v);
            }
        }
        None => {
            // Conditional only while the last complete body is still in the cache.
            let cached = tokio::fs::try_exists(&body).await.unwrap_or(false);
            if let Some(s) = state.filter(|_| cached) {
                if let Some(etag) = &s.etag {
                    req = req.header(IF_NONE_MATCH, etag);
                }
                if let Some(lm) = &s.last_modified {
                    req = req.header(IF_MODIFIED_SINCE, lm);
                }
            }
        }
    }
    let mut resp = req.send().await.map_err(|e| AttemptError::retry(describe(&e)))?;
    let status = resp.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(Fetched::NotModified);
    }
    if status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
    {
        return Err(AttemptError::retry(format!("HTTP {status}")));
    }
    if status == StatusCode::RANGE_NOT_SATISFIABLE {
        // The partial bytes do not fit the resource any more: start again.
        let _ = tokio::fs::remove_file(&meta_path).await;
        let _ = tokio::fs::remove_file(&part).await;
        return Err(AttemptError::retry(
            "the partial download no longer fits; restarting",
        ));
    }
    if !status.is_success() {
        return Err(AttemptError::fatal(format!("HTTP {status}")));
    }
    let etag = header(resp.headers(), ETAG);
    let last_modified = header(resp.headers(), LAST_MODIFIED);
    let resumed_from = match (&partial, status) {
        (Some((len, _)), StatusCode::PARTIAL_CONTENT) if range_start(resp.headers()) == Some(*len) => {
            Some(*len)
        }
        (_, StatusCode::PARTIAL_CONTENT) => {
            let _ = tokio::fs::remove_file(&meta_path).await;
            let _ = tokio::fs::remove_file(&part).await;
            return Err(AttemptError::retry(
                "the server sent an unexpected range; restarting",
            ));
        }
        _ => None,
    };
    let mut file = if resumed_from.is_some() {
        tokio::fs::OpenOptions::new()
            .append(true)
            .open(&part)
            .await
            .map_err(io)?
    } else {
        let m = PartMeta {
            url: url.to_owned(),
            etag: etag.clone(),
            last_modified: last_modified.clone(),
        };
        let text = serde_json::to_vec(&m).map_err(|e| AttemptError::fatal(e.to_string()))?;
        tokio::fs::write(&meta_path, text).await.map_err(io)?;
        tokio::fs::File::create(&part).await.map_err(io)?
    };
    let mut written = resumed_from.unwrap_or(0);
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                written += chunk.len() as u64;
                if written > opts.max_bytes {
                    return Err(AttemptError::fatal(format!(
                        "larger than {} bytes",
                        opts.max_bytes
                    )));
                }
                file.write_all(&chunk).await.map_err(io)?;
            }
            Ok(None) => break,
            Err(e) => {
                // Keep what arrived: the next attempt resumes from it.
                file.flush().await.map_err(io)?;
                return Err(AttemptError::retry(format!(
                    "interrupted after {written} bytes: {}",
                    describe(&e)
                )));
            }
        }
    }
    file.flush().await.map_err(io)?;
    drop(file);
    tokio::fs::rename(&part, &body).await.map_err(io)?;
    let _ = tokio::fs::remove_file(&meta_path).await;
    Ok(Fetched::Downloaded {
        path: body,
        etag,
        last_modified,
        bytes: written,
        resumed_from,
    })
}

/// A reqwest error in a few words, without the URL's query string.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the body broke off"
    } else {
        "request failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {cause}")
    }
}

/// The last complete body of `url` in the cache, if there is one.
pub(crate) fn cached_body(dir: &Path, url: &str) -> Option<PathBuf> {
    let (_, _, body) = cache_paths(dir, url);
    body.is_file().then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn content_range_start_is_read() {
        let mut h = HeaderMap::new();
        h.insert(CONTENT_RANGE, HeaderValue::from_static("bytes 100-199/200"));
        assert_eq!(range_start(&h), Some(100));
        h.insert(CONTENT_RANGE, HeaderValue::from_static("items 1-2"));
        assert_eq!(range_start(&h), None);
    }

    #[test]
    fn cache_names_differ_per_url() {
        let dir = Path::new("/c");
        let (a, _, _) = cache_paths(dir, "https://a.example/x.zip");
        let (b, _, body) = cache_paths(dir, "https://b.example/x.zip");
        assert_ne!(a, b);
        assert!(body.to_string_lossy().ends_with(".body"));
    }
}
