//! Attacks on accounts, grants, tokens, the second factor and sign-in throttling, each performed
//! against the running server on both backends (PostgreSQL when `WARD_TEST_POSTGRES_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::api::{as_role, with_session};
use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use ward_app::accounts::totp;
use ward_core::clock::{Clock, ManualClock, SystemClock};
use ward_core::role::Role;
use ward_server::ServerSettings;
use ward_testkit::app::{client, test_settings};
use ward_testkit::fixtures::PASSWORD;
use ward_testkit::{TestApp, on_each_backend};

fn clock() -> ManualClock {
    ManualClock::new(SystemClock.now())
}

async fn post_json(t: &TestApp, s: &(String, String), path: &str, body: Value) -> (u16, Value) {
    let res = with_session(client().post(t.url(path)), s)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn bearer_get(t: &TestApp, token: &str, path: &str) -> u16 {
    client()
        .get(t.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn audit_actions(t: &TestApp) -> Vec<(String, String)> {
    t.store
        .audit_page(1, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.event.action, r.event.entity_id))
        .collect()
}

/// Item 2: a regional lead made itself organisation admin over its whole region.
#[tokio::test]
async fn a_regional_lead_cannot_grant_itself_or_anyone_org_admin_over_its_region() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let lead = t.world.users[&Role::RegionalLead].clone();
        let s = as_role(&t, Role::RegionalLead).await;
        let own = format!("/api/v1/users/{}/grants", lead.id);
        let (status, body) =
            post_json(&t, &s, &own, json!({"role": "org_admin", "org": t.world.london})).await;
        assert_ne!(status, 201, "self-grant of org admin over the region: {body}");
        // Nothing at all may be self-granted, even a role that fits and is grantable.
        let (status, _) = post_json(&t, &s, &own, json!({"role": "auditor", "org": t.world.icb})).await;
        assert_eq!(status, 403, "self-grant of auditor");
        // A lead may not hand out a role that writes, even where it fits: it could create an
        // account, sign in with the initial password it is shown, and write through it.
        let member = t.world.users[&Role::OrgMember].clone();
        let (status, body) = post_json(
            &t,
            &s,
            &format!("/api/v1/users/{}/grants", member.id),
            json!({"role": "org_admin", "org": t.world.trust}),
        )
        .await;
        assert_eq!(
            status, 403,
            "a regional lead granted org admin at a trust: {body}"
        );
        let (status, body) = post_json(
            &t,
            &s,
            "/api/v1/users",
            json!({"email": "puppet@test.ward.example", "display_name": "Puppet",
                   "role": "org_member", "org": t.world.trust}),
        )
        .await;
        assert_eq!(status, 403, "a regional lead created a writing account: {body}");
        // Org admin on a region node does not fit, whoever receives it and whoever grants it.
        let national = as_role(&t, Role::NationalAnalyst).await;
        let (status, body) = post_json(
            &t,
            &national,
            &format!("/api/v1/users/{}/grants", member.id),
            json!({"role": "org_admin", "org": t.world.icb}),
        )
        .await;
        assert_eq!(status, 422, "org admin on an ICB: {body}");
        assert_eq!(body["error"]["fields"][0]["path"], "org", "{body}");
        // The lead's grants are unchanged.
        let grants = t.store.grants_of(lead.id).await.unwrap();
        assert_eq!(grants.len(), 1, "{grants:?}");
        assert_eq!(grants[0].role, Role::RegionalLead);
    }
}

