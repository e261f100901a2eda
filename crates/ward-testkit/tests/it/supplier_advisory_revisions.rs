//! The supplier advisory pathway's second part (issue 9, items 1 to 4), on SQLite and (when
//! `WARD_TEST_POSTGRES_URL` is set) PostgreSQL: a revision that advances the version is kept,
//! reaches the organisations newly exposed and tells those already alerted what changed (by
//! e-mail, to the local SMTP receiver), and one that does not advance it, carries another id, names
//! another supplier's product or comes from a trust is refused; what a supplier states not
//! affected closes the matching exposures for every customer as the supplier's VEX statement; a
//! CycloneDX VEX in XML is read as JSON is, its problems located by XML path; an advisory under
//! embargo is e-mailed to the national team and nobody else.

use crate::api::{as_role, with_session};
use crate::notify::{run_due, smtp_receiver, with_mail};
use crate::supplier_advisories::{alerts_seen, clock, lims_estate, send, upload};
use serde_json::{Value, json};
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};
use ward_testkit::supplier_documents::{csaf_advisory, lims_cpe};

/// A CSAF advisory from PathLab: `cve` affects each LIMS release of `affected` (the first is the
/// base document's), not `not_affected` (flagged `vulnerable_code_not_present` when `flagged`),
/// fixed in `fixed`; tracking version `version`.
fn csaf(
    id: &str,
    cve: &str,
    affected: &[&str],
    not_affected: &[&str],
    flagged: bool,
    fixed: &str,
    version: &str,
) -> Value {
    let mut d = csaf_advisory(id, cve, affected[0], fixed);
    let versions = d["product_tree"]["branches"][0]["branches"][0]["branches"]
        .as_array_mut()
        .unwrap();
    let mut add = |n: usize, v: &str| {
        let pid = format!("CSAFPID-1{n:03}");
        versions.push(json!({"category": "product_version", "name": v, "product": {
            "name": format!("PathLab LIMS {v}"), "product_id": pid,
            "product_identification_helper": {"cpe": lims_cpe(v)}}}));
        pid
    };
    let mut known_affected = vec![json!("CSAFPID-0001")];
    for (n, v) in affected.iter().enumerate().skip(1) {
        known_affected.push(json!(add(n, v)));
    }
    let not: Vec<Value> = not_affected
        .iter()
        .enumerate()
        .map(|(n, v)| json!(add(100 + n, v)))
        .collect();
    let vuln = &mut d["vulnerabilities"][0];
    vuln["product_status"]["known_affected"] = Value::Array(known_affected);
    if !not.is_empty() {
        vuln["product_status"]["known_not_affected"] = Value::Array(not.clone());
        if flagged {
            vuln["flags"] = json!([{"label": "vulnerable_code_not_present", "product_ids": not}]);
        }
    }
    d["document"]["tracking"]["version"] = json!(version);
    d["document"]["tracking"]["revision_history"] = json!([
        {"date": "2026-05-30T09:00:00.000Z", "number": version, "summary": "This revision"}
    ]);
    d
}

