//! Risk registers through the API, and attacks on them: another organisation reading or editing a
//! risk, a member or owner approving its own acceptance, an auditor writing. Each test runs on
//! SQLite, and on PostgreSQL when `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, call};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{on_each_backend, test_settings};

/// The fixed instant the apps of one test start at.
fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

fn details(owner: ward_core::UserId, treatment: &str, review: &str) -> Value {
    json!({
        "title": "Ransomware through the pathology supplier",
        "source": "external-compromised-supplier", "event": "malware-ransomware",
        "consequence": "service-disruption",
        "inherent": {"likelihood": 4, "consequences": {"patient_safety": 5}},
        "current": {"likelihood": 3, "consequences": {"patient_safety": 4, "service_interruption": 5}},
        "target": {"likelihood": 2, "consequences": {"patient_safety": 3}},
        "owner": owner, "review_date": review, "treatment": treatment,
        "controls": [{"description": "Offline backups", "caf_outcome": "B5.c"}]
    })
}

#[tokio::test]
async fn an_organisation_records_its_risks_and_others_cannot_touch_them() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let auditor = as_role(&app, Role::Auditor).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let member_id = w.users[&Role::OrgMember].id;

        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.trust, "details": details(member_id, "reduce", "2026-05-01")})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["current_score"], 15, "{backend}: the worst domain counts");
        assert_eq!(body["grade"], "extreme", "{backend}");
        assert_eq!(body["worst_domain"], "service_interruption", "{backend}");
        assert_eq!(
            body["overdue"], true,
            "{backend}: reviewed 2026-05-01, today 2026-06-01"
        );
        assert!(body["owner_name"].is_string(), "{backend}");
        assert_eq!(body["org_code"], "RJZ", "{backend}");
        let id = body["risk"]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/risks/{id}");

        // Another organisation: the risk looks like it does not exist.
        let (status, _) = call(&app, &foreign, Method::GET, &path, None).await;
        assert_eq!(status, 404, "{backend}: org B reads org A's risk");
        let (status, _) = call(
            &app,
            &foreign,
            Method::PUT,
            &path,
            Some(details(w.foreign_admin.id, "reduce", "2027-01-01")),
        )
        .await;
        assert_eq!(status, 404, "{backend}: org B edits org A's risk");
        let (status, list) = call(&app, &foreign, Method::GET, "/api/v1/risks", None).await;
        assert_eq!(
            (status, list.as_array().map(Vec::len)),
            (200, Some(0)),
            "{backend}"
        );
        let (status, _) = call(
            &app,
            &foreign,
            Method::GET,
            &format!("/api/v1/risks?org={}", w.trust),
            None,
        )
        .await;
        assert_eq!(status, 404, "{backend}: listing another organisation");

        // Readers in the footprint read; the auditor writes nothing.
        for s in [&auditor, &regional] {
            let (status, _) = call(&app, s, Method::GET, &path, None).await;
            assert_eq!(status, 200, "{backend}");
        }
        let (status, _) = call(
            &app,
            &auditor,
            Method::PUT,
            &path,
            Some(details(member_id, "reduce", "2027-01-01")),
        )
        .await;
        assert_eq!(status, 403, "{backend}: an auditor edits");
        let (status, _) = call(
            &app,
            &auditor,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.trust, "details": details(member_id, "reduce", "2027-01-01")})),
        )
        .await;
        assert_eq!(status, 403, "{backend}: an auditor records");

        // Acceptance: the member (the owner) cannot approve; an admin can, once.
        let (status, body) = call(
            &app,
            &member,
            Method::PUT,
            &path,
            Some(details(member_id, "accept", "2027-01-01")),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["awaits_approval"], true, "{backend}");
        assert_eq!(body["overdue"], false, "{backend}");
        let approve = format!("{path}/approve");
        let (status, _) = call(&app, &member, Method::POST, &approve, None).await;
        assert_eq!(status, 403, "{backend}: a member approves its own acceptance");
        let (status, body) = call(&app, &admin, Method::POST, &approve, None).await;
        assert_eq!(status, 200, "{backend}: {body}");
        assert_eq!(body["awaits_approval"], false, "{backend}");
        assert_eq!(
            body["risk"]["acceptance"]["approver"],
            json!(w.users[&Role::OrgAdmin].id),
            "{backend}"
        );

        // An admin who owns a risk cannot approve its acceptance either.
        let admin_id = w.users[&Role::OrgAdmin].id;
        let (status, body) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.trust, "details": details(admin_id, "accept", "2027-01-01")})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let own = format!("/api/v1/risks/{}/approve", body["risk"]["id"].as_str().unwrap());
        let (status, body) = call(&app, &admin, Method::POST, &own, None).await;
        assert_eq!(status, 422, "{backend}: the owner approves its own acceptance");
        assert!(body.to_string().contains("approver"), "{backend}: {body}");

        // The audit trail holds every change.
        let records = app.store.audit_page(1, 100_000).await.unwrap();
        let actions: Vec<&str> = records
            .iter()
            .map(|r| r.event.action.as_str())
            .filter(|a| a.starts_with("risk."))
            .collect();
        assert_eq!(
            actions,
            ["risk.create", "risk.update", "risk.approve", "risk.create"],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn bad_risks_are_refused_naming_every_field() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let mut d = details(w.users[&Role::OrgMember].id, "reduce", "2027-01-01");
        d["title"] = json!("");
        d["event"] = json!("alien-invasion");
        d["current"] = json!({"likelihood": 3, "consequences": {"finance": 2}});
        d["controls"] = json!([{"description": "x", "caf_outcome": "B4"}]);
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.trust, "details": d})),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        let text = body.to_string();
        for field in [
            "title",
            "event",
            "current.consequences.patient_safety",
            "controls[0].caf_outcome",
        ] {
            assert!(text.contains(field), "{backend}: {field} not named in {text}");
        }
        // An owner who may not write the organisation's risks (the auditor).
        let d = details(w.users[&Role::Auditor].id, "reduce", "2027-01-01");
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.trust, "details": d})),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.to_string().contains("owner"), "{backend}: {body}");
        // A link to another organisation's asset.
        let mut d = details(w.users[&Role::OrgMember].id, "reduce", "2027-01-01");
        d["links"] = json!({"assets": [w.foreign_assets[0]]});
        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/risks",
            Some(json!({"org": w.trust, "details": d})),
        )
        .await;
        assert_eq!(status, 422, "{backend}: {body}");
        assert!(body.to_string().contains("links.assets"), "{backend}: {body}");
    }
}

