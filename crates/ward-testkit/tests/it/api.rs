//! The JSON API: one error shape, limits, headers, health, OpenAPI, tokens, expiry, lock-out,
//! scoping of lists, and the audit trail of API changes.

use serde_json::{Value, json};
use std::sync::Arc;
use ward_core::clock::{Clock, ManualClock, SystemClock};
use ward_core::role::Role;
use ward_testkit::app::{Backend, client};
use ward_testkit::{spawn_app, spawn_app_with};

pub(crate) async fn as_role(app: &ward_testkit::TestApp, role: Role) -> (String, String) {
    let user = app.world.users[&role].clone();
    app.session_for(&user).await
}

pub(crate) fn with_session(req: reqwest::RequestBuilder, s: &(String, String)) -> reqwest::RequestBuilder {
    req.header("cookie", format!("ward_session={}", s.0))
        .header("x-csrf-token", &s.1)
}

#[tokio::test]
async fn unknown_fields_and_wrong_types_are_422_with_the_field_path() {
    let app = spawn_app().await;
    let s = as_role(&app, Role::OrgMember).await;
    let res = with_session(client().post(app.url("/api/v1/assets")), &s)
        .json(&json!({"org": app.world.trust, "name": "x", "kind": "server", "internet_facing": false, "colour": "red"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    assert!(
        body["error"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{body}"
    );

    let res = with_session(client().post(app.url("/api/v1/assets")), &s)
        .json(
            &json!({"org": app.world.trust, "name": "x", "kind": "server", "internet_facing": false,
                      "software": [{"name": "openssl", "version": 3}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"][0]["path"], "software[0].version",
        "{body}"
    );

    // A semantic rule (bad purl) is also 422 and names the field.
    let res = with_session(client().post(app.url("/api/v1/assets")), &s)
        .json(
            &json!({"org": app.world.trust, "name": "x", "kind": "server", "internet_facing": false,
                      "software": [{"name": "lodash", "version": "4.17.15", "purl": "npm/lodash"}]}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"]["fields"][0]["path"], "[0].software[0].purl",
        "{body}"
    );
}

#[tokio::test]
async fn malformed_oversized_and_unknown_requests_get_the_error_shape() {
    let app = spawn_app().await;
    let s = as_role(&app, Role::OrgMember).await;
    let res = with_session(client().post(app.url("/api/v1/assets")), &s)
        .header("content-type", "application/json")
        .body("{\"org\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "bad_request");

    let big = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let res = with_session(client().post(app.url("/api/v1/assets")), &s)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "payload_too_large"
    );

    let res = with_session(client().get(app.url("/api/v1/nothing-here")), &s)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "not_found");

    let res = with_session(client().get(app.url("/api/v1/assets?limit=lots")), &s)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
}

#[tokio::test]
async fn security_headers_request_ids_health_and_openapi() {
    let app = spawn_app().await;
    for path in [
        "/healthz",
        "/readyz",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/login",
    ] {
        let res = client().get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{path}");
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer", "{path}");
        assert!(h.get("x-request-id").is_some(), "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS unless configured"
        );
    }
    assert_eq!(
        client()
            .get(app.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    assert_eq!(
        client()
            .get(app.url("/readyz"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    let doc: Value = client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert!(doc["paths"]["/api/v1/assets"]["get"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn tokens_work_until_revoked_and_are_shown_once() {
    let app = spawn_app().await;
    let s = as_role(&app, Role::OrgAdmin).await;
    let res = with_session(client().post(app.url("/api/v1/tokens")), &s)
        .json(&json!({"name": "sccm sync", "role": "org_member", "org": app.world.trust, "days": 30}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let id = body["details"]["id"].as_str().unwrap().to_owned();
    assert!(
        body["details"].get("token_hash").is_none(),
        "the hash is never sent"
    );

    let me: Value = client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "org_member");
    let list: Value = with_session(client().get(app.url("/api/v1/tokens")), &s)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !list.to_string().contains(&token),
        "listing never shows the secret"
    );

    let res = with_session(client().delete(app.url(&format!("/api/v1/tokens/{id}"))), &s)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    let res = client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let res = client()
        .get(app.url("/api/v1/me"))
        .bearer_auth("ward_0000")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
}

#[tokio::test]
async fn responder_access_ends_when_the_grant_expires() {
    let clock = ManualClock::new(SystemClock.now());
    let app = spawn_app_with(Backend::Sqlite, Arc::new(clock.clone())).await;
    let s = as_role(&app, Role::IncidentResponder).await;
    let asset = app.world.trust_assets[0];
    let res = with_session(client().get(app.url(&format!("/api/v1/assets/{asset}"))), &s)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    // The fixture grant lasts 7 days; sessions go idle after 30 minutes, so keep it fresh first.
    for _ in 0..(7 * 24 * 4) {
        clock.advance(jiff::SignedDuration::from_mins(15));
        app.store
            .update_session(&{
                let mut sess = app
                    .store
                    .get_session(&ward_app::accounts::secrets::digest(&s.0))
                    .await
                    .unwrap()
                    .unwrap();
                sess.last_seen_at = clock.now();
                sess.expires_at = clock.now() + jiff::SignedDuration::from_hours(1);
                sess
            })
            .await
            .unwrap();
    }
    let res = with_session(client().get(app.url(&format!("/api/v1/assets/{asset}"))), &s)
        .send()
        .await
        .unwrap();
    assert!(matches!(res.status().as_u16(), 401 | 403), "got {}", res.status());
}

#[tokio::test]
async fn sessions_expire_when_idle() {
    let clock = ManualClock::new(SystemClock.now());
    let app = spawn_app_with(Backend::Sqlite, Arc::new(clock.clone())).await;
    let s = as_role(&app, Role::OrgMember).await;
    assert_eq!(
        with_session(client().get(app.url("/api/v1/me")), &s)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    clock.advance(jiff::SignedDuration::from_mins(31));
    assert_eq!(
        with_session(client().get(app.url("/api/v1/me")), &s)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn accounts_lock_after_repeated_failures_with_the_same_answer_as_unknown_users() {
    let app = spawn_app().await;
    let member = app.world.users[&Role::OrgMember].email.clone();
    for _ in 0..5 {
        let e = app
            .app
            .login(&member, "wrong password!!", "10.0.0.1")
            .await
            .unwrap_err();
        assert!(matches!(e, ward_app::AppError::Unauthenticated));
    }
    let e = app
        .app
        .login(&member, ward_testkit::fixtures::PASSWORD, "10.0.0.2")
        .await
        .unwrap_err();
    assert!(
        matches!(e, ward_app::AppError::Unauthenticated),
        "locked accounts refuse the right password"
    );
    let e = app
        .app
        .login("nobody@test.ward.example", "whatever it is", "10.0.0.3")
        .await
        .unwrap_err();
    assert!(matches!(e, ward_app::AppError::Unauthenticated));
    // The lock-out is recorded in the audit trail.
    let page = app.store.audit_page(1, 1000).await.unwrap();
    assert!(page.iter().any(|r| r.event.action == "user.locked"));
    // One client hammering the form is throttled.
    let mut throttled = false;
    for _ in 0..40 {
        if matches!(
            app.app.login("nobody@x.example", "pw", "10.9.9.9").await,
            Err(ward_app::AppError::Throttled)
        ) {
            throttled = true;
        }
    }
    assert!(throttled);
}

#[tokio::test]
async fn lists_are_confined_to_the_callers_footprint() {
    let app = spawn_app().await;
    let member = as_role(&app, Role::OrgMember).await;
    let national = as_role(&app, Role::NationalAnalyst).await;
    let list = |s: (String, String), q: &'static str| {
        let url = app.url(&format!("/api/v1/assets?q={q}"));
        async move {
            with_session(client().get(url), &s)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let mine = list(member.clone(), "log4j").await;
    assert_eq!(
        mine["total"], 1,
        "member sees only the trust's log4j asset: {mine}"
    );
    assert_eq!(mine["items"][0]["name"], "LIMS server");
    let all = list(national, "log4j").await;
    assert_eq!(all["total"], 2, "national sees both: {all}");
    let orgs: Value = with_session(client().get(app.url("/api/v1/orgs?limit=100")), &member)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let codes: Vec<&str> = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["RJZ"], "a trust member sees their trust only");
}

#[tokio::test]
async fn api_changes_are_audited_with_actor_and_role() {
    let app = spawn_app().await;
    let s = as_role(&app, Role::OrgAdmin).await;
    let res = with_session(client().post(app.url("/api/v1/assets")), &s)
        .json(&json!({"org": app.world.trust, "name": "Ward round tablet", "kind": "end_user_device", "internet_facing": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let log: Value = with_session(client().get(app.url("/api/v1/audit?limit=5")), &s)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rec = &log["items"][0];
    assert_eq!(rec["event"]["action"], "asset.create", "{log}");
    assert_eq!(rec["event"]["entity_id"], id);
    assert_eq!(rec["event"]["actor"]["role"], "org_admin");
    assert_eq!(
        rec["event"]["actor"]["principal"],
        format!("user:{}", app.world.users[&Role::OrgAdmin].id)
    );
    assert!(rec["event"]["after"].as_str().unwrap().len() == 64);
    let report = ward_app::audit::verify_chain(app.store.as_ref(), app.app.audit_keys(), &[], |_| {})
        .await
        .unwrap();
    assert!(report.first_break.is_none());
}

/// A JSON API call with the session `s`: the status and the body (as JSON, or as a JSON string
/// when it is not JSON).
pub(crate) async fn call(
    app: &ward_testkit::TestApp,
    s: &(String, String),
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = with_session(client().request(method, app.url(path)), s);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}