/// Item 2, through a token: a token acts for its owner, who may not grant themselves anything.
#[tokio::test]
async fn a_token_cannot_grant_its_owner_a_role() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let admin = t.world.users[&Role::OrgAdmin].clone();
        let s = as_role(&t, Role::OrgAdmin).await;
        let (status, body) = post_json(
            &t,
            &s,
            "/api/v1/tokens",
            json!({"name": "provisioning", "role": "org_admin", "org": t.world.trust, "days": 7}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        let res = client()
            .post(t.url(&format!("/api/v1/users/{}/grants", admin.id)))
            .bearer_auth(&token)
            .json(&json!({"role": "auditor", "org": t.world.trust}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403, "a token granted its owner a role");
    }
}

/// Item 2 and "also seen": `POST /users` goes through the same rule, and a refused grant leaves no
/// account behind.
#[tokio::test]
async fn creating_a_user_with_a_grant_that_does_not_fit_leaves_no_account() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let national = as_role(&t, Role::NationalAnalyst).await;
        let (status, body) = post_json(
            &t,
            &national,
            "/api/v1/users",
            json!({"email": "sock.puppet@test.ward.example", "display_name": "Sock Puppet",
                   "role": "org_admin", "org": t.world.london}),
        )
        .await;
        assert_eq!(status, 422, "org admin over the region via POST /users: {body}");
        let (status, body) = post_json(
            &t,
            &national,
            "/api/v1/users",
            json!({"email": "orphan@test.ward.example", "display_name": "Orphan",
                   "role": "supplier_contact", "org": t.world.trust}),
        )
        .await;
        assert_eq!(status, 422, "supplier contact on a trust: {body}");
        for email in ["sock.puppet@test.ward.example", "orphan@test.ward.example"] {
            let e = ward_core::account::Email::parse(email).unwrap();
            assert!(
                t.store.find_user_by_email(&e).await.unwrap().is_none(),
                "{email} was created although its grant was refused"
            );
        }
        // A grant that fits creates the account and its grant together.
        let (status, body) = post_json(
            &t,
            &national,
            "/api/v1/users",
            json!({"email": "new.member@test.ward.example", "display_name": "New Member",
                   "role": "org_member", "org": t.world.trust}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let id: ward_core::UserId = body["id"].as_str().unwrap().parse().unwrap();
        let grants = t.store.grants_of(id).await.unwrap();
        assert_eq!(grants.len(), 1);
        assert_eq!(grants[0].org, t.world.trust);
    }
}

/// Item 3: a token kept working after its issuer was disabled.
#[tokio::test]
async fn a_token_dies_when_its_issuer_is_disabled() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let admin = t.world.users[&Role::OrgAdmin].clone();
        let s = as_role(&t, Role::OrgAdmin).await;
        let (status, body) = post_json(
            &t,
            &s,
            "/api/v1/tokens",
            json!({"name": "provisioning", "role": "org_admin", "org": t.world.trust, "days": 7}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        assert_eq!(bearer_get(&t, &token, "/api/v1/me").await, 200);
        let national = as_role(&t, Role::NationalAnalyst).await;
        let (status, _) = post_json(
            &t,
            &national,
            &format!("/api/v1/users/{}/disable", admin.id),
            json!({}),
        )
        .await;
        assert_eq!(status, 204);
        assert_eq!(bearer_get(&t, &token, "/api/v1/me").await, 401);
        let res = client()
            .post(t.url("/api/v1/users"))
            .bearer_auth(&token)
            .json(&json!({"email": "late@test.ward.example", "display_name": "Late",
                          "role": "org_member", "org": t.world.trust}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            401,
            "a disabled admin's token created a user"
        );
    }
}

/// Item 3: a token kept working after the grant it was issued under was revoked.
#[tokio::test]
async fn a_token_dies_when_its_issuers_grant_is_revoked() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let admin = t.world.users[&Role::OrgAdmin].clone();
        let s = as_role(&t, Role::OrgAdmin).await;
        let (status, body) = post_json(
            &t,
            &s,
            "/api/v1/tokens",
            json!({"name": "sccm", "role": "org_member", "org": t.world.trust, "days": 30}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        assert_eq!(bearer_get(&t, &token, "/api/v1/me").await, 200);
        let grant = t.store.grants_of(admin.id).await.unwrap()[0].id;
        let national = as_role(&t, Role::NationalAnalyst).await;
        let res = with_session(
            client().delete(t.url(&format!("/api/v1/users/{}/grants/{grant}", admin.id))),
            &national,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 204);
        assert_eq!(bearer_get(&t, &token, "/api/v1/me").await, 401);
    }
}

/// Item 3: which of the owner's grants keep a token alive. A grant on an ancestor of the token's
/// organisation does; a grant of the very same role on an unrelated organisation does not. The check
/// reads the owner's grants with the token in one query on every request (`token_with_owner`).
#[tokio::test]
async fn only_a_grant_that_reaches_the_tokens_organisation_keeps_it_alive() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let lead = t.world.users[&Role::RegionalLead].clone();
        let region_grant = t.store.grants_of(lead.id).await.unwrap()[0].clone();
        assert_eq!(region_grant.org, t.world.london);
        // A regional lead's token over an ICB, held through the lead's grant on the region above it.
        let system = ward_app::Actor::system("test", t.world.national);
        let issued = t
            .app
            .issue_token(
                &system,
                ward_app::accounts::tokens::NewToken {
                    name: "regional dashboard".into(),
                    role: Role::RegionalLead,
                    org: t.world.icb,
                    days: 1,
                    owner: Some(lead.id),
                },
            )
            .await
            .expect("a lead's token over an ICB in its region");
        assert_eq!(bearer_get(&t, &issued.secret, "/api/v1/me").await, 200);
        // The same role as the token, on an ICB in another region.
        let national = as_role(&t, Role::NationalAnalyst).await;
        let (status, body) = post_json(
            &t,
            &national,
            &format!("/api/v1/users/{}/grants", lead.id),
            json!({"role": "regional_lead", "org": t.world.foreign_icb}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(bearer_get(&t, &issued.secret, "/api/v1/me").await, 200);
        let res = with_session(
            client().delete(t.url(&format!("/api/v1/users/{}/grants/{}", lead.id, region_grant.id))),
            &national,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 204);
        assert_eq!(
            bearer_get(&t, &issued.secret, "/api/v1/me").await,
            401,
            "a grant on another region's ICB kept a token over this ICB alive"
        );
    }
}

/// Item 3: a successor admin could neither see nor revoke the tokens of their organisation.
#[tokio::test]
async fn a_successor_admin_lists_and_revokes_the_organisations_tokens() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let s = as_role(&t, Role::OrgAdmin).await;
        let (_, body) = post_json(
            &t,
            &s,
            "/api/v1/tokens",
            json!({"name": "sccm", "role": "org_member", "org": t.world.trust, "days": 30}),
        )
        .await;
        let token = body["token"].as_str().unwrap().to_owned();
        let id = body["details"]["id"].as_str().unwrap().to_owned();
        // The successor: a second admin of the trust (MFA enrolled, so the session is complete).
        let successor = t.world.foreign_admin.clone();
        let national = as_role(&t, Role::NationalAnalyst).await;
        let (status, body) = post_json(
            &t,
            &national,
            &format!("/api/v1/users/{}/grants", successor.id),
            json!({"role": "org_admin", "org": t.world.trust}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let grant: ward_core::GrantId = body["id"].as_str().unwrap().parse().unwrap();
        let (cookie, csrf) = t.session_for(&successor).await;
        let mut sess = t
            .store
            .get_session(&ward_app::accounts::secrets::digest(&cookie))
            .await
            .unwrap()
            .unwrap();
        sess.acting_grant = Some(grant);
        t.store.update_session(&sess).await.unwrap();
        let succ = (cookie, csrf);
        let list: Value = with_session(client().get(t.url("/api/v1/tokens")), &succ)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            list.to_string().contains(&id),
            "successor does not see the token: {list}"
        );
        let res = with_session(client().delete(t.url(&format!("/api/v1/tokens/{id}"))), &succ)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 204);
        assert_eq!(bearer_get(&t, &token, "/api/v1/me").await, 401);
        // The foreign trust's own tokens stay out of the list of anyone acting for the trust.
        let foreign: Value = with_session(client().get(t.url("/api/v1/tokens")), &s)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for tok in foreign.as_array().unwrap() {
            assert_eq!(tok["org"], json!(t.world.trust), "{tok}");
        }
    }
}

