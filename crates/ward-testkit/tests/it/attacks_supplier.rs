//! Attacks by a supplier contact on the rest of the sector. A supplier's VEX statement applies to
//! every organisation running its product, so a supplier may speak only for products a national
//! analyst has confirmed as its own, on every identifier the statement carries. Each test runs on
//! SQLite, and on PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, with_session};
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_store::Scope;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};
use ward_testkit::fixtures::PRODUCT_CPE;

const LOG4J_PURL: &str = "pkg:maven/org.apache.logging.log4j/log4j-core";
const MIDDLEWARE_CPE: &str = "cpe:2.3:a:pathlab:middleware:*:*:*:*:*:*:*:*";

/// The fixed instant the apps of one test start at.
fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

async fn send(app: &TestApp, s: &(String, String), path: &str, body: &Value) -> (u16, Value) {
    let res = with_session(client().post(app.url(path)), s)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn get(app: &TestApp, s: &(String, String), path: &str) -> Value {
    let res = with_session(client().get(app.url(path)), s).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.json().await.unwrap()
}

/// Open exposures to `cve` the session sees.
async fn open(app: &TestApp, s: &(String, String), cve: &str) -> u64 {
    let page = get(app, s, &format!("/api/v1/exposures?advisory={cve}")).await;
    page["total"].as_u64().unwrap()
}

/// Whether a refusal (403 or 422) names `what` somewhere in its message or field problems.
fn refused_naming(status: u16, body: &Value, what: &str) -> bool {
    (status == 403 || status == 422) && body.to_string().contains(what)
}

fn statement(org: &Value, vulnerability: &str, cpe: Option<&str>, purl: Option<&str>) -> Value {
    json!({"org": org, "vulnerability": vulnerability, "cpe": cpe, "purl": purl,
           "status": "not_affected", "justification": "component_not_present",
           "detail": "Not shipped in our builds"})
}

/// The trust runs PathLab Middleware 4.2, and an NVD advisory names it.
async fn middleware_exposure(app: &TestApp) {
    let member = as_role(app, Role::OrgMember).await;
    let (status, body) = send(
        app,
        &member,
        "/api/v1/assets",
        &json!({"org": app.world.trust, "name": "Lab middleware", "kind": "server", "internet_facing": false,
                "software": [{"name": "PathLab Middleware", "version": "4.2",
                              "cpe": "cpe:2.3:a:pathlab:middleware:4.2:*:*:*:*:*:*:*"}]}),
    )
    .await;
    assert!(status < 300, "{body}");
    let nvd = json!({"vulnerabilities": [{"cve": {
        "id": "CVE-2099-0001", "published": "2099-01-01T00:00:00.000", "lastModified": "2099-01-01T00:00:00.000",
        "descriptions": [{"lang": "en", "value": "Test flaw in PathLab Middleware before 5.0"}],
        "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
            {"vulnerable": true, "criteria": MIDDLEWARE_CPE, "versionEndExcluding": "5.0"}
        ]}]}]
    }}]});
    let parsed = ward_feeds::parse_nvd("test.json", &nvd.to_string()).unwrap();
    let actor = ward_app::Actor::system("test", app.world.national);
    app.store
        .upsert_advisories(&parsed.items, &actor.audit(app.app.now()))
        .await
        .unwrap();
    app.app.exposure_changed();
}

#[tokio::test]
async fn a_supplier_cannot_hide_log4shell_with_its_own_cpe_and_a_foreign_purl() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let supplier = as_role(&app, Role::SupplierContact).await;
        let member = as_role(&app, Role::OrgMember).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let cve = app.world.advisory;
        assert_eq!(open(&app, &member, cve).await, 1, "{backend}");
        assert_eq!(open(&app, &foreign, cve).await, 1, "{backend}");
        assert_eq!(open(&app, &national, cve).await, 2, "{backend}");

        // The CPE is the supplier's own confirmed product; the purl is Apache's log4j-core.
        let (status, body) = send(
            &app,
            &supplier,
            "/api/v1/vex",
            &statement(
                &json!(app.world.supplier),
                cve,
                Some(PRODUCT_CPE),
                Some(LOG4J_PURL),
            ),
        )
        .await;
        assert!(
            refused_naming(status, &body, LOG4J_PURL),
            "{backend}: {status} {body}"
        );
        assert_eq!(open(&app, &member, cve).await, 1, "{backend}");
        assert_eq!(open(&app, &foreign, cve).await, 1, "{backend}");
        assert_eq!(open(&app, &national, cve).await, 2, "{backend}");
        assert!(
            app.store.vex_for(&Scope::All, cve).await.unwrap().is_empty(),
            "{backend}: nothing stored"
        );

        // A purl alone is refused too: no product of the supplier carries it.
        let (status, body) = send(
            &app,
            &supplier,
            "/api/v1/vex",
            &statement(&json!(app.world.supplier), cve, None, Some(LOG4J_PURL)),
        )
        .await;
        assert!(
            refused_naming(status, &body, LOG4J_PURL),
            "{backend}: {status} {body}"
        );
        assert_eq!(open(&app, &national, cve).await, 2, "{backend}");
    }
}