/// Upload a revision of advisory `id` as raw bytes.
async fn revise(app: &TestApp, s: &(String, String), id: &str, doc: &str) -> (u16, Value) {
    let res = with_session(
        client().post(app.url(&format!(
            "/api/v1/supplier-advisories/{id}/revisions/upload?file=advisory.json"
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

fn email(app: &TestApp, role: Role) -> String {
    app.world.users[&role].email.to_ascii_lowercase()
}

#[tokio::test]
async fn a_revision_that_advances_reaches_the_newly_exposed_and_tells_the_alerted_what_changed() {
    let clock = clock();
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        lims_estate(&app).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let id = "PATHLAB-SA-REV-1";
        let cve = "CVE-2026-37001";
        let first = csaf(id, cve, &["4.2"], &[], true, "4.3", "1");
        let (status, body) = upload(&app, &supplier, "SUP001", &first.to_string(), "").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["alert"]["organisations"], 1, "{b}: only 4.2 at first");
        let alert = body["alert"]["alert"].as_str().unwrap().to_owned();
        run_due(&app).await;
        got.lock().unwrap().clear();

        // Refused, with the reason, and nothing kept: the same version, another tracking id, another
        // supplier's product; and a trust's admin may not revise at all.
        let same = csaf(id, cve, &["4.2", "4.3"], &[], true, "4.4", "1");
        let (status, body) = revise(&app, &supplier, id, &same.to_string()).await;
        assert_eq!(status, 422, "{b}: {body}");
        assert_eq!(
            body["error"]["fields"][0]["path"], "/document/tracking/version",
            "{b}: {body}"
        );
        assert!(
            body.to_string()
                .contains("does not come after the current version 1"),
            "{b}: {body}"
        );
        let renamed = csaf("PATHLAB-SA-REV-X", cve, &["4.2", "4.3"], &[], true, "4.4", "2");
        let (status, body) = revise(&app, &supplier, id, &renamed.to_string()).await;
        assert_eq!(status, 422, "{b}: {body}");
        assert_eq!(
            body["error"]["fields"][0]["path"], "/document/tracking/id",
            "{b}: {body}"
        );
        let mut foreign_product = csaf(id, cve, &["4.2", "4.3"], &[], true, "4.4", "2");
        foreign_product["product_tree"]["branches"][0]["branches"][0]["branches"][2]["product"]["product_identification_helper"]
            ["cpe"] = json!("cpe:2.3:a:medisys:pas:2.0:*:*:*:*:*:*:*");
        let (status, body) = revise(&app, &supplier, id, &foreign_product.to_string()).await;
        assert_eq!(status, 422, "{b}: {body}");
        assert!(
            body.to_string().contains("cpe:2.3:a:medisys:pas:2.0"),
            "{b}: {body}"
        );
        let admin = as_role(&app, Role::OrgAdmin).await;
        let second = csaf(id, cve, &["4.2", "4.3"], &[], true, "4.4", "2");
        let (status, _) = revise(&app, &admin, id, &second.to_string()).await;
        assert_eq!(
            status, 403,
            "{b}: a trust's admin does not speak for the supplier"
        );
        let (_, history) = send(
            &app,
            &supplier,
            "GET",
            &format!("/api/v1/supplier-advisories/{id}/revisions"),
            None,
        )
        .await;
        assert_eq!(
            history.as_array().map(Vec::len),
            Some(1),
            "{b}: nothing kept: {history}"
        );

        // The revision that advances: 4.3 is affected too, the fix is now 4.4.
        let (status, body) = revise(&app, &supplier, id, &second.to_string()).await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["revision"], 2, "{b}");
        assert_eq!(body["version"], "2", "{b}");
        assert_eq!(body["told"], 1, "{b}: the trust the alert reached");
        let changes = body["changes"].to_string();
        assert!(
            changes.contains("Now stated affected: pathlab lims 4.3"),
            "{b}: {changes}"
        );
        assert!(
            changes.contains("New action: Upgrade PathLab LIMS to 4.4"),
            "{b}: {changes}"
        );
        assert!(
            changes.contains("Action withdrawn: Upgrade PathLab LIMS to 4.3"),
            "{b}: {changes}"
        );
        let (_, history) = send(
            &app,
            &supplier,
            "GET",
            &format!("/api/v1/supplier-advisories/{id}/revisions"),
            None,
        )
        .await;
        let history = history.as_array().unwrap().clone();
        assert_eq!(history.len(), 2, "{b}");
        assert_eq!(
            (history[0]["number"].clone(), history[0]["version"].clone()),
            (json!(1), json!("1")),
            "{b}"
        );
        assert_eq!(history[0]["changes"], json!(["First published"]), "{b}");
        assert_eq!(history[1]["version"], "2", "{b}");
        let (_, view) = send(
            &app,
            &supplier,
            "GET",
            &format!("/api/v1/supplier-advisories/{id}"),
            None,
        )
        .await;
        assert_eq!(view["advisory"]["version"], "2", "{b}: {view}");

        // The jobs: the alert is extended to the foreign trust (4.3), which gets it as any newly
        // exposed organisation does; the trust's people are told what changed.
        run_due(&app).await;
        assert!(
            alerts_seen(&app, &foreign)
                .await
                .iter()
                .any(|a| a["alert"]["id"] == json!(alert)),
            "{b}: the newly exposed organisation has the alert"
        );
        let received = got.lock().unwrap().clone();
        let to = |who: &str| -> Vec<String> {
            received
                .iter()
                .filter(|m| m.rcpt.contains(&who.to_owned()))
                .map(|m| m.data.replace("=\n", ""))
                .collect()
        };
        let trust_mail = to(&email(&app, Role::OrgMember));
        assert!(
            trust_mail
                .iter()
                .any(|m| m.contains("Updated (version 2)") && m.contains("Now stated affected")),
            "{b}: the trust is told what changed: {trust_mail:?}"
        );
        let foreign_mail = to(&app.world.foreign_admin.email.to_ascii_lowercase());
        assert!(
            foreign_mail
                .iter()
                .any(|m| m.contains(&format!("/alerts/{alert}"))),
            "{b}: the foreign trust gets the alert: {foreign_mail:?}"
        );
        assert!(
            foreign_mail.iter().all(|m| !m.contains("Updated (version 2)")),
            "{b}: the newly exposed are not told of changes to what they never had"
        );
        let (_, notices) = send(&app, &member, "GET", "/api/v1/notices", None).await;
        assert!(
            notices.to_string().contains("Updated (version 2)"),
            "{b}: in Ward too: {notices}"
        );
    }
}

#[tokio::test]
async fn a_supplier_statement_of_not_affected_closes_the_exposure_for_every_customer() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        lims_estate(&app).await;
        let cve = "CVE-2026-38001";
        // A feed says every LIMS release is affected: both trusts are exposed.
        let feed: ward_core::vuln::Advisory = serde_json::from_value(json!({
            "id": cve, "source": "nvd", "summary": "LIMS flaw",
            "affected": [{"cpes": [{"criteria": "cpe:2.3:a:pathlab:lims:*:*:*:*:*:*:*:*", "vulnerable": true}]}]
        }))
        .unwrap();
        let system = ward_app::Actor::system("test", app.world.national);
        app.store
            .upsert_advisories(&[feed], &system.audit(app.app.now()))
            .await
            .unwrap();
        app.app.exposure_changed();
        let supplier = as_role(&app, Role::SupplierContact).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let open = |s: &(String, String), status: &str| {
            let path = format!("/api/v1/exposures?advisory={cve}{status}");
            let s = s.clone();
            let app = &app;
            async move { send(app, &s, "GET", &path, None).await.1 }
        };
        assert_eq!(
            open(&foreign, "").await["total"],
            1,
            "{b}: the foreign trust's 4.3 is exposed"
        );

        // Not affected without a justification: refused, naming the product; nothing kept.
        let bare = csaf("PATHLAB-SA-NA-1", cve, &["4.2"], &["4.3"], false, "4.4", "1");
        let (status, body) = upload(&app, &supplier, "SUP001", &bare.to_string(), "").await;
        assert_eq!(status, 422, "{b}: {body}");
        assert!(body.to_string().contains("PathLab LIMS 4.3"), "{b}: {body}");
        assert!(
            body.to_string().contains("without a justification"),
            "{b}: {body}"
        );
        assert_eq!(open(&foreign, "").await["total"], 1, "{b}: nothing recorded");

        // With its flag: recorded as the supplier's statement, before the alert's targeting.
        let doc = csaf("PATHLAB-SA-NA-1", cve, &["4.2"], &["4.3"], true, "4.4", "1");
        let (status, body) = upload(&app, &supplier, "SUP001", &doc.to_string(), "").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(
            body["alert"]["organisations"], 1,
            "{b}: the trust on 4.2 only: {body}"
        );
        let alert = body["alert"]["alert"].clone();
        assert!(
            alerts_seen(&app, &foreign)
                .await
                .iter()
                .all(|a| a["alert"]["id"] != alert),
            "{b}: the foreign trust is not alerted"
        );
        assert_eq!(
            open(&foreign, "").await["total"],
            0,
            "{b}: its exposure is closed"
        );
        let all = open(&foreign, "&status=all").await;
        let row = &all["items"][0];
        assert_eq!(row["status"], "not_affected", "{b}: {all}");
        assert_eq!(
            row["statement"]["origin"], "supplier",
            "{b}: shown as the supplier's: {all}"
        );
        assert_eq!(row["statement"]["org"], json!(app.world.supplier), "{b}: {all}");
        assert_eq!(
            row["statement"]["justification"], "vulnerable_code_not_present",
            "{b}: {all}"
        );
        assert!(
            open(&member, "").await["total"].as_u64().unwrap_or(0) >= 1,
            "{b}: the trust on 4.2 stays exposed"
        );
    }
}

