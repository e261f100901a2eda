//! Deploying a responder from the Response teams page: the form for roles that deploy, a refusal
//! shown beside the form with the choices kept, the deployment listed with an "End now" button
//! that ends it, and nobody else deploying (another role, a missing CSRF token).

use crate::web::Visitor;
use reqwest::StatusCode;
use serde_json::json;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn a_national_analyst_deploys_a_responder_from_the_page_and_ends_it_early() {
    let t = spawn_app().await;
    let w = &t.world;
    let user = &w.users[&Role::OrgMember];
    let member = ward_app::Actor {
        principal: ward_app::Principal::User(user.id),
        role: Role::OrgMember,
        org: user.org,
        grant: None,
        expires_at: None,
        request_id: None,
    };
    let new: ward_app::incidents::NewIncident = serde_json::from_value(json!({
        "org": w.trust,
        "details": {
            "title": "LIMS ransomware", "category": "significant", "severity": "critical",
            "tlp": "AMBER", "status": "open", "patient_harm": 3,
            "detected_at": "2026-06-04T08:00:00Z"
        }
    }))
    .unwrap();
    let incident = t
        .app
        .create_incident(&member, new)
        .await
        .unwrap()
        .incident
        .id
        .to_string();
    let responder = w.users[&Role::IncidentResponder].id.to_string();

    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::NationalAnalyst).await;
    let page = v.get("/deployments").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Deploy a responder"), "{}", page.body);
    assert!(
        page.body.contains(&format!("value=\"{responder}\"")),
        "the free responder: {}",
        page.body
    );
    let csrf = v.csrf().await;

    // Nought days: refused beside the form, the choices kept.
    let refused = v
        .post(
            "/deployments",
            &[
                ("csrf", &csrf),
                ("responder", &responder),
                ("incident", &incident),
                ("days", "0"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Give the number of days"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(&format!("value=\"{responder}\" selected")),
        "the responder stays chosen: {}",
        refused.body
    );
    // Longer than the settings allow: the application's refusal, shown the same way.
    let too_long = v
        .post(
            "/deployments",
            &[
                ("csrf", &csrf),
                ("responder", &responder),
                ("incident", &incident),
                ("days", "400"),
            ],
        )
        .await;
    assert_eq!(
        too_long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_long.body
    );
    assert!(
        t.store
            .list_deployments(&ward_store::Scope::All)
            .await
            .unwrap()
            .is_empty()
    );

    // Without the CSRF token nothing happens.
    let forged = v
        .post(
            "/deployments",
            &[("responder", &responder), ("incident", &incident), ("days", "3")],
        )
        .await;
    assert!(forged.status.is_client_error(), "{}", forged.status);
    assert!(
        t.store
            .list_deployments(&ward_store::Scope::All)
            .await
            .unwrap()
            .is_empty()
    );

    let done = v
        .post(
            "/deployments",
            &[
                ("csrf", &csrf),
                ("responder", &responder),
                ("incident", &incident),
                ("days", "3"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let deployed = t.store.list_deployments(&ward_store::Scope::All).await.unwrap();
    assert_eq!(deployed.len(), 1);
    let page = v.get("/deployments").await;
    assert!(
        page.body.contains("LIMS ransomware") && page.body.contains("End now"),
        "{}",
        page.body
    );

    // An organisation admin may not deploy: no form, and a post is refused.
    let mut admin = Visitor::new(&t);
    admin.sign_in_as(Role::OrgAdmin).await;
    let seen = admin.get("/deployments").await;
    assert!(!seen.body.contains("Deploy a responder"), "{}", seen.body);
    let admin_csrf = admin.csrf().await;
    let refused = admin
        .post(
            "/deployments",
            &[
                ("csrf", &admin_csrf),
                ("responder", &responder),
                ("incident", &incident),
                ("days", "3"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let refused = admin
        .post(
            &format!("/deployments/{}/end", deployed[0].id),
            &[("csrf", &admin_csrf)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let ended = v
        .post(
            &format!("/deployments/{}/end", deployed[0].id),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let after = t.store.list_deployments(&ward_store::Scope::All).await.unwrap();
    assert!(after[0].ended_at.is_some(), "{after:?}");
    let page = v.get("/deployments").await;
    assert!(page.body.contains("Ended"), "{}", page.body);
}
