//! The critical supplier register end to end: who sees which supplier and which dependants (each
//! role, with the attacks: another trust's admin, a member, an auditor, a supplier contact, a
//! token), the national team keeping the register, certificates for any organisation, the
//! current-certificate question, and reminders before expiry sent once each.

use crate::api::{as_role, call, with_session};
use crate::notify::{run_due, smtp_receiver, with_mail};
use jiff::Timestamp;
use reqwest::Method;
use serde_json::{Value, json};
use ward_app::Actor;
use ward_core::certificate::CertificateKind;
use ward_core::clock::ManualClock;
use ward_core::dependency::{Dependency, DependencyTarget};
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::role::Role;
use ward_core::{DependencyId, OrgId};
use ward_server::ServerSettings;
use ward_store::Scope;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

fn start() -> Timestamp {
    "2026-06-04T14:00:00Z".parse().expect("fixed instant")
}

/// Both trusts' first service depends on the supplier's product; a second supplier (SUP002)
/// that nobody depends on.
async fn depend_on_the_supplier(app: &TestApp) -> OrgId {
    let w = &app.world;
    let national = Actor::system("test", w.national);
    let meta = national.audit(app.app.now());
    let deps = [
        (w.trust, w.trust_services[1]),
        (w.foreign_trust, w.foreign_services[0]),
    ]
    .map(|(org, service)| Dependency {
        id: DependencyId::from_uuid(uuid::Uuid::now_v7()),
        org,
        service,
        target: DependencyTarget::Product(w.product),
        note: None,
    });
    app.store
        .insert_dependencies(&Scope::All, &deps, &meta)
        .await
        .unwrap();
    let other = Organisation {
        id: OrgId::from_uuid(uuid::Uuid::now_v7()),
        code: OdsCode::parse("SUP002").unwrap(),
        name: "Other Supplier Ltd".into(),
        kind: OrgKind::Supplier,
        parent: None,
        postcode: None,
        opened: None,
        closed: None,
    };
    let today = app.app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    app.store
        .upsert_orgs(std::slice::from_ref(&other), today, &meta)
        .await
        .unwrap();
    app.app.exposure_changed();
    other.id
}

fn supplier_row<'a>(v: &'a Value, code: &str) -> Option<&'a Value> {
    v["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
}

