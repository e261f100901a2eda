//! The hash-chained audit trail. Every change appends inside its own transaction: the appender takes
//! a transaction-scoped advisory lock, reads the last (seq, hash), chains the new records onto it and
//! inserts them; the lock is released at commit, so several servers never fork the chain.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};
use uuid::Uuid;
use ward_core::OrgId;
use ward_core::audit::{AuditActor, AuditEvent, AuditRecord, SignedHead};
use ward_core::role::Role;
use ward_store::keys::{SELECT_HEAD_SQL, UPSERT_HEAD_SQL_POSTGRES};
use ward_store::{AuditStore, Page, PageRequest, Scope, StoreKeys, StoreResult};

use crate::error::{corrupt, map_db_error};
use crate::rows::{col, from_micros, micros};
use crate::{PgStore, page_bounds, scope_binds};

/// The advisory lock key that serialises audit appenders ("wardaudt" in ASCII).
const AUDIT_LOCK_KEY: i64 = 0x7761_7264_6175_6474;
/// Most records one `audit_page` call returns.
const MAX_AUDIT_PAGE: u32 = 10_000;
/// Records per INSERT when appending many at once.
const INSERT_CHUNK: usize = 5_000;

/// Append `events` in order to the chain, inside the caller's transaction, and sign the new head.
/// Call it as the last step before commit so the lock is held briefly.
pub(crate) async fn append_events(
    conn: &mut PgConnection,
    keys: &StoreKeys,
    events: Vec<AuditEvent>,
) -> StoreResult<Vec<AuditRecord>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK_KEY)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    // Separate statements, so their snapshot is taken after the lock and sees the previous holder's commit.
    let head = read_head(conn).await?;
    let has_records = if head.is_none() {
        sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM audit_log)")
            .fetch_one(&mut *conn)
            .await
            .map_err(map_db_error)?
    } else {
        false
    };
    let last = keys.chain_start(head, || has_records)?;
    let (records, head) = keys.audit.chain_events(last, events);
    for chunk in records.chunks(INSERT_CHUNK) {
        insert_records(conn, chunk).await?;
    }
    if let Some(h) = head {
        write_head(conn, &h).await?;
    }
    Ok(records)
}

/// Append one event inside the caller's transaction.
pub(crate) async fn append_event(
    conn: &mut PgConnection,
    keys: &StoreKeys,
    event: AuditEvent,
) -> StoreResult<AuditRecord> {
    let mut recs = append_events(conn, keys, vec![event]).await?;
    recs.pop().ok_or_else(|| corrupt("audit record"))
}

async fn read_head(conn: &mut PgConnection) -> StoreResult<Option<SignedHead>> {
    let row = sqlx::query(SELECT_HEAD_SQL)
        .fetch_optional(&mut *conn)
        .await
        .map_err(map_db_error)?;
    row.map(|r| {
        Ok(SignedHead {
            seq: col(&r, "seq")?,
            hash: col(&r, "hash")?,
            mac: col(&r, "mac")?,
        })
    })
    .transpose()
}

/// Store the signed head (in the caller's transaction, under the audit lock or during a restore).
pub(crate) async fn write_head(conn: &mut PgConnection, head: &SignedHead) -> StoreResult<()> {
    sqlx::query(UPSERT_HEAD_SQL_POSTGRES)
        .bind(head.seq)
        .bind(&head.hash)
        .bind(&head.mac)
        .execute(&mut *conn)
        .await
        .map_err(map_db_error)?;
    Ok(())
}

