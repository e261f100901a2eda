//! The walk's rules and requests for the supplier advisory pathway: suppliers publish about
//! their own confirmed products and read their own advisories' progress; the national team
//! reads every advisory and releases embargoed ones; an organisation's admins choose whether
//! suppliers may name it. Revisions: a supplier revises only its own advisories; their history is
//! read as the advisory is.

use serde_json::json;
use ward_core::role::Role;
use ward_testkit::TestApp;

/// Routes decided here.
pub(super) fn is_supplier_advisory(path: &str) -> bool {
    path.starts_with("/api/v1/supplier-advisories")
        || path.starts_with("/api/v1/suppliers/{id}/advisories")
        || path == "/api/v1/orgs/{id}/naming-consent"
}

/// Whether `role` may call `route` on its own organisation (`own`) or a foreign one.
pub(super) fn allowed(route: (&str, &str), role: Role, own: bool) -> bool {
    use Role::*;
    let national = role == NationalAnalyst;
    let supplier = role == SupplierContact;
    match route {
        // Only a supplier's own contacts speak for it (the foreign target is a trust, no supplier).
        ("POST", "/api/v1/suppliers/{id}/advisories" | "/api/v1/suppliers/{id}/advisories/upload") => {
            supplier && own
        }
        // The list is the supplier's own advisories (every one for the national team).
        ("GET", "/api/v1/supplier-advisories") => national || supplier,
        // The foreign target is another supplier's advisory.
        ("GET", "/api/v1/supplier-advisories/{id}") => national || (supplier && own),
        ("POST", "/api/v1/supplier-advisories/{id}/release") => national,
        // The foreign target is another supplier's advisory (not found to this one's contact).
        ("GET", "/api/v1/supplier-advisories/{id}/revisions") => national || (supplier && own),
        (
            "POST",
            "/api/v1/supplier-advisories/{id}/revisions"
            | "/api/v1/supplier-advisories/{id}/revisions/upload",
        ) => supplier && own,
        // The organisation's own admins decide; nobody else, the national team included.
        ("GET" | "PUT", "/api/v1/orgs/{id}/naming-consent") => role == OrgAdmin && own,
        _ => panic!("route {route:?} has no rule in the walk"),
    }
}

/// A second supplier, whose advisories are foreign to the fixture supplier's contact.
async fn other_supplier(app: &TestApp) -> ward_core::OrgId {
    let other = ward_core::org::Organisation {
        id: ward_core::OrgId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0b01)),
        code: ward_core::org::OdsCode::parse("SUP777").unwrap(),
        name: "Walk Systems Ltd".into(),
        kind: ward_core::org::OrgKind::Supplier,
        parent: None,
        postcode: None,
        opened: None,
        closed: None,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .upsert_orgs(
            std::slice::from_ref(&other),
            jiff::civil::date(2026, 1, 1),
            &actor.audit(app.app.now()),
        )
        .await
        .unwrap();
    other.id
}

/// An embargoed advisory of `supplier`, kept straight in the store.
async fn disposable_advisory(app: &TestApp, supplier: ward_core::OrgId, n: usize) -> String {
    use ward_core::supplier::advisory::{AdvisoryFormat, SupplierAdvisory};
    let id = format!("WALK-SA-{n}");
    let now = app.app.now();
    let advisory: ward_core::vuln::Advisory = serde_json::from_value(json!({
        "id": id, "aliases": ["CVE-2099-7001"], "source": "manual",
        "affected": [{"cpes": [{"criteria": "cpe:2.3:a:pathlab:lims:4.2:*:*:*:*:*:*:*", "vulnerable": true}]}]
    }))
    .unwrap();
    let record = SupplierAdvisory {
        id: id.clone(),
        supplier,
        title: format!("Walk advisory {n}"),
        severity: ward_core::alert::Severity::High,
        format: AdvisoryFormat::Form,
        advisory,
        actions: vec!["Upgrade".into()],
        version: "1".into(),
        not_affected: vec![],
        fixed: vec![],
        embargo_until: Some(jiff::civil::date(2099, 1, 1)),
        published_by: "system:walk".into(),
        published_at: now,
        released_at: None,
        released_by: None,
        alert: None,
    };
    let actor = ward_app::Actor::system("walk", app.world.national);
    app.store
        .create_supplier_advisory(&ward_store::Scope::All, &record, &actor.audit(now))
        .await
        .unwrap();
    id
}

