use crate::support::*;
use jiff::SignedDuration;
use ward_core::account::{ApiToken, Email, Session, User};
use ward_core::role::{Role, RoleGrant};
use ward_core::{GrantId, TokenId, UserId};
use ward_store::{AccountStore, AuditStore, OrgStore, Scope, StoreError};

fn user(n: u128, email: &str) -> User {
    User {
        id: UserId::from_uuid(id(n)),
        email: Email::parse(email).unwrap(),
        display_name: format!("User {n}"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        totp_secret: Some("JBSWY3DPEHPK3PXP".into()),
        totp_last_step: None,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: t0(),
    }
}

#[tokio::test]
async fn users_grants_sessions_and_tokens_round_trip() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    s.upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    let mut u = user(1, "a.lead@nhs.example");
    s.create_user(&u, &meta()).await.unwrap();
    assert_eq!(s.get_user(u.id).await.unwrap(), u);
    assert_eq!(
        s.create_user(&user(2, "a.lead@nhs.example"), &meta())
            .await
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ward_store::StoreErrorKind::Conflict)
    );
    s.create_user(&user(2, "b.member@nhs.example"), &meta())
        .await
        .unwrap();

    u.disabled = true;
    s.update_user(&u, "user.disable", &meta()).await.unwrap();
    s.set_login_state(u.id, 3, Some(t0() + SignedDuration::from_micros(7)), Some(99))
        .await
        .unwrap();
    let got = s.get_user(u.id).await.unwrap();
    assert!(got.disabled);
    assert_eq!(
        (got.failed_logins, got.locked_until, got.totp_last_step),
        (3, Some(t0() + SignedDuration::from_micros(7)), Some(99))
    );
    assert_eq!(
        s.find_user_by_email(&Email::parse("A.Lead@nhs.example").unwrap())
            .await
            .unwrap()
            .map(|x| x.id),
        Some(u.id)
    );
    assert!(matches!(
        s.set_login_state(UserId::from_uuid(id(3)), 0, None, None).await,
        Err(StoreError::NotFound { .. })
    ));

    let grant = RoleGrant {
        id: GrantId::from_uuid(id(10)),
        user: u.id,
        role: Role::RegionalLead,
        org: oid(3),
        created_at: t0(),
        expires_at: Some(t0() + SignedDuration::from_hours(24)),
        granted_by: Some(UserId::from_uuid(id(2))),
    };
    s.add_grant(&grant, &meta()).await.unwrap();
    assert_eq!(s.grants_of(u.id).await.unwrap(), vec![grant.clone()]);
    let in_icb: Vec<_> = s
        .list_users(&Scope::subtree(oid(2)))
        .await
        .unwrap()
        .into_iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(in_icb, vec![u.id]);
    assert!(s.list_users(&Scope::subtree(oid(6))).await.unwrap().is_empty());
    assert_eq!(s.list_users(&Scope::All).await.unwrap().len(), 2);

    let session = Session {
        id_hash: "h1".into(),
        user: u.id,
        acting_grant: Some(grant.id),
        mfa_pending: false,
        csrf_token: "c".into(),
        pending_totp_secret: Some("PENDING".into()),
        created_at: t0(),
        last_seen_at: t0(),
        expires_at: t0() + SignedDuration::from_hours(8),
    };
    s.create_session(&session).await.unwrap();
    assert_eq!(s.get_session("h1").await.unwrap(), Some(session.clone()));
    s.revoke_grant(grant.id, &meta()).await.unwrap();
    assert_eq!(
        s.get_session("h1").await.unwrap().unwrap().acting_grant,
        None,
        "revoked grant leaves sessions"
    );
    assert!(matches!(
        s.revoke_grant(grant.id, &meta()).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        s.delete_expired_sessions(t0() + SignedDuration::from_hours(9))
            .await
            .unwrap(),
        1
    );
    assert_eq!(s.get_session("h1").await.unwrap(), None);

    let token = ApiToken {
        id: TokenId::from_uuid(id(20)),
        name: "siem".into(),
        token_hash: "th".into(),
        created_by: u.id,
        role: Role::Auditor,
        org: oid(4),
        created_at: t0(),
        expires_at: t0() + SignedDuration::from_hours(24 * 90),
        revoked_at: None,
        last_used_at: None,
    };
    s.create_token(&token, &meta()).await.unwrap();
    assert_eq!(s.find_token_by_hash("th").await.unwrap(), Some(token.clone()));
    s.touch_token(token.id, t0() + SignedDuration::from_secs(1))
        .await
        .unwrap();
    s.revoke_token(token.id, t0() + SignedDuration::from_secs(2), &meta())
        .await
        .unwrap();
    let listed = s.list_tokens(Some(u.id)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].revoked_at, Some(t0() + SignedDuration::from_secs(2)));
    assert_eq!(listed[0].last_used_at, Some(t0() + SignedDuration::from_secs(1)));
    assert!(
        s.list_tokens(Some(UserId::from_uuid(id(2))))
            .await
            .unwrap()
            .is_empty()
    );

    let actions: Vec<String> = s
        .audit_page(1, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event.action)
        .collect();
    for a in [
        "user.create",
        "user.disable",
        "grant.add",
        "grant.revoke",
        "token.create",
        "token.revoke",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
}
