//! The audit trail: standalone appends, chaining, scoped reads, and whole-chain verification.

use super::fixtures::{AuditCursor, Fixture, at};
use crate::check_eq;
use jiff::SignedDuration;
use std::sync::Arc;
use ward_core::audit::{
    AuditActor, AuditEvent, AuditKeys, ChainBreak, ChainVerifier, GENESIS_HASH, digest_json,
};
use ward_core::clock::truncate_to_micros;
use ward_core::role::Role;
use ward_store::{AuditFilter, PageRequest, Scope, Store};

/// Records fetched per `audit_page` call while verifying.
const VERIFY_PAGE: u32 = 500;

/// Replay the whole chain through [`ChainVerifier`]: the first break, or the number of records.
pub async fn chain_break(store: &Arc<dyn Store>) -> anyhow::Result<Result<u64, ChainBreak>> {
    let mut verifier = ChainVerifier::new(AuditKeys::new(&crate::db::test_key()));
    loop {
        let page = store.audit_page(verifier.next_seq(), VERIFY_PAGE).await?;
        if page.is_empty() {
            // The chain must end exactly at its signed head.
            let head = store.audit_head().await?;
            return Ok(verifier.finish(head.as_ref()).map(|()| verifier.checked()));
        }
        for record in &page {
            if let Err(e) = verifier.check(record) {
                return Ok(Err(e));
            }
        }
    }
}

/// Verify the whole chain; the number of records checked.
pub async fn verify_chain(store: &Arc<dyn Store>) -> anyhow::Result<u64> {
    match chain_break(store).await? {
        Ok(n) => Ok(n),
        Err(e) => anyhow::bail!("audit chain broken: {e}"),
    }
}