/// Item 3: a responder's token outlived the deployment; privileged tokens lived for a year.
#[tokio::test]
async fn token_lifetimes_are_capped_by_role_and_by_the_grant() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let responder = t.world.users[&Role::IncidentResponder].clone();
        let grant = t.store.grants_of(responder.id).await.unwrap()[0].clone();
        let grant_end = grant.expires_at.unwrap();
        let system = ward_app::Actor::system("test", t.world.national);
        let issued = t
            .app
            .issue_token(
                &system,
                ward_app::accounts::tokens::NewToken {
                    name: "responder laptop".into(),
                    role: Role::IncidentResponder,
                    org: t.world.trust,
                    days: 30,
                    owner: Some(responder.id),
                },
            )
            .await
            .expect("a responder's own token");
        assert!(
            issued.token.expires_at <= grant_end,
            "responder token outlives the deployment: {} > {grant_end}",
            issued.token.expires_at
        );
        assert_eq!(bearer_get(&t, &issued.secret, "/api/v1/me").await, 200);
        c.advance(jiff::SignedDuration::from_hours(24 * 8));
        assert_eq!(bearer_get(&t, &issued.secret, "/api/v1/me").await, 401);
        c.advance(jiff::SignedDuration::from_hours(-24 * 8));
        let s = as_role(&t, Role::OrgAdmin).await;
        let (status, body) = post_json(
            &t,
            &s,
            "/api/v1/tokens",
            json!({"name": "admin bot", "role": "org_admin", "org": t.world.trust, "days": 366}),
        )
        .await;
        assert_eq!(status, 422, "a privileged token for a year: {body}");
        let cap = ward_app::AppSettings::default().privileged_token_max_days;
        let (status, body) = post_json(
            &t,
            &s,
            "/api/v1/tokens",
            json!({"name": "admin bot", "role": "org_admin", "org": t.world.trust, "days": cap}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        // Roles must fit the organisation for tokens too.
        let (status, body) = post_json(
            &t,
            &s,
            "/api/v1/tokens",
            json!({"name": "odd", "role": "auditor", "org": t.world.supplier, "days": 7}),
        )
        .await;
        assert_ne!(status, 201, "{body}");
    }
}

