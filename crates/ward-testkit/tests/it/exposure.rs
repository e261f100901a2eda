//! Exposure through the API: the lists each role sees, "who is exposed to CVE-X", VEX layered over
//! matches, exports, and SBOM uploads changing exposure.

use crate::api::{as_role, with_session};
use serde_json::{Value, json};
use ward_core::role::Role;
use ward_testkit::app::client;
use ward_testkit::spawn_app;

async fn get_json(app: &ward_testkit::TestApp, s: &(String, String), path: &str) -> Value {
    let res = with_session(client().get(app.url(path)), s).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.json().await.unwrap()
}

fn asset_names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["asset_name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_role_sees_its_own_exposures_with_the_reasons() {
    let app = spawn_app().await;
    let admin = as_role(&app, Role::OrgAdmin).await;
    let page = get_json(&app, &admin, "/api/v1/exposures").await;
    assert_eq!(asset_names(&page), vec!["LIMS server"], "{page}");
    let e = &page["items"][0];
    assert_eq!(e["advisory"], "GHSA-jfh8-c2jp-5v3q");
    assert_eq!(e["aliases"][0], "CVE-2021-44228");
    assert_eq!(e["status"], "affected");
    assert_eq!(e["version"], "2.14.1");
    assert_eq!(e["fixed"][0], "2.15.0");
    assert_eq!(e["kev_due"], "2021-12-24");
    assert_eq!(e["impact"]["service_name"], "Pathology");
    assert_eq!(e["impact"]["consequence"], 5);
    let factors: Vec<&str> = e["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        factors.contains(&"kev") && factors.contains(&"consequence"),
        "{factors:?}"
    );
    let kev = e["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "kev")
        .unwrap();
    assert_eq!(kev["value"], 1.0);
    assert!(e["priority"].as_f64().unwrap() > 50.0, "{e}");

    // The national analyst sees both trusts; the foreign trust's admin only their own.
    let national = as_role(&app, Role::NationalAnalyst).await;
    let mut all = asset_names(&get_json(&app, &national, "/api/v1/exposures").await);
    all.sort();
    assert_eq!(all, vec!["LIMS server", "Patient administration server"]);

    // "Who is exposed to CVE-2021-44228": both trusts nationally, only London's for the region.
    let who = get_json(&app, &national, "/api/v1/advisories/CVE-2021-44228/exposure").await;
    assert_eq!(who["open_orgs"], 2, "{who}");
    assert_eq!(who["advisory"]["kev"]["ransomware"], true);
    let regional = as_role(&app, Role::RegionalLead).await;
    let who = get_json(&app, &regional, "/api/v1/advisories/cve-2021-44228/exposure").await;
    assert_eq!(who["open_orgs"], 1, "{who}");
    assert_eq!(who["orgs"][0]["org"]["code"], "RJZ");

    // Filters: a query that matches nothing, a bad status named in the error.
    let none = get_json(&app, &admin, "/api/v1/exposures?q=openssh").await;
    assert_eq!(none["total"], 0);
    let res = with_session(client().get(app.url("/api/v1/exposures?status=maybe")), &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["path"], "status", "{body}");

    // Supplier contacts have no exposure view.
    let supplier = as_role(&app, Role::SupplierContact).await;
    let res = with_session(client().get(app.url("/api/v1/exposures")), &supplier)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

#[tokio::test]
async fn an_organisations_vex_statement_changes_its_status_and_keeps_the_match() {
    let app = spawn_app().await;
    let admin = as_role(&app, Role::OrgAdmin).await;
    let res = with_session(client().post(app.url("/api/v1/vex")), &admin)
        .json(&json!({
            "org": app.world.trust,
            "vulnerability": "CVE-2021-44228",
            "purl": "pkg:maven/org.apache.logging.log4j/log4j-core",
            "status": "not_affected",
            "justification": "vulnerable_code_not_in_execute_path",
            "detail": "The JndiLookup class was removed from the jar."
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());

    let open = get_json(&app, &admin, "/api/v1/exposures").await;
    assert_eq!(open["total"], 0, "nothing left to do: {open}");
    let all = get_json(&app, &admin, "/api/v1/exposures?status=all").await;
    assert_eq!(all["total"], 1, "the match is kept: {all}");
    let e = &all["items"][0];
    assert_eq!(e["status"], "not_affected");
    assert_eq!(e["statement"]["origin"], "organisation");
    assert_eq!(
        e["statement"]["justification"],
        "vulnerable_code_not_in_execute_path"
    );

    // The statement covers this trust only: nationally, the other trust is still open.
    let national = as_role(&app, Role::NationalAnalyst).await;
    let who = get_json(&app, &national, "/api/v1/advisories/CVE-2021-44228/exposure").await;
    assert_eq!(who["open_orgs"], 1, "{who}");
    assert_eq!(who["matched_assets"], 2, "{who}");

    // A statement without a justification is refused, naming the field.
    let res = with_session(client().post(app.url("/api/v1/vex")), &admin)
        .json(&json!({
            "org": app.world.trust, "vulnerability": "CVE-2021-44228",
            "purl": "pkg:maven/org.apache.logging.log4j/log4j-core", "status": "not_affected"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["path"], "justification", "{body}");

    // The change is in the audit trail.
    let audit = get_json(&app, &admin, "/api/v1/audit").await;
    assert!(audit.to_string().contains("vex"), "{audit}");
}

#[tokio::test]
async fn exports_carry_the_same_exposures_as_csv_json_and_cyclonedx_vex() {
    let app = spawn_app().await;
    let national = as_role(&app, Role::NationalAnalyst).await;
    let csv = with_session(
        client().get(app.url("/api/v1/exposures/export?format=csv")),
        &national,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(csv.status().as_u16(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("priority,status,advisory"));
    assert!(lines[1..].iter().all(|l| l.contains("GHSA-jfh8-c2jp-5v3q")));

    let json_export = with_session(
        client().get(app.url("/api/v1/exposures/export?format=json")),
        &national,
    )
    .send()
    .await
    .unwrap();
    let rows: Value = json_export.json().await.unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    // The spreadsheet carries the fix advice and the parent organisation the pages show.
    assert!(
        lines[0].ends_with(",upgrade_to,part_of_code,part_of_name"),
        "{}",
        lines[0]
    );
    let upgrade = rows[0]["upgrade_to"].as_str().expect("fix advice for log4j");
    let parent = rows[0]["part_of"]["code"].as_str().expect("the trust's parent");
    assert!(
        lines[1..]
            .iter()
            .any(|l| l.contains(&format!(",{upgrade},{parent},"))),
        "{upgrade} and {parent} in {text}"
    );

    let vex = with_session(
        client().get(app.url("/api/v1/exposures/export?format=cyclonedx")),
        &national,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(vex.status().as_u16(), 200);
    let text = vex.text().await.unwrap();
    // Ward's own CycloneDX reader accepts it and sees the statement.
    let doc = ward_feeds::parse_cyclonedx_json("export.cdx.json", &text).unwrap();
    assert!(doc.problems.is_empty(), "{:?}", doc.problems);
    assert_eq!(doc.value.components.len(), 1, "one distinct log4j-core");
    assert_eq!(doc.value.vex.len(), 1, "{text}");
    assert_eq!(doc.value.vex[0].vulnerability, "GHSA-jfh8-c2jp-5v3q");
    assert_eq!(doc.value.vex[0].status, ward_core::vuln::VexStatus::Affected);

    let bad = with_session(
        client().get(app.url("/api/v1/exposures/export?format=xlsx")),
        &national,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
}

#[tokio::test]
async fn an_sbom_upload_becomes_the_assets_software_and_its_exposure() {
    let app = spawn_app().await;
    let member = as_role(&app, Role::OrgMember).await;
    let vpn = app.world.trust_assets[1];
    let sbom = json!({
        "bomFormat": "CycloneDX", "specVersion": "1.5",
        "components": [
            {"type": "library", "group": "org.apache.logging.log4j", "name": "log4j-core", "version": "2.14.1",
             "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"},
            {"type": "library", "name": "no-version-here"}
        ]
    });
    let res = with_session(
        client().post(app.url(&format!("/api/v1/assets/{vpn}/sbom?file=gateway.cdx.json"))),
        &member,
    )
    .header("content-type", "application/json")
    .body(sbom.to_string())
    .send()
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let summary: Value = res.json().await.unwrap();
    assert_eq!(summary["components"], 2, "{summary}");
    assert_eq!(summary["stored"], 1);
    assert_eq!(summary["skipped"].as_array().unwrap().len(), 1);
    assert!(
        summary["skipped"][0]["path"]
            .as_str()
            .unwrap()
            .contains("gateway.cdx.json")
    );

    // The gateway is internet-facing and supports the emergency department: it now ranks first.
    let page = get_json(&app, &member, "/api/v1/exposures").await;
    assert_eq!(
        asset_names(&page),
        vec!["Remote access gateway", "LIMS server"],
        "{page}"
    );
    let asset = get_json(&app, &member, &format!("/api/v1/assets/{vpn}")).await;
    let sources: Vec<&str> = asset["software"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains(&"sbom"), "{asset}");

    // Something that is not an SBOM is refused with the file named.
    let res = with_session(
        client().post(app.url(&format!("/api/v1/assets/{vpn}/sbom?file=notes.json"))),
        &member,
    )
    .header("content-type", "application/json")
    .body("{\"hello\": 1}")
    .send()
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("notes.json"));

    // Uploading to the foreign trust's asset looks like a missing asset.
    let foreign = app.world.foreign_assets[0];
    let res = with_session(
        client().post(app.url(&format!("/api/v1/assets/{foreign}/sbom"))),
        &member,
    )
    .body(sbom.to_string())
    .send()
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 404);
}

#[tokio::test]
async fn a_supplier_speaks_for_its_own_product_everywhere_and_only_for_it() {
    let app = spawn_app().await;
    let national = as_role(&app, Role::NationalAnalyst).await;
    let supplier = as_role(&app, Role::SupplierContact).await;
    let member = as_role(&app, Role::OrgMember).await;
    // The supplier lists its product with a CPE; the trust runs it; an advisory names it.
    let res = with_session(client().post(app.url("/api/v1/products")), &supplier)
        .json(
            &json!({"supplier": app.world.supplier, "name": "PathLab Middleware", "category": "pathology",
                      "cpe": "cpe:2.3:a:pathlab:middleware:*:*:*:*:*:*:*:*"}),
        )
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success());
    let listed: Value = res.json().await.unwrap();
    assert_eq!(listed["status"], "unconfirmed", "{listed}");
    // A national analyst confirms the product is the supplier's.
    let res = with_session(
        client().post(app.url(&format!(
            "/api/v1/products/{}/review",
            listed["id"].as_str().unwrap()
        ))),
        &national,
    )
    .json(&json!({"status": "confirmed"}))
    .send()
    .await
    .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    let res = with_session(client().post(app.url("/api/v1/assets")), &member)
        .json(&json!({"org": app.world.trust, "name": "Lab middleware", "kind": "server", "internet_facing": false,
                      "software": [{"name": "PathLab Middleware", "version": "4.2",
                                    "cpe": "cpe:2.3:a:pathlab:middleware:4.2:*:*:*:*:*:*:*"}]}))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let nvd = json!({"vulnerabilities": [{"cve": {
        "id": "CVE-2099-0001", "published": "2099-01-01T00:00:00.000", "lastModified": "2099-01-01T00:00:00.000",
        "descriptions": [{"lang": "en", "value": "Test flaw in PathLab Middleware before 5.0"}],
        "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
            {"vulnerable": true, "criteria": "cpe:2.3:a:pathlab:middleware:*:*:*:*:*:*:*:*", "versionEndExcluding": "5.0"}
        ]}]}]
    }}]});
    let parsed = ward_feeds::parse_nvd("test.json", &nvd.to_string()).unwrap();
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let meta = ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor {
            principal: "test".into(),
            role: None,
            acting_org: None,
        },
        at: app.app.now(),
        request_id: None,
    };
    app.store.upsert_advisories(&parsed.items, &meta).await.unwrap();
    app.app.exposure_changed();
    let page = get_json(&app, &member, "/api/v1/exposures?advisory=CVE-2099-0001").await;
    assert_eq!(asset_names(&page), vec!["Lab middleware"], "{page}");

    // A statement about someone else's product is refused, naming the field.
    let res = with_session(client().post(app.url("/api/v1/vex")), &supplier)
        .json(
            &json!({"org": app.world.supplier, "vulnerability": "CVE-2021-44228",
                      "cpe": "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*",
                      "status": "not_affected", "justification": "component_not_present"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["path"], "cpe", "{body}");

    // About its own product: it applies to the trust's asset, marked as the supplier's word.
    let res = with_session(client().post(app.url("/api/v1/vex")), &supplier)
        .json(
            &json!({"org": app.world.supplier, "vulnerability": "CVE-2099-0001",
                      "cpe": "cpe:2.3:a:pathlab:middleware:*:*:*:*:*:*:*:*",
                      "status": "not_affected", "justification": "vulnerable_code_not_present",
                      "detail": "The flawed module is not shipped in the NHS build"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    let page = get_json(
        &app,
        &national,
        "/api/v1/exposures?advisory=CVE-2099-0001&status=all",
    )
    .await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["status"], "not_affected");
    assert_eq!(page["items"][0]["statement"]["origin"], "supplier");
    let open = get_json(&app, &member, "/api/v1/exposures?advisory=CVE-2099-0001").await;
    assert_eq!(open["total"], 0);

    // The trust can still overrule the supplier for its own assets.
    let res = with_session(client().post(app.url("/api/v1/vex")), &member)
        .json(&json!({"org": app.world.trust, "vulnerability": "CVE-2099-0001",
                      "cpe": "cpe:2.3:a:pathlab:middleware:4.2:*:*:*:*:*:*:*",
                      "status": "affected", "detail": "Our build includes the module"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let open = get_json(&app, &member, "/api/v1/exposures?advisory=CVE-2099-0001").await;
    assert_eq!(open["total"], 1, "{open}");
    assert_eq!(open["items"][0]["statement"]["origin"], "organisation");
}

#[tokio::test]
async fn unsupported_software_is_listed_with_the_date_support_ended() {
    let app = spawn_app().await;
    let admin = as_role(&app, Role::OrgAdmin).await;
    let page = get_json(&app, &admin, "/api/v1/exposures/unsupported").await;
    assert_eq!(page["total"], 1, "{page}");
    let row = &page["items"][0];
    assert_eq!(row["asset_name"], "Remote access gateway");
    assert_eq!(row["product"], "fortios");
    assert_eq!(row["cycle"], "7.2");
    assert_eq!(row["eol"], "2026-09-30");
    assert_eq!(row["internet_facing"], true);
    let vpn = app.world.trust_assets[1];
    let one = get_json(
        &app,
        &admin,
        &format!("/api/v1/exposures/unsupported?asset={vpn}"),
    )
    .await;
    assert_eq!(one["total"], 1);
    let lims = app.world.trust_assets[0];
    let none = get_json(
        &app,
        &admin,
        &format!("/api/v1/exposures/unsupported?asset={lims}"),
    )
    .await;
    assert_eq!(none["total"], 0);
    // The foreign trust's admin does not see the gateway.
    let foreign = app.session_for(&app.world.foreign_admin.clone()).await;
    let theirs = get_json(&app, &foreign, "/api/v1/exposures/unsupported").await;
    assert_eq!(theirs["total"], 0, "{theirs}");
    let summary = get_json(&app, &admin, "/api/v1/exposures/summary").await;
    assert_eq!(summary["unsupported_assets"], 1);
}

#[tokio::test]
async fn the_whole_sector_shortcut_lists_exactly_what_the_general_path_does() {
    let app = spawn_app().await;
    let national = as_role(&app, Role::NationalAnalyst).await;
    // A second advisory so that lists have rows of several advisories and statuses.
    let admin = as_role(&app, Role::OrgAdmin).await;
    let res = with_session(client().post(app.url("/api/v1/vex")), &admin)
        .json(&json!({"org": app.world.trust, "vulnerability": "CVE-2021-44228",
                      "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                      "status": "fixed", "detail": "patched in place"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    for (fast, general) in [
        ("/api/v1/exposures", "/api/v1/exposures?min_priority=0"),
        (
            "/api/v1/exposures?status=all",
            "/api/v1/exposures?status=all&min_priority=0",
        ),
        (
            "/api/v1/exposures?status=fixed",
            "/api/v1/exposures?status=fixed&min_priority=0",
        ),
        (
            "/api/v1/exposures?status=all&offset=1&limit=1",
            "/api/v1/exposures?status=all&offset=1&limit=1&min_priority=0",
        ),
    ] {
        let a = get_json(&app, &national, fast).await;
        let b = get_json(&app, &national, general).await;
        assert_eq!(a["items"], b["items"], "{fast}");
        assert_eq!(a["total"], b["total"], "{fast}");
    }
    let all = get_json(&app, &national, "/api/v1/exposures?status=all").await;
    assert_eq!(all["total"], 2);
    let open = get_json(&app, &national, "/api/v1/exposures").await;
    assert_eq!(
        open["total"], 1,
        "the trust's asset is fixed, the other trust's is open"
    );
}
