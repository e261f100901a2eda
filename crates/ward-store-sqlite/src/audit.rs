//! The audit trail lives in `ward_store::sql::audit`, once for both backends; these wrappers let
//! SQLite code that still holds a bare connection append inside its transaction.

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use ward_core::audit::{AuditEvent, AuditRecord, SignedHead};
use ward_store::{PageRequest, StoreKeys, StoreResult};

use crate::exec::SqliteExec;

/// Append `event` to the chain on `conn`, which must be inside the write transaction that makes
/// the change the event describes.
pub(crate) async fn append(
    conn: &mut SqliteConnection,
    keys: &StoreKeys,
    event: &AuditEvent,
) -> StoreResult<AuditRecord> {
    ward_store::sql::audit::append(&mut SqliteExec(conn), keys, event.clone()).await
}

/// Store the signed head (in the caller's transaction).
pub(crate) async fn write_head(conn: &mut SqliteConnection, head: &SignedHead) -> StoreResult<()> {
    ward_store::sql::audit::write_head(&mut SqliteExec(conn), head).await
}

/// Push an ORDER BY clause and the page's LIMIT/OFFSET.
pub(crate) fn push_page(qb: &mut QueryBuilder<Sqlite>, order_by: &str, page: PageRequest) {
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    qb.push(order_by);
    qb.push(" LIMIT ").push_bind(i64::from(page.clamped_limit()));
    qb.push(" OFFSET ").push_bind(offset);
}