#[tokio::test]
async fn a_risk_raised_from_an_exposure_is_prefilled_and_rolls_up() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let foreign = app.session_for(&w.foreign_admin).await;

        // Another organisation's exposure cannot be raised.
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            "/api/v1/risks/from-exposure",
            Some(json!({"advisory": w.advisory, "asset": w.trust_assets[0]})),
        )
        .await;
        assert_eq!(status, 404, "{backend}");

        let (status, body) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/risks/from-exposure",
            Some(json!({"advisory": w.advisory, "asset": w.trust_assets[0]})),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let d = &body["risk"]["details"];
        assert!(
            d["title"].as_str().unwrap().contains(w.advisory),
            "{backend}: {d}"
        );
        assert!(
            d["title"].as_str().unwrap().contains("LIMS server"),
            "{backend}: {d}"
        );
        assert_eq!(d["owner"], json!(w.users[&Role::OrgMember].id), "{backend}");
        assert_eq!(d["links"]["assets"], json!([w.trust_assets[0]]), "{backend}");
        // Linked by the advisory's own id (here the GHSA record whose alias is the CVE).
        assert_eq!(
            d["links"]["exposures"][0]["asset"],
            json!(w.trust_assets[0]),
            "{backend}: {d}"
        );
        assert!(
            d["links"]["exposures"][0]["advisory"].is_string(),
            "{backend}: {d}"
        );
        assert_eq!(
            d["links"]["services"].as_array().map(Vec::len),
            Some(1),
            "{backend}: {d}"
        );
        assert_eq!(
            d["current"]["likelihood"], 4,
            "{backend}: Log4Shell is known exploited"
        );
        assert_eq!(body["overdue"], false, "{backend}");

        // The foreign trust raises its own, so the nation sees both regions.
        let (status, _) = call(
            &app,
            &foreign,
            Method::POST,
            "/api/v1/risks/from-exposure",
            Some(json!({"advisory": w.advisory, "asset": w.foreign_assets[0]})),
        )
        .await;
        assert_eq!(status, 200, "{backend}");

        let total = |v: &Value| -> u64 {
            v["counts"]
                .as_object()
                .unwrap()
                .values()
                .map(|n| n.as_u64().unwrap())
                .sum()
        };
        let (status, up) = call(&app, &national, Method::GET, "/api/v1/risks/rollup", None).await;
        assert_eq!(status, 200, "{backend}: {up}");
        assert_eq!(up["nation"].as_array().unwrap().len(), 1, "{backend}: {up}");
        assert_eq!(total(&up["nation"][0]), 2, "{backend}: {up}");
        assert_eq!(up["regions"].as_array().unwrap().len(), 2, "{backend}: {up}");
        let mut grades: Vec<&String> = up["totals"].as_object().unwrap().keys().collect();
        grades.sort();
        assert_eq!(
            grades,
            ["extreme", "high", "low", "moderate"],
            "{backend}: every grade"
        );
        let (status, up) = call(&app, &regional, Method::GET, "/api/v1/risks/rollup", None).await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(
            up["nation"].as_array().unwrap().len(),
            0,
            "{backend}: a region sees no nation"
        );
        assert_eq!(up["regions"].as_array().unwrap().len(), 1, "{backend}: {up}");
        assert_eq!(total(&up["regions"][0]), 1, "{backend}: its own region only");
    }
}

#[tokio::test]
async fn the_national_team_extends_the_vocabulary_for_everyone() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let member = as_role(&app, Role::OrgMember).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let entry =
            json!({"kind": "event", "code": "medical-device-tampering", "label": "Medical device tampering"});
        let (status, _) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/risks/vocabulary",
            Some(entry.clone()),
        )
        .await;
        assert_eq!(status, 403, "{backend}: a member extends the vocabulary");
        let mut d = details(w.users[&Role::OrgMember].id, "reduce", "2027-01-01");
        d["event"] = json!("medical-device-tampering");
        let new = json!({"org": w.trust, "details": d});
        let (status, _) = call(&app, &member, Method::POST, "/api/v1/risks", Some(new.clone())).await;
        assert_eq!(status, 422, "{backend}: not in the vocabulary yet");
        let (status, body) = call(
            &app,
            &national,
            Method::POST,
            "/api/v1/risks/vocabulary",
            Some(entry.clone()),
        )
        .await;
        assert_eq!(status, 200, "{backend}: {body}");
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            "/api/v1/risks/vocabulary",
            Some(entry),
        )
        .await;
        assert_eq!(status, 409, "{backend}: the same code twice");
        let (status, body) = call(&app, &member, Method::POST, "/api/v1/risks", Some(new)).await;
        assert_eq!(status, 200, "{backend}: {body}");
        let (_, vocab) = call(&app, &member, Method::GET, "/api/v1/risks/vocabulary", None).await;
        assert!(
            vocab.to_string().contains("medical-device-tampering"),
            "{backend}"
        );
    }
}
