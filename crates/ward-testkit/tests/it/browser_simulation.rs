//! The dry-run page in headless Chromium: a person picks a scenario and a mitigation on the form,
//! the page's own script follows the run to its results (or they are there at once), and the
//! results with the recovery curve fit a 390 px screen. Skipped, with a `SKIPPED:` line, when
//! Chromium or chromedriver is not installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::browser::{Tour, open_browser_with, screenshot_dir, start_driver};
use fantoccini::Locator;
use ward_core::role::Role;
use ward_testkit::skip::program;
use ward_testkit::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_from_the_form_to_the_recovery_curve_in_chromium() {
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
    let c = open_browser_with(&driver, &chromium, profile.path(), None).await;
    let mut tour = Tour {
        t: &t,
        c,
        dir: screenshot_dir(),
        step: 0,
    };
    tour.sign_in(Role::NationalAnalyst, false).await;
    tour.go("/exercises").await;
    tour.press("a[href='/simulate']").await;
    tour.heading_is("Dry-run a scenario").await;
    tour.press("#scenario-wannacry-2017").await;
    tour.press("#m-extra-response-team").await;
    tour.fill("trials", "4000").await;
    tour.fill("seed", "11").await;
    tour.shot("simulation-form").await;
    tour.press("form[action='/simulate/run'] button[type=submit]")
        .await;
    tour.wait_query("scenario=wannacry-2017").await;
    // Whether the run was still going (the script polls and then loads the results) or already
    // done, the browser ends on the results.
    tour.heading_is("Dry run: wannacry-2017").await;
    let url = tour.c.current_url().await.expect("url");
    let query = url.query().unwrap_or("");
    for part in ["trials=4000", "seed=11", "extra-response-team=on"] {
        assert!(query.contains(part), "{part} in {query}");
    }
    let svg = tour
        .c
        .find(Locator::Css("svg.recovery-curve polyline.curve-median"))
        .await
        .expect("the curve is drawn");
    assert!(
        svg.attr("points")
            .await
            .expect("points")
            .is_some_and(|p| p.starts_with("44.0,"))
    );
    tour.c
        .find(Locator::Css("svg.recovery-curve polyline.curve-without"))
        .await
        .expect("the run without the extra team, for comparison");
    let table = tour.text("main table.data").await;
    assert!(table.contains("Median without the mitigations"), "{table}");
    tour.shot("simulation-results").await;

    // The results fit a phone.
    tour.c.set_window_size(390, 1100).await.expect("resize");
    tour.c.refresh().await.expect("reload");
    tour.heading_is("Dry run: wannacry-2017").await;
    let width = tour
        .c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .expect("width")
        .as_u64()
        .expect("a number");
    let viewport = tour
        .c
        .execute("return document.documentElement.clientWidth;", vec![])
        .await
        .expect("viewport")
        .as_u64()
        .expect("a number");
    assert!(width <= viewport, "{width}px wide on a {viewport}px screen");
    tour.words_for_people("simulation-results-phone").await;
    tour.shot("simulation-results-phone").await;
}