/// The request for a route of the pathway.
pub(super) async fn call(
    app: &TestApp,
    route: (&str, &str),
    own: bool,
    org: ward_core::OrgId,
    n: usize,
) -> (String, Option<(String, &'static str)>) {
    let w = &app.world;
    let j = |v: serde_json::Value| Some((v.to_string(), "application/json"));
    let s = if own { w.supplier } else { w.foreign_trust };
    match route {
        ("POST", "/api/v1/suppliers/{id}/advisories") => (
            format!("/api/v1/suppliers/{s}/advisories"),
            j(
                json!({"title": format!("Walk form {n}"), "cves": ["CVE-2099-7002"], "product": w.product,
                     "versions": ["4.2"], "severity": "high", "required_action": "Upgrade"}),
            ),
        ),
        ("POST", "/api/v1/suppliers/{id}/advisories/upload") => (
            format!("/api/v1/suppliers/{s}/advisories/upload?file=walk.json"),
            j(ward_testkit::supplier_documents::csaf_advisory(
                &format!("PATHLAB-WALK-{n}"),
                "CVE-2099-7003",
                "4.2",
                "4.3",
            )),
        ),
        ("GET", "/api/v1/supplier-advisories/{id}") => {
            let owner = if own {
                w.supplier
            } else {
                other_supplier(app).await
            };
            (
                format!(
                    "/api/v1/supplier-advisories/{}",
                    disposable_advisory(app, owner, n).await
                ),
                None,
            )
        }
        ("POST", "/api/v1/supplier-advisories/{id}/release") => {
            let owner = if own {
                w.supplier
            } else {
                other_supplier(app).await
            };
            (
                format!(
                    "/api/v1/supplier-advisories/{}/release",
                    disposable_advisory(app, owner, n).await
                ),
                None,
            )
        }
        ("GET" | "POST", "/api/v1/supplier-advisories/{id}/revisions")
        | ("POST", "/api/v1/supplier-advisories/{id}/revisions/upload") => {
            let owner = if own {
                w.supplier
            } else {
                other_supplier(app).await
            };
            let id = disposable_advisory(app, owner, n).await;
            let body = match route.1 {
                _ if route.0 == "GET" => None,
                "/api/v1/supplier-advisories/{id}/revisions" => j(
                    json!({"title": format!("Walk revision {n}"), "product": w.product,
                           "versions": ["4.2"], "severity": "high"}),
                ),
                _ => {
                    let mut d =
                        ward_testkit::supplier_documents::csaf_advisory(&id, "CVE-2099-7001", "4.2", "4.3");
                    d["document"]["tracking"]["version"] = json!("2");
                    j(d)
                }
            };
            let path = if route.1.ends_with("/upload") {
                format!("/api/v1/supplier-advisories/{id}/revisions/upload?file=walk.json")
            } else {
                format!("/api/v1/supplier-advisories/{id}/revisions")
            };
            (path, body)
        }
        ("GET", "/api/v1/orgs/{id}/naming-consent") => (format!("/api/v1/orgs/{org}/naming-consent"), None),
        ("PUT", "/api/v1/orgs/{id}/naming-consent") => (
            format!("/api/v1/orgs/{org}/naming-consent"),
            j(json!({"may_be_named": n.is_multiple_of(2)})),
        ),
        (_, p) => (p.to_owned(), None),
    }
}
