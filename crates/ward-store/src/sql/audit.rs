//! The audit trail, once for both backends: appending chained records inside the caller's
//! transaction (the chain rule is [`StoreKeys::chain_start`] and `chain_events`), and reading it.

use async_trait::async_trait;
use ward_core::audit::{AuditActor, AuditEvent, AuditRecord, SignedHead};

use super::{Dialect, Exec, RowRead, Sql, SqlBackend, Tx};
use crate::{AuditFilter, AuditStore, Page, PageRequest, Scope, StoreError, StoreKeys, StoreResult};

/// The advisory lock that serialises audit appenders across PostgreSQL servers ("wardaudt" in
/// ASCII). SQLite needs none: every write transaction holds the database's one write lock.
const AUDIT_LOCK_KEY: i64 = 0x7761_7264_6175_6474;
/// Most records one `audit_page` call returns.
const MAX_AUDIT_PAGE: u32 = 10_000;

const RECORD_COLUMNS: &str = "seq, at, actor_principal, actor_role, actor_org, action, entity, entity_id, \
     org_id, before_digest, after_digest, detail, request_id, prev_hash, hash";

/// Append `events` in order to the chain inside the caller's write transaction, and sign the new
/// head. Call it as the last step before commit, so the PostgreSQL lock is held briefly.
pub async fn append_events<E: Exec + ?Sized>(
    db: &mut E,
    keys: &StoreKeys,
    events: Vec<AuditEvent>,
) -> StoreResult<Vec<AuditRecord>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    if db.dialect() == Dialect::Postgres {
        // Separate statements after this one take their snapshot after the lock, so they see
        // the previous holder's commit.
        db.execute(Sql::new("SELECT pg_advisory_xact_lock($1)").arg(AUDIT_LOCK_KEY))
            .await?;
    }
    let head = read_head(db).await?;
    let has_records = if head.is_none() {
        db.fetch_one(Sql::new(
            "SELECT CASE WHEN EXISTS (SELECT 1 FROM audit_log) THEN 1 ELSE 0 END AS n",
        ))
        .await?
        .i64("n")?
            != 0
    } else {
        false
    };
    let last = keys.chain_start(head, || has_records)?;
    let (records, head) = keys.audit.chain_events(last, events);
    insert_records(db, &records).await?;
    if let Some(h) = head {
        write_head(db, &h).await?;
    }
    Ok(records)
}

/// Append one event inside the caller's write transaction.
pub async fn append<E: Exec + ?Sized>(
    db: &mut E,
    keys: &StoreKeys,
    event: AuditEvent,
) -> StoreResult<AuditRecord> {
    append_events(db, keys, vec![event])
        .await?
        .pop()
        .ok_or_else(|| StoreError::Backend("no audit record was written".into()))
}

pub async fn read_head<E: Exec + ?Sized>(db: &mut E) -> StoreResult<Option<SignedHead>> {
    let row = db
        .fetch_optional(Sql::new("SELECT seq, hash, mac FROM audit_head WHERE id = 1"))
        .await?;
    row.map(|r| {
        Ok(SignedHead {
            seq: r.i64("seq")?,
            hash: r.text("hash")?,
            mac: r.text("mac")?,
        })
    })
    .transpose()
}

/// Store the signed head (in the caller's transaction: an append, or a restore).
pub async fn write_head<E: Exec + ?Sized>(db: &mut E, head: &SignedHead) -> StoreResult<()> {
    db.execute(
        Sql::new(
            "INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac",
        )
        .arg(head.seq)
        .arg(&head.hash)
        .arg(&head.mac),
    )
    .await?;
    Ok(())
}

/// Records per multi-row INSERT (15 values each, well under both engines' parameter limits).
const INSERT_ROWS: usize = 500;