/// The current code for a secret at the clock's time, and a six-digit code that is not it.
fn right_and_wrong(secret: &str, at: jiff::Timestamp) -> (String, String) {
    let right = totp::code_at(secret, at).unwrap();
    let wrong = if right == "000000" { "111111" } else { "000000" };
    (right, wrong.to_owned())
}

/// Item 5: a correct password reset the counter, so wrong codes never locked the account.
#[tokio::test]
async fn wrong_codes_lock_the_account_even_between_correct_passwords() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let national = t.world.users[&Role::NationalAnalyst].clone();
        let secret = national.totp.clone().unwrap();
        let mut refused_at = None;
        'rounds: for round in 0..10 {
            let mut v = Visitor::new(&t);
            let r = v.sign_in(&national.email, PASSWORD).await;
            if r.location.as_deref() != Some("/mfa") {
                refused_at = Some(round);
                break;
            }
            let page = v.get("/mfa").await;
            let csrf = hidden(&page.body, "csrf");
            for _ in 0..4 {
                let (_, wrong) = right_and_wrong(&secret, c.now());
                let r = v.post("/mfa", &[("csrf", &csrf), ("code", &wrong)]).await;
                if r.location.as_deref() == Some("/login") {
                    refused_at = Some(round);
                    break 'rounds;
                }
            }
            c.advance(jiff::SignedDuration::from_secs(5));
        }
        let round = refused_at.expect("40 wrong codes in ten rounds and no lock");
        assert!(round <= 2, "locked only in round {round}");
        // Locked: even the right password and code get nowhere now.
        let mut v = Visitor::new(&t);
        let r = v.sign_in(&national.email, PASSWORD).await;
        assert_ne!(
            r.location.as_deref(),
            Some("/mfa"),
            "a locked account reached /mfa"
        );
        let locks = audit_actions(&t)
            .await
            .into_iter()
            .filter(|(a, id)| a == "user.locked" && *id == national.id.to_string())
            .count();
        assert!(locks >= 1, "the lock by wrong codes is not audited");
    }
}

