//! Users, grants, sessions and API tokens: exact round trips, audit, expiry clean-up.

use super::fixtures::{AuditCursor, Fixture, at, new_id, next_number};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::account::{ApiToken, Email, Session, User};
use ward_core::audit::digest_json;
use ward_core::role::{Role, RoleGrant};
use ward_core::{GrantId, OrgId, TokenId, UserId};
use ward_store::{Scope, Store, StoreError};

pub(super) fn user(label: &str) -> anyhow::Result<User> {
    Ok(User {
        id: new_id(UserId::new_at),
        email: Email::parse(&format!("Contract.{label}.{}@Example.ORG", next_number()))?,
        display_name: format!("Contract {label}"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        totp_secret: None,
        totp_last_step: None,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: at(5),
    })
}

pub(super) fn grant(user: UserId, role: Role, org: OrgId, created: i64) -> RoleGrant {
    RoleGrant {
        id: new_id(GrantId::new_at),
        user,
        role,
        org,
        created_at: at(created),
        expires_at: None,
        granted_by: None,
    }
}

pub(super) fn session(user: UserId, grant: Option<GrantId>, expires: i64) -> Session {
    let n = next_number();
    Session {
        id_hash: format!("{n:064x}"),
        user,
        acting_grant: grant,
        mfa_pending: true,
        csrf_token: format!("csrf-{n}"),
        pending_totp_secret: Some("JBSWY3DPEHPK3PXP".into()),
        created_at: at(10),
        last_seen_at: at(10),
        expires_at: at(expires),
    }
}

pub(super) fn token(created_by: UserId, org: OrgId, created: i64) -> ApiToken {
    let n = next_number();
    ApiToken {
        id: new_id(TokenId::new_at),
        name: format!("contract token {n}"),
        token_hash: format!("{n:064x}"),
        created_by,
        role: Role::OrgAdmin,
        org,
        created_at: at(created),
        expires_at: at(86_400),
        revoked_at: None,
        last_used_at: None,
    }
}

/// The whole accounts check.
pub async fn accounts_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "AC");
    let [_n, _r, _icb, a, b] = fx.small_tree().await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Users.
    let u1 = user("one")?;
    let u2 = user("two")?;
    store.create_user(&u1, &fx.meta(70)).await?;
    store.create_user(&u2, &fx.meta(70)).await?;
    let recs = cursor
        .expect(
            &store,
            "create_user",
            &[("user.create", None), ("user.create", None)],
        )
        .await?;
    check_eq!(
        (recs[0].event.entity.as_str(), recs[0].event.entity_id.clone()),
        ("user", u1.id.to_string()),
        "user record"
    );
    check_eq!(store.get_user(u1.id).await?, u1, "get_user");
    let shouted = Email::parse(&u1.email.as_str().to_uppercase())?;
    check_eq!(
        store.find_user_by_email(&shouted).await?,
        Some(u1.clone()),
        "find_user_by_email"
    );
    check_eq!(
        store
            .find_user_by_email(&Email::parse("nobody@contract.example")?)
            .await?,
        None,
        "unknown email"
    );
    check_err!(
        store.get_user(new_id(UserId::new_at)).await,
        StoreError::NotFound { .. },
        "unknown user"
    );
    let same_email = User {
        id: new_id(UserId::new_at),
        ..u1.clone()
    };
    check_err!(
        store.create_user(&same_email, &fx.meta(71)).await,
        StoreError::Conflict(_),
        "duplicate email"
    );
    let same_id = User {
        email: Email::parse("other.contract@example.org")?,
        ..u1.clone()
    };
    check_err!(
        store.create_user(&same_id, &fx.meta(71)).await,
        StoreError::Conflict(_),
        "duplicate id"
    );
    cursor.expect(&store, "refused users", &[]).await?;

    let mut disabled = u1.clone();
    disabled.disabled = true;
    disabled.totp_secret = Some("JBSWY3DPEHPK3PXP".into());
    disabled.locked_until = Some(at(900));
    disabled.display_name = "Contract one (left)".into();
    store.update_user(&disabled, "user.disable", &fx.meta(72)).await?;
    let recs = cursor
        .expect(&store, "update_user", &[("user.disable", None)])
        .await?;
    check_eq!(
        (recs[0].event.before.clone(), recs[0].event.after.clone()),
        (Some(digest_json(&u1)), Some(digest_json(&disabled))),
        "user digests"
    );
    check_eq!(store.get_user(u1.id).await?, disabled, "user after update");
    check_err!(
        store
            .update_user(&user("ghost")?, "user.disable", &fx.meta(72))
            .await,
        StoreError::NotFound { .. },
        "updating an unknown user"
    );

    store
        .set_login_state(u1.id, 3, Some(at(1_000)), Some(58_333_333))
        .await?;
    let expected = User {
        failed_logins: 3,
        locked_until: Some(at(1_000)),
        totp_last_step: Some(58_333_333),
        ..disabled.clone()
    };
    check_eq!(store.get_user(u1.id).await?, expected, "login state");
    store.set_login_state(u1.id, 0, None, Some(58_333_334)).await?;
    check_eq!(store.get_user(u1.id).await?.locked_until, None, "lock cleared");
    check_err!(
        store.set_login_state(new_id(UserId::new_at), 1, None, None).await,
        StoreError::NotFound { .. },
        "login state of nobody"
    );
    cursor.expect(&store, "login state is not audited", &[]).await?;

    // Grants.
    let g1 = grant(u1.id, Role::OrgMember, a.id, 1);
    let mut g2 = grant(u1.id, Role::IncidentResponder, b.id, 2);
    g2.expires_at = Some(at(3_600));
    g2.granted_by = Some(u2.id);
    let g3 = grant(u2.id, Role::OrgAdmin, b.id, 3);
    for g in [&g1, &g2, &g3] {
        store.add_grant(g, &fx.meta(73)).await?;
    }
    cursor
        .expect(
            &store,
            "add_grant",
            &[
                ("grant.add", Some(a.id)),
                ("grant.add", Some(b.id)),
                ("grant.add", Some(b.id)),
            ],
        )
        .await?;
    check_eq!(
        store.grants_of(u1.id).await?,
        vec![g1.clone(), g2.clone()],
        "grants oldest first"
    );
    check_eq!(
        store.grants_at(&[a.id, b.id]).await?,
        vec![g3.clone()],
        "grants at the two trusts of people whose account is not disabled"
    );
    check_eq!(store.grants_at(&[]).await?, vec![], "no organisations");
    let orphan = grant(new_id(UserId::new_at), Role::OrgMember, a.id, 4);
    check_err!(
        store.add_grant(&orphan, &fx.meta(74)).await,
        StoreError::Invalid(_),
        "grant for an unknown user"
    );
    let nowhere = grant(u1.id, Role::OrgMember, new_id(OrgId::new_at), 4);
    check_err!(
        store.add_grant(&nowhere, &fx.meta(74)).await,
        StoreError::Invalid(_),
        "grant on an unknown organisation"
    );
    cursor.expect(&store, "refused grants", &[]).await?;

    let in_a: Vec<UserId> = store
        .list_users(&Scope::subtree(a.id))
        .await?
        .iter()
        .map(|u| u.id)
        .collect();
    check_eq!(in_a, vec![u1.id], "users with grants in A");
    let everyone = store.list_users(&Scope::All).await?;
    let mut emails: Vec<String> = everyone.iter().map(|u| u.email.to_string()).collect();
    let listed = emails.clone();
    emails.sort();
    check_eq!(listed, emails, "list_users ordered by email");
    if !everyone.iter().any(|u| u.id == u2.id) {
        anyhow::bail!("list_users(All) misses a user");
    }

    store.revoke_grant(g2.id, &fx.meta(75)).await?;
    let recs = cursor
        .expect(&store, "revoke_grant", &[("grant.revoke", Some(b.id))])
        .await?;
    check_eq!(recs[0].event.before, Some(digest_json(&g2)), "revoke digest");
    check_eq!(
        store.grants_of(u1.id).await?,
        vec![g1.clone()],
        "grants after revoke"
    );
    check_err!(
        store.revoke_grant(g2.id, &fx.meta(75)).await,
        StoreError::NotFound { .. },
        "revoking twice"
    );

    // Sessions.
    let s1 = session(u1.id, Some(g1.id), 3_600);
    let s2 = session(u1.id, None, 60);
    let s3 = session(u2.id, Some(g3.id), 7_200);
    for s in [&s1, &s2, &s3] {
        store.create_session(s).await?;
    }
    check_eq!(
        store.get_session(&s1.id_hash).await?,
        Some(s1.clone()),
        "get_session"
    );
    check_eq!(store.get_session("feedface").await?, None, "unknown session");
    let s1b = Session {
        mfa_pending: false,
        pending_totp_secret: None,
        last_seen_at: at(30),
        expires_at: at(4_000),
        ..s1.clone()
    };
    store.update_session(&s1b).await?;
    check_eq!(
        store.get_session(&s1.id_hash).await?,
        Some(s1b.clone()),
        "session after update"
    );
    check_err!(
        store.update_session(&session(u1.id, None, 10)).await,
        StoreError::NotFound { .. },
        "updating an unknown session"
    );
    check_err!(
        store.create_session(&s1).await,
        StoreError::Conflict(_),
        "duplicate session"
    );
    check_eq!(
        store.delete_expired_sessions(at(59)).await?,
        0,
        "nothing expired yet"
    );
    check_eq!(
        store.delete_expired_sessions(at(60)).await?,
        1,
        "expired at its expiry instant"
    );
    check_eq!(
        store.get_session(&s2.id_hash).await?,
        None,
        "expired session removed"
    );
    check_eq!(store.delete_sessions_of(u1.id).await?, 1, "sessions of a user");
    check_eq!(
        store.get_session(&s1.id_hash).await?,
        None,
        "user's session removed"
    );
    check_eq!(
        store.get_session(&s3.id_hash).await?,
        Some(s3.clone()),
        "other user's session kept"
    );
    store.delete_session(&s3.id_hash).await?;
    store.delete_session(&s3.id_hash).await?;
    check_eq!(store.get_session(&s3.id_hash).await?, None, "deleted session");
    cursor.expect(&store, "sessions are not audited", &[]).await?;

    // API tokens.
    let t1 = token(u1.id, a.id, 1);
    let t2 = token(u2.id, b.id, 2);
    store.create_token(&t1, &fx.meta(76)).await?;
    store.create_token(&t2, &fx.meta(76)).await?;
    let recs = cursor
        .expect(
            &store,
            "create_token",
            &[("token.create", Some(a.id)), ("token.create", Some(b.id))],
        )
        .await?;
    check_eq!(recs[0].event.after, Some(digest_json(&t1)), "token digest");
    check_eq!(
        store.find_token_by_hash(&t1.token_hash).await?,
        Some(t1.clone()),
        "find_token_by_hash"
    );
    check_eq!(store.find_token_by_hash("0").await?, None, "unknown token hash");
    check_eq!(
        store.list_tokens(Some(u1.id)).await?,
        vec![t1.clone()],
        "tokens of a user"
    );
    let all_tokens = store.list_tokens(None).await?;
    if !(all_tokens.contains(&t1) && all_tokens.contains(&t2)) {
        anyhow::bail!("list_tokens(None) misses a token");
    }
    let clash = ApiToken {
        id: new_id(TokenId::new_at),
        ..t1.clone()
    };
    check_err!(
        store.create_token(&clash, &fx.meta(77)).await,
        StoreError::Conflict(_),
        "duplicate token hash"
    );
    store.touch_token(t1.id, at(50)).await?;
    check_eq!(
        store
            .find_token_by_hash(&t1.token_hash)
            .await?
            .and_then(|t| t.last_used_at),
        Some(at(50)),
        "touched"
    );
    check_err!(
        store.touch_token(new_id(TokenId::new_at), at(50)).await,
        StoreError::NotFound { .. },
        "touching nothing"
    );
    cursor.expect(&store, "touch is not audited", &[]).await?;
    store.revoke_token(t1.id, at(60), &fx.meta(78)).await?;
    cursor
        .expect(&store, "revoke_token", &[("token.revoke", Some(a.id))])
        .await?;
    let revoked = store.find_token_by_hash(&t1.token_hash).await?;
    check_eq!(
        revoked.map(|t| (t.revoked_at, t.is_usable(at(61)))),
        Some((Some(at(60)), false)),
        "revoked token"
    );
    check_err!(
        store
            .revoke_token(new_id(TokenId::new_at), at(60), &fx.meta(78))
            .await,
        StoreError::NotFound { .. },
        "revoking nothing"
    );
    Ok(())
}
