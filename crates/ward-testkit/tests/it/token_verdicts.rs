//! Attacks on the bearer-token verdict cache (`ward_app::accounts::verdicts`): each test warms the
//! cache of the serving app and of a replica (a second app over the same database, with its own
//! connections and memory), checks that both would answer the next request from memory, makes one
//! change that must end the token, and expects the very next request to be refused on both. On
//! both backends (PostgreSQL when `WARD_TEST_POSTGRES_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::api::{as_role, with_session};
use jiff::SignedDuration;
use ward_app::App;
use ward_app::accounts::secrets;
use ward_core::clock::{Clock, ManualClock, SystemClock};
use ward_core::role::{Role, RoleGrant};
use ward_core::{GrantId, OrgId, UserId};
use ward_server::ServerSettings;
use ward_store::{AuthEpoch, Scope};
use ward_testkit::app::{client, test_settings};
use ward_testkit::{TestApp, on_each_backend};

fn clock() -> ManualClock {
    ManualClock::new(SystemClock.now())
}

async fn bearer_get(t: &TestApp, token: &str) -> u16 {
    client()
        .get(t.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The token's epoch as stored now.
async fn epoch_of(t: &TestApp, secret: &str) -> AuthEpoch {
    t.store
        .token_with_epoch(&secrets::digest(secret))
        .await
        .unwrap()
        .expect("token stored")
        .1
}

/// Whether `app` would answer the token's next request from its kept verdict.
async fn kept_by(app: &App, t: &TestApp, secret: &str) -> bool {
    let (token, epoch) = t
        .store
        .token_with_epoch(&secrets::digest(secret))
        .await
        .unwrap()
        .expect("token stored");
    app.token_verdicts()
        .admits(token.id, token.role, token.org, epoch, app.now())
}

/// Requests through the server and the replica until both keep the token's verdict.
async fn warm(t: &TestApp, replica: &App, secret: &str) {
    for _ in 0..3 {
        assert_eq!(bearer_get(t, secret).await, 200, "{}: warming", t.backend());
        replica
            .actor_for_token(secret, None)
            .await
            .expect("the replica admits the token while warming");
    }
    assert!(
        kept_by(&t.app, t, secret).await,
        "{}: server kept it",
        t.backend()
    );
    assert!(
        kept_by(replica, t, secret).await,
        "{}: replica kept it",
        t.backend()
    );
}

/// The next request is refused by the server and by the replica.
async fn refused_everywhere(t: &TestApp, replica: &App, secret: &str, what: &str) {
    assert_eq!(
        bearer_get(t, secret).await,
        401,
        "{}: {what}: the server still admitted the token",
        t.backend()
    );
    let e = replica.actor_for_token(secret, None).await.unwrap_err();
    assert!(
        matches!(e, ward_app::AppError::Unauthenticated),
        "{}: {what}: the replica answered {e:?}",
        t.backend()
    );
}

/// A token for `role` over `org` owned by `owner`, issued at the command line.
async fn issue(t: &TestApp, owner: UserId, role: Role, org: OrgId) -> String {
    let system = ward_app::Actor::system("test", t.world.national);
    t.app
        .issue_token(
            &system,
            ward_app::accounts::tokens::NewToken {
                name: "verdict test".into(),
                role,
                org,
                days: 30,
                owner: Some(owner),
            },
        )
        .await
        .expect("token")
        .secret
}

/// The org admin's token over the trust, warmed on the server and a replica.
async fn admin_token(t: &TestApp) -> (String, App) {
    let admin = t.world.users[&Role::OrgAdmin].id;
    let secret = issue(t, admin, Role::OrgMember, t.world.trust).await;
    let replica = t.replica().await.expect("replica");
    warm(t, &replica, &secret).await;
    (secret, replica)
}

/// (a) The owner is disabled through the API.
#[tokio::test]
async fn a_kept_verdict_ends_when_the_owner_is_disabled() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let (secret, replica) = admin_token(&t).await;
        let admin = t.world.users[&Role::OrgAdmin].id;
        let national = as_role(&t, Role::NationalAnalyst).await;
        let res = with_session(
            client().post(t.url(&format!("/api/v1/users/{admin}/disable"))),
            &national,
        )
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 204);
        refused_everywhere(&t, &replica, &secret, "owner disabled").await;
    }
}

