//! The board pack: the page, the PDF and the JSON of one organisation show the same figures; the
//! PDF parses with an independent reader (lopdf), its text is extractable, every page carries the
//! organisation and the date and its number, and the heat map is drawn as vector paths with no
//! image. Another trust's admin asking for it gets nothing; an organisation with nothing recorded
//! still gets a sensible pack. Each test runs on SQLite, and on PostgreSQL when
//! `WARD_TEST_POSTGRES_URL` is set.

use crate::api::{as_role, with_session};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

fn clock() -> ManualClock {
    ManualClock::new("2026-06-01T09:00:00Z".parse().expect("fixed instant"))
}

async fn get(app: &TestApp, s: &(String, String), path: &str) -> (u16, Option<String>, Vec<u8>) {
    let res = with_session(client().get(app.url(path)), s).send().await.unwrap();
    let status = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, ct, res.bytes().await.unwrap().to_vec())
}

async fn send(app: &TestApp, s: &(String, String), method: Method, path: &str, body: Value) -> Value {
    let res = with_session(client().request(method, app.url(path)), s)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let v: Value = res.json().await.unwrap();
    assert_eq!(status, 200, "{path}: {v}");
    v
}

/// Objective B with B4.d, which the facts speak for (the fixture trust has an open
/// known-exploited exposure, so a claim of Achieved is above the facts); added to
/// `ward_testkit::fixtures::SMALL_CAF` (A1.a in three columns, A1.b achieved only).
const OBJECTIVE_B: &str = "  B:
    title: Protecting
    principles:
      B4:
        title: System security
        outcomes:
          B4.d:
            title: Vulnerability management
            indicators:
              not-achieved:
                B4.d.1:
                  description: Known-exploited vulnerabilities stay open.
                  ncsc-index: B4.d.NA.1
              achieved:
                B4.d.2:
                  description: Known-exploited vulnerabilities are fixed quickly.
                  ncsc-index: B4.d.A.1
";

fn risk(owner: ward_core::UserId, title: &str, likelihood: u8, consequence: u8) -> Value {
    json!({
        "title": title,
        "source": "external-compromised-supplier", "event": "malware-ransomware",
        "consequence": "service-disruption",
        "inherent": {"likelihood": 5, "consequences": {"patient_safety": 5}},
        "current": {"likelihood": likelihood, "consequences": {"patient_safety": consequence}},
        "target": {"likelihood": 1, "consequences": {"patient_safety": 2}},
        "owner": owner, "review_date": "2026-05-01", "treatment": "reduce",
        "controls": []
    })
}

/// The whole text of a PDF, every run of white space made one space.
fn pdf_text(doc: &lopdf::Document) -> String {
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("text extracts");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The figures the page shows ("3 below target"), from its stat boxes.
fn page_figures(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("<span class=\"stat-value\">").skip(1) {
        let value = part.split("</span>").next().unwrap_or_default();
        let label = part
            .split("stat-label-plain\">")
            .nth(1)
            .and_then(|l| l.split("</span>").next())
            .unwrap_or_default();
        out.push(format!("{value} {label}"));
    }
    out
}

/// Checks every board pack PDF must pass: an independent parser reads it; each page has the
/// organisation, the date and its number; no raster image anywhere. Returns the text.
fn check_pdf(bytes: &[u8], org: &str, backend: &str) -> (lopdf::Document, String) {
    let doc =
        lopdf::Document::load_mem(bytes).unwrap_or_else(|e| panic!("{backend}: the PDF does not parse: {e}"));
    let pages = doc.get_pages();
    assert!(!pages.is_empty(), "{backend}");
    for (n, id) in &pages {
        let text = doc.extract_text(&[*n]).unwrap();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(org),
            "{backend}: page {n} lacks the organisation: {text}"
        );
        assert!(
            text.contains("Board pack, 1 June 2026"),
            "{backend}: page {n} lacks the date"
        );
        assert!(
            text.contains(&format!("Page {n} of {}", pages.len())),
            "{backend}: page {n} lacks its number"
        );
        let (resources, _) = doc.get_page_resources(*id).unwrap();
        if let Some(res) = resources {
            assert!(
                res.get(b"XObject").is_err(),
                "{backend}: page {n} carries an image or form"
            );
        }
    }
    let text = pdf_text(&doc);
    (doc, text)
}