/// Standalone appends chain onto the trail, keep every field, and are read back by scope.
pub async fn audit_records_every_change(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "AU");
    let [_n, _r, icb, a, b] = fx.small_tree().await?;
    let mut cursor = AuditCursor::at_end(&store).await?;
    let last = store
        .audit_for_scope(
            &Scope::All,
            &AuditFilter::default(),
            PageRequest { offset: 0, limit: 1 },
        )
        .await?
        .items
        .into_iter()
        .next();

    // A timestamp finer than a microsecond is kept to the microsecond.
    let fine = at(80).checked_add(SignedDuration::from_nanos(789))?;
    let event = AuditEvent {
        at: fine,
        actor: AuditActor {
            principal: "user:auditor".into(),
            role: Some(Role::Auditor),
            acting_org: Some(icb.id),
        },
        action: "export.csv".into(),
        entity: "asset".into(),
        entity_id: "assets-2025-06.csv".into(),
        org: Some(a.id),
        before: None,
        after: Some(digest_json(&"rows")),
        detail: Some("412 rows".into()),
        request_id: Some("req-audit-1".into()),
    };
    let record = store.append_audit(&event).await?;
    let (prev_seq, prev_hash) = last.map_or((0, GENESIS_HASH.to_owned()), |r| (r.seq, r.hash));
    check_eq!(record.seq, prev_seq + 1, "appended seq");
    check_eq!(record.prev_hash, prev_hash, "appended prev_hash");
    let stored_event = AuditEvent {
        at: truncate_to_micros(fine),
        ..event.clone()
    };
    check_eq!(record.event, stored_event, "appended event");
    check_eq!(
        record.hash,
        AuditKeys::new(&crate::db::test_key()).chain_hash(&record.prev_hash, record.seq, &stored_event),
        "appended hash"
    );
    let read = cursor.take(&store).await?;
    check_eq!(
        read,
        vec![record.clone()],
        "audit_page returns the record as appended"
    );

    let second = AuditEvent {
        org: Some(b.id),
        actor: AuditActor::system("probe"),
        action: "sign_in.denied".into(),
        ..event
    };
    let r2 = store.append_audit(&second).await?;
    check_eq!(r2.prev_hash, record.hash, "second record links to the first");

    let in_a = store
        .audit_for_scope(
            &Scope::subtree(a.id),
            &AuditFilter::default(),
            PageRequest {
                offset: 0,
                limit: 1000,
            },
        )
        .await?;
    check_eq!(
        in_a.items.first().map(|r| r.seq),
        Some(record.seq),
        "newest record about A first"
    );
    if in_a.items.iter().any(|r| r.event.org != Some(a.id)) {
        anyhow::bail!("audit_for_scope(A) shows records about other organisations");
    }
    let in_icb = store
        .audit_for_scope(
            &Scope::subtree(icb.id),
            &AuditFilter::default(),
            PageRequest { offset: 0, limit: 1 },
        )
        .await?;
    check_eq!(
        in_icb.items.first().map(|r| r.seq),
        Some(r2.seq),
        "newest record in the ICB first"
    );
    let full = store
        .audit_for_scope(
            &Scope::subtree(icb.id),
            &AuditFilter::default(),
            PageRequest {
                offset: 0,
                limit: 1000,
            },
        )
        .await?;
    check_eq!(in_icb.total, full.items.len() as u64, "audit_for_scope total");
    let page2 = store
        .audit_for_scope(
            &Scope::subtree(icb.id),
            &AuditFilter::default(),
            PageRequest { offset: 1, limit: 1 },
        )
        .await?;
    check_eq!(
        page2.items.first().map(|r| r.seq),
        Some(record.seq),
        "second page of the ICB"
    );

    // Filters: by action (exact, or every action on an entity), by actor, by time.
    let icb_scope = Scope::subtree(icb.id);
    let seqs = |filter: AuditFilter| {
        let store = store.clone();
        let scope = icb_scope.clone();
        async move {
            let page = store
                .audit_for_scope(
                    &scope,
                    &filter,
                    PageRequest {
                        offset: 0,
                        limit: 1000,
                    },
                )
                .await?;
            anyhow::Ok((page.total, page.items.iter().map(|r| r.seq).collect::<Vec<_>>()))
        }
    };
    let action = |a: &str| AuditFilter {
        action: Some(a.into()),
        ..AuditFilter::default()
    };
    check_eq!(
        seqs(action("sign_in.denied")).await?,
        (1, vec![r2.seq]),
        "filter by action"
    );
    check_eq!(
        seqs(action("sign_in")).await?,
        (1, vec![r2.seq]),
        "filter by entity"
    );
    check_eq!(seqs(action("sign_in.de")).await?, (0, vec![]), "no partial words");
    check_eq!(seqs(action("sign%")).await?, (0, vec![]), "no wildcards");
    let by_auditor = seqs(AuditFilter {
        actor: Some("user:auditor".into()),
        ..AuditFilter::default()
    })
    .await?;
    check_eq!(by_auditor, (1, vec![record.seq]), "filter by actor");
    let at_or_after = AuditFilter {
        from: Some(truncate_to_micros(fine)),
        ..action("export")
    };
    check_eq!(
        seqs(at_or_after).await?,
        (1, vec![record.seq]),
        "from is inclusive"
    );
    let before = AuditFilter {
        before: Some(truncate_to_micros(fine)),
        ..action("export")
    };
    check_eq!(seqs(before).await?, (0, vec![]), "before is exclusive");
    let actions = store.audit_actions(&icb_scope).await?;
    if !(actions.contains(&"export.csv".to_owned()) && actions.contains(&"sign_in.denied".to_owned())) {
        anyhow::bail!("audit_actions misses actions in scope: {actions:?}");
    }
    let mut sorted = actions.clone();
    sorted.sort();
    sorted.dedup();
    check_eq!(actions, sorted, "audit_actions sorted and distinct");
    let in_a_actions = store.audit_actions(&Scope::subtree(a.id)).await?;
    if in_a_actions.contains(&"sign_in.denied".to_owned()) {
        anyhow::bail!("audit_actions shows an action about an organisation outside the scope");
    }

    let tail = store.audit_page(record.seq, 1).await?;
    check_eq!(tail.len(), 1, "audit_page limit");
    check_eq!(
        store.audit_page(r2.seq + 1, 10).await?.len(),
        0,
        "nothing after the end"
    );
    let everything = store
        .audit_for_scope(
            &Scope::All,
            &AuditFilter::default(),
            PageRequest { offset: 0, limit: 1 },
        )
        .await?;
    check_eq!(
        everything.total,
        u64::try_from(r2.seq)?,
        "Scope::All counts every record"
    );
    Ok(())
}

/// The whole trail verifies from the genesis hash.
pub async fn audit_chain_verifies(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let checked = verify_chain(&store).await?;
    let newest = store
        .audit_for_scope(
            &Scope::All,
            &AuditFilter::default(),
            PageRequest { offset: 0, limit: 1 },
        )
        .await?;
    check_eq!(checked, newest.total, "records verified");
    if checked == 0 {
        anyhow::bail!("the audit trail is empty after the contract's changes");
    }
    Ok(())
}