/// (b) The grant that covers the token is revoked through the API.
#[tokio::test]
async fn a_kept_verdict_ends_when_the_covering_grant_is_revoked() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let (secret, replica) = admin_token(&t).await;
        let admin = t.world.users[&Role::OrgAdmin].id;
        let grant = t.store.grants_of(admin).await.unwrap()[0].id;
        let national = as_role(&t, Role::NationalAnalyst).await;
        let res = with_session(
            client().delete(t.url(&format!("/api/v1/users/{admin}/grants/{grant}"))),
            &national,
        )
        .send()
        .await
        .unwrap();
        assert_eq!(res.status().as_u16(), 204);
        refused_everywhere(&t, &replica, &secret, "covering grant revoked").await;
    }
}

/// (c) The only covering grant expires before the token does: no write at all, only time, and
/// the request after the grant's end is refused although the verdict was kept.
#[tokio::test]
async fn a_kept_verdict_ends_when_the_covering_grant_expires() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let admin = t.world.users[&Role::OrgAdmin].id;
        let secret = issue(&t, admin, Role::OrgMember, t.world.trust).await;
        // Swap the admin's open-ended grant for a member grant over the trust that ends in two
        // days, well before the token's thirty.
        let now = t.app.now();
        let ends = now + SignedDuration::from_hours(48);
        let meta = ward_app::Actor::system("test", t.world.national).audit(now);
        let open_ended = t.store.grants_of(admin).await.unwrap()[0].id;
        let deployment = RoleGrant {
            id: GrantId::new_at(now, [7; 10]),
            user: admin,
            role: Role::OrgMember,
            org: t.world.trust,
            created_at: now,
            expires_at: Some(ends),
            granted_by: None,
        };
        t.store.add_grant(&deployment, &meta).await.unwrap();
        t.store.revoke_grant(open_ended, &meta).await.unwrap();
        let replica = t.replica().await.expect("replica");
        warm(&t, &replica, &secret).await;
        c.advance(SignedDuration::from_hours(47));
        assert_eq!(bearer_get(&t, &secret).await, 200, "before the grant ends");
        assert!(
            kept_by(&t.app, &t, &secret).await,
            "still kept an hour before the end"
        );
        c.set(ends);
        refused_everywhere(&t, &replica, &secret, "covering grant expired").await;
    }
}

/// (d) The token itself is revoked through the API.
#[tokio::test]
async fn a_kept_verdict_ends_when_the_token_is_revoked() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let (secret, replica) = admin_token(&t).await;
        let (token, _) = t
            .store
            .token_with_epoch(&secrets::digest(&secret))
            .await
            .unwrap()
            .unwrap();
        let national = as_role(&t, Role::NationalAnalyst).await;
        let res = with_session(
            client().delete(t.url(&format!("/api/v1/tokens/{}", token.id))),
            &national,
        )
        .send()
        .await
        .unwrap();
        assert!(res.status().is_success(), "revoke: {}", res.status());
        refused_everywhere(&t, &replica, &secret, "token revoked").await;
    }
}

/// (e) The token's organisation moves out of the region the owner's grant is on.
#[tokio::test]
async fn a_kept_verdict_ends_when_the_tokens_organisation_leaves_the_granted_region() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        // A regional lead's token over an ICB, held through the lead's grant on the region above.
        let lead = t.world.users[&Role::RegionalLead].id;
        assert_eq!(t.store.grants_of(lead).await.unwrap()[0].org, t.world.london);
        let secret = issue(&t, lead, Role::RegionalLead, t.world.icb).await;
        let replica = t.replica().await.expect("replica");
        warm(&t, &replica, &secret).await;
        let mut icb = t.store.get_org(&Scope::All, t.world.icb).await.unwrap();
        icb.parent = Some(t.world.south_west);
        let now = t.app.now();
        let meta = ward_app::Actor::system("test", t.world.national).audit(now);
        t.store
            .upsert_orgs(&[icb], now.to_zoned(jiff::tz::TimeZone::UTC).date(), &meta)
            .await
            .unwrap();
        refused_everywhere(&t, &replica, &secret, "organisation moved out of the region").await;
    }
}

/// (f) A change made through the replica reaches the server that kept the verdict, too: the
/// owner is disabled by the replica's own use case.
#[tokio::test]
async fn a_change_made_through_one_server_ends_the_verdict_kept_by_another() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let (secret, replica) = admin_token(&t).await;
        let admin = t.world.users[&Role::OrgAdmin].id;
        let mut user = replica.store().get_user(admin).await.unwrap();
        user.disabled = true;
        let meta = ward_app::Actor::system("test", t.world.national).audit(replica.now());
        replica
            .store()
            .update_user(&user, "user.disable", &meta)
            .await
            .unwrap();
        refused_everywhere(&t, &replica, &secret, "owner disabled through the replica").await;
    }
}

