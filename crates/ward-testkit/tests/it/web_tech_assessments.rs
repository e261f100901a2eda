//! The technology assessment request form over plain HTTP: pickers of the organisation's own
//! suppliers and products (select lists, no script); a refused request comes back with status 422,
//! what was typed kept and each problem beside its field; a product or supplier the organisation
//! does not depend on is refused by name on the API as on the page.

use crate::api::as_role;
use crate::supplier_advisories::{lims_estate, send};
use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use serde_json::json;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn the_request_form_offers_the_organisations_suppliers_and_keeps_what_was_typed() {
    let t = spawn_app().await;
    lims_estate(&t).await;
    let supplier = t.world.supplier.to_string();
    let product = t.world.product.to_string();
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let page = v.get("/technology-assessments").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!(
            "<option value=\"{supplier}\">Pathlab Systems (SUP001)</option>"
        )),
        "the supplier the trust depends on: {}",
        page.body
    );
    assert!(
        page.body.contains(&format!(
            "<option value=\"{product}\">PathLab LIMS (Pathlab Systems)</option>"
        )),
        "its product: {}",
        page.body
    );
    assert!(!page.body.contains("<script"), "no script");

    // Refused: no technology, a date that does not read; the rest is kept, each problem inline.
    let csrf = hidden(&page.body, "csrf");
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("technology", " "),
        ("kind", "medical-device"),
        ("supplier", supplier.as_str()),
        ("product", product.as_str()),
        ("description", "Typed description kept"),
        ("wanted_by", "next spring"),
    ];
    let bad = v.post("/technology-assessments", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Typed description kept"), "kept");
    assert!(bad.body.contains("value=\"next spring\""), "kept");
    assert!(
        bad.body
            .contains(&format!("<option value=\"{supplier}\" selected>")),
        "the supplier stays chosen"
    );
    assert!(
        bad.body
            .contains("<p class=\"field-error\">a date such as 2027-03-31</p>"),
        "{}",
        bad.body
    );
    fields[6] = ("wanted_by", "2026-12-31");
    let bad = v.post("/technology-assessments", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("id=\"technology-error\""),
        "the app's problem beside its field: {}",
        bad.body
    );

    // A product the organisation does not depend on is refused beside the product list.
    let stranger = uuid::Uuid::new_v4().to_string();
    fields[1] = ("technology", "Infusion pump XR-400");
    fields[4] = ("product", stranger.as_str());
    let bad = v.post("/technology-assessments", &fields).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body
            .contains("choose one of the products of the suppliers your organisation depends on"),
        "{}",
        bad.body
    );
    assert!(bad.body.contains("value=\"Infusion pump XR-400\""), "kept");

    // Accepted: the request names the supplier and product picked.
    fields[4] = ("product", product.as_str());
    let ok = v.post("/technology-assessments", &fields).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let at = ok.location.clone().unwrap();
    let id = at.trim_start_matches("/technology-assessments/");
    let member = as_role(&t, Role::OrgMember).await;
    let (status, read) = send(
        &t,
        &member,
        "GET",
        &format!("/api/v1/technology-assessments/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(read["assessment"]["supplier"], json!(t.world.supplier), "{read}");
    assert_eq!(read["assessment"]["product"], json!(t.world.product), "{read}");

    // The national team, assessing it, names the risk owner from the trust's people: the trust's
    // writers by name, never another trust's admin.
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let ncsrf = n.csrf().await;
    for (to, priority) in [("triaged", "high"), ("in-assessment", "")] {
        let moved = n
            .post(
                &format!("{at}/status"),
                &[
                    ("csrf", ncsrf.as_str()),
                    ("to", to),
                    ("priority", priority),
                    ("reason", ""),
                ],
            )
            .await;
        assert_eq!(moved.status, StatusCode::SEE_OTHER, "{to}: {}", moved.body);
    }
    let page = n.get(&at).await;
    let member_id = t.world.users[&Role::OrgMember].id.to_string();
    assert!(
        page.body
            .contains(&format!("<option value=\"{member_id}\">member</option>")),
        "the trust's member is offered as the risk owner: {}",
        page.body
    );
    assert!(
        !page.body.contains(&t.world.foreign_admin.id.to_string()),
        "another trust's admin is not"
    );
    // Refused findings come back as typed, each problem beside its field: a risk with nobody
    // owning it, then an advisory Ward does not know.
    let refused = n
        .post(
            &format!("{at}/findings"),
            &[
                ("csrf", ncsrf.as_str()),
                ("title", "Typed finding kept"),
                ("severity", "high"),
                ("description", "Typed description kept"),
                ("record", "risk"),
                ("advisory", ""),
                ("risk_owner", ""),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"Typed finding kept\""),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(">Typed description kept</textarea>"),
        "kept"
    );
    assert!(
        refused.body.contains("id=\"f-owner-error\""),
        "beside the owner: {}",
        refused.body
    );
    assert!(
        refused.body.contains("<option value=\"risk\" selected>"),
        "the choice kept"
    );
    let unknown = n
        .post(
            &format!("{at}/findings"),
            &[
                ("csrf", ncsrf.as_str()),
                ("title", "Old firmware"),
                ("severity", "medium"),
                ("description", ""),
                ("record", "exposure"),
                ("advisory", "CVE-2099-0001"),
                ("risk_owner", ""),
            ],
        )
        .await;
    assert_eq!(
        unknown.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown.body
    );
    assert!(
        unknown.body.contains("id=\"f-advisory-error\""),
        "beside the advisory: {}",
        unknown.body
    );
    assert!(unknown.body.contains("CVE-2099-0001"), "named");
    let recorded = n
        .post(
            &format!("{at}/findings"),
            &[
                ("csrf", ncsrf.as_str()),
                ("title", "Pump reachable from guest Wi-Fi"),
                ("severity", "high"),
                ("description", ""),
                ("record", "risk"),
                ("advisory", ""),
                ("risk_owner", member_id.as_str()),
            ],
        )
        .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    let page = n.get(&at).await;
    assert!(page.body.contains("the risk in the register"), "{}", page.body);

    // The remediation plan: a due date that is not a date comes back inline, the rest kept.
    let reported = n
        .post(
            &format!("{at}/status"),
            &[
                ("csrf", ncsrf.as_str()),
                ("to", "findings-reported"),
                ("priority", ""),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(reported.status, StatusCode::SEE_OTHER, "{}", reported.body);
    let mut action = vec![
        ("csrf", ncsrf.as_str()),
        ("title", "Move the pumps to their own network"),
        ("owner", "Head of clinical engineering"),
        ("due", "soon"),
    ];
    let bad = n.post(&format!("{at}/actions"), &action).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("id=\"a-due-error\""),
        "beside the date: {}",
        bad.body
    );
    assert!(
        bad.body.contains("value=\"Head of clinical engineering\""),
        "kept"
    );
    action[3] = ("due", "2027-03-31");
    let added = n.post(&format!("{at}/actions"), &action).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert!(
        n.get(&at)
            .await
            .body
            .contains("Move the pumps to their own network")
    );

    // The API takes the same rule: another trust as the supplier is refused by field.
    let (status, refused) = send(
        &t,
        &member,
        "POST",
        "/api/v1/technology-assessments",
        Some(
            &json!({"org": t.world.trust, "technology": "Pump", "kind": "system",
                     "description": "x", "supplier": t.world.foreign_trust}),
        ),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["fields"][0]["path"], "supplier", "{refused}");
}