/// A CycloneDX 1.5 VEX in XML: `state` for CVE-2026-39001 in LIMS 4.2.
fn vex_xml(state: &str, affects: bool) -> String {
    let affects = if affects {
        "<affects><target><ref>lims</ref></target></affects>"
    } else {
        ""
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <components>
    <component type="application" bom-ref="lims">
      <name>PathLab LIMS</name><version>4.2</version><cpe>{cpe}</cpe>
    </component>
  </components>
  <vulnerabilities>
    <vulnerability>
      <id>CVE-2026-39001</id>
      <ratings><rating><score>8.1</score><severity>high</severity><method>CVSSv31</method></rating></ratings>
      <description>Session tokens of the LIMS web client can be predicted.</description>
      <recommendation>Apply the PathLab LIMS hotfix HF-2026-09.</recommendation>
      <analysis><state>{state}</state></analysis>
      {affects}
    </vulnerability>
  </vulnerabilities>
</bom>"#,
        cpe = lims_cpe("4.2")
    )
}

#[tokio::test]
async fn a_cyclonedx_vex_in_xml_is_published_and_its_problems_are_named_by_xml_path() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        lims_estate(&app).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, body) = upload(&app, &supplier, "SUP001", &vex_xml("sort_of", false), "").await;
        assert_eq!(status, 422, "{b}: {body}");
        let paths: Vec<String> = body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_owned())
            .collect();
        assert!(
            paths.contains(&"/bom/vulnerabilities/vulnerability[1]/affects".to_owned()),
            "{b}: {body}"
        );
        assert!(
            paths.iter().all(|p| p.starts_with("/bom")),
            "{b}: XML paths only: {paths:?}"
        );
        let (status, body) = upload(&app, &supplier, "SUP001", "<bom><unclosed></bom>", "").await;
        assert!(
            status == 422 || status == 400,
            "{b}: malformed XML is refused: {status} {body}"
        );
        let (_, listed) = send(&app, &national, "GET", "/api/v1/supplier-advisories", None).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(0), "{b}: nothing kept");

        let (status, body) = upload(&app, &supplier, "SUP001", &vex_xml("exploitable", true), "").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["cves"], json!(["CVE-2026-39001"]), "{b}");
        assert_eq!(body["alert"]["organisations"], 1, "{b}: the trust on 4.2");
        let (_, view) = send(
            &app,
            &supplier,
            "GET",
            &format!(
                "/api/v1/supplier-advisories/{}",
                body["advisory"].as_str().unwrap()
            ),
            None,
        )
        .await;
        assert_eq!(
            view["advisory"]["severity"], "high",
            "{b}: from the 8.1 rating: {view}"
        );
        assert_eq!(
            view["advisory"]["actions"],
            json!(["Apply the PathLab LIMS hotfix HF-2026-09."]),
            "{b}: {view}"
        );
    }
}

