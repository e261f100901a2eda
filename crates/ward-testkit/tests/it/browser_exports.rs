//! Issue 11 saw every export link on the Exposure page fail once a filter was set: the browser
//! showed raw JSON instead of a file. Here headless Chromium clicks each export link (CSV, JSON,
//! CycloneDX VEX) under each filter, one filter chosen through the form as a person would, and
//! each click must save a file of that format while the page stays where it was. Skipped, with a
//! `SKIPPED:` line, when Chromium or chromedriver is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser::{Tour, open_browser_with, screenshot_dir, start_driver};
use fantoccini::Locator;
use std::path::{Path, PathBuf};
use std::time::Duration;
use ward_core::role::Role;
use ward_testkit::skip::program;
use ward_testkit::spawn_app;

/// The filters of the Exposure page, alone and together.
const FILTERS: [&str; 8] = [
    "",
    "kev=yes",
    "internet_facing=yes",
    "kev=yes&internet_facing=yes",
    "status=all",
    "advisory=CVE-2021-44228",
    "q=lims",
    "org=RJZ&status=all&kev=yes&internet_facing=yes&q=server",
];

/// Waits (up to thirty seconds) for one finished download in `dir`, takes it out and returns its
/// name and content. Chromium reserves the final name with an empty file while it still writes
/// the `.crdownload` beside it, so a download counts as finished only when no partial file is
/// left, it is not empty, and its size held still between two looks.
async fn one_download(dir: &Path) -> (String, String) {
    let mut last: Option<(PathBuf, u64)> = None;
    for _ in 0..300 {
        let names: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("the download directory")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        let (unfinished, done): (Vec<&PathBuf>, Vec<&PathBuf>) = names.iter().partition(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".crdownload") || name.starts_with('.') || name.ends_with(".tmp")
        });
        let partial = !unfinished.is_empty();
        assert!(done.len() < 2, "more than one download at once: {done:?}");
        match (partial, done.as_slice()) {
            (false, [file]) => {
                let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
                let steady = last.as_ref() == Some(&((*file).clone(), size));
                if size > 0 && steady {
                    let body = std::fs::read_to_string(file).expect("read the download");
                    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
                    std::fs::remove_file(file).expect("take the download out");
                    return (name, body);
                }
                last = Some(((*file).clone(), size));
            }
            _ => last = None,
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no download arrived in {}", dir.display());
}

/// Clicks each export link of the current Exposure page; returns how many saved a file.
async fn click_every_export(tour: &Tour<'_>, downloads: &Path, under: &str) -> usize {
    let css = "a[href^='/api/v1/exposures/export']";
    let count = tour.c.find_all(Locator::Css(css)).await.expect("links").len();
    assert_eq!(count, 3, "CSV, JSON and VEX links under '{under}'");
    let before = tour.c.current_url().await.expect("url");
    for i in 0..count {
        let links = tour.c.find_all(Locator::Css(css)).await.expect("links");
        let label = links[i].text().await.expect("link text");
        links[i].click().await.expect("click the export");
        let (name, body) = one_download(downloads).await;
        match label.as_str() {
            "CSV" => {
                assert!(name.ends_with(".csv"), "{under}: {name}");
                let header = body.lines().next().unwrap_or("");
                assert!(
                    header.contains("advisory"),
                    "{under}: a CSV header, not {header:?}"
                );
            }
            "JSON" | "CycloneDX VEX" => {
                assert!(name.ends_with(".json"), "{under}: {name}");
                let v: serde_json::Value = serde_json::from_str(&body)
                    .unwrap_or_else(|e| panic!("{under}: {label} is not JSON ({e}): {body}"));
                assert!(v.get("error").is_none(), "{under}: {label} is an error: {body}");
                if label == "CycloneDX VEX" {
                    assert_eq!(v["bomFormat"], "CycloneDX", "{under}: {body}");
                }
            }
            other => panic!("an export link called {other:?}"),
        }
        // A download leaves the page where it was; a failing export would replace it.
        assert_eq!(
            tour.c.current_url().await.expect("url"),
            before,
            "{under}: {label}"
        );
    }
    count
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_downloads_every_export_under_every_filter() {
    let install = "apt-get install chromium chromium-driver";
    let Some(chromium) = program(&["chromium", "chromium-browser"], install) else {
        return;
    };
    let Some(chromedriver) = program(&["chromedriver"], install) else {
        return;
    };
    let t = spawn_app().await;
    let driver = start_driver(&chromedriver).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let downloads = tempfile::tempdir().expect("download dir");
    let c = open_browser_with(&driver, &chromium, profile.path(), Some(downloads.path())).await;
    let mut tour = Tour {
        t: &t,
        c,
        dir: screenshot_dir(),
        step: 0,
    };
    tour.sign_in(Role::OrgAdmin, false).await;

    // Known exploited only, chosen in the form: the case issue 11 saw fail.
    tour.go("/exposures").await;
    tour.press("select#kev option[value='yes']").await;
    tour.press("form[action='/exposures'] button[type=submit]").await;
    tour.wait_query("kev=yes").await;
    let mut saved = click_every_export(&tour, downloads.path(), "kev chosen in the form").await;
    tour.shot("exposure-exports-known-exploited").await;

    for filter in FILTERS {
        tour.go(&format!("/exposures?{filter}")).await;
        tour.heading_is("Exposure").await;
        saved += click_every_export(&tour, downloads.path(), filter).await;
    }
    assert_eq!(saved, 3 * (FILTERS.len() + 1));
    tour.c.close().await.expect("close the browser");
}
