//! Response teams through the API, and attacks on them: a deployed responder reading another
//! organisation's incident, the responder's next request after the deployment ends (by the clock
//! and early, by session and by token), an organisation admin deploying, a regional lead deploying
//! outside its region. Each test runs on SQLite, and on PostgreSQL when `WARD_TEST_POSTGRES_URL`
//! is set.

use crate::api::{as_role, call};
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use serde_json::{Value, json};
use ward_app::{Actor, Principal};
use ward_core::clock::ManualClock;
use ward_core::role::Role;
use ward_core::{GrantId, UserId};
use ward_server::ServerSettings;
use ward_store::PageRequest;
use ward_testkit::app::{TestApp, client, on_each_backend, test_settings};

fn start() -> Timestamp {
    "2026-06-04T14:00:00Z".parse().expect("fixed instant")
}

async fn bearer(app: &TestApp, token: &str, path: &str) -> u16 {
    client()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

fn system(app: &TestApp) -> Actor {
    Actor {
        principal: Principal::System("test"),
        role: Role::NationalAnalyst,
        org: app.world.national,
        grant: None,
        expires_at: None,
        request_id: None,
    }
}

fn incident(title: &str) -> Value {
    json!({
        "title": title, "category": "significant", "severity": "critical",
        "tlp": "AMBER", "status": "open", "patient_harm": 3,
        "detected_at": "2026-06-04T08:00:00Z"
    })
}

/// A signed-in session of `user` acting on `grant` (the deployment's).
async fn responder_session(app: &TestApp, user: UserId, grant: GrantId) -> (String, String) {
    let now = app.app.now();
    let cookie = ward_app::accounts::secrets::random_token().unwrap();
    let csrf = ward_app::accounts::secrets::random_token().unwrap();
    app.store
        .create_session(&ward_core::account::Session {
            id_hash: ward_app::accounts::secrets::digest(&cookie),
            user,
            acting_grant: Some(grant),
            mfa_pending: false,
            csrf_token: csrf.clone(),
            pending_totp_secret: None,
            created_at: now,
            last_seen_at: now,
            expires_at: now + SignedDuration::from_hours(8),
        })
        .await
        .unwrap();
    (cookie, csrf)
}

struct Scene {
    own_incident: String,
    foreign_incident: String,
    responder: UserId,
}

async fn scene(app: &TestApp) -> Scene {
    let w = &app.world;
    let member = as_role(app, Role::OrgMember).await;
    let foreign = app.session_for(&w.foreign_admin).await;
    let (s, own) = call(
        app,
        &member,
        Method::POST,
        "/api/v1/incidents",
        Some(json!({"org": w.trust, "details": incident("LIMS ransomware")})),
    )
    .await;
    assert_eq!(s, 200, "{own}");
    let (s, foreign_incident) = call(
        app,
        &foreign,
        Method::POST,
        "/api/v1/incidents",
        Some(json!({"org": w.foreign_trust, "details": incident("Foreign outage")})),
    )
    .await;
    assert_eq!(s, 200, "{foreign_incident}");
    // The fixture responder's standing grant is withdrawn: a deployment is then the only thing
    // giving it access.
    let responder = w.users[&Role::IncidentResponder].id;
    for g in app.store.grants_of(responder).await.unwrap() {
        app.store
            .revoke_grant(g.id, &system(app).audit(app.app.now()))
            .await
            .unwrap();
    }
    Scene {
        own_incident: own["incident"]["id"].as_str().unwrap().to_owned(),
        foreign_incident: foreign_incident["incident"]["id"].as_str().unwrap().to_owned(),
        responder,
    }
}

#[tokio::test]
async fn a_deployed_responder_sees_only_that_organisation_and_is_audited_and_an_early_end_cuts_it_off() {
    for app in on_each_backend(
        &ManualClock::new(start()),
        test_settings(),
        ServerSettings::default(),
    )
    .await
    {
        let backend = app.backend();
        let sc = scene(&app).await;
        let regional = as_role(&app, Role::RegionalLead).await;
        let ends = start() + SignedDuration::from_hours(48);
        let (s, d) = call(
            &app,
            &regional,
            Method::POST,
            &format!("/api/v1/incidents/{}/deployments", sc.own_incident),
            Some(json!({"responder": sc.responder, "ends_at": ends})),
        )
        .await;
        assert_eq!(s, 200, "{backend}: {d}");
        assert_eq!(d["status"], "active");
        let grant: GrantId = d["deployment"]["grant"].as_str().unwrap().parse().unwrap();
        let deployment = d["deployment"]["id"].as_str().unwrap().to_owned();
        let g = app.store.grants_of(sc.responder).await.unwrap();
        assert_eq!(g.len(), 1, "{backend}");
        assert_eq!(
            (g[0].role, g[0].org, g[0].expires_at),
            (Role::IncidentResponder, app.world.trust, Some(ends))
        );

        // The responder's token is capped at the deployment's end.
        let issued = app
            .app
            .issue_token(
                &system(&app),
                ward_app::accounts::tokens::NewToken {
                    name: "responder".into(),
                    role: Role::IncidentResponder,
                    org: app.world.trust,
                    days: 7,
                    owner: Some(sc.responder),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            issued.token.expires_at, ends,
            "{backend}: a token never outlives the deployment"
        );

        let r = responder_session(&app, sc.responder, grant).await;
        let own = format!("/api/v1/incidents/{}", sc.own_incident);
        assert_eq!(call(&app, &r, Method::GET, &own, None).await.0, 200, "{backend}");
        assert_eq!(bearer(&app, &issued.secret, &own).await, 200, "{backend}");
        // Another organisation's incident does not exist for the responder, by session or token.
        let foreign = format!("/api/v1/incidents/{}", sc.foreign_incident);
        assert_eq!(
            call(&app, &r, Method::GET, &foreign, None).await.0,
            404,
            "{backend}"
        );
        assert_eq!(bearer(&app, &issued.secret, &foreign).await, 404, "{backend}");
        let (s, list) = call(&app, &r, Method::GET, "/api/v1/incidents", None).await;
        assert_eq!(s, 200);
        assert_eq!(
            list.as_array().unwrap().len(),
            1,
            "{backend}: only the deployed organisation's incident"
        );

        // A responder's write is in the audit trail, as the responder acting as a responder, and
        // the deployment that let it is there too.
        let (s, _) = call(
            &app,
            &r,
            Method::POST,
            &format!("{own}/timeline"),
            Some(json!({"at": "2026-06-04T15:00:00+01:00", "text": "Responder on site"})),
        )
        .await;
        assert_eq!(s, 200, "{backend}");
        let trail = app
            .app
            .audit_log(
                &system(&app),
                &ward_store::AuditFilter::default(),
                PageRequest { offset: 0, limit: 50 },
            )
            .await
            .unwrap();
        let by_responder = trail
            .items
            .iter()
            .find(|r| r.event.action == "incident.timeline")
            .expect("timeline audited");
        assert_eq!(
            by_responder.event.actor.principal,
            format!("user:{}", sc.responder)
        );
        assert_eq!(by_responder.event.actor.role, Some(Role::IncidentResponder));
        assert_eq!(by_responder.event.actor.acting_org, Some(app.world.trust));
        let created = trail
            .items
            .iter()
            .find(|r| r.event.action == "deployment.create")
            .expect("deployment audited");
        assert_eq!(created.event.entity_id, deployment);
        assert!(
            created
                .event
                .detail
                .as_deref()
                .unwrap()
                .contains(&sc.responder.to_string())
        );
        assert!(
            trail
                .items
                .iter()
                .any(|r| r.event.action == "grant.add" && r.event.entity_id == grant.to_string())
        );

        // The capacity view shows the responder deployed, and not free.
        let (s, cap) = call(&app, &regional, Method::GET, "/api/v1/deployments", None).await;
        assert_eq!(s, 200);
        assert_eq!(
            cap["deployed"][0]["responder_name"].as_str().map(str::is_empty),
            Some(false),
            "{backend}: {cap}"
        );
        assert_eq!(cap["deployed"][0]["incident_title"], "LIMS ransomware");
        assert!(
            cap["free"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["user"] != json!(sc.responder))
        );

        // Ended early by the region: the next request, by session and by token, is refused.
        let (s, ended) = call(
            &app,
            &regional,
            Method::POST,
            &format!("/api/v1/deployments/{deployment}/end"),
            None,
        )
        .await;
        assert_eq!(s, 200, "{backend}: {ended}");
        assert_eq!(ended["status"], "ended_early");
        assert_eq!(call(&app, &r, Method::GET, &own, None).await.0, 403, "{backend}");
        assert!(
            matches!(bearer(&app, &issued.secret, &own).await, 401 | 403),
            "{backend}"
        );
        assert!(trail_has(&app, "deployment.end").await && trail_has(&app, "grant.end").await);
        // Ending twice is a conflict; the responder is free again.
        assert_eq!(
            call(
                &app,
                &regional,
                Method::POST,
                &format!("/api/v1/deployments/{deployment}/end"),
                None
            )
            .await
            .0,
            409
        );
        let (_, cap) = call(&app, &regional, Method::GET, "/api/v1/deployments", None).await;
        assert!(cap["deployed"].as_array().unwrap().is_empty(), "{backend}: {cap}");
        assert!(
            cap["free"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["user"] == json!(sc.responder)),
            "{backend}: {cap}"
        );
    }
}

async fn trail_has(app: &TestApp, action: &str) -> bool {
    let page = app
        .app
        .audit_log(
            &system(app),
            &ward_store::AuditFilter::default(),
            PageRequest { offset: 0, limit: 50 },
        )
        .await
        .unwrap();
    page.items.iter().any(|r| r.event.action == action)
}

#[tokio::test]
async fn a_deployment_ends_by_itself_at_its_end_time() {
    let clock = ManualClock::new(start());
    for app in on_each_backend(&clock, test_settings(), ServerSettings::default()).await {
        let backend = app.backend();
        let sc = scene(&app).await;
        let national = as_role(&app, Role::NationalAnalyst).await;
        let ends = app.app.now() + SignedDuration::from_hours(1);
        let (s, d) = call(
            &app,
            &national,
            Method::POST,
            &format!("/api/v1/incidents/{}/deployments", sc.own_incident),
            Some(json!({"responder": sc.responder, "ends_at": ends})),
        )
        .await;
        assert_eq!(s, 200, "{backend}: {d}");
        let grant: GrantId = d["deployment"]["grant"].as_str().unwrap().parse().unwrap();
        let issued = app
            .app
            .issue_token(
                &system(&app),
                ward_app::accounts::tokens::NewToken {
                    name: "responder".into(),
                    role: Role::IncidentResponder,
                    org: app.world.trust,
                    days: 7,
                    owner: Some(sc.responder),
                },
            )
            .await
            .unwrap();
        let r = responder_session(&app, sc.responder, grant).await;
        let own = format!("/api/v1/incidents/{}", sc.own_incident);
        // Keep the session from going idle, up to the last minute of the deployment.
        for _ in 0..3 {
            clock.advance(SignedDuration::from_mins(19));
            assert_eq!(call(&app, &r, Method::GET, &own, None).await.0, 200, "{backend}");
            assert_eq!(bearer(&app, &issued.secret, &own).await, 200, "{backend}");
        }
        clock.advance(SignedDuration::from_mins(3));
        assert_eq!(
            call(&app, &r, Method::GET, &own, None).await.0,
            403,
            "{backend}: the session after the end"
        );
        assert!(
            matches!(bearer(&app, &issued.secret, &own).await, 401 | 403),
            "{backend}: the token after the end"
        );
        // The national session went idle meanwhile: a fresh one.
        let national = as_role(&app, Role::NationalAnalyst).await;
        let (_, cap) = call(&app, &national, Method::GET, "/api/v1/deployments", None).await;
        assert_eq!(cap["ended"][0]["status"], "finished", "{backend}: {cap}");
    }
}

#[tokio::test]
async fn only_the_national_team_and_the_region_deploy_and_only_within_their_footprint() {
    for app in on_each_backend(
        &ManualClock::new(start()),
        test_settings(),
        ServerSettings::default(),
    )
    .await
    {
        let backend = app.backend();
        let sc = scene(&app).await;
        let ends = start() + SignedDuration::from_hours(24);
        let body = json!({"responder": sc.responder, "ends_at": ends});
        let admin = as_role(&app, Role::OrgAdmin).await;
        let path = |i: &str| format!("/api/v1/incidents/{i}/deployments");
        assert_eq!(
            call(
                &app,
                &admin,
                Method::POST,
                &path(&sc.own_incident),
                Some(body.clone())
            )
            .await
            .0,
            403,
            "{backend}"
        );
        let regional = as_role(&app, Role::RegionalLead).await;
        // The London lead: the South West's incident is not found.
        assert_eq!(
            call(
                &app,
                &regional,
                Method::POST,
                &path(&sc.foreign_incident),
                Some(body.clone())
            )
            .await
            .0,
            404,
            "{backend}"
        );
        // Nobody deploys themselves; bad times name their field.
        let me = app.world.users[&Role::RegionalLead].id;
        let (s, e) = call(
            &app,
            &regional,
            Method::POST,
            &path(&sc.own_incident),
            Some(json!({"responder": me, "ends_at": ends})),
        )
        .await;
        assert_eq!(s, 403, "{backend}: {e}");
        let (s, e) = call(
            &app,
            &regional,
            Method::POST,
            &path(&sc.own_incident),
            Some(json!({"responder": sc.responder, "ends_at": start() - SignedDuration::from_hours(1)})),
        )
        .await;
        assert_eq!(s, 422, "{backend}: {e}");
        assert!(e.to_string().contains("ends_at"), "{e}");
        // Nothing was granted by the refused attempts.
        assert!(
            app.store.grants_of(sc.responder).await.unwrap().is_empty(),
            "{backend}"
        );
        // A foreign trust's admin cannot see the capacity view; a member neither.
        let member = as_role(&app, Role::OrgMember).await;
        assert_eq!(
            call(&app, &member, Method::GET, "/api/v1/deployments", None)
                .await
                .0,
            403
        );
    }
}
