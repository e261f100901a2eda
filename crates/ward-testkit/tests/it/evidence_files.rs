//! Evidence files through the API on both backends: a PDF kept and downloaded byte for byte with
//! headers that stop a browser running it; disguised, unknown and oversized files refused; another
//! trust's admin and an auditor refused; nothing changes once the SIRO has signed off.

use crate::api::{as_role, with_session};
use reqwest::Method;
use serde_json::{Value, json};
use ward_core::assurance::attachment::MAX_EVIDENCE_BYTES;
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

async fn send(
    app: &TestApp,
    s: &(String, String),
    method: Method,
    path: &str,
    body: Option<Vec<u8>>,
) -> reqwest::Response {
    let mut req = with_session(client().request(method, app.url(path)), s);
    if let Some(b) = body {
        req = req.header("content-type", "application/octet-stream").body(b);
    }
    req.send().await.unwrap()
}

async fn json_of(r: reqwest::Response) -> (u16, Value) {
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

#[tokio::test]
async fn evidence_files_are_kept_served_safely_and_refused_when_they_should_be() {
    let clock = ManualClock::new("2026-06-04T14:00:00Z".parse().unwrap());
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let b = app.backend();
        ward_testkit::questionnaire::load_framework(&app.app, app.world.national).await;
        let admin = as_role(&app, Role::OrgAdmin).await;
        let (status, started) = json_of(
            with_session(client().post(app.url("/api/v1/questionnaires")), &admin)
                .json(&json!({"org": app.world.trust, "year": 2026}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200, "{b}: {started}");
        let id = started["assessment"]["id"].as_str().unwrap().to_owned();
        let files = format!("/api/v1/assessments/{id}/files");

        // A PDF with every byte value after its header.
        let pdf: Vec<u8> = b"%PDF-1.7\n".iter().copied().chain(0..=255u8).collect();
        let (status, kept) = json_of(
            send(
                &app,
                &admin,
                Method::POST,
                &format!("{files}?name=Board%20minutes.pdf&outcome=A1.a"),
                Some(pdf.clone()),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{b}: {kept}");
        assert_eq!(kept["kind"], "pdf", "{b}");
        assert_eq!(kept["outcome"], "A1.a", "{b}");
        assert_eq!(kept["sha256"], ward_core::audit::sha256_hex(&pdf), "{b}");
        let file = kept["id"].as_str().unwrap().to_owned();

        let got = send(&app, &admin, Method::GET, &format!("{files}/{file}"), None).await;
        assert_eq!(got.status().as_u16(), 200, "{b}");
        let h = got.headers().clone();
        assert_eq!(h["content-type"], "application/pdf", "{b}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{b}");
        assert!(
            h["content-security-policy"].to_str().unwrap().contains("sandbox"),
            "{b}"
        );
        assert!(
            h["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment;"),
            "{b}: never shown inline"
        );
        assert_eq!(got.bytes().await.unwrap().to_vec(), pdf, "{b}: byte for byte");

        // Disguised, unknown, empty and oversized files: refused, naming the file; nothing kept.
        for (name, body, want) in [
            ("minutes.png", b"%PDF-1.7".to_vec(), 422),
            (
                "page.txt",
                b"<!DOCTYPE html><script>alert(1)</script>".to_vec(),
                422,
            ),
            ("page.html", b"<p>hello</p>".to_vec(), 422),
            ("tool.exe", b"MZ\x90\x00".to_vec(), 422),
            ("empty.pdf", Vec::new(), 422),
            (
                "huge.pdf",
                {
                    let mut v = b"%PDF-".to_vec();
                    v.resize(MAX_EVIDENCE_BYTES + 1, b' ');
                    v
                },
                413,
            ),
        ] {
            let (status, body) = json_of(
                send(
                    &app,
                    &admin,
                    Method::POST,
                    &format!("{files}?name={name}"),
                    Some(body),
                )
                .await,
            )
            .await;
            assert_eq!(status, want, "{b}: {name}: {body}");
        }
        let (status, body) = json_of(
            send(
                &app,
                &admin,
                Method::POST,
                &format!("{files}?name=x.pdf&outcome=Z9.z"),
                Some(b"%PDF-1".to_vec()),
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{b}: an outcome the framework lacks: {body}");
        assert!(body.to_string().contains("Z9.z"), "{b}: {body}");
        let (_, listed) = json_of(send(&app, &admin, Method::GET, &files, None).await).await;
        assert_eq!(
            listed.as_array().map(Vec::len),
            Some(1),
            "{b}: only the PDF is kept"
        );

        // Another trust's admin finds nothing; an auditor reads but does not add.
        let foreign = app.session_for(&app.world.foreign_admin.clone()).await;
        for (method, path, body) in [
            (Method::GET, files.clone(), None),
            (Method::GET, format!("{files}/{file}"), None),
            (Method::DELETE, format!("{files}/{file}"), None),
            (
                Method::POST,
                format!("{files}?name=x.pdf"),
                Some(b"%PDF-1".to_vec()),
            ),
        ] {
            let status = send(&app, &foreign, method.clone(), &path, body)
                .await
                .status()
                .as_u16();
            assert_eq!(status, 404, "{b}: the foreign admin {method} {path}");
        }
        let auditor = as_role(&app, Role::Auditor).await;
        assert_eq!(
            send(&app, &auditor, Method::GET, &format!("{files}/{file}"), None)
                .await
                .status()
                .as_u16(),
            200,
            "{b}: the auditor reads"
        );
        assert_eq!(
            send(
                &app,
                &auditor,
                Method::POST,
                &format!("{files}?name=x.pdf"),
                Some(b"%PDF-1".to_vec())
            )
            .await
            .status()
            .as_u16(),
            403,
            "{b}: the auditor does not add"
        );

        // Submitted, then signed off by the named SIRO: the files are part of the record.
        let put_json = |path: String, body: Value| {
            with_session(client().request(Method::PUT, app.url(&path)), &admin).json(&body)
        };
        for q in ward_core::questionnaire::QUESTIONS {
            let r = put_json(
                format!("/api/v1/questionnaires/{id}/answers/{}", q.id),
                json!({"answer": "yes"}),
            )
            .send()
            .await
            .unwrap();
            assert_eq!(r.status().as_u16(), 200, "{b}: {}", q.id);
        }
        let post_json = |path: String, body: Value| {
            with_session(client().request(Method::POST, app.url(&path)), &admin).json(&body)
        };
        let r = post_json(format!("/api/v1/questionnaires/{id}/submit"), json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{b}: submitted");
        let siro = app.world.users[&Role::OrgAdmin].id;
        let r = put_json(
            "/api/v1/siro".into(),
            json!({"org": app.world.trust, "user": siro}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{b}: SIRO named");
        let r = post_json(
            format!("/api/v1/assessments/{id}/status"),
            json!({"status": "signed-off"}),
        )
        .send()
        .await
        .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{b}: signed off");
        let late = send(
            &app,
            &admin,
            Method::POST,
            &format!("{files}?name=late.pdf"),
            Some(b"%PDF-1".to_vec()),
        )
        .await
        .status()
        .as_u16();
        assert_eq!(late, 409, "{b}: no file once signed off");
        let gone = send(&app, &admin, Method::DELETE, &format!("{files}/{file}"), None)
            .await
            .status()
            .as_u16();
        assert_eq!(gone, 409, "{b}: no removal once signed off");
    }
}