fn area_codes(v: &Value) -> Vec<String> {
    v["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_role_sees_only_its_footprint_of_the_register() {
    let clock = ManualClock::new(start());
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        depend_on_the_supplier(&app).await;

        // National: both dependants, sector facts, the second supplier too; critical (the only
        // pathology supplier of both regions).
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (s, v) = call(&app, &national, Method::GET, "/api/v1/suppliers", None).await;
        assert_eq!(s, 200, "{b}: {v}");
        assert_eq!(v["seen"], "sector");
        let sup = supplier_row(&v, "SUP001").unwrap();
        assert_eq!(sup["organisations"], 2, "{b}");
        assert_eq!(sup["patient_critical_services"], 2, "{b}");
        assert_eq!(sup["criticality"], "critical", "{b}");
        assert_eq!(sup["facts"]["organisations"], 2, "{b}");
        assert!(
            supplier_row(&v, "SUP002").is_some(),
            "{b}: national sees every supplier"
        );
        let (s, rec) = call(&app, &national, Method::GET, "/api/v1/suppliers/SUP001", None).await;
        assert_eq!(s, 200, "{b}");
        let codes = area_codes(&rec);
        for code in ["X26", "Y56", "QMF", "RJZ", "Y58", "QUY", "RA7"] {
            assert!(codes.contains(&code.to_owned()), "{b}: {code} in {codes:?}");
        }
        let nation = rec["areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == "X26")
            .unwrap();
        assert_eq!(
            nation["organisations"], 2,
            "{b}: the nation is the sum of its regions"
        );

        // The London lead: only its own trust, no sector facts, London's concentration only.
        let regional = as_role(&app, Role::RegionalLead).await;
        let (_, v) = call(&app, &regional, Method::GET, "/api/v1/suppliers", None).await;
        assert_eq!(v["seen"], "footprint");
        let sup = supplier_row(&v, "SUP001").unwrap();
        assert_eq!(sup["organisations"], 1, "{b}");
        assert!(sup["facts"].is_null(), "{b}: sector facts are national");
        assert!(
            supplier_row(&v, "SUP002").is_none(),
            "{b}: nobody in London depends on it"
        );
        for c in v["concentration"].as_array().unwrap() {
            assert_eq!(c["region_name"], "London", "{b}");
        }
        let (_, rec) = call(&app, &regional, Method::GET, "/api/v1/suppliers/SUP001", None).await;
        let codes = area_codes(&rec);
        assert!(
            !codes.contains(&"RA7".to_owned()),
            "{b}: the foreign trust is not named: {codes:?}"
        );
        assert!(!codes.contains(&"Y58".to_owned()), "{b}");

        // The other region's trust admin sees itself only, never the London trust.
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let (s, rec) = call(&app, &foreign, Method::GET, "/api/v1/suppliers/SUP001", None).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(area_codes(&rec), vec!["RA7".to_owned()], "{b}");
        assert_eq!(rec["summary"]["organisations"], 1, "{b}");

        // A member and the ICB's auditor: their footprint; a supplier they do not use is unknown.
        for role in [Role::OrgMember, Role::Auditor] {
            let s = as_role(&app, role).await;
            let (_, v) = call(&app, &s, Method::GET, "/api/v1/suppliers", None).await;
            assert_eq!(
                supplier_row(&v, "SUP001").unwrap()["organisations"],
                1,
                "{b} {role:?}"
            );
            let (status, _) = call(&app, &s, Method::GET, "/api/v1/suppliers/SUP002", None).await;
            assert_eq!(status, 404, "{b} {role:?}: a supplier outside the footprint");
            let (_, rec) = call(&app, &s, Method::GET, "/api/v1/suppliers/SUP001", None).await;
            assert!(!area_codes(&rec).contains(&"RA7".to_owned()), "{b} {role:?}");
        }

        // The supplier's contact: its own record, no customers; another supplier is unknown.
        let contact = as_role(&app, Role::SupplierContact).await;
        let (_, v) = call(&app, &contact, Method::GET, "/api/v1/suppliers", None).await;
        let rows = v["suppliers"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{b}: {v}");
        assert_eq!(rows[0]["code"], "SUP001");
        assert_eq!(
            rows[0]["organisations"], 0,
            "{b}: customers are not counted for the supplier"
        );
        assert!(v["concentration"].as_array().unwrap().is_empty(), "{b}");
        let (_, rec) = call(&app, &contact, Method::GET, "/api/v1/suppliers/SUP001", None).await;
        assert!(area_codes(&rec).is_empty(), "{b}: no customer named");
        let (status, _) = call(&app, &contact, Method::GET, "/api/v1/suppliers/SUP002", None).await;
        assert_eq!(status, 404, "{b}");
        let (status, _) = call(&app, &contact, Method::GET, "/api/v1/suppliers/RJZ", None).await;
        assert_eq!(status, 404, "{b}: a trust is not a supplier");

        // A token for the ICB's auditor reads the same footprint and writes nothing.
        let token = app.token(Role::Auditor, app.world.icb).await;
        let res = client()
            .get(app.url("/api/v1/suppliers/SUP001"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let rec: Value = res.json().await.unwrap();
        assert!(!area_codes(&rec).contains(&"RA7".to_owned()), "{b}");
        let res = client()
            .post(app.url("/api/v1/certificates"))
            .bearer_auth(&token)
            .json(&json!({"org": "QMF", "kind": "iso_27001", "issued_on": "2026-01-01", "expires_on": "2027-01-01"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            403,
            "{b}: an auditor's token records nothing"
        );
    }
}

#[tokio::test]
async fn the_national_team_keeps_the_register_and_admins_record_their_own_certificates() {
    let clock = ManualClock::new(start());
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        depend_on_the_supplier(&app).await;
        let assurance = json!({"dspt_status": "standards_met", "dspt_year": "2025-26",
            "charter_attested_on": "2026-03-01", "charter_attested_by": "Jo Bloggs, Chief Executive"});
        // Nobody but the national team writes a supplier's assurance, not even its own contact.
        for role in [
            Role::SupplierContact,
            Role::OrgAdmin,
            Role::RegionalLead,
            Role::Auditor,
        ] {
            let s = as_role(&app, role).await;
            let (status, _) = call(
                &app,
                &s,
                Method::PUT,
                "/api/v1/suppliers/SUP001/assurance",
                Some(assurance.clone()),
            )
            .await;
            assert_eq!(status, 403, "{b} {role:?}");
        }
        let national = as_role(&app, Role::NationalAnalyst).await;
        let bad = json!({"dspt_status": "standards_met", "charter_attested_on": "2026-03-01"});
        let (status, v) = call(
            &app,
            &national,
            Method::PUT,
            "/api/v1/suppliers/SUP001/assurance",
            Some(bad),
        )
        .await;
        assert_eq!(status, 422, "{b}: {v}");
        assert!(
            v.to_string().contains("charter_attested_by"),
            "{b}: the field is named: {v}"
        );
        let (status, _) = call(
            &app,
            &national,
            Method::PUT,
            "/api/v1/suppliers/RJZ/assurance",
            Some(assurance.clone()),
        )
        .await;
        assert_eq!(status, 404, "{b}: a trust has no supplier assurance");
        let (status, v) = call(
            &app,
            &national,
            Method::PUT,
            "/api/v1/suppliers/SUP001/assurance",
            Some(assurance.clone()),
        )
        .await;
        assert_eq!(status, 200, "{b}: {v}");

        // Certificates: the trust's admin for its own; not for another trust, not a member.
        let cert = |org: &str| json!({"org": org, "kind": "cyber_essentials_plus", "issued_on": "2026-01-01", "expires_on": "2026-12-31"});
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (status, _) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/certificates",
            Some(cert("RA7")),
        )
        .await;
        assert_eq!(status, 404, "{b}: another trust's certificate");
        let member = as_role(&app, Role::OrgMember).await;
        let (status, _) = call(
            &app,
            &member,
            Method::POST,
            "/api/v1/certificates",
            Some(cert("RJZ")),
        )
        .await;
        assert_eq!(status, 403, "{b}: a member");
        let contact = as_role(&app, Role::SupplierContact).await;
        let (status, _) = call(
            &app,
            &contact,
            Method::POST,
            "/api/v1/certificates",
            Some(cert("SUP001")),
        )
        .await;
        assert_eq!(
            status, 403,
            "{b}: a supplier's certificates are kept by the national team"
        );
        let backwards =
            json!({"org": "RJZ", "kind": "iso_27001", "issued_on": "2026-05-01", "expires_on": "2026-01-01"});
        let (status, v) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/certificates",
            Some(backwards),
        )
        .await;
        assert_eq!(status, 422, "{b}");
        assert!(v.to_string().contains("expires_on"), "{b}: {v}");
        let (status, mine) = call(
            &app,
            &admin,
            Method::POST,
            "/api/v1/certificates",
            Some(cert("RJZ")),
        )
        .await;
        assert_eq!(status, 200, "{b}: {mine}");
        let (status, _) = call(
            &app,
            &national,
            Method::POST,
            "/api/v1/certificates",
            Some(cert("SUP001")),
        )
        .await;
        assert_eq!(status, 200, "{b}");

        // The one question another rule asks: does the trust hold a current CE+ certificate?
        let trust = app.world.trust;
        assert!(
            app.app
                .holds_current_certificate(trust, CertificateKind::CyberEssentialsPlus)
                .await
                .unwrap()
        );
        assert!(
            !app.app
                .holds_current_certificate(trust, CertificateKind::Iso27001)
                .await
                .unwrap()
        );
        assert!(
            !app.app
                .holds_current_certificate(app.world.foreign_trust, CertificateKind::CyberEssentialsPlus)
                .await
                .unwrap()
        );

        // The other trust's admin neither lists nor removes it.
        let foreign = app.session_for(&app.world.foreign_admin).await;
        let (_, list) = call(&app, &foreign, Method::GET, "/api/v1/certificates", None).await;
        assert!(list.as_array().unwrap().is_empty(), "{b}: {list}");
        let path = format!("/api/v1/certificates/{}", mine["id"].as_str().unwrap());
        let (status, _) = call(&app, &foreign, Method::DELETE, &path, None).await;
        assert_eq!(status, 404, "{b}");

        // The register shows the assurance and the supplier's certificate to those who see it.
        let (_, v) = call(&app, &member, Method::GET, "/api/v1/suppliers/SUP001", None).await;
        assert_eq!(v["assurance"]["dspt_status"], "standards_met", "{b}: {v}");
        assert_eq!(v["certificates"].as_array().unwrap().len(), 1, "{b}");

        // Every change is in the audit trail.
        for action in ["supplier.assurance", "certificate.add"] {
            let (_, audit) = call(
                &app,
                &national,
                Method::GET,
                &format!("/api/v1/audit?action={action}"),
                None,
            )
            .await;
            assert!(
                audit.to_string().contains(action),
                "{b}: {action} audited: {audit}"
            );
        }
        let (status, _) = call(&app, &admin, Method::DELETE, &path, None).await;
        assert_eq!(status, 204, "{b}");
        assert!(
            !app.app
                .holds_current_certificate(trust, CertificateKind::CyberEssentialsPlus)
                .await
                .unwrap()
        );
    }
}

#[tokio::test]
async fn reminders_go_sixty_and_thirty_days_before_expiry_once_each() {
    let clock = ManualClock::new("2026-10-30T09:00:00Z".parse().unwrap());
    let (url, got) = smtp_receiver().await;
    for app in on_each_backend(&clock, with_mail(url), ServerSettings::default()).await {
        let b = app.backend();
        clock.set("2026-10-30T09:00:00Z".parse().unwrap());
        got.lock().unwrap().clear();
        let admin = as_role(&app, Role::OrgAdmin).await;
        let cert = json!({"org": "RJZ", "kind": "cyber_essentials_plus", "reference": "IASME-1",
            "issued_on": "2026-01-01", "expires_on": "2026-12-31"});
        let (status, _) = call(&app, &admin, Method::POST, "/api/v1/certificates", Some(cert)).await;
        assert_eq!(status, 200, "{b}");

        // 62 days before: nothing yet.
        let run = app.app.send_certificate_reminders().await.unwrap();
        assert!(run.reminders.is_empty(), "{b}");

        // 60 days before: one reminder, once, whoever runs it and however often.
        clock.set("2026-11-01T09:00:00Z".parse().unwrap());
        let (one, two) = tokio::join!(
            app.app.send_certificate_reminders(),
            app.app.send_certificate_reminders()
        );
        let mut all: Vec<_> = one.unwrap().reminders;
        all.extend(two.unwrap().reminders);
        assert_eq!(all.iter().map(|r| r.1).collect::<Vec<_>>(), vec![60], "{b}");
        assert!(
            app.app
                .send_certificate_reminders()
                .await
                .unwrap()
                .reminders
                .is_empty(),
            "{b}"
        );
        run_due(&app).await;
        let mails: Vec<_> = got.lock().unwrap().drain(..).collect();
        assert_eq!(mails.len(), 1, "{b}: one admin of the trust is told");
        assert!(
            mails[0]
                .rcpt
                .iter()
                .any(|r| r.contains(&app.world.users[&Role::OrgAdmin].email)),
            "{b}"
        );
        assert!(mails[0].data.contains("Cyber Essentials Plus"), "{b}");

        // 30 days before: the second, once, through the job as the servers queue it.
        clock.set("2026-12-02T09:00:00Z".parse().unwrap());
        app.app.queue_certificate_reminders().await.unwrap();
        app.app.queue_certificate_reminders().await.unwrap();
        run_due(&app).await;
        let mails: Vec<_> = got.lock().unwrap().drain(..).collect();
        assert_eq!(mails.len(), 1, "{b}: the 30-day reminder");
        assert!(mails[0].data.contains("30 days"), "{b}");

        // Expired: nothing more.
        clock.set("2027-01-02T09:00:00Z".parse().unwrap());
        assert!(
            app.app
                .send_certificate_reminders()
                .await
                .unwrap()
                .reminders
                .is_empty(),
            "{b}"
        );

        let national = as_role(&app, Role::NationalAnalyst).await;
        let (_, audit) = call(
            &app,
            &national,
            Method::GET,
            "/api/v1/audit?action=certificate.reminder",
            None,
        )
        .await;
        assert_eq!(audit["total"], 2, "{b}: each audited once: {audit}");
    }
}

#[tokio::test]
async fn the_pages_draw_the_register_for_each_footprint() {
    let clock = ManualClock::new(start());
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        depend_on_the_supplier(&app).await;
        let page = |s: (String, String), path: &'static str| {
            let app = &app;
            async move {
                let res = with_session(client().get(app.url(path)), &s)
                    .send()
                    .await
                    .unwrap();
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        let (status, html) = page(as_role(&app, Role::NationalAnalyst).await, "/suppliers").await;
        assert_eq!(status, 200, "{b}");
        assert!(html.contains("Pathlab Systems"), "{b}");
        assert!(html.contains("Critical"), "{b}");
        assert!(html.contains("<svg"), "{b}: concentration bars");
        assert!(html.contains("Other Supplier Ltd"), "{b}");
        let (status, html) = page(as_role(&app, Role::NationalAnalyst).await, "/suppliers/SUP001").await;
        assert_eq!(status, 200, "{b}");
        assert!(html.contains("Riverside Hospitals NHS Trust"), "{b}");
        assert!(html.contains("Harbour University Hospitals"), "{b}");
        let (_, html) = page(as_role(&app, Role::OrgMember).await, "/suppliers/SUP001").await;
        assert!(html.contains("Riverside Hospitals NHS Trust"), "{b}");
        assert!(
            !html.contains("Harbour University Hospitals"),
            "{b}: another region's trust is not named"
        );
        let (_, html) = page(as_role(&app, Role::SupplierContact).await, "/suppliers/SUP001").await;
        assert!(
            !html.contains("Riverside Hospitals NHS Trust"),
            "{b}: customers are not named to the supplier"
        );
        let (status, _) = page(as_role(&app, Role::SupplierContact).await, "/suppliers/SUP002").await;
        assert_eq!(status, 404, "{b}");
    }
}

#[tokio::test]
async fn the_forms_record_assurance_and_certificates_for_those_allowed_only() {
    use crate::web::Visitor;
    let t = ward_testkit::spawn_app().await;

    // The national team records a supplier's assurance and certificate on its page.
    let mut national = Visitor::new(&t);
    national.sign_in_as(Role::NationalAnalyst).await;
    let page = national.get("/suppliers/SUP001").await;
    assert!(page.body.contains("Record assurance"));
    let csrf = national.csrf().await;
    let r = national
        .post(
            "/suppliers/SUP001/assurance",
            &[
                ("csrf", &csrf),
                ("dspt_status", "standards_exceeded"),
                ("dspt_year", "2025-26"),
                ("charter_attested_on", "2026-03-01"),
                ("charter_attested_by", "Jo Bloggs, Chief Executive"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.body);
    let r = national
        .post(
            "/suppliers/certificates",
            &[
                ("csrf", &csrf),
                ("org", "SUP001"),
                ("kind", "iso_27001"),
                ("issued_on", "2025-01-01"),
                ("expires_on", "2027-12-31"),
                ("back", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/suppliers"), "never sent elsewhere");
    let page = national.get("/suppliers/SUP001").await;
    assert!(
        page.body.contains("Standards exceeded (2025-26)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("ISO/IEC 27001"));

    // A trust's admin records its own certificate; a date out of order is named.
    let mut admin = Visitor::new(&t);
    admin.sign_in_as(Role::OrgAdmin).await;
    let page = admin.get("/suppliers").await;
    assert!(page.body.contains("Your organisation"));
    assert!(!page.body.contains("Record assurance"));
    let csrf = admin.csrf().await;
    let bad = admin
        .post(
            "/suppliers/certificates",
            &[
                ("csrf", &csrf),
                ("org", "RJZ"),
                ("kind", "cyber_essentials_plus"),
                ("issued_on", "2026-05-01"),
                ("expires_on", "2026-01-01"),
                ("back", "/suppliers"),
            ],
        )
        .await;
    assert_eq!(bad.status.as_u16(), 422);
    assert!(bad.body.contains("before it was issued"), "{}", bad.body);
    let ok = admin
        .post(
            "/suppliers/certificates",
            &[
                ("csrf", &csrf),
                ("org", "RJZ"),
                ("kind", "cyber_essentials_plus"),
                ("issued_on", "2026-01-01"),
                ("expires_on", "2026-12-31"),
                ("back", "/suppliers"),
            ],
        )
        .await;
    assert_eq!(ok.status.as_u16(), 303, "{}", ok.body);
    let page = admin.get("/suppliers").await;
    assert!(page.body.contains("Cyber Essentials Plus"));
    // Not for another trust, not the supplier's assurance.
    let r = admin
        .post(
            "/suppliers/certificates",
            &[
                ("csrf", &csrf),
                ("org", "RA7"),
                ("kind", "cyber_essentials"),
                ("issued_on", "2026-01-01"),
                ("expires_on", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 404);
    let r = admin
        .post(
            "/suppliers/SUP001/assurance",
            &[("csrf", &csrf), ("dspt_status", "standards_met")],
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    // Without the CSRF token nothing is written.
    let r = admin
        .post(
            "/suppliers/certificates",
            &[
                ("org", "RJZ"),
                ("kind", "iso_27001"),
                ("issued_on", "2026-01-01"),
                ("expires_on", "2026-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status.as_u16(), 403);
    assert!(
        !t.app
            .holds_current_certificate(t.world.trust, CertificateKind::Iso27001)
            .await
            .unwrap()
    );
}
