//! The store side of account security: an account with its first grant in one transaction,
//! second-factor failure counts, audited locks, account standing for token checks, session changes
//! with their audit record, tokens by organisation, and throttle counters.

use super::accounts::{grant, session, token, user};
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::audit::{AuditActor, AuditEvent};
use ward_core::role::Role;
use ward_core::{TokenId, UserId};
use ward_store::{AccountStanding, Scope, SessionChange, Store, StoreError, TokenWithOwner};

fn event(action: &str, user: UserId) -> AuditEvent {
    AuditEvent {
        at: at(90),
        actor: AuditActor {
            principal: format!("user:{user}"),
            role: None,
            acting_org: None,
        },
        action: action.to_owned(),
        entity: "user".to_owned(),
        entity_id: user.to_string(),
        org: None,
        before: None,
        after: None,
        detail: None,
        request_id: None,
    }
}

/// The whole account-security check.
pub async fn account_security_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "SC");
    let [_n, _r, icb, a, b] = fx.small_tree().await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    // An account and its first grant, together or not at all.
    let u1 = user("secure")?;
    let g1 = grant(u1.id, Role::OrgAdmin, a.id, 6);
    store.create_user_with_grant(&u1, &g1, &fx.meta(80)).await?;
    cursor
        .expect(
            &store,
            "create_user_with_grant",
            &[("user.create", Some(a.id)), ("grant.add", Some(a.id))],
        )
        .await?;
    check_eq!(store.get_user(u1.id).await?, u1, "user stored");
    check_eq!(store.grants_of(u1.id).await?, vec![g1.clone()], "grant stored");
    let u2 = user("orphan")?;
    let clash = ward_core::role::RoleGrant {
        user: u2.id,
        ..g1.clone()
    };
    check_err!(
        store.create_user_with_grant(&u2, &clash, &fx.meta(81)).await,
        StoreError::Conflict(_),
        "a grant that cannot be stored"
    );
    check_err!(
        store.get_user(u2.id).await,
        StoreError::NotFound { .. },
        "no account is left behind by a failed grant"
    );
    cursor
        .expect(&store, "nothing audited for the failure", &[])
        .await?;

    // Second-factor failures: counted atomically, cleared only by set_mfa_state; not audited.
    check_eq!(store.record_mfa_failure(u1.id).await?, 1, "first wrong code");
    check_eq!(store.record_mfa_failure(u1.id).await?, 2, "second wrong code");
    store.set_login_state(u1.id, 0, None, None).await?;
    check_eq!(
        store.record_mfa_failure(u1.id).await?,
        3,
        "a correct password does not reset second-factor failures"
    );
    store.set_mfa_state(u1.id, 0, Some(58_000_001)).await?;
    check_eq!(
        store.get_user(u1.id).await?.totp_last_step,
        Some(58_000_001),
        "accepted step stored"
    );
    check_eq!(
        store.record_mfa_failure(u1.id).await?,
        1,
        "cleared by a correct code"
    );
    check_err!(
        store.record_mfa_failure(new_id(UserId::new_at)).await,
        StoreError::NotFound { .. },
        "failure of nobody"
    );
    check_err!(
        store.set_mfa_state(new_id(UserId::new_at), 0, None).await,
        StoreError::NotFound { .. },
        "mfa state of nobody"
    );
    cursor.expect(&store, "counters are not audited", &[]).await?;

    // Locks are audited in the same transaction.
    store
        .lock_user(u1.id, at(1_000), "5 wrong second-factor codes", &fx.meta(82))
        .await?;
    let recs = cursor
        .expect(&store, "lock_user", &[("user.locked", None)])
        .await?;
    check_eq!(
        recs[0].event.detail.as_deref(),
        Some("5 wrong second-factor codes"),
        "lock detail"
    );
    check_eq!(
        store.get_user(u1.id).await?.locked_until,
        Some(at(1_000)),
        "locked until"
    );
    check_err!(
        store
            .lock_user(new_id(UserId::new_at), at(1_000), "x", &fx.meta(82))
            .await,
        StoreError::NotFound { .. },
        "locking nobody"
    );
    cursor.expect(&store, "no record for a failed lock", &[]).await?;

    // Standing: the account state and every grant, in one read.
    let g2 = grant(u1.id, Role::Auditor, b.id, 7);
    store.add_grant(&g2, &fx.meta(83)).await?;
    check_eq!(
        store.account_standing(u1.id).await?,
        Some(AccountStanding {
            disabled: false,
            grants: vec![g1.clone(), g2.clone()],
        }),
        "standing with grants"
    );
    let loner = user("loner")?;
    store.create_user(&loner, &fx.meta(83)).await?;
    check_eq!(
        store.account_standing(loner.id).await?,
        Some(AccountStanding {
            disabled: false,
            grants: vec![],
        }),
        "standing without grants"
    );
    let mut off = loner.clone();
    off.disabled = true;
    store.update_user(&off, "user.disable", &fx.meta(83)).await?;
    check_eq!(
        store.account_standing(loner.id).await?.map(|s| s.disabled),
        Some(true),
        "disabled standing"
    );
    check_eq!(
        store.account_standing(new_id(UserId::new_at)).await?,
        None,
        "standing of nobody"
    );
    cursor.take(&store).await?;

    // Session changes and their audit records, in one transaction each.
    let s1 = session(u1.id, Some(g1.id), 3_600);
    store
        .change_session(&SessionChange::Open(s1.clone()), &event("session.create", u1.id))
        .await?;
    check_eq!(store.get_session(&s1.id_hash).await?, Some(s1.clone()), "opened");
    let mut s2 = session(u1.id, Some(g1.id), 3_600);
    s2.mfa_pending = false;
    let rotate = SessionChange::Rotate {
        old_hash: s1.id_hash.clone(),
        new: s2.clone(),
    };
    store
        .change_session(&rotate, &event("session.mfa_verified", u1.id))
        .await?;
    check_eq!(store.get_session(&s1.id_hash).await?, None, "old id gone");
    check_eq!(store.get_session(&s2.id_hash).await?, Some(s2.clone()), "new id");
    let mut s3 = s2.clone();
    s3.acting_grant = Some(g2.id);
    store
        .change_session(
            &SessionChange::Update(s3.clone()),
            &event("session.switch", u1.id),
        )
        .await?;
    check_eq!(
        store.get_session(&s2.id_hash).await?,
        Some(s3.clone()),
        "switched"
    );
    let ghost = session(u1.id, None, 3_600);
    check_err!(
        store
            .change_session(&SessionChange::Update(ghost), &event("session.switch", u1.id))
            .await,
        StoreError::NotFound { .. },
        "updating no session"
    );
    store
        .change_session(
            &SessionChange::Close(s3.id_hash.clone()),
            &event("session.delete", u1.id),
        )
        .await?;
    check_eq!(store.get_session(&s3.id_hash).await?, None, "closed");
    cursor
        .expect(
            &store,
            "session changes",
            &[
                ("session.create", None),
                ("session.mfa_verified", None),
                ("session.switch", None),
                ("session.delete", None),
            ],
        )
        .await?;

    // Tokens by id and by organisation, whoever issued them.
    let ta = token(u1.id, a.id, 1);
    let tb = token(loner.id, b.id, 2);
    store.create_token(&ta, &fx.meta(84)).await?;
    store.create_token(&tb, &fx.meta(84)).await?;
    check_eq!(store.get_token(ta.id).await?, ta.clone(), "get_token");
    // The bearer check: a token with its owner's standing and its epoch in one read; the
    // one-row read gives the same token and epoch.
    let (read_a, epoch_a) = store
        .token_with_epoch(&ta.token_hash)
        .await?
        .ok_or_else(|| anyhow::anyhow!("token_with_epoch: ta not found"))?;
    check_eq!(read_a, ta.clone(), "token_with_epoch: the token");
    check_eq!(
        store.token_with_owner(&ta.token_hash).await?,
        Some(TokenWithOwner {
            token: ta.clone(),
            epoch: epoch_a,
            owner: store
                .account_standing(u1.id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("u1 has no standing"))?,
        }),
        "token_with_owner: the token, its epoch, and its owner's state and grants"
    );
    check_eq!(
        store.token_with_epoch("0").await?,
        None,
        "token_with_epoch: unknown hash"
    );
    check_eq!(
        store.token_with_owner(&tb.token_hash).await?.map(|t| t.owner),
        Some(AccountStanding {
            disabled: true,
            grants: vec![],
        }),
        "token_with_owner: a disabled owner without grants"
    );
    check_eq!(
        store.token_with_owner("0").await?,
        None,
        "token_with_owner: unknown hash"
    );
    check_err!(
        store.get_token(new_id(TokenId::new_at)).await,
        StoreError::NotFound { .. },
        "unknown token"
    );
    check_eq!(
        store.list_tokens_in(&Scope::subtree(a.id)).await?,
        vec![ta.clone()],
        "tokens of trust A only"
    );
    check_eq!(
        store.list_tokens_in(&Scope::Orgs(vec![b.id])).await?,
        vec![tb.clone()],
        "tokens of trust B only"
    );
    let icb_tokens = store.list_tokens_in(&Scope::subtree(icb.id)).await?;
    check_eq!(icb_tokens, vec![ta.clone(), tb.clone()], "tokens under the ICB");
    let all = store.list_tokens_in(&Scope::All).await?;
    if !(all.contains(&ta) && all.contains(&tb)) {
        anyhow::bail!("list_tokens_in(All) misses a token");
    }

    // Throttle counters: per key and window; pruning forgets past windows.
    let key = format!("contract:{}", u1.id);
    check_eq!(store.count_attempt(&key, at(300)).await?, 1, "first attempt");
    check_eq!(store.count_attempt(&key, at(300)).await?, 2, "second attempt");
    check_eq!(
        store.count_attempt(&format!("{key}:other"), at(300)).await?,
        1,
        "another key"
    );
    check_eq!(store.count_attempt(&key, at(600)).await?, 1, "a new window");
    let pruned = store.prune_attempts(at(600)).await?;
    if pruned < 2 {
        anyhow::bail!("prune_attempts removed {pruned} rows, expected at least 2");
    }
    check_eq!(
        store.count_attempt(&key, at(600)).await?,
        2,
        "current window kept"
    );
    check_eq!(
        store.count_attempt(&key, at(300)).await?,
        1,
        "past window forgotten"
    );
    Ok(())
}
