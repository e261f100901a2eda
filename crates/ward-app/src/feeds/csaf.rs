//! A CSAF provider: `provider-metadata.json` → its ROLIE feeds (`distributions[].rolie.feeds[].url`)
//! → each feed's entries (`feed.entry[]`, the document at `content.src` or the `self` link) → the
//! documents. Feeds are fetched conditionally; a document is fetched only when its entry's
//! `updated` differs from the one recorded when it was last imported. Providers that publish only
//! a directory (`directory_url`, `changes.csv`) are not followed.

use serde_json::Value;
use ward_store::vuln::FeedSourceState;

use super::download::{Fetched, cached_body, fetch};
use super::sync::{FeedSource, SourceReport, SyncOptions, SyncOutcome};
use crate::App;
use crate::actor::Actor;
use crate::error::{AppError, AppResult};

/// The ROLIE feed URLs a provider lists.
pub fn rolie_feeds(metadata: &Value) -> Vec<String> {
    metadata
        .get("distributions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| d.get("rolie")?.get("feeds")?.as_array())
        .flatten()
        .filter_map(|f| f.get("url")?.as_str().map(str::to_owned))
        .collect()
}

/// One document of a ROLIE feed: where it is and when its entry was last updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub url: String,
    pub updated: Option<String>,
}

/// The entries of a ROLIE feed document, with a reason for each entry that names no document.
pub fn rolie_entries(feed: &Value) -> (Vec<FeedEntry>, Vec<(String, String)>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let list = feed
        .get("feed")
        .and_then(|f| f.get("entry"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, e) in list.iter().enumerate() {
        let src = e
            .get("content")
            .and_then(|c| c.get("src"))
            .and_then(Value::as_str);
        let self_link = e
            .get("link")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|l| l.get("rel").and_then(Value::as_str) == Some("self"))
            .and_then(|l| l.get("href"))
            .and_then(Value::as_str);
        match src.or(self_link) {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
                entries.push(FeedEntry {
                    url: url.to_owned(),
                    updated: e.get("updated").and_then(Value::as_str).map(str::to_owned),
                })
            }
            _ => problems.push((
                format!("/feed/entry/{i}"),
                "the entry names no document URL".to_owned(),
            )),
        }
    }
    (entries, problems)
}

/// The JSON of a fetched URL: the new body, or the cached one when the server said 304.
async fn json_of(fetched: &Fetched, opts: &SyncOptions, url: &str) -> Result<Option<Value>, String> {
    let path = match fetched {
        Fetched::Downloaded { path, .. } => path.clone(),
        Fetched::NotModified => match cached_body(&opts.download.cache_dir, url) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| format!("cannot read {url}: {e}"))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| format!("{url}: not JSON: {e}"))
}

fn note(report: &mut SourceReport, error: String) {
    report.outcome = SyncOutcome::Failed;
    match &mut report.error {
        Some(e) if e.len() < 2000 => {
            e.push_str("; ");
            e.push_str(&error);
        }
        Some(_) => {}
        None => report.error = Some(error),
    }
}