/// Insert already-chained records as they are (also used by restore).
async fn insert_records(conn: &mut PgConnection, recs: &[AuditRecord]) -> StoreResult<()> {
    let mut seq = Vec::with_capacity(recs.len());
    let mut at = Vec::with_capacity(recs.len());
    let mut principal = Vec::with_capacity(recs.len());
    let mut role = Vec::with_capacity(recs.len());
    let mut actor_org = Vec::with_capacity(recs.len());
    let mut action = Vec::with_capacity(recs.len());
    let mut entity = Vec::with_capacity(recs.len());
    let mut entity_id = Vec::with_capacity(recs.len());
    let mut org = Vec::with_capacity(recs.len());
    let mut before = Vec::with_capacity(recs.len());
    let mut after = Vec::with_capacity(recs.len());
    let mut detail = Vec::with_capacity(recs.len());
    let mut request_id = Vec::with_capacity(recs.len());
    let mut prev_hash = Vec::with_capacity(recs.len());
    let mut hash = Vec::with_capacity(recs.len());
    for r in recs {
        let e = &r.event;
        seq.push(r.seq);
        at.push(micros(e.at));
        principal.push(e.actor.principal.clone());
        role.push(e.actor.role.map(|x| x.as_str().to_owned()));
        actor_org.push(e.actor.acting_org.map(|o| *o.as_uuid()));
        action.push(e.action.clone());
        entity.push(e.entity.clone());
        entity_id.push(e.entity_id.clone());
        org.push(e.org.map(|o| *o.as_uuid()));
        before.push(e.before.clone());
        after.push(e.after.clone());
        detail.push(e.detail.clone());
        request_id.push(e.request_id.clone());
        prev_hash.push(r.prev_hash.clone());
        hash.push(r.hash.clone());
    }
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_principal, actor_role, actor_org, action, entity, entity_id,
             org_id, before_digest, after_digest, detail, request_id, prev_hash, hash)
         SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::uuid[], $6::text[],
             $7::text[], $8::text[], $9::uuid[], $10::text[], $11::text[], $12::text[], $13::text[],
             $14::text[], $15::text[])",
    )
    .bind(seq)
    .bind(at)
    .bind(principal)
    .bind(role)
    .bind(actor_org)
    .bind(action)
    .bind(entity)
    .bind(entity_id)
    .bind(org)
    .bind(before)
    .bind(after)
    .bind(detail)
    .bind(request_id)
    .bind(prev_hash)
    .bind(hash)
    .execute(&mut *conn)
    .await
    .map_err(map_db_error)?;
    Ok(())
}

macro_rules! audit_columns {
    () => {
        "l.seq, l.at, l.actor_principal, l.actor_role, l.actor_org, l.action, l.entity, l.entity_id, \
         l.org_id, l.before_digest, l.after_digest, l.detail, l.request_id, l.prev_hash, l.hash"
    };
}

fn record_from_row(row: &PgRow) -> StoreResult<AuditRecord> {
    let role: Option<String> = col(row, "actor_role")?;
    let role = role
        .map(|r| r.parse::<Role>().map_err(|_| corrupt("audit actor role")))
        .transpose()?;
    Ok(AuditRecord {
        seq: col(row, "seq")?,
        event: AuditEvent {
            at: from_micros(col(row, "at")?)?,
            actor: AuditActor {
                principal: col(row, "actor_principal")?,
                role,
                acting_org: col::<Option<Uuid>>(row, "actor_org")?.map(OrgId::from_uuid),
            },
            action: col(row, "action")?,
            entity: col(row, "entity")?,
            entity_id: col(row, "entity_id")?,
            org: col::<Option<Uuid>>(row, "org_id")?.map(OrgId::from_uuid),
            before: col(row, "before_digest")?,
            after: col(row, "after_digest")?,
            detail: col(row, "detail")?,
            request_id: col(row, "request_id")?,
        },
        prev_hash: col(row, "prev_hash")?,
        hash: col(row, "hash")?,
    })
}

#[async_trait]
impl AuditStore for PgStore {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<AuditRecord> {
        let mut tx = self.pool.begin().await.map_err(map_db_error)?;
        let rec = append_event(&mut tx, &self.keys, event.clone()).await?;
        tx.commit().await.map_err(map_db_error)?;
        Ok(rec)
    }

    async fn audit_head(&self) -> StoreResult<Option<SignedHead>> {
        let mut conn = self.pool.acquire().await.map_err(map_db_error)?;
        read_head(&mut conn).await
    }

    async fn audit_page(&self, from: i64, limit: u32) -> StoreResult<Vec<AuditRecord>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            audit_columns!(),
            " FROM audit_log l WHERE l.seq >= $1 ORDER BY l.seq LIMIT $2"
        ))
        .bind(from)
        .bind(i64::from(limit.min(MAX_AUDIT_PAGE)))
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        rows.iter().map(record_from_row).collect()
    }

    async fn audit_for_scope(&self, scope: &Scope, page: PageRequest) -> StoreResult<Page<AuditRecord>> {
        let (mode, roots) = scope_binds(scope);
        let (limit, offset) = page_bounds(page);
        // Under `Scope::All` every record is visible, including those about no organisation.
        let total: i64 = sqlx::query(concat!(
            "SELECT count(*) AS n FROM audit_log l WHERE ",
            in_scope!("l.org_id")
        ))
        .bind(mode)
        .bind(&roots)
        .fetch_one(&self.pool)
        .await
        .map_err(map_db_error)?
        .try_get("n")
        .map_err(map_db_error)?;
        let rows = sqlx::query(concat!(
            "SELECT ",
            audit_columns!(),
            " FROM audit_log l WHERE ",
            in_scope!("l.org_id"),
            " ORDER BY l.seq DESC LIMIT $3 OFFSET $4"
        ))
        .bind(mode)
        .bind(&roots)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(map_db_error)?;
        Ok(Page {
            items: rows.iter().map(record_from_row).collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }
}