#[tokio::test]
async fn a_supplier_cannot_list_a_wildcard_or_another_suppliers_cpe_and_gains_nothing_from_a_foreign_one() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let product = |name: &str, cpe: &str| json!({"supplier": app.world.supplier, "name": name, "category": "other", "cpe": cpe});
        for cpe in [
            "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:*:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:-:log4j:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:log4*:*:*:*:*:*:*:*:*",
        ] {
            let (status, body) = send(&app, &supplier, "/api/v1/products", &product("Anything", cpe)).await;
            assert_eq!(status, 422, "{backend}: {cpe} {body}");
            assert_eq!(body["error"]["fields"][0]["path"], "cpe", "{backend}: {body}");
        }

        // Another supplier's product, confirmed (listed by the national team).
        let other = ward_core::org::Organisation {
            id: ward_core::OrgId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0a01)),
            code: ward_core::org::OdsCode::parse("SUP002").unwrap(),
            name: "Medisys Ltd".into(),
            kind: ward_core::org::OrgKind::Supplier,
            parent: None,
            postcode: None,
            opened: None,
            closed: None,
        };
        let actor = ward_app::Actor::system("test", app.world.national);
        app.store
            .upsert_orgs(
                std::slice::from_ref(&other),
                jiff::civil::date(2026, 1, 1),
                &actor.audit(app.app.now()),
            )
            .await
            .unwrap();
        let (status, body) = send(
            &app,
            &national,
            "/api/v1/products",
            &json!({"supplier": other.id, "name": "Medisys PAS", "category": "other",
                    "cpe": "cpe:2.3:a:medisys:pas:*:*:*:*:*:*:*:*"}),
        )
        .await;
        assert_eq!(status, 201, "{backend}: {body}");
        let (status, body) = send(
            &app,
            &supplier,
            "/api/v1/products",
            &product("Not ours", "cpe:2.3:a:medisys:pas:2.0:*:*:*:*:*:*:*"),
        )
        .await;
        assert!(
            (status == 409 || status == 422) && body.to_string().contains("medisys"),
            "{backend}: {status} {body}"
        );

        // A CPE nobody has confirmed may be listed, but stays unconfirmed and powerless.
        let (status, body) = send(
            &app,
            &supplier,
            "/api/v1/products",
            &product("Log4j", "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"),
        )
        .await;
        assert_eq!(status, 201, "{backend}: {body}");
        assert_eq!(body["status"], "unconfirmed", "{backend}: {body}");
        let (status, body) = send(
            &app,
            &supplier,
            "/api/v1/vex",
            &statement(
                &json!(app.world.supplier),
                app.world.advisory,
                Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"),
                None,
            ),
        )
        .await;
        assert!(
            refused_naming(status, &body, "apache:log4j"),
            "{backend}: {status} {body}"
        );
        assert!(
            app.store
                .vex_for(&Scope::All, app.world.advisory)
                .await
                .unwrap()
                .is_empty(),
            "{backend}"
        );
        assert_eq!(open(&app, &national, app.world.advisory).await, 2, "{backend}");
    }
}