#[tokio::test]
async fn the_page_the_pdf_and_the_json_show_the_same_pack_and_other_trusts_get_nothing() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let w = &app.world;
        let system = ward_app::Actor::system("test", w.national);
        app.app
            .import_framework(
                &system,
                "caf.yaml",
                format!("{}{OBJECTIVE_B}", ward_testkit::fixtures::SMALL_CAF).into_bytes(),
                Some("4.0".into()),
            )
            .await
            .unwrap();
        let draft: ward_app::assurance::profiles::ProfileDraft = serde_json::from_value(json!({
            "framework": "ncsc-caf", "framework_version": "4.0", "category": "trusts-and-icbs",
            "effective_from": "2026-04-01",
            "targets": {"A1.a": "achieved", "A1.b": "achieved", "B4.d": "partially-achieved"},
        }))
        .unwrap();
        app.app.publish_profile(&system, draft).await.unwrap();

        let member = as_role(&app, Role::OrgMember).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let auditor = as_role(&app, Role::Auditor).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let foreign = app.session_for(&w.foreign_admin).await;
        let member_id = w.users[&Role::OrgMember].id;

        // An assessment below target on A1.a (partially achieved), with a plan action for it.
        let head = send(
            &app,
            &member,
            Method::POST,
            "/api/v1/assessments",
            json!({"org": w.trust, "framework": "ncsc-caf", "version": "4.0", "year": 2026, "kind": "final"}),
        )
        .await;
        let id = head["id"].as_str().unwrap().to_owned();
        send(
            &app,
            &member,
            Method::PUT,
            &format!("/api/v1/assessments/{id}/answers"),
            json!({"answers": {
                "A1.a.NA.1": {"value": false}, "A1.a.PA.1": {"value": true}, "A1.a.A.1": {"value": false},
                "A1.b.A.1": {"value": true}, "B4.d.NA.1": {"value": false}, "B4.d.A.1": {"value": true}
            }}),
        )
        .await;
        send(
            &app,
            &member,
            Method::POST,
            &format!("/api/v1/assessments/{id}/plan/actions"),
            json!({"title": "Board to own cyber risk", "owner": "Chief executive", "due": "2026-09-01", "outcomes": ["A1.a"]}),
        )
        .await;
        // Two risks: one Extreme (5 x 4 = 20), one Moderate (2 x 3 = 6), both reviews overdue.
        for (title, l, c) in [
            ("Ransomware through the pathology supplier", 4, 5),
            ("Lost laptop", 2, 3),
        ] {
            send(
                &app,
                &member,
                Method::POST,
                "/api/v1/risks",
                json!({"org": w.trust, "details": risk(member_id, title, l, c)}),
            )
            .await;
        }
        send(
            &app,
            &admin,
            Method::POST,
            "/api/v1/board",
            json!({"org": w.trust, "name": "Ada Lovelace", "board_role": "Chair and SIRO"}),
        )
        .await;
        // The exposure index is built first: building it records first sightings, which is not
        // the pack's doing.
        app.app.exposure_index().await.unwrap();
        let audit_before = app.app.audit_actions(&system).await.unwrap();

        // The JSON: the auditor and the regional lead read it, by code or identifier.
        let (status, _, body) = get(&app, &auditor, "/api/v1/orgs/RJZ/board-pack").await;
        assert_eq!(status, 200, "{backend}: {}", String::from_utf8_lossy(&body));
        let pack: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(pack["org"]["name"], "Riverside Hospitals NHS Trust", "{backend}");
        let standing = &pack["assessment"]["standing"];
        assert_eq!(standing["status"], "not-met-with-plan", "{backend}: {standing}");
        assert_eq!(standing["below"][0]["code"], "A1.a", "{backend}: {standing}");
        assert_eq!(pack["risks"]["total"], 2, "{backend}");
        assert_eq!(
            pack["risks"]["heat"][4][3], 1,
            "{backend}: consequence 5, likelihood 4"
        );
        assert_eq!(
            pack["risks"]["heat"][2][1], 1,
            "{backend}: consequence 3, likelihood 2"
        );
        assert_eq!(pack["risks"]["top"][0]["score"], 20, "{backend}: highest first");
        assert_eq!(pack["board"][0]["name"], "Ada Lovelace", "{backend}");
        assert_eq!(
            pack["assessment"]["disagreements"][0]["code"], "B4.d",
            "{backend}: {pack}"
        );
        let (status, _, _) = get(&app, &regional, &format!("/api/v1/orgs/{}/board-pack", w.trust)).await;
        assert_eq!(status, 200, "{backend}: the regional lead over the trust");

        // The page and the PDF.
        let (status, ct, html) = get(&app, &member, "/orgs/RJZ/board-pack").await;
        assert_eq!(status, 200, "{backend}");
        assert!(ct.unwrap_or_default().starts_with("text/html"), "{backend}");
        let html = String::from_utf8(html).unwrap();
        let standing_text = "Standards Not Met (improvement plan awaiting approval) against the NHS trusts and ICBs \
                             minimum standard (version 1)";
        assert!(html.contains(standing_text), "{backend}: {html}");
        assert!(
            html.contains("/orgs/RJZ/board-pack.pdf"),
            "{backend}: the download link"
        );
        assert!(
            !html.contains("not-met-with-plan"),
            "{backend}: raw enum text on the page"
        );

        let (status, ct, pdf) = get(&app, &member, "/orgs/RJZ/board-pack.pdf").await;
        assert_eq!(status, 200, "{backend}");
        assert_eq!(ct.as_deref(), Some("application/pdf"), "{backend}");
        let (doc, text) = check_pdf(&pdf, "Riverside Hospitals NHS Trust (RJZ)", backend);
        assert!(text.contains(standing_text), "{backend}: {text}");
        for words in [
            "Ransomware through the pathology supplier",
            "Ada Lovelace",
            "Board to own cyber risk",
            "B4.d Vulnerability management",
            "A1.a Board direction",
        ] {
            assert!(
                text.contains(words),
                "{backend}: '{words}' missing from the PDF: {text}"
            );
        }
        // Every figure on the page is in the PDF, in the same words.
        let figures = page_figures(&html);
        assert!(figures.len() >= 10, "{backend}: {figures:?}");
        assert!(
            figures.contains(&"1 below target".to_owned()),
            "{backend}: {figures:?}"
        );
        assert!(
            figures.contains(&"1 Extreme".to_owned()),
            "{backend}: {figures:?}"
        );
        for f in &figures {
            assert!(
                text.contains(f.as_str()),
                "{backend}: the page says '{f}', the PDF does not: {text}"
            );
        }
        // The heat map is vector: filled rectangles in the grades' colours, no image.
        let mut rects = 0;
        let mut extreme_fill = false;
        for (_, id) in doc.get_pages() {
            let content = lopdf::content::Content::decode(&doc.get_page_content(id)).unwrap();
            for op in &content.operations {
                if op.operator == "re" {
                    rects += 1;
                }
                if op.operator == "rg" {
                    let v: Vec<f32> = op.operands.iter().filter_map(|o| o.as_float().ok()).collect();
                    // #f2a3a8, the extreme cells' fill.
                    if v.len() == 3 && (v[0] - 0.949).abs() < 0.01 && (v[1] - 0.639).abs() < 0.01 {
                        extreme_fill = true;
                    }
                }
                assert_ne!(op.operator, "Do", "{backend}: an XObject is drawn");
                assert_ne!(op.operator, "BI", "{backend}: an inline image is drawn");
            }
        }
        assert!(rects >= 25, "{backend}: the 25 cells are rectangles ({rects})");
        assert!(
            extreme_fill,
            "{backend}: extreme cells are filled in their colour"
        );

        // The attack: another trust's admin asks for the pack, by code and by identifier, in
        // every form; nothing of it comes back.
        for path in [
            "/api/v1/orgs/RJZ/board-pack".to_owned(),
            format!("/api/v1/orgs/{}/board-pack?format=pdf", w.trust),
            "/orgs/RJZ/board-pack".to_owned(),
            "/orgs/RJZ/board-pack.pdf".to_owned(),
        ] {
            let (status, _, body) = get(&app, &foreign, &path).await;
            assert!(matches!(status, 403 | 404), "{backend}: {path} gave {status}");
            let body = String::from_utf8_lossy(&body);
            assert!(
                !body.contains("Riverside") && !body.contains("Ada Lovelace") && !body.starts_with("%PDF"),
                "{backend}: {path} leaked the pack"
            );
        }
        // An unknown code reads the same as someone else's.
        let (status, _, _) = get(&app, &foreign, "/api/v1/orgs/ZZZ99/board-pack").await;
        assert_eq!(status, 404, "{backend}");
        let (status, _, _) = get(&app, &auditor, "/api/v1/orgs/RJZ/board-pack?format=docx").await;
        assert_eq!(status, 422, "{backend}");

        // Reading the pack is a read, as exports are: nothing is added to the audit trail.
        let audit_after = app.app.audit_actions(&system).await.unwrap();
        assert_eq!(audit_before, audit_after, "{backend}");
    }
}