/// Sync one provider: see the module documentation.
pub(crate) async fn sync_csaf_provider(
    app: &App,
    actor: &Actor,
    client: &reqwest::Client,
    source: &FeedSource,
    opts: &SyncOptions,
) -> AppResult<SourceReport> {
    let mut report = SourceReport::new(source);
    let store = app.store();
    let before = store.get_feed_source(&source.url).await?;
    let metadata = match fetch(client, &source.url, before.as_ref(), &opts.download).await {
        Ok(f) => {
            let json = json_of(&f, opts, &source.url).await;
            app.record_fetch(actor, &source.name, &source.url, before, Ok(&f), None)
                .await?;
            json
        }
        Err(e) => Err(e.to_string()),
    };
    let metadata = match metadata.and_then(|m| {
        m.ok_or_else(|| "the provider metadata was not modified but no copy is cached".to_owned())
    }) {
        Ok(v) => v,
        Err(e) => {
            note(&mut report, e.clone());
            let state = store.get_feed_source(&source.url).await?;
            app.record_fetch(actor, &source.name, &source.url, state, Err(e), None)
                .await?;
            return Ok(report);
        }
    };
    let feeds = rolie_feeds(&metadata);
    if feeds.is_empty() {
        note(&mut report, format!("{}: no ROLIE feeds listed", source.url));
        return Ok(report);
    }
    let mut import = app.feed_import(actor)?;
    for feed_url in feeds {
        let state = store.get_feed_source(&feed_url).await?;
        let fetched = match fetch(client, &feed_url, state.as_ref(), &opts.download).await {
            Ok(f) => f,
            Err(e) => {
                note(&mut report, e.to_string());
                app.record_fetch(actor, &source.name, &feed_url, state, Err(e.to_string()), None)
                    .await?;
                continue;
            }
        };
        if fetched == Fetched::NotModified {
            app.record_fetch(actor, &source.name, &feed_url, state, Ok(&fetched), None)
                .await?;
            continue;
        }
        let feed = match json_of(&fetched, opts, &feed_url).await {
            Ok(Some(v)) => v,
            Ok(None) | Err(_) => {
                let e = format!("{feed_url}: the ROLIE feed is not JSON");
                note(&mut report, e.clone());
                app.record_fetch(actor, &source.name, &feed_url, state, Err(e), None)
                    .await?;
                continue;
            }
        };
        let (entries, problems) = rolie_entries(&feed);
        for (path, reason) in problems {
            import.reject_file(&format!("{feed_url} {path}"), reason);
        }
        let mut all_documents_ok = true;
        for entry in entries {
            let doc_state: Option<FeedSourceState> = store.get_feed_source(&entry.url).await?;
            let current = doc_state
                .as_ref()
                .is_some_and(|s| s.last_error.is_none() && s.version.is_some() && s.version == entry.updated);
            if current {
                report.documents_unchanged += 1;
                continue;
            }
            match fetch(client, &entry.url, doc_state.as_ref(), &opts.download).await {
                Ok(f) => {
                    if let Fetched::Downloaded { path, bytes, .. } = &f {
                        let body = tokio::fs::read(path)
                            .await
                            .map_err(|e| AppError::Internal(format!("cannot read {}: {e}", entry.url)))?;
                        import.add_bytes(&entry.url, &body).await?;
                        report.documents += 1;
                        report.bytes += bytes;
                    } else {
                        report.documents_unchanged += 1;
                    }
                    app.record_fetch(actor, &source.name, &entry.url, doc_state, Ok(&f), entry.updated)
                        .await?;
                }
                Err(e) => {
                    all_documents_ok = false;
                    note(&mut report, e.to_string());
                    app.record_fetch(
                        actor,
                        &source.name,
                        &entry.url,
                        doc_state,
                        Err(e.to_string()),
                        None,
                    )
                    .await?;
                }
            }
        }
        // A feed whose documents did not all arrive is not recorded as current, so the next sync
        // reads it again (its unchanged documents are still skipped by their `updated`).
        let result = if all_documents_ok {
            Ok(&fetched)
        } else {
            Err("some documents could not be fetched".to_owned())
        };
        app.record_fetch(actor, &source.name, &feed_url, state, result, None)
            .await?;
    }
    let summary = import.finish().await?;
    if report.outcome != SyncOutcome::Failed && report.documents > 0 {
        report.outcome = SyncOutcome::Downloaded;
    }
    report.import = Some(summary);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_and_entries_are_found() {
        let meta = serde_json::json!({"distributions": [
            {"rolie": {"feeds": [{"url": "https://p.example/white.json", "tlp_label": "WHITE"}]}},
            {"directory_url": "https://p.example/dir/"}
        ]});
        assert_eq!(
            rolie_feeds(&meta),
            vec!["https://p.example/white.json".to_owned()]
        );
        let feed = serde_json::json!({"feed": {"entry": [
            {"updated": "2024-01-01T00:00:00Z", "content": {"src": "https://p.example/a.json"}},
            {"link": [{"rel": "hash", "href": "https://p.example/b.json.sha256"},
                      {"rel": "self", "href": "https://p.example/b.json"}]},
            {"title": "no link"}
        ]}});
        let (entries, problems) = rolie_entries(&feed);
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].updated.as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(entries[1].url, "https://p.example/b.json");
        assert_eq!(
            problems,
            vec![(
                "/feed/entry/2".to_owned(),
                "the entry names no document URL".to_owned()
            )]
        );
    }
}
