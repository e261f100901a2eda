//! What a supplier's advisory does to customers' alerts, on SQLite and (when
//! `WARD_TEST_POSTGRES_URL` is set) PostgreSQL: a version the supplier states fixed becomes the
//! supplier's VEX "fixed" statement, so the customer on it is neither targeted nor mailed while
//! the customer on an affected version is; a revision rewrites the alert's title, summary and
//! required actions with a timeline entry saying what changed, when and by whom, reaches the
//! newly affected with their own clocks, and notes (without deleting) the organisations no longer
//! exposed.

use crate::api::as_role;
use crate::notify::{run_due, smtp_receiver, with_mail};
use crate::supplier_advisories::{alerts_seen, clock, send, upload};
use serde_json::{Value, json};
use ward_core::clock::Clock as _;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, on_each_backend};
use ward_testkit::supplier_documents::{csaf_advisory, lims_cpe};

/// The London trust runs LIMS `trust`; the foreign trust runs LIMS `foreign`.
async fn estate(app: &TestApp, trust: &str, foreign: &str) {
    let member = as_role(app, Role::OrgMember).await;
    let foreign_admin = app.session_for(&app.world.foreign_admin).await;
    for (s, org, version) in [
        (&member, app.world.trust, trust),
        (&foreign_admin, app.world.foreign_trust, foreign),
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

fn mail_to(got: &[crate::notify::Received], who: &str) -> Vec<String> {
    got.iter()
        .filter(|m| m.rcpt.contains(&who.to_ascii_lowercase()))
        .map(|m| m.data.replace("=\n", ""))
        .collect()
}

#[tokio::test]
async fn a_version_the_supplier_states_fixed_is_not_targeted_and_carries_the_supplier_statement() {
    let clock = clock();
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        got.lock().unwrap().clear();
        // 4.2 is affected; 4.2.1 is the hotfix release, inside the affected range.
        estate(&app, "4.2", "4.2.1").await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let id = "PATHLAB-SA-FIX-1";
        let cve = "CVE-2026-41001";
        let mut doc = csaf_advisory(id, cve, "4.2", "4.2.1");
        doc["product_tree"]["branches"][0]["branches"][0]["branches"][0] = json!({
            "category": "product_version_range", "name": "vers:generic/>=4.0|<4.3",
            "product": {"name": "PathLab LIMS 4.0 to 4.2", "product_id": "CSAFPID-0001",
                        "product_identification_helper": {"cpe": lims_cpe("*")}}
        });
        let (status, body) = upload(&app, &supplier, "SUP001", &doc.to_string(), "").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(
            body["alert"]["organisations"], 1,
            "{b}: the trust on 4.2 only, not the one on the fixed 4.2.1: {body}"
        );
        let alert = body["alert"]["alert"].clone();
        assert!(
            alerts_seen(&app, &foreign)
                .await
                .iter()
                .all(|a| a["alert"]["id"] != alert),
            "{b}: the foreign trust is not alerted"
        );

        // Its exposure to the advisory is the supplier's "fixed" statement, not open.
        let path = format!("/api/v1/exposures?advisory={cve}&status=all");
        let (_, all) = send(&app, &foreign, "GET", &path, None).await;
        assert_eq!(all["total"], 1, "{b}: the match is kept: {all}");
        let row = &all["items"][0];
        assert_eq!(row["status"], "fixed", "{b}: {all}");
        assert_eq!(row["statement"]["origin"], "supplier", "{b}: {all}");
        assert_eq!(row["statement"]["org"], json!(app.world.supplier), "{b}: {all}");
        let (_, open) = send(
            &app,
            &foreign,
            "GET",
            &format!("/api/v1/exposures?advisory={cve}"),
            None,
        )
        .await;
        assert_eq!(open["total"], 0, "{b}: nothing open: {open}");
        let (_, view) = send(
            &app,
            &supplier,
            "GET",
            &format!("/api/v1/supplier-advisories/{id}"),
            None,
        )
        .await;
        assert_eq!(
            view["advisory"]["fixed"][0]["product"]["cpe"],
            json!(lims_cpe("4.2.1")),
            "{b}: kept with the advisory: {view}"
        );

        // Only the trust on the affected version is mailed.
        run_due(&app).await;
        let received = got.lock().unwrap().clone();
        let alert_link = format!("/alerts/{}", alert.as_str().unwrap());
        let member_email = app.world.users[&Role::OrgMember].email.to_string();
        assert!(
            mail_to(&received, &member_email)
                .iter()
                .any(|m| m.contains(&alert_link)),
            "{b}: the trust on 4.2 is mailed"
        );
        assert!(
            mail_to(&received, app.world.foreign_admin.email.as_str())
                .iter()
                .all(|m| !m.contains(&alert_link)),
            "{b}: the trust on the fixed version is not"
        );
    }
}

/// The revision's document: `cve` now affects LIMS `affected` (the fix is 4.4), with a new title,
/// summary and remediation.
fn revised(id: &str, cve: &str, affected: &str) -> Value {
    let mut d = csaf_advisory(id, cve, affected, "4.4");
    d["document"]["title"] = json!("PathLab LIMS: results interface flaw (revised scope)");
    d["document"]["notes"][0]["text"] = json!("Revised: the flaw is in the 4.3 results interface only.");
    d["vulnerabilities"][0]["remediations"][0]["details"] = json!("Install hotfix HF-7, or upgrade to 4.4");
    d["document"]["tracking"]["version"] = json!("2");
    d["document"]["tracking"]["revision_history"] = json!([
        {"date": "2026-05-30T09:00:00.000Z", "number": "1", "summary": "Initial release"},
        {"date": "2026-06-02T09:00:00.000Z", "number": "2", "summary": "Scope revised"}
    ]);
    d
}

#[tokio::test]
async fn a_revision_rewrites_the_alert_reaches_the_newly_affected_and_notes_those_no_longer_exposed() {
    let clock = clock();
    let start = clock.now();
    let (url, _got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        clock.set(start);
        estate(&app, "4.2", "4.3").await;
        let supplier = as_role(&app, Role::SupplierContact).await;
        let id = "PATHLAB-SA-REW-1";
        let cve = "CVE-2026-42001";
        let first = csaf_advisory(id, cve, "4.2", "4.4");
        let (status, body) = upload(&app, &supplier, "SUP001", &first.to_string(), "").await;
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["alert"]["organisations"], 1, "{b}: the trust on 4.2");
        let alert = body["alert"]["alert"].as_str().unwrap().to_owned();
        run_due(&app).await;

        // A day later the supplier revises it: 4.3, not 4.2, is affected.
        clock.advance(jiff::SignedDuration::from_hours(24));
        // Sessions idle that long have ended: sign in again.
        let supplier = as_role(&app, Role::SupplierContact).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let member = as_role(&app, Role::OrgMember).await;
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let res = crate::api::with_session(
            ward_testkit::app::client().post(app.url(&format!(
                "/api/v1/supplier-advisories/{id}/revisions/upload?file=advisory.json"
            ))),
            &supplier,
        )
        .header("content-type", "application/json")
        .body(revised(id, cve, "4.3").to_string())
        .send()
        .await
        .unwrap();
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        assert_eq!(status, 200, "{b}: {body}");
        assert_eq!(body["revision"], 2, "{b}: {body}");
        run_due(&app).await;

        let (status, detail) = send(&app, &national, "GET", &format!("/api/v1/alerts/{alert}"), None).await;
        assert_eq!(status, 200, "{b}: {detail}");
        let a = &detail["alert"];
        assert_eq!(
            a["title"], "PathLab LIMS: results interface flaw (revised scope)",
            "{b}: {a}"
        );
        assert_eq!(
            a["summary"], "Revised: the flaw is in the 4.3 results interface only.",
            "{b}: {a}"
        );
        assert_eq!(
            a["actions"],
            json!(["Install hotfix HF-7, or upgrade to 4.4"]),
            "{b}: {a}"
        );
        let events = detail["events"].as_array().unwrap();
        let revised_entry = events
            .iter()
            .find(|e| e["kind"] == "revised")
            .unwrap_or_else(|| panic!("{b}: no revised entry: {detail}"));
        assert_eq!(revised_entry["org"], Value::Null, "{b}: everyone's entry");
        assert_eq!(
            revised_entry["at"],
            json!(clock.now().to_string()),
            "{b}: when: {revised_entry}"
        );
        assert!(
            revised_entry["actor"].as_str().unwrap().starts_with("user:"),
            "{b}: by whom: {revised_entry}"
        );
        let text = revised_entry["text"].as_str().unwrap();
        assert!(
            text.contains("Revision 2 (version 2)")
                && text.contains("Title now reads")
                && text.contains("New action: Install hotfix HF-7"),
            "{b}: what changed: {text}"
        );

        // The trust on 4.2 keeps its record, with an entry saying it is no longer exposed.
        let records = detail["recipients"].as_array().unwrap();
        let trust = json!(app.world.trust);
        let foreign_trust = json!(app.world.foreign_trust);
        assert!(
            records.iter().any(|r| r["record"]["org"] == trust),
            "{b}: record kept: {detail}"
        );
        assert!(
            events
                .iter()
                .any(|e| e["kind"] == "no_longer_exposed" && e["org"] == trust),
            "{b}: {detail}"
        );
        assert!(
            events
                .iter()
                .all(|e| !(e["kind"] == "no_longer_exposed" && e["org"] == foreign_trust)),
            "{b}: {detail}"
        );
        // The foreign trust on 4.3 is targeted, with clocks from the revision, not the issue.
        let record = &records
            .iter()
            .find(|r| r["record"]["org"] == foreign_trust)
            .unwrap_or_else(|| panic!("{b}: the newly affected is targeted: {detail}"))["record"];
        assert_eq!(record["reason"], "extended", "{b}: {record}");
        assert_eq!(
            record["targeted_at"],
            json!(clock.now().to_string()),
            "{b}: {record}"
        );
        let trust_record = &records.iter().find(|r| r["record"]["org"] == trust).unwrap()["record"];
        assert_ne!(
            record["clocks"]["acknowledge_by"], trust_record["clocks"]["acknowledge_by"],
            "{b}: its own clock, from when it was targeted: {record}"
        );
        assert!(
            alerts_seen(&app, &foreign)
                .await
                .iter()
                .any(|s| s["alert"]["id"] == json!(alert)
                    && s["alert"]["title"] == "PathLab LIMS: results interface flaw (revised scope)"),
            "{b}: the newly affected sees the revised text"
        );
        // The trust reads the revised alert and its own entry.
        let (_, own) = send(&app, &member, "GET", &format!("/api/v1/alerts/{alert}"), None).await;
        assert_eq!(own["alert"]["title"], a["title"], "{b}");
        assert!(
            own["events"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == "no_longer_exposed"),
            "{b}: {own}"
        );
    }
}