/// Insert already-chained records as they are, many per statement.
pub async fn insert_records<E: Exec + ?Sized>(db: &mut E, records: &[AuditRecord]) -> StoreResult<()> {
    for chunk in records.chunks(INSERT_ROWS) {
        let mut q = Sql::new(
            "INSERT INTO audit_log (seq, at, actor_principal, actor_role, actor_org, action, entity, \
             entity_id, org_id, before_digest, after_digest, detail, request_id, prev_hash, hash) VALUES ",
        );
        for (i, record) in chunk.iter().enumerate() {
            let e = &record.event;
            q.push(if i == 0 { "(" } else { ", (" });
            q.bind(record.seq).push(", ").bind(e.at).push(", ");
            q.bind(&e.actor.principal).push(", ");
            q.bind(e.actor.role.map(|r| r.as_str())).push(", ");
            q.bind(e.actor.acting_org).push(", ");
            q.bind(&e.action)
                .push(", ")
                .bind(&e.entity)
                .push(", ")
                .bind(&e.entity_id)
                .push(", ");
            q.bind(e.org).push(", ");
            q.bind(e.before.as_deref())
                .push(", ")
                .bind(e.after.as_deref())
                .push(", ");
            q.bind(e.detail.as_deref())
                .push(", ")
                .bind(e.request_id.as_deref())
                .push(", ");
            q.bind(&record.prev_hash).push(", ").bind(&record.hash).push(")");
        }
        db.execute(q).await?;
    }
    Ok(())
}

/// One stored record.
pub fn record_from_row<R: RowRead>(row: &R) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        seq: row.i64("seq")?,
        event: AuditEvent {
            at: row.ts("at")?,
            actor: AuditActor {
                principal: row.text("actor_principal")?,
                role: row.opt_parsed("actor_role")?,
                acting_org: row.opt_id("actor_org")?,
            },
            action: row.text("action")?,
            entity: row.text("entity")?,
            entity_id: row.text("entity_id")?,
            org: row.opt_id("org_id")?,
            before: row.opt_text("before_digest")?,
            after: row.opt_text("after_digest")?,
            detail: row.opt_text("detail")?,
            request_id: row.opt_text("request_id")?,
        },
        prev_hash: row.text("prev_hash")?,
        hash: row.text("hash")?,
    })
}

/// Narrow `q` (a query over `audit_log` with a `WHERE`) to the records `filter` admits.
fn filter_records(q: &mut Sql, filter: &AuditFilter) {
    if let Some(action) = &filter.action {
        // The action itself, or any action on the entity it names (`user` admits `user.create`).
        // The prefix is compared by length so that `_` and `%` in it are only characters.
        let prefix = format!("{action}.");
        q.push(" AND (action = ")
            .bind(action.as_str())
            .push(&format!(" OR substr(action, 1, {}) = ", prefix.chars().count()))
            .bind(prefix)
            .push(")");
    }
    if let Some(actor) = &filter.actor {
        q.push(" AND actor_principal = ").bind(actor.as_str());
    }
    if let Some(from) = filter.from {
        q.push(" AND at >= ").bind(from);
    }
    if let Some(before) = filter.before {
        q.push(" AND at < ").bind(before);
    }
}

#[async_trait]
impl<B: SqlBackend> AuditStore for B {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<AuditRecord> {
        let mut tx = self.write().await?;
        let record = append(&mut tx, self.keys(), event.clone()).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn audit_head(&self) -> StoreResult<Option<SignedHead>> {
        read_head(&mut self.read().await?).await
    }

    async fn audit_page(&self, from: i64, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        let q = Sql::new(format!(
            "SELECT {RECORD_COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2"
        ))
        .arg(from)
        .arg(limit.min(MAX_AUDIT_PAGE));
        let rows = self.read().await?.fetch_all(q).await?;
        rows.iter().map(record_from_row).collect()
    }

    async fn audit_for_scope(
        &self,
        scope: &Scope,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditRecord>> {
        let mut db = self.read().await?;
        // Under `Scope::All` every record is visible, including those about no organisation.
        let mut count = Sql::new("SELECT count(*) AS n FROM audit_log WHERE 1 = 1");
        db.scope_filter(&mut count, scope, "org_id");
        filter_records(&mut count, filter);
        let total = db.fetch_one(count).await?.u64("n")?;
        let mut q = Sql::new(format!("SELECT {RECORD_COLUMNS} FROM audit_log WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        filter_records(&mut q, filter);
        q.push(" ORDER BY seq DESC LIMIT ")
            .bind(page.clamped_limit())
            .push(" OFFSET ")
            .bind(i64::try_from(page.offset).unwrap_or(i64::MAX));
        let rows = db.fetch_all(q).await?;
        Ok(Page {
            items: rows.iter().map(record_from_row).collect::<StoreResult<_>>()?,
            total,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }

    async fn audit_actions(&self, scope: &Scope) -> StoreResult<Vec<String>> {
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT DISTINCT action FROM audit_log WHERE 1 = 1");
        db.scope_filter(&mut q, scope, "org_id");
        q.push(" ORDER BY action");
        db.fetch_all(q).await?.iter().map(|r| r.text("action")).collect()
    }
}
