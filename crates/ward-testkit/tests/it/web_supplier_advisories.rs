//! The supplier advisory pages: a supplier publishes with the form and by upload (a refused
//! document lists its reasons with JSON pointers, nothing published), sees its progress as an
//! SVG bar with the figures beneath and names only after the organisation's admin agreed there;
//! the national team releases an embargoed advisory; other roles are refused the page.

use crate::api::{as_role, with_session};
use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use serde_json::json;
use ward_core::role::Role;
use ward_testkit::app::client;
use ward_testkit::spawn_app;
use ward_testkit::supplier_documents::{csaf_advisory, lims_cpe};

#[tokio::test]
async fn a_supplier_publishes_from_the_page_and_follows_progress_named_only_with_consent() {
    let t = spawn_app().await;
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

    let mut s = Visitor::new(&t);
    s.sign_in_as(Role::SupplierContact).await;
    let page = s.get("/supplier-advisories").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Publish an advisory"), "{}", page.body);
    assert!(
        page.body.contains("PathLab LIMS"),
        "the confirmed product is offered"
    );
    let csrf = hidden(&page.body, "csrf");
    let product = t.world.product.to_string();

    let done = s
        .post(
            "/supplier-advisories",
            &[
                ("csrf", &csrf),
                ("title", "LIMS results interface flaw"),
                ("summary", "Patch now."),
                ("cves", "CVE-2026-35001"),
                ("product", &product),
                ("versions", "4.2"),
                ("fixed_version", "4.3"),
                ("required_action", "Upgrade to 4.3"),
                ("severity", "critical"),
                ("embargo_until", ""),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location.as_deref(),
        Some("/supplier-advisories?done=released")
    );
    let page = s.get("/supplier-advisories?done=released").await;
    assert!(page.body.contains("LIMS results interface flaw"), "{}", page.body);
    assert!(
        page.body
            .contains("1 organisation running affected versions told"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("<svg class=\"progress\""),
        "the progress is drawn"
    );
    assert!(
        page.body
            .contains("1 organisations reached: 0 remediated, 0 not affected"),
        "the bar says its figures: {}",
        page.body
    );
    assert!(!page.body.contains("Riverside"), "no name without consent");
    assert!(
        page.body.contains("1 organisation has not agreed to be named"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("cyclone_dx") && !page.body.contains(">critical<"),
        "no raw values"
    );

    // A document that does not validate: its reasons, with their JSON pointers; nothing published.
    let mut draft = csaf_advisory("PATHLAB-SA-WEB-1", "CVE-2026-35002", "4.2", "4.3");
    draft["document"]["tracking"]["status"] = json!("draft");
    let refused = s
        .post_file(
            "/supplier-advisories/upload",
            &[("csrf", &csrf), ("severity", ""), ("embargo_until", "")],
            "pathlab.json",
            &draft.to_string(),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Nothing was published"), "{}", refused.body);
    assert!(
        refused.body.contains("/document/tracking/status"),
        "{}",
        refused.body
    );

    // The same document, valid, under embargo.
    let doc = csaf_advisory("PATHLAB-SA-WEB-2", "CVE-2026-35003", "4.2", "4.3");
    let held = s
        .post_file(
            "/supplier-advisories/upload",
            &[
                ("csrf", &csrf),
                ("severity", "high"),
                ("embargo_until", "2099-01-01"),
            ],
            "pathlab.json",
            &doc.to_string(),
        )
        .await;
    assert_eq!(
        held.location.as_deref(),
        Some("/supplier-advisories?done=embargoed"),
        "{}",
        held.body
    );

    // The trust's admin agrees to be named; the supplier then sees the name.
    let mut admin = Visitor::new(&t);
    admin.sign_in_as(Role::OrgAdmin).await;
    let page = admin.get("/supplier-advisories").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Let suppliers name us"), "{}", page.body);
    assert!(
        !page.body.contains("LIMS results interface flaw"),
        "a trust reads no supplier's advisories"
    );
    let token = hidden(&page.body, "csrf");
    let done = admin
        .post(
            "/supplier-advisories/naming",
            &[("csrf", &token), ("may_be_named", "yes")],
        )
        .await;
    assert_eq!(done.location.as_deref(), Some("/supplier-advisories?done=named"));
    let page = s.get("/supplier-advisories").await;
    assert!(
        page.body
            .contains("Riverside Hospitals NHS Trust (RJZ): Not yet acknowledged"),
        "{}",
        page.body
    );

    // The national team sees the embargoed one and releases it.
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let page = n.get("/supplier-advisories").await;
    assert!(page.body.contains("Under embargo"), "{}", page.body);
    assert!(page.body.contains("Release now"), "{}", page.body);
    let token = hidden(&page.body, "csrf");
    let done = n
        .post(
            "/supplier-advisories/PATHLAB-SA-WEB-2/release",
            &[("csrf", &token)],
        )
        .await;
    assert_eq!(
        done.location.as_deref(),
        Some("/supplier-advisories?done=release"),
        "{}",
        done.body
    );
    let page = n.get("/supplier-advisories").await;
    assert!(!page.body.contains("Release now"), "{}", page.body);

    // Roles with no part in it are refused the page.
    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    assert_eq!(m.get("/supplier-advisories").await.status, StatusCode::FORBIDDEN);
}