/// Item 5: `/mfa` had no throttle of its own (with a lock threshold set high, nothing stopped guessing).
#[tokio::test]
async fn the_second_factor_is_throttled() {
    let c = clock();
    let settings = ward_app::AppSettings {
        max_failed_logins: 10_000,
        ..test_settings()
    };
    for t in on_each_backend(&c, settings, ServerSettings::default()).await {
        let national = t.world.users[&Role::NationalAnalyst].clone();
        let mut v = Visitor::new(&t);
        let r = v.sign_in(&national.email, PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/mfa"));
        let page = v.get("/mfa").await;
        let csrf = hidden(&page.body, "csrf");
        let (_, wrong) = right_and_wrong(national.totp.as_deref().unwrap(), c.now());
        let mut throttled = false;
        for _ in 0..60 {
            let r = v.post("/mfa", &[("csrf", &csrf), ("code", &wrong)]).await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                throttled = true;
                break;
            }
        }
        assert!(throttled, "60 codes guessed without a throttle");
        // The enrolment confirmation is throttled too.
        crate::web::add_unenrolled_admin(&t, "fresh.admin@test.ward.example", 0x998).await;
        let mut v = Visitor::new(&t);
        let r = v.sign_in("fresh.admin@test.ward.example", PASSWORD).await;
        assert_eq!(r.location.as_deref(), Some("/mfa/enrol"));
        let page = v.get("/mfa/enrol").await;
        let csrf = hidden(&page.body, "csrf");
        let mut throttled = false;
        for _ in 0..60 {
            let r = v.post("/mfa/enrol", &[("csrf", &csrf), ("code", "12345x")]).await;
            if r.status == StatusCode::TOO_MANY_REQUESTS {
                throttled = true;
                break;
            }
        }
        assert!(throttled, "60 enrolment codes without a throttle");
    }
}

/// Item 8: behind one proxy address, one failing account locked everyone out.
#[tokio::test]
async fn one_failing_account_does_not_lock_out_everyone_behind_one_address() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let mut v = Visitor::new(&t);
        for _ in 0..31 {
            v.sign_in("victim@test.ward.example", "not the password").await;
        }
        let last = v.sign_in("victim@test.ward.example", "not the password").await;
        assert_eq!(
            last.status,
            StatusCode::TOO_MANY_REQUESTS,
            "the failing account is throttled"
        );
        let mut other = Visitor::new(&t);
        let r = other.sign_in_as(Role::OrgMember).await;
        assert_eq!(
            r.location.as_deref(),
            Some("/"),
            "another account was refused: {}",
            r.status
        );
    }
}

/// Item 8: the throttle lived in one process's memory, so each replica counted on its own.
#[tokio::test]
async fn replicas_share_the_sign_in_throttle() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let replica = ward_app::App::new(
            Arc::clone(&t.store),
            Arc::new(c.clone()),
            test_settings(),
            &ward_testkit::test_key(),
        )
        .unwrap();
        let mut throttled_here = false;
        for _ in 0..40 {
            if matches!(
                t.app.login("spray@test.ward.example", "guess", "192.0.2.7").await,
                Err(ward_app::AppError::Throttled)
            ) {
                throttled_here = true;
                break;
            }
        }
        assert!(throttled_here);
        let e = replica
            .login("spray@test.ward.example", "guess", "192.0.2.7")
            .await
            .unwrap_err();
        assert!(
            matches!(e, ward_app::AppError::Throttled),
            "the other replica let the client carry on: {e:?}"
        );
    }
}

/// Also seen: switching the acting grant wrote no audit record.
#[tokio::test]
async fn switching_the_acting_grant_is_audited() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let member = t.world.users[&Role::OrgMember].clone();
        let national = as_role(&t, Role::NationalAnalyst).await;
        let (status, body) = post_json(
            &t,
            &national,
            &format!("/api/v1/users/{}/grants", member.id),
            json!({"role": "auditor", "org": t.world.icb}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let grant = body["id"].as_str().unwrap().to_owned();
        let mut v = Visitor::new(&t);
        v.sign_in_as(Role::OrgMember).await;
        let csrf = v.csrf().await;
        let ok = v.post("/switch", &[("csrf", &csrf), ("grant", &grant)]).await;
        assert_eq!(ok.location.as_deref(), Some("/"));
        let actions = audit_actions(&t).await;
        assert!(
            actions
                .iter()
                .any(|(a, id)| a == "session.switch" && *id == member.id.to_string()),
            "no audit record of the switch"
        );
        // Sign-in, second factor and sign-out are recorded too.
        assert!(actions.iter().any(|(a, _)| a == "session.create"));
    }
}

