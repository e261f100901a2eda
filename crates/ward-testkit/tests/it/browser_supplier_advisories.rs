//! The supplier advisory pages on a phone: in headless Chromium at 390 px wide, the page each role
//! opens (the supplier's own advisories with their revision history, what they state not
//! affected and the revision form; the national team's list with an embargoed advisory; a trust
//! admin's naming choice; the advisory page of a released one) never scrolls sideways, with every
//! `<details>` opened. Skipped, with a `SKIPPED:` line, when Chromium or chromedriver is not
//! installed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::api::{as_role, with_session};
use crate::browser::{Tour, open_browser_with, screenshot_dir, start_driver};
use fantoccini::Locator;
use serde_json::json;
use ward_core::role::Role;
use ward_testkit::app::client;
use ward_testkit::skip::program;
use ward_testkit::spawn_app;
use ward_testkit::supplier_documents::{csaf_advisory, lims_cpe};

/// Opens every `<details>` of the page, then fails naming the widest elements when the page is
/// wider than the window.
async fn fits_the_width(tour: &Tour<'_>, path: &str) {
    tour.go(path).await;
    tour.c
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .expect("a heading");
    tour.c
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true); return true;",
            vec![],
        )
        .await
        .expect("open the details");
    let number = |v: serde_json::Value| v.as_u64().expect("a number");
    let width = number(
        tour.c
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .expect("width"),
    );
    let viewport = number(
        tour.c
            .execute("return document.documentElement.clientWidth;", vec![])
            .await
            .expect("viewport"),
    );
    if width > viewport {
        let culprits = tour
            .c
            .execute(
                "const w = document.documentElement.clientWidth; return Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right > w + 1 && Array.from(e.children).every(c => c.getBoundingClientRect().right <= w + 1)).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
                vec![],
            )
            .await
            .expect("culprits");
        panic!("{path} is {width}px wide on a {viewport}px screen: {culprits}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_supplier_advisory_pages_fit_a_phone() {
    let install = "apt-get install chromium chromium-driver";
    let Some(chromium) = program(&["chromium", "chromium-browser"], install) else {
        return;
    };
    let Some(chromedriver) = program(&["chromedriver"], install) else {
        return;
    };
    let t = spawn_app().await;
    // The trust runs LIMS 4.2 and 4.3; PathLab publishes, revises, and holds one under embargo.
    let member = as_role(&t, Role::OrgMember).await;
    let res = with_session(client().post(t.url("/api/v1/assets")), &member)
        .json(
            &json!({"org": t.world.trust, "name": "LIMS", "kind": "server", "internet_facing": false,
                      "software": [{"name": "PathLab LIMS", "version": "4.2", "cpe": lims_cpe("4.2")}]}),
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let supplier = as_role(&t, Role::SupplierContact).await;
    let id = "PATHLAB-SA-2026-PHONE-WITH-A-RATHER-LONG-TRACKING-IDENTIFIER-0001";
    let post = |path: String, body: String| {
        let supplier = supplier.clone();
        let t = &t;
        async move {
            let res = with_session(client().post(t.url(&path)), &supplier)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            assert!(
                status.is_success(),
                "{path}: {status} {}",
                res.text().await.unwrap()
            );
        }
    };
    let mut doc = csaf_advisory(id, "CVE-2026-34001", "4.2", "4.3");
    doc["vulnerabilities"][0]["product_status"] = json!({"known_affected": ["CSAFPID-0001"],
        "known_not_affected": ["CSAFPID-0002"]});
    doc["vulnerabilities"][0]["flags"] =
        json!([{"label": "vulnerable_code_not_in_execute_path", "product_ids": ["CSAFPID-0002"]}]);
    post(
        "/api/v1/suppliers/SUP001/advisories/upload?file=a.json".into(),
        doc.to_string(),
    )
    .await;
    doc["document"]["tracking"]["version"] = json!("2.0.0-with-a-long-pre-release-label.1");
    doc["vulnerabilities"][0]["remediations"][0]["details"] =
        json!("Upgrade PathLab LIMS to 4.3.1-hotfix-2026-06-with-the-results-interface-patched-everywhere");
    post(
        format!("/api/v1/supplier-advisories/{id}/revisions/upload?file=a.json"),
        doc.to_string(),
    )
    .await;
    post(
        "/api/v1/suppliers/SUP001/advisories".into(),
        json!({"title": "Held back until the fix ships", "cves": ["CVE-2026-34002"], "product": t.world.product,
               "versions": ["4.2"], "severity": "high", "embargo_until": "2099-01-01"})
        .to_string(),
    )
    .await;

    let driver = start_driver(&chromedriver).await;
    let profile = tempfile::tempdir().expect("profile dir");
    let c = open_browser_with(&driver, &chromium, profile.path(), None).await;
    let mut tour = Tour {
        t: &t,
        c,
        dir: screenshot_dir(),
        step: 0,
    };
    tour.c.set_window_size(390, 1100).await.expect("resize");
    for (role, pages) in [
        (Role::SupplierContact, vec!["/supplier-advisories".to_owned()]),
        (
            Role::NationalAnalyst,
            vec!["/supplier-advisories".to_owned(), format!("/advisories/{id}")],
        ),
        (Role::OrgAdmin, vec!["/supplier-advisories".to_owned()]),
    ] {
        tour.sign_in(role, false).await;
        for path in &pages {
            fits_the_width(&tour, path).await;
            tour.shot(&format!("supplier-advisories-phone-{role:?}")).await;
        }
        tour.sign_out().await;
    }
    tour.c.close().await.expect("close the browser");
}