#[tokio::test]
async fn an_organisation_with_nothing_recorded_still_gets_a_sensible_pack() {
    for app in on_each_backend(&clock(), test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (status, _, body) = get(&app, &national, "/api/v1/orgs/F84001/board-pack").await;
        assert_eq!(status, 200, "{backend}: {}", String::from_utf8_lossy(&body));
        let pack: Value = serde_json::from_slice(&body).unwrap();
        assert!(pack["assessment"].is_null(), "{backend}");
        assert_eq!(pack["risks"]["total"], 0, "{backend}");

        let (status, _, pdf) = get(&app, &national, "/api/v1/orgs/F84001/board-pack?format=pdf").await;
        assert_eq!(status, 200, "{backend}");
        let (_, text) = check_pdf(&pdf, "Canal Street Surgery (F84001)", backend);
        for words in [
            "No assessment has been recorded yet, so the standing against the minimum standard is not known.",
            "No risks are recorded in the register yet.",
            "No cyber alert has reached the organisation yet.",
            "No training record has been imported yet.",
            "No board member is named as accountable for cyber security.",
            "There is no improvement plan without an assessment.",
        ] {
            assert!(text.contains(words), "{backend}: '{words}' missing: {text}");
        }
        let (status, _, html) = get(&app, &national, "/orgs/F84001/board-pack").await;
        assert_eq!(status, 200, "{backend}");
        let html = String::from_utf8(html).unwrap();
        for f in page_figures(&html) {
            assert!(
                text.contains(f.as_str()),
                "{backend}: '{f}' on the page, not in the PDF"
            );
        }
    }
}