/// Also seen: granting into your organisation showed the user's grants elsewhere. And an admin
/// could give anyone a role at their own organisation, which took that person out of their own
/// administrators' hands (a person is managed only where every grant they hold is): now only
/// someone who may manage the person may give them a role; to anyone else they do not exist.
#[tokio::test]
async fn a_granter_sees_only_the_grants_inside_its_footprint() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let member = t.world.users[&Role::OrgMember].clone();
        let foreign = t.session_for(&t.world.foreign_admin).await;
        let (status, body) = post_json(
            &t,
            &foreign,
            &format!("/api/v1/users/{}/grants", member.id),
            json!({"role": "org_member", "org": t.world.foreign_trust}),
        )
        .await;
        assert_eq!(
            status, 404,
            "another trust's admin granted our member a role: {body}"
        );
        let grants = t.store.grants_of(member.id).await.unwrap();
        assert_eq!(grants.len(), 1, "{grants:?}");
        // The national team may give a person roles at two trusts.
        let national = as_role(&t, Role::NationalAnalyst).await;
        let (status, body) = post_json(
            &t,
            &national,
            &format!("/api/v1/users/{}/grants", member.id),
            json!({"role": "org_member", "org": t.world.foreign_trust}),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let users: Value = with_session(client().get(t.url("/api/v1/users")), &foreign)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let entry = users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == json!(member.id))
            .expect("the member is listed");
        for g in entry["grants"].as_array().unwrap() {
            assert_eq!(
                g["org"],
                json!(t.world.foreign_trust),
                "grant outside the footprint shown: {g}"
            );
        }
        // And the foreign admin still cannot disable the member, who works at the trust too.
        let (status, _) = post_json(
            &t,
            &foreign,
            &format!("/api/v1/users/{}/disable", member.id),
            json!({}),
        )
        .await;
        assert_eq!(status, 404);
    }
}

/// Sign in with a chosen `X-Forwarded-For`, returning the status.
async fn sign_in_forwarded(t: &TestApp, email: &str, forwarded: &str) -> StatusCode {
    let mut v = Visitor::new(t);
    let page = v.get("/login").await;
    let token = hidden(&page.body, "csrf");
    let req = client()
        .post(t.url("/login"))
        .header("x-forwarded-for", forwarded)
        .form(&[("csrf", token.as_str()), ("email", email), ("password", "not it")]);
    v.send(req).await.status
}

/// Item 8: behind a trusted proxy each client counts on its own; without one, a forged
/// `X-Forwarded-For` does not buy a fresh allowance.
#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let c = clock();
    let settings = ward_app::AppSettings {
        login_account_limit: 3,
        login_ip_limit: 1_000,
        ..test_settings()
    };
    let behind_proxy = ward_server::ServerSettings {
        trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
        ..ward_server::ServerSettings::default()
    };
    for t in on_each_backend(&c, settings.clone(), behind_proxy).await {
        for _ in 0..3 {
            sign_in_forwarded(&t, "target@test.ward.example", "198.51.100.1").await;
        }
        assert_eq!(
            sign_in_forwarded(&t, "target@test.ward.example", "198.51.100.1").await,
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            sign_in_forwarded(&t, "target@test.ward.example", "198.51.100.2").await,
            StatusCode::OK,
            "another client behind the proxy is throttled for the first one's failures"
        );
    }
    let direct = ward_server::ServerSettings::default();
    for t in on_each_backend(&c, settings, direct).await {
        for i in 0..3 {
            sign_in_forwarded(&t, "target@test.ward.example", &format!("203.0.113.{i}")).await;
        }
        assert_eq!(
            sign_in_forwarded(&t, "target@test.ward.example", "203.0.113.99").await,
            StatusCode::TOO_MANY_REQUESTS,
            "a forged X-Forwarded-For escaped the throttle"
        );
    }
}
