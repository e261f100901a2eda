use std::sync::Arc;

use crate::support::*;
use ward_core::audit::{AuditActor, AuditEvent, ChainVerifier, GENESIS_HASH};
use ward_store::{AuditFilter, AuditStore, OrgStore, PageRequest, Scope};

fn event(n: usize, org: Option<ward_core::OrgId>) -> AuditEvent {
    AuditEvent {
        // Nanoseconds must not leak into the hash: the stored time is in microseconds.
        at: jiff::Timestamp::from_nanosecond(1_750_000_000_123_456_789 + n as i128).unwrap(),
        actor: AuditActor {
            principal: format!("user:{n}"),
            role: Some(ward_core::role::Role::OrgAdmin),
            acting_org: org,
        },
        action: "session.sign_in".into(),
        entity: "user".into(),
        entity_id: n.to_string(),
        org,
        before: None,
        after: None,
        detail: Some(format!("attempt {n}")),
        request_id: None,
    }
}

async fn verify_all(s: &dyn AuditStore) -> u64 {
    let mut v = ChainVerifier::new(ward_core::audit::AuditKeys::new(&crate::support::test_key()));
    loop {
        let page = s.audit_page(v.next_seq(), 37).await.unwrap();
        if page.is_empty() {
            return v.checked();
        }
        for r in &page {
            v.check(r).unwrap_or_else(|e| panic!("chain broken: {e}"));
        }
    }
}

#[tokio::test]
async fn the_chain_starts_at_genesis_and_round_trips() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    let first = s.append_audit(&event(1, Some(oid(4)))).await.unwrap();
    assert_eq!((first.seq, first.prev_hash.as_str()), (1, GENESIS_HASH));
    let second = s.append_audit(&event(2, None)).await.unwrap();
    assert_eq!((second.seq, &second.prev_hash), (2, &first.hash));
    let stored = s.audit_page(1, 10).await.unwrap();
    assert_eq!(stored, vec![first, second]);
    assert_eq!(verify_all(s).await, 2);
}

#[tokio::test]
async fn concurrent_appenders_on_two_servers_never_fork_the_chain() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let a = Arc::new(db.store.clone());
    let b = Arc::new(db.second_server().await);
    let mut tasks = Vec::new();
    for t in 0..8usize {
        let s = if t % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                s.append_audit(&event(t * 100 + i, None)).await.unwrap();
            }
        }));
    }
    // Changes audited in their own transactions interleave with the standalone appends.
    let orgs = a.clone();
    tasks.push(tokio::spawn(async move {
        orgs.upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
            .await
            .unwrap();
    }));
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(verify_all(a.as_ref()).await, 8 * 25 + 8);
    b.pool().close().await;
}

#[tokio::test]
async fn scoped_audit_shows_only_records_about_the_subtree() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    s.upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    s.append_audit(&event(1, None)).await.unwrap();
    let page = s
        .audit_for_scope(
            &Scope::subtree(oid(3)),
            &AuditFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(page.total, 3, "the ICB and its two trusts");
    assert!(page.items.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let all = s
        .audit_for_scope(
            &Scope::All,
            &AuditFilter::default(),
            PageRequest { offset: 0, limit: 2 },
        )
        .await
        .unwrap();
    assert_eq!((all.total, all.items.len()), (9, 2));
    assert_eq!(all.items[0].seq, 9);
}