#[tokio::test]
async fn an_advisory_under_embargo_is_mailed_to_the_national_team_and_nobody_else() {
    let clock = clock();
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        got.lock().unwrap().clear();
        lims_estate(&app).await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let form = json!({"title": "LIMS flaw under embargo", "cves": ["CVE-2026-39501"],
                          "product": app.world.product, "fixed_version": "4.3", "severity": "critical",
                          "required_action": "Upgrade", "embargo_until": "2026-06-11"});
        let (status, held) = send(
            &app,
            &supplier,
            "POST",
            "/api/v1/suppliers/SUP001/advisories",
            Some(&form),
        )
        .await;
        assert_eq!(status, 200, "{b}: {held}");
        assert_eq!(held["state"], "embargoed", "{b}");
        let id = held["advisory"].as_str().unwrap().to_owned();
        assert!(
            got.lock().unwrap().is_empty(),
            "{b}: nothing is sent while publishing"
        );
        assert!(
            run_due(&app).await >= 1,
            "{b}: the e-mail goes through the job queue"
        );
        let received = got.lock().unwrap().clone();
        let to: Vec<String> = received.iter().flat_map(|m| m.rcpt.clone()).collect();
        assert_eq!(
            to,
            vec![email(&app, Role::NationalAnalyst)],
            "{b}: the national team alone"
        );
        let text = received[0].data.replace("=\n", "");
        assert!(text.contains("Under embargo until 2026-06-11"), "{b}: {text}");
        assert!(text.contains(&id), "{b}: {text}");
        let (_, notices) = send(&app, &national, "GET", "/api/v1/notices", None).await;
        assert!(
            notices
                .to_string()
                .contains("Supplier advisory under embargo until 2026-06-11"),
            "{b}: and in Ward: {notices}"
        );
        for role in [
            Role::OrgAdmin,
            Role::OrgMember,
            Role::SupplierContact,
            Role::RegionalLead,
        ] {
            let s = as_role(&app, role).await;
            let (_, notices) = send(&app, &s, "GET", "/api/v1/notices", None).await;
            assert!(
                !notices.to_string().contains("under embargo"),
                "{b}: {role:?} is not told of an embargoed advisory"
            );
        }
    }
}
