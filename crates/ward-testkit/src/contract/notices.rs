//! In-app notices, preferences and digests: a notice is read only by its person and only for the
//! organisations named; written twice it is kept once; marking read is audited and refused for
//! anyone else's; preferences replace and read back, audited; a digest is claimed once per person
//! per day even by two writers racing, its job queued with it; a reminder that gave up is kept
//! as a dead delivery with no alert.

use super::accounts::{grant, user};
use super::fixtures::{AuditCursor, Fixture, at, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::job::{DeadDelivery, DeliveryAbout, Job, JobKind, JobStatus};
use ward_core::notice::{Channel, Notice, NoticeTopic, Preferences};
use ward_core::role::Role;
use ward_core::{JobId, NoticeId, OrgId, UserId};
use ward_store::{DigestClaim, Scope, Store, StoreError};

fn notice(user: UserId, org: OrgId, topic: NoticeTopic, key: &str, secs: i64) -> Notice {
    Notice {
        id: new_id(NoticeId::new_at),
        user,
        org,
        topic,
        title: format!("Notice {key}"),
        body: "Body".into(),
        link: "/alerts".into(),
        created_at: at(secs),
        read_at: None,
        key: key.into(),
    }
}

fn job(kind: JobKind, secs: i64) -> Job {
    Job {
        id: new_id(JobId::new_at),
        kind,
        payload: serde_json::json!({ "n": secs }),
        status: JobStatus::Queued,
        run_at: at(secs),
        attempts: 0,
        max_attempts: 5,
        lease_owner: None,
        lease_until: None,
        last_error: None,
        created_at: at(secs),
    }
}

pub async fn notices_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "NT");
    let [_national, _region, _icb, a, b] = fx.small_tree().await?;
    let alice = user("notice-a")?;
    let bob = user("notice-b")?;
    store
        .create_user_with_grant(&alice, &grant(alice.id, Role::OrgMember, a.id, 10), &fx.meta(10))
        .await?;
    store
        .create_user_with_grant(&bob, &grant(bob.id, Role::OrgMember, b.id, 10), &fx.meta(10))
        .await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    // Written twice (a rerun), kept once per person and key.
    let n1 = notice(alice.id, a.id, NoticeTopic::AlertCritical, "k1", 100);
    let n2 = notice(alice.id, a.id, NoticeTopic::AlertLow, "k2", 200);
    let n3 = notice(alice.id, b.id, NoticeTopic::Reminder, "k3", 300);
    let nb = notice(bob.id, b.id, NoticeTopic::AlertCritical, "k1", 100);
    check_eq!(
        store
            .add_notices(&[n1.clone(), n2.clone(), n3.clone(), nb.clone()])
            .await?,
        4,
        "four added"
    );
    let again = Notice {
        id: new_id(NoticeId::new_at),
        ..n1.clone()
    };
    check_eq!(store.add_notices(&[again]).await?, 0, "the same key again");

    // Read only by its person, for the organisations named, newest first.
    check_eq!(
        store.notices_of(alice.id, &[a.id], 10).await?,
        vec![n2.clone(), n1.clone()],
        "Alice at A"
    );
    check_eq!(store.unread_notices(alice.id, &[a.id]).await?, 2, "two unread");
    check_eq!(
        store.notices_of(alice.id, &[], 10).await?.len(),
        0,
        "no organisation: nothing"
    );
    check_eq!(
        store.notices_of(bob.id, &[b.id], 10).await?,
        vec![nb.clone()],
        "Bob"
    );

    // Marking read: audited once; another person's notice, or one outside the organisations named,
    // is not found.
    check_err!(
        store
            .mark_notice_read(bob.id, &[a.id, b.id], n1.id, &fx.meta(400))
            .await,
        StoreError::NotFound { .. },
        "Bob marking Alice's notice"
    );
    check_err!(
        store
            .mark_notice_read(alice.id, &[b.id], n1.id, &fx.meta(400))
            .await,
        StoreError::NotFound { .. },
        "Alice without her role at A"
    );
    let read = store
        .mark_notice_read(alice.id, &[a.id], n1.id, &fx.meta(400))
        .await?;
    check_eq!(read.read_at, Some(at(400)), "read at");
    store
        .mark_notice_read(alice.id, &[a.id], n1.id, &fx.meta(401))
        .await?;
    cursor
        .expect(&store, "one read", &[("notice.read", Some(a.id))])
        .await?;
    check_eq!(
        store
            .mark_all_notices_read(alice.id, &[a.id], &fx.meta(402))
            .await?,
        1,
        "the rest at A"
    );
    check_eq!(
        store.unread_notices(alice.id, &[a.id, b.id]).await?,
        1,
        "B's still unread"
    );
    check_eq!(store.unread_notices(bob.id, &[b.id]).await?, 1, "Bob's untouched");
    cursor
        .expect(&store, "read all", &[("notice.read_all", None)])
        .await?;

    // Preferences replace and read back, audited.
    check_eq!(
        store.notice_preferences(alice.id).await?,
        Preferences::default(),
        "none chosen"
    );
    let mut prefs = Preferences::default();
    prefs.channels.insert(NoticeTopic::AlertLow, Channel::Digest);
    prefs.channels.insert(NoticeTopic::AlertHigh, Channel::InApp);
    store
        .set_notice_preferences(alice.id, &prefs, &fx.meta(500))
        .await?;
    check_eq!(store.notice_preferences(alice.id).await?, prefs, "read back");
    let mut fewer = Preferences::default();
    fewer.channels.insert(NoticeTopic::AlertLow, Channel::Digest);
    store
        .set_notice_preferences(alice.id, &fewer, &fx.meta(501))
        .await?;
    check_eq!(store.notice_preferences(alice.id).await?, fewer, "replaced");
    let both = store.notice_preferences_of(&[alice.id, bob.id]).await?;
    check_eq!(both.get(&alice.id), Some(&fewer), "Alice's in the batch");
    check_eq!(both.get(&bob.id), None, "Bob has none");
    check_eq!(
        store.digest_users().await?.contains(&alice.id),
        true,
        "Alice wants a digest"
    );
    cursor
        .expect(
            &store,
            "preferences",
            &[("notice.preferences", None), ("notice.preferences", None)],
        )
        .await?;

    // The digest's notices: her digest topics, in the window, oldest first.
    check_eq!(
        store
            .notices_between(alice.id, &[a.id, b.id], &[NoticeTopic::AlertLow], at(0), at(1000))
            .await?
            .iter()
            .map(|n| n.id)
            .collect::<Vec<_>>(),
        vec![n2.id],
        "the low alert only"
    );
    check_eq!(
        store
            .notices_between(alice.id, &[a.id], &[NoticeTopic::AlertLow], at(0), at(200))
            .await?
            .len(),
        0,
        "the window's end is open"
    );

    // One digest per person per day, even from two writers at once.
    let day = jiff::civil::date(2026, 6, 2);
    let claim = DigestClaim {
        user: alice.id,
        day,
        org: a.id,
        notices: 1,
    };
    let (j1, j2) = (job(JobKind::NotifyDigest, 600), job(JobKind::NotifyDigest, 600));
    let meta = fx.meta(600);
    let (s1, s2) = (store.clone(), store.clone());
    let (c1, c2) = (claim.clone(), claim.clone());
    let (m1, m2) = (meta.clone(), meta.clone());
    let (r1, r2) = tokio::join!(async move { s1.claim_digest(&c1, &j1, &m1).await }, async move {
        s2.claim_digest(&c2, &j2, &m2).await
    });
    let (r1, r2) = (r1?, r2?);
    check_eq!(u8::from(r1) + u8::from(r2), 1, "one of two racing claims wins");
    let third = job(JobKind::NotifyDigest, 601);
    check_eq!(
        store.claim_digest(&claim, &third, &fx.meta(601)).await?,
        false,
        "a rerun"
    );
    check_err!(
        store.get_job(third.id).await,
        StoreError::NotFound { .. },
        "the rerun queued nothing"
    );
    cursor
        .expect(&store, "digest", &[("notice.digest", Some(a.id))])
        .await?;

    // A reminder that gave up is kept with no alert, named by its job, listed inside scope.
    let dead = DeadDelivery {
        job: new_id(JobId::new_at),
        kind: JobKind::NotifyCertificate,
        about: DeliveryAbout::CertificateReminder,
        alert: None,
        org: a.id,
        recipient: format!("user {}", alice.id),
        payload: serde_json::json!({ "user": alice.id }),
        error: "SMTP delivery failed".into(),
        attempts: 5,
        died_at: at(700),
        replayed_at: None,
        replayed_by: None,
        replay_job: None,
    };
    store.record_dead_delivery(&dead, &fx.meta(700)).await?;
    check_eq!(
        store.dead_deliveries(&Scope::subtree(a.id)).await?,
        vec![dead.clone()],
        "listed at A"
    );
    check_eq!(
        store.dead_deliveries(&Scope::subtree(b.id)).await?.len(),
        0,
        "not at B"
    );
    let records = cursor
        .expect(&store, "dead", &[("certificate.reminder.dead", Some(a.id))])
        .await?;
    check_eq!(
        records[0].event.entity_id,
        dead.job.to_string(),
        "named by its job"
    );
    let replay = job(JobKind::NotifyEmail, 800);
    let done = store
        .replay_dead_delivery(&Scope::subtree(a.id), dead.job, &replay, &fx.meta(800))
        .await?;
    check_eq!(done.replay_job, Some(replay.id), "replayed");
    check_eq!(
        store.get_job(replay.id).await?.kind,
        JobKind::NotifyCertificate,
        "as the job it was"
    );
    cursor
        .expect(&store, "replay", &[("delivery.replay", Some(a.id))])
        .await?;
    Ok(())
}
