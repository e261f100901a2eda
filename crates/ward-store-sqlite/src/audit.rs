//! The audit trail: appending chained records inside the caller's transaction, and reading them.

use crate::SqliteStore;
use crate::codec::{DbResult, get, get_parsed_opt, get_ts, to_u64, ts};
use crate::scope;
use async_trait::async_trait;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use ward_core::audit::{AuditActor, AuditEvent, AuditRecord, SignedHead};
use ward_store::keys::{SELECT_HEAD_SQL, UPSERT_HEAD_SQL_SQLITE};
use ward_store::{AuditStore, Page, PageRequest, Scope, StoreError, StoreKeys, StoreResult};

/// Most records one `audit_page` call returns.
const MAX_AUDIT_PAGE: u32 = 10_000;

const RECORD_COLUMNS: &str = "seq, at, actor_principal, actor_role, actor_org, action, entity, entity_id, org_id, \
     before_digest, after_digest, detail, request_id, prev_hash, hash";

/// Append `event` to the chain on `conn`, which must be inside the write transaction that makes
/// the change the event describes: link it to the signed head, insert it and sign the new head.
pub(crate) async fn append(
    conn: &mut SqliteConnection,
    keys: &StoreKeys,
    event: &AuditEvent,
) -> StoreResult<AuditRecord> {
    let last = chain_start(conn, keys).await?;
    let (mut records, head) = keys.audit.chain_events(last, [event.clone()]);
    let record = records
        .pop()
        .ok_or_else(|| StoreError::Backend("audit record".into()))?;
    insert_record(conn, &record).await?;
    if let Some(h) = head {
        write_head(conn, &h).await?;
    }
    Ok(record)
}

/// Where the next record links, from the signed head (the rule is `StoreKeys::chain_start`).
async fn chain_start(conn: &mut SqliteConnection, keys: &StoreKeys) -> StoreResult<Option<(i64, String)>> {
    let head = read_head(conn).await?;
    let has_records = if head.is_none() {
        sqlx::query_scalar::<_, i64>("SELECT EXISTS (SELECT 1 FROM audit_log)")
            .fetch_one(&mut *conn)
            .await
            .db()?
            != 0
    } else {
        false
    };
    keys.chain_start(head, || has_records)
}

async fn read_head(conn: &mut SqliteConnection) -> StoreResult<Option<SignedHead>> {
    let row = sqlx::query(SELECT_HEAD_SQL)
        .fetch_optional(&mut *conn)
        .await
        .db()?;
    row.map(|r| {
        Ok(SignedHead {
            seq: get(&r, "seq")?,
            hash: get(&r, "hash")?,
            mac: get(&r, "mac")?,
        })
    })
    .transpose()
}

/// Store the signed head (in the caller's transaction).
pub(crate) async fn write_head(conn: &mut SqliteConnection, head: &SignedHead) -> StoreResult<()> {
    sqlx::query(UPSERT_HEAD_SQL_SQLITE)
        .bind(head.seq)
        .bind(&head.hash)
        .bind(&head.mac)
        .execute(&mut *conn)
        .await
        .db()?;
    Ok(())
}

async fn insert_record(conn: &mut SqliteConnection, record: &AuditRecord) -> StoreResult<()> {
    let event = &record.event;
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_principal, actor_role, actor_org, action, entity, entity_id, \
         org_id, before_digest, after_digest, detail, request_id, prev_hash, hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(record.seq)
    .bind(ts(event.at))
    .bind(&event.actor.principal)
    .bind(event.actor.role.map(|r| r.as_str()))
    .bind(event.actor.acting_org.map(|o| o.to_string()))
    .bind(&event.action)
    .bind(&event.entity)
    .bind(&event.entity_id)
    .bind(event.org.map(|o| o.to_string()))
    .bind(&event.before)
    .bind(&event.after)
    .bind(&event.detail)
    .bind(&event.request_id)
    .bind(&record.prev_hash)
    .bind(&record.hash)
    .execute(&mut *conn)
    .await
    .db()?;
    Ok(())
}

fn record_from_row(row: &SqliteRow) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        seq: get(row, "seq")?,
        event: AuditEvent {
            at: get_ts(row, "at")?,
            actor: AuditActor {
                principal: get(row, "actor_principal")?,
                role: get_parsed_opt(row, "actor_role")?,
                acting_org: get_parsed_opt(row, "actor_org")?,
            },
            action: get(row, "action")?,
            entity: get(row, "entity")?,
            entity_id: get(row, "entity_id")?,
            org: get_parsed_opt(row, "org_id")?,
            before: get(row, "before_digest")?,
            after: get(row, "after_digest")?,
            detail: get(row, "detail")?,
            request_id: get(row, "request_id")?,
        },
        prev_hash: get(row, "prev_hash")?,
        hash: get(row, "hash")?,
    })
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<AuditRecord> {
        let mut tx = self.begin_write().await?;
        let record = append(&mut tx, &self.keys, event).await?;
        tx.commit().await.db()?;
        Ok(record)
    }

    async fn audit_head(&self) -> StoreResult<Option<SignedHead>> {
        let mut conn = self.read.acquire().await.db()?;
        read_head(&mut conn).await
    }

    async fn audit_page(&self, from: i64, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        let limit = limit.min(MAX_AUDIT_PAGE);
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT ");
        qb.push(RECORD_COLUMNS).push(" FROM audit_log WHERE seq >= ");
        qb.push_bind(from)
            .push(" ORDER BY seq LIMIT ")
            .push_bind(i64::from(limit));
        let rows = qb.build().fetch_all(&self.read).await.db()?;
        rows.iter().map(record_from_row).collect()
    }

    async fn audit_for_scope(&self, scope: &Scope, page: PageRequest) -> StoreResult<Page<AuditRecord>> {
        let mut conn = self.read.acquire().await.db()?;
        let scoped = |qb: &mut QueryBuilder<Sqlite>| {
            qb.push(" FROM audit_log WHERE 1");
            if !matches!(scope, Scope::All) {
                qb.push(" AND org_id IS NOT NULL");
            }
            scope::push_filter(qb, scope, "org_id");
        };
        let mut count = QueryBuilder::new("");
        scope::push_with(&mut count, scope);
        count.push("SELECT count(*)");
        scoped(&mut count);
        let total: i64 = count.build_query_scalar().fetch_one(&mut *conn).await.db()?;

        let mut qb = QueryBuilder::new("");
        scope::push_with(&mut qb, scope);
        qb.push("SELECT ").push(RECORD_COLUMNS);
        scoped(&mut qb);
        push_page(&mut qb, " ORDER BY seq DESC", page);
        let rows = qb.build().fetch_all(&mut *conn).await.db()?;
        let items = rows
            .iter()
            .map(record_from_row)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(Page {
            items,
            total: to_u64("count", total)?,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }
}

/// Push an ORDER BY clause and the page's LIMIT/OFFSET.
pub(crate) fn push_page(qb: &mut QueryBuilder<Sqlite>, order_by: &str, page: PageRequest) {
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    qb.push(order_by);
    qb.push(" LIMIT ").push_bind(i64::from(page.clamped_limit()));
    qb.push(" OFFSET ").push_bind(offset);
}
