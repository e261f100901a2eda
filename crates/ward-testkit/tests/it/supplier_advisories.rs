//! The supplier advisory pathway end to end, on SQLite and (when `WARD_TEST_POSTGRES_URL` is set)
//! PostgreSQL: a supplier publishes a real CSAF 2.0 document, CycloneDX VEX or the form; only the
//! organisations running affected versions are alerted; the supplier sees counts, and names only
//! of organisations that agreed; an embargo holds everything back but the national team's view
//! until released (early, or by the release job at the date, once). Attacks: a supplier naming
//! another supplier's product, reading another supplier's advisory, seeing names without
//! consent; a trust posting as a supplier.

use crate::api::{as_role, with_session};
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};
use ward_testkit::supplier_documents::{csaf_advisory, cyclonedx_vex, lims_cpe};

pub(crate) fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

pub(crate) async fn send(
    app: &TestApp,
    s: &(String, String),
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = with_session(client().request(m, app.url(path)), s);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Upload a document as raw JSON.
pub(crate) async fn upload(
    app: &TestApp,
    s: &(String, String),
    supplier: &str,
    doc: &str,
    query: &str,
) -> (u16, Value) {
    let res = with_session(
        client().post(app.url(&format!(
            "/api/v1/suppliers/{supplier}/advisories/upload?file=advisory.json{query}"
        ))),
        s,
    )
    .header("content-type", "application/json")
    .body(doc.to_owned())
    .send()
    .await
    .unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The London trust runs LIMS 4.2 (affected); the foreign trust runs 4.3 (fixed).
pub(crate) async fn lims_estate(app: &TestApp) {
    let member = as_role(app, Role::OrgMember).await;
    let foreign = app.session_for(&app.world.foreign_admin).await;
    for (s, org, version) in [
        (&member, app.world.trust, "4.2"),
        (&foreign, app.world.foreign_trust, "4.3"),
    ] {
        let (status, body) = send(
            app,
            s,
            "POST",
            "/api/v1/assets",
            Some(&json!({"org": org, "name": format!("LIMS {version}"), "kind": "server", "internet_facing": false,
                         "software": [{"name": "PathLab LIMS", "version": version, "cpe": lims_cpe(version)}]})),
        )
        .await;
        assert!(status < 300, "{body}");
    }
}

pub(crate) async fn alerts_seen(app: &TestApp, s: &(String, String)) -> Vec<Value> {
    let (status, body) = send(app, s, "GET", "/api/v1/alerts", None).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

async fn advisory_ids(app: &TestApp, s: &(String, String)) -> Vec<String> {
    let (status, body) = send(app, s, "GET", "/api/v1/supplier-advisories", None).await;
    assert_eq!(status, 200, "{body}");
    body.as_array()
        .unwrap()
        .iter()
        .map(|a| a["advisory"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_csaf_advisory_reaches_only_the_exposed_and_the_supplier_sees_names_only_with_consent() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        lims_estate(&app).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let member = as_role(&app, Role::OrgMember).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let doc = csaf_advisory("PATHLAB-SA-2026-001", "CVE-2026-31001", "4.2", "4.3").to_string();
        let (status, body) = upload(&app, &supplier, "SUP001", &doc, "").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["advisory"], "PATHLAB-SA-2026-001", "{b}");
        assert_eq!(body["state"], "released", "{b}");
        assert_eq!(body["cves"], json!(["CVE-2026-31001"]), "{b}");
        assert_eq!(
            body["alert"]["organisations"], 1,
            "{b}: only the trust runs 4.2: {body}"
        );
        assert_eq!(body["alert"]["assets"], 1, "{b}");
        let alert = body["alert"]["alert"].as_str().unwrap().to_owned();

        // The trust has the alert, issued by the supplier, critical from CVSS 9.8, with the fix.
        let seen = alerts_seen(&app, &member).await;
        let mine: Vec<&Value> = seen.iter().filter(|a| a["alert"]["id"] == json!(alert)).collect();
        assert_eq!(mine.len(), 1, "{b}: {seen:?}");
        assert_eq!(mine[0]["alert"]["issuer"], json!(app.world.supplier), "{b}");
        assert_eq!(mine[0]["alert"]["severity"], "critical", "{b}");
        assert_eq!(
            mine[0]["alert"]["actions"],
            json!(["Upgrade PathLab LIMS to 4.3"]),
            "{b}"
        );
        // The foreign trust runs the fixed release: no alert.
        assert!(
            alerts_seen(&app, &foreign)
                .await
                .iter()
                .all(|a| a["alert"]["id"] != json!(alert)),
            "{b}: the fixed release is not alerted"
        );

        // The supplier sees the count, not the name (no consent yet).
        let (status, view) = send(
            &app,
            &supplier,
            "GET",
            "/api/v1/supplier-advisories/PATHLAB-SA-2026-001",
            None,
        )
        .await;
        assert_eq!(status, 200, "{b}: {view}");
        assert_eq!(view["progress"]["targeted"], 1, "{b}");
        assert_eq!(view["progress"]["acknowledged"], 0, "{b}");
        assert_eq!(view["named"], json!([]), "{b}: no name without consent: {view}");
        assert_eq!(view["unnamed"], 1, "{b}");
        assert!(
            !view.to_string().contains("RJZ"),
            "{b}: the trust's code never shows: {view}"
        );
        // The national team sees every name.
        let (_, seen_nationally) = send(
            &app,
            &national,
            "GET",
            "/api/v1/supplier-advisories/PATHLAB-SA-2026-001",
            None,
        )
        .await;
        assert_eq!(
            seen_nationally["named"][0]["org"]["code"], "RJZ",
            "{b}: {seen_nationally}"
        );

        // The trust acknowledges, then its admin agrees to be named.
        let (status, body) = send(
            &app,
            &member,
            "POST",
            &format!("/api/v1/alerts/{alert}/orgs/{}/responses", app.world.trust),
            Some(&json!({"action": "acknowledge"})),
        )
        .await;
        assert!(status < 300, "{b}: {body}");
        let (status, body) = send(
            &app,
            &admin,
            "PUT",
            &format!("/api/v1/orgs/{}/naming-consent", app.world.trust),
            Some(&json!({"may_be_named": true})),
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        let (_, view) = send(
            &app,
            &supplier,
            "GET",
            "/api/v1/supplier-advisories/PATHLAB-SA-2026-001",
            None,
        )
        .await;
        assert_eq!(view["progress"]["acknowledged"], 1, "{b}: {view}");
        assert_eq!(
            view["named"][0]["org"]["code"], "RJZ",
            "{b}: named once it agreed: {view}"
        );
        assert_eq!(view["named"][0]["acknowledged"], true, "{b}");
        assert_eq!(view["unnamed"], 0, "{b}");

        // The same tracking id again is refused: it is an advisory Ward knows.
        let (status, body) = upload(&app, &supplier, "SUP001", &doc, "").await;
        assert_eq!(status, 409, "{b}: {body}");
    }
}

#[tokio::test]
async fn a_document_that_does_not_validate_is_refused_with_json_paths_and_nothing_is_kept() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        lims_estate(&app).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let member = as_role(&app, Role::OrgMember).await;

        let mut draft = csaf_advisory("PATHLAB-SA-2026-002", "CVE-2026-31002", "4.2", "4.3");
        draft["document"]["tracking"]["status"] = json!("draft");
        draft["document"]["publisher"]
            .as_object_mut()
            .unwrap()
            .remove("namespace");
        draft["vulnerabilities"][0]["cve"] = json!("CVE-26-1");
        let (status, body) = upload(&app, &supplier, "SUP001", &draft.to_string(), "").await;
        assert_eq!(status, 422, "{b}: {body}");
        let paths: Vec<&str> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        for want in [
            "/document/tracking/status",
            "/document/publisher/namespace",
            "/vulnerabilities/0/cve",
        ] {
            assert!(paths.contains(&want), "{b}: {want} in {paths:?}");
        }

        let mut old = cyclonedx_vex("CVE-2026-31003", "4.2", &[]);
        old["specVersion"] = json!("1.2");
        let (status, body) = upload(&app, &supplier, "SUP001", &old.to_string(), "").await;
        assert_eq!(status, 422, "{b}: {body}");
        assert_eq!(body["error"]["fields"][0]["path"], "/specVersion", "{b}: {body}");

        let (status, body) = upload(&app, &supplier, "SUP001", "{\"document\": ", "").await;
        assert_eq!(status, 422, "{b}: truncated JSON: {body}");

        // An embargo date in the past is refused too.
        let doc = cyclonedx_vex("CVE-2026-31004", "4.2", &[]).to_string();
        let (status, body) = upload(&app, &supplier, "SUP001", &doc, "&embargo_until=2026-05-01").await;
        assert_eq!(status, 422, "{b}: {body}");
        assert_eq!(body["error"]["fields"][0]["path"], "embargo_until", "{b}");

        assert!(
            advisory_ids(&app, &national).await.is_empty(),
            "{b}: nothing kept"
        );
        assert!(alerts_seen(&app, &member).await.is_empty(), "{b}: nobody alerted");
        let (_, known) = send(
            &app,
            &national,
            "GET",
            "/api/v1/advisories/CVE-2026-31002/exposure",
            None,
        )
        .await;
        assert!(!known.to_string().contains("PATHLAB-SA-2026-002"), "{b}: {known}");

        // The valid CycloneDX VEX publishes, titled from the query, high from its 8.1 rating.
        let (status, body) = upload(&app, &supplier, "SUP001", &doc, "&title=LIMS%20session%20tokens").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["alert"]["organisations"], 1, "{b}: {body}");
        let id = body["advisory"].as_str().unwrap();
        assert!(id.starts_with("SUP001-SA-"), "{b}: {id}");
        let seen = alerts_seen(&app, &member).await;
        assert_eq!(seen[0]["alert"]["title"], "LIMS session tokens", "{b}");
        assert_eq!(seen[0]["alert"]["severity"], "high", "{b}");
        assert_eq!(
            seen[0]["alert"]["actions"],
            json!(["Apply the PathLab LIMS hotfix HF-2026-07 and restart the web client service."]),
            "{b}"
        );
    }
}

/// A second supplier with its own confirmed product (Medisys PAS).
async fn medisys(app: &TestApp) -> (ward_core::OrgId, String) {
    let other = ward_core::org::Organisation {
        id: ward_core::OrgId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0c01)),
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
    let national = as_role(app, Role::NationalAnalyst).await;
    let (status, body) = send(
        app,
        &national,
        "POST",
        "/api/v1/products",
        Some(
            &json!({"supplier": other.id, "name": "Medisys PAS", "category": "other",
                     "cpe": "cpe:2.3:a:medisys:pas:*:*:*:*:*:*:*:*"}),
        ),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    (other.id, body["id"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_supplier_cannot_speak_for_or_read_another_supplier_and_a_trust_cannot_post_as_one() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        lims_estate(&app).await;
        let (other, other_product) = medisys(&app).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;

        // Its own LIMS and Medisys PAS in one VEX: refused, naming the foreign product.
        let doc = cyclonedx_vex(
            "CVE-2026-32001",
            "4.2",
            &[("Medisys PAS", "cpe:2.3:a:medisys:pas:2.0:*:*:*:*:*:*:*")],
        );
        let (status, body) = upload(&app, &supplier, "SUP001", &doc.to_string(), "").await;
        assert_eq!(status, 422, "{b}: {body}");
        assert!(
            body.to_string().contains("cpe:2.3:a:medisys:pas:2.0"),
            "{b}: {body}"
        );
        // The form with the other supplier's product.
        let form = json!({"title": "PAS flaw", "cves": ["CVE-2026-32002"], "product": other_product,
                          "versions": ["2.0"], "severity": "high"});
        let (status, body) = send(
            &app,
            &supplier,
            "POST",
            "/api/v1/suppliers/SUP001/advisories",
            Some(&form),
        )
        .await;
        assert_eq!(status, 422, "{b}: {body}");
        assert_eq!(body["error"]["fields"][0]["path"], "product", "{b}: {body}");
        // Publishing in the other supplier's name is not found.
        let (status, _) = send(
            &app,
            &supplier,
            "POST",
            "/api/v1/suppliers/SUP002/advisories",
            Some(&form),
        )
        .await;
        assert_eq!(status, 404, "{b}");
        let (status, _) = upload(&app, &supplier, "SUP002", &doc.to_string(), "").await;
        assert_eq!(status, 404, "{b}");
        assert!(
            advisory_ids(&app, &national).await.is_empty(),
            "{b}: nothing kept"
        );

        // A trust (its admin, a member) and the national team cannot post as a supplier.
        for role in [
            Role::OrgAdmin,
            Role::OrgMember,
            Role::NationalAnalyst,
            Role::RegionalLead,
        ] {
            let s = as_role(&app, role).await;
            let form = json!({"title": "LIMS flaw", "cves": ["CVE-2026-32003"], "product": app.world.product,
                              "versions": ["4.2"], "severity": "high"});
            let (status, _) = send(
                &app,
                &s,
                "POST",
                "/api/v1/suppliers/SUP001/advisories",
                Some(&form),
            )
            .await;
            assert_eq!(status, 403, "{b}: {role:?} posts the form as the supplier");
            let doc = csaf_advisory("PATHLAB-SA-FAKE", "CVE-2026-32003", "4.2", "4.3").to_string();
            let (status, _) = upload(&app, &s, "SUP001", &doc, "").await;
            assert_eq!(status, 403, "{b}: {role:?} uploads as the supplier");
        }
        assert!(
            advisory_ids(&app, &national).await.is_empty(),
            "{b}: nothing kept"
        );

        // Another supplier's advisory: not in the list, not found by id, for the supplier.
        let form = json!({"title": "LIMS flaw", "cves": ["CVE-2026-32004"], "product": app.world.product,
                          "versions": ["4.2"], "severity": "high"});
        let (status, own) = send(
            &app,
            &supplier,
            "POST",
            "/api/v1/suppliers/SUP001/advisories",
            Some(&form),
        )
        .await;
        assert_eq!(status, 200, "{b}: {own}");
        let record: ward_core::supplier::advisory::SupplierAdvisory = serde_json::from_value(json!({
            "id": "MEDISYS-SA-1", "supplier": other, "title": "PAS flaw", "severity": "high", "format": "form",
            "advisory": {"id": "MEDISYS-SA-1", "source": "manual", "aliases": ["CVE-2026-32005"]},
            "actions": [], "embargo_until": null, "published_by": "user:medisys",
            "published_at": "2026-06-01T09:00:00Z", "released_at": null, "released_by": null, "alert": null
        }))
        .unwrap();
        let actor = ward_app::Actor::system("test", app.world.national);
        app.store
            .create_supplier_advisory(&ward_store::Scope::All, &record, &actor.audit(app.app.now()))
            .await
            .unwrap();
        assert_eq!(
            advisory_ids(&app, &supplier).await,
            vec![own["advisory"].as_str().unwrap().to_owned()],
            "{b}: only its own"
        );
        let (status, _) = send(
            &app,
            &supplier,
            "GET",
            "/api/v1/supplier-advisories/MEDISYS-SA-1",
            None,
        )
        .await;
        assert_eq!(status, 404, "{b}: another supplier's advisory");
        assert_eq!(
            advisory_ids(&app, &national).await.len(),
            2,
            "{b}: the national team sees both"
        );
        // Nor may a supplier release one, even its own.
        let (status, _) = send(
            &app,
            &supplier,
            "POST",
            "/api/v1/supplier-advisories/MEDISYS-SA-1/release",
            None,
        )
        .await;
        assert_eq!(status, 403, "{b}");
    }
}

#[tokio::test]
async fn an_embargo_holds_the_advisory_back_until_released_early_or_at_its_date_once() {
    let clock = clock();
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        clock.set("2026-06-01T09:00:00Z".parse().unwrap());
        lims_estate(&app).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let member = as_role(&app, Role::OrgMember).await;
        let form = |cve: &str, until: &str| {
            json!({"title": format!("LIMS flaw {cve}"), "summary": "Patch now.", "cves": [cve],
                   "product": app.world.product, "fixed_version": "4.3", "severity": "critical",
                   "required_action": "Upgrade", "embargo_until": until})
        };
        let (status, held) = send(
            &app,
            &supplier,
            "POST",
            "/api/v1/suppliers/SUP001/advisories",
            Some(&form("CVE-2026-33001", "2026-06-11")),
        )
        .await;
        assert_eq!(status, 200, "{b}: {held}");
        assert_eq!(held["state"], "embargoed", "{b}");
        assert!(held["alert"].is_null(), "{b}");
        let held_id = held["advisory"].as_str().unwrap().to_owned();
        let (_, early) = send(
            &app,
            &supplier,
            "POST",
            "/api/v1/suppliers/SUP001/advisories",
            Some(&form("CVE-2026-33002", "2026-07-01")),
        )
        .await;
        let early_id = early["advisory"].as_str().unwrap().to_owned();

        // Nobody but the national team (and the supplier, its author) sees it; Ward does not know it.
        assert!(alerts_seen(&app, &member).await.is_empty(), "{b}");
        assert_eq!(advisory_ids(&app, &national).await.len(), 2, "{b}");
        let (_, exposure) = send(
            &app,
            &member,
            "GET",
            "/api/v1/exposures?advisory=CVE-2026-33001",
            None,
        )
        .await;
        assert_eq!(exposure["total"], 0, "{b}: not in the exposure index: {exposure}");
        let (status, _) = send(
            &app,
            &member,
            "GET",
            &format!("/api/v1/supplier-advisories/{held_id}"),
            None,
        )
        .await;
        assert_eq!(status, 403, "{b}: a trust does not read suppliers' advisories");

        // The national team releases one early, once.
        let (status, body) = send(
            &app,
            &national,
            "POST",
            &format!("/api/v1/supplier-advisories/{early_id}/release"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(
            body["alert"]["organisations"], 1,
            "{b}: every version before 4.3: {body}"
        );
        let (status, _) = send(
            &app,
            &national,
            "POST",
            &format!("/api/v1/supplier-advisories/{early_id}/release"),
            None,
        )
        .await;
        assert_eq!(status, 409, "{b}: released once");
        assert_eq!(alerts_seen(&app, &member).await.len(), 1, "{b}");

        // Before the date the job releases nothing; at the date, the held one, once.
        assert!(
            app.app
                .release_due_supplier_advisories()
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
        clock.set("2026-06-11T00:05:00Z".parse().unwrap());
        assert_eq!(
            app.app.release_due_supplier_advisories().await.unwrap(),
            vec![held_id.clone()],
            "{b}"
        );
        assert!(
            app.app
                .release_due_supplier_advisories()
                .await
                .unwrap()
                .is_empty(),
            "{b}: once"
        );
        // Sessions of ten days ago have lapsed: sign in again.
        let member = as_role(&app, Role::OrgMember).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let seen = alerts_seen(&app, &member).await;
        assert_eq!(seen.len(), 2, "{b}: {seen:?}");
        let (_, view) = send(
            &app,
            &supplier,
            "GET",
            &format!("/api/v1/supplier-advisories/{held_id}"),
            None,
        )
        .await;
        assert_eq!(view["state"], "released", "{b}: {view}");
        assert_eq!(
            view["advisory"]["released_by"], "system:supplier_advisories.release",
            "{b}: {view}"
        );
        assert_eq!(view["progress"]["targeted"], 1, "{b}");
    }
}