/// Changes that decide nothing leave the kept verdict in use: the last-used time, a display name,
/// an organisation's name. (Without this, a cache that was never used would pass every test above.)
#[tokio::test]
async fn changes_that_decide_nothing_keep_the_verdict() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let (secret, _replica) = admin_token(&t).await;
        let before = epoch_of(&t, &secret).await;
        let (token, _) = t
            .store
            .token_with_epoch(&secrets::digest(&secret))
            .await
            .unwrap()
            .unwrap();
        c.advance(SignedDuration::from_mins(6));
        t.store.touch_token(token.id, t.app.now()).await.unwrap();
        let admin = t.world.users[&Role::OrgAdmin].id;
        let mut user = t.store.get_user(admin).await.unwrap();
        user.display_name = "Renamed admin".into();
        let meta = ward_app::Actor::system("test", t.world.national).audit(t.app.now());
        t.store.update_user(&user, "user.update", &meta).await.unwrap();
        let mut trust = t.store.get_org(&Scope::All, t.world.trust).await.unwrap();
        trust.name = "Renamed trust".into();
        t.store
            .upsert_orgs(&[trust], jiff::civil::date(2025, 1, 1), &meta)
            .await
            .unwrap();
        assert_eq!(epoch_of(&t, &secret).await, before, "{}", t.backend());
        assert!(kept_by(&t.app, &t, &secret).await, "{}", t.backend());
        assert_eq!(bearer_get(&t, &secret).await, 200);
    }
}

/// Writes no code path makes today still move the epoch, because triggers move it: a grant's end
/// moved, an organisation deleted, a token's expiry changed, all in plain SQL.
#[tokio::test]
async fn the_epoch_moves_on_writes_made_outside_ward() {
    let c = clock();
    for t in on_each_backend(&c, test_settings(), ServerSettings::default()).await {
        let (secret, replica) = admin_token(&t).await;
        let admin = t.world.users[&Role::OrgAdmin].id;
        let grant = t.store.grants_of(admin).await.unwrap()[0].id;
        let url = t.database_url().expect("database url").to_owned();
        let end = (t.app.now() - SignedDuration::from_hours(1)).as_microsecond();
        let mut before = epoch_of(&t, &secret).await;
        let statements = [
            format!("UPDATE role_grants SET expires_at = {end} WHERE id = '{grant}'"),
            format!("UPDATE role_grants SET expires_at = NULL WHERE id = '{grant}'"),
            format!(
                "UPDATE api_tokens SET expires_at = expires_at - 1 WHERE token_hash = '{}'",
                secrets::digest(&secret)
            ),
            // A leaf organisation nothing refers to.
            format!("DELETE FROM organisations WHERE id = '{}'", spare_org(&t).await),
        ];
        for sql in statements {
            raw_sql(&url, &sql).await;
            let after = epoch_of(&t, &secret).await;
            assert!(after > before, "{}: {sql}: {before:?} -> {after:?}", t.backend());
            before = after;
        }
        // The grant's end was moved back: the token stands again, after a full check.
        assert_eq!(bearer_get(&t, &secret).await, 200);
        raw_sql(
            &url,
            &format!("UPDATE role_grants SET expires_at = {end} WHERE id = '{grant}'"),
        )
        .await;
        refused_everywhere(&t, &replica, &secret, "grant ended in plain SQL").await;
    }
}

/// An organisation with nothing under it or referring to it, made for deleting.
async fn spare_org(t: &TestApp) -> OrgId {
    let org = ward_core::org::Organisation {
        id: OrgId::new_at(t.app.now(), [9; 10]),
        code: ward_core::org::OdsCode::parse("ZZ9").unwrap(),
        name: "Spare".into(),
        kind: ward_core::org::OrgKind::GpPractice,
        parent: Some(t.world.icb),
        postcode: None,
        opened: None,
        closed: None,
    };
    let meta = ward_app::Actor::system("test", t.world.national).audit(t.app.now());
    t.store
        .upsert_orgs(std::slice::from_ref(&org), jiff::civil::date(2025, 1, 1), &meta)
        .await
        .unwrap();
    // Organisations carry counters and links of their own; clear them so the delete is only that.
    let url = t.database_url().unwrap().to_owned();
    raw_sql(
        &url,
        &format!("DELETE FROM org_rollups WHERE org_id = '{}'", org.id),
    )
    .await;
    raw_sql(
        &url,
        &format!("DELETE FROM org_links WHERE child_id = '{}'", org.id),
    )
    .await;
    org.id
}

async fn raw_sql(url: &str, sql: &str) {
    use sqlx::Connection;
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    }
}