#[tokio::test]
async fn a_supplier_speaks_only_after_a_national_analyst_confirms_its_product() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let member = as_role(&app, Role::OrgMember).await;
        middleware_exposure(&app).await;
        assert_eq!(open(&app, &member, "CVE-2099-0001").await, 1, "{backend}");

        let (status, body) = send(
            &app,
            &supplier,
            "/api/v1/products",
            &json!({"supplier": app.world.supplier, "name": "PathLab Middleware", "category": "pathology",
                    "cpe": MIDDLEWARE_CPE}),
        )
        .await;
        assert_eq!(status, 201, "{backend}: {body}");
        assert_eq!(body["status"], "unconfirmed", "{backend}: {body}");
        let id = body["id"].as_str().unwrap().to_owned();
        let legit = statement(
            &json!(app.world.supplier),
            "CVE-2099-0001",
            Some(MIDDLEWARE_CPE),
            None,
        );

        // Unconfirmed: refused, and nothing changes for the trust.
        let (status, body) = send(&app, &supplier, "/api/v1/vex", &legit).await;
        assert!(
            refused_naming(status, &body, "pathlab:middleware"),
            "{backend}: {status} {body}"
        );
        assert_eq!(open(&app, &member, "CVE-2099-0001").await, 1, "{backend}");

        // Only a national analyst confirms.
        let review = format!("/api/v1/products/{id}/review");
        for role in [
            Role::SupplierContact,
            Role::OrgAdmin,
            Role::RegionalLead,
            Role::Auditor,
        ] {
            let s = as_role(&app, role).await;
            let (status, body) = send(&app, &s, &review, &json!({"status": "confirmed"})).await;
            assert_eq!(status, 403, "{backend}: {role:?} {body}");
        }
        let (status, body) = send(&app, &national, &review, &json!({"status": "confirmed"})).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["status"], "confirmed", "{backend}: {body}");
        let audit = app.store.audit_page(0, 10_000).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|r| r.event.action == "product.confirm" && r.event.entity_id == id),
            "{backend}: no product.confirm record"
        );

        // Now the same statement is accepted, and everyone sees it is the supplier's.
        let (status, body) = send(&app, &supplier, "/api/v1/vex", &legit).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(open(&app, &member, "CVE-2099-0001").await, 0, "{backend}");
        let page = get(
            &app,
            &member,
            "/api/v1/exposures?advisory=CVE-2099-0001&status=all",
        )
        .await;
        let st = &page["items"][0]["statement"];
        assert_eq!(st["origin"], "supplier", "{backend}: {page}");
        assert_eq!(st["org_name"], "Pathlab Systems", "{backend}: {page}");
        let adv = get(&app, &national, "/api/v1/advisories/CVE-2099-0001/exposure").await;
        assert_eq!(
            adv["supplier_statements"][0]["supplier"]["name"], "Pathlab Systems",
            "{backend}: {adv}"
        );
        assert_eq!(adv["supplier_statements"][0]["assets"], 1, "{backend}: {adv}");

        // Rejecting the product takes the statement's power away at once; confirming restores it.
        let (status, body) = send(&app, &national, &review, &json!({"status": "rejected"})).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(open(&app, &member, "CVE-2099-0001").await, 1, "{backend}");
        let (status, _) = send(&app, &national, &review, &json!({"status": "confirmed"})).await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(open(&app, &member, "CVE-2099-0001").await, 0, "{backend}");

        // The trust's own statement outranks the supplier's for its assets.
        let (status, body) = send(
            &app,
            &member,
            "/api/v1/vex",
            &json!({"org": app.world.trust, "vulnerability": "CVE-2099-0001",
                    "cpe": "cpe:2.3:a:pathlab:middleware:4.2:*:*:*:*:*:*:*",
                    "status": "affected", "detail": "Our build includes the module"}),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let page = get(&app, &member, "/api/v1/exposures?advisory=CVE-2099-0001").await;
        assert_eq!(page["total"], 1, "{backend}: {page}");
        assert_eq!(page["items"][0]["statement"]["origin"], "organisation");
    }
}

#[tokio::test]
async fn a_stored_supplier_statement_beyond_its_confirmed_products_changes_nobodys_exposure() {
    // As if written before products needed confirmation: the store holds a supplier statement
    // naming Apache's log4j-core. The exposure view must not let it speak for other organisations.
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let cve = app.world.advisory;
        let stored = ward_core::vuln::VexStatement {
            vulnerability: cve.into(),
            aliases: vec![],
            product: ward_core::vuln::ProductRef {
                cpe: Some(PRODUCT_CPE.into()),
                purl: Some(LOG4J_PURL.into()),
                ..ward_core::vuln::ProductRef::default()
            },
            status: ward_core::vuln::VexStatus::NotAffected,
            source_status: "not_affected".into(),
            justification: Some(ward_core::vuln::Justification::ComponentNotPresent),
            detail: None,
            actions: vec![],
            source: "ward:organisation".into(),
        };
        let actor = ward_app::Actor::system("test", app.world.national);
        app.store
            .upsert_vex(
                &Scope::All,
                Some(app.world.supplier),
                std::slice::from_ref(&stored),
                &actor.audit(app.app.now()),
            )
            .await
            .unwrap();
        app.app.exposure_changed();
        assert_eq!(open(&app, &national, cve).await, 2, "{backend}");
        let member = as_role(&app, Role::OrgMember).await;
        assert_eq!(open(&app, &member, cve).await, 1, "{backend}");
    }
}
