//! The audit trail lives in `ward_store::sql::audit`, once for both backends; these wrappers let
//! PostgreSQL code that still holds a bare connection append inside its transaction.

use sqlx::PgConnection;
use ward_core::audit::{AuditEvent, AuditRecord, SignedHead};
use ward_store::{StoreKeys, StoreResult};

use crate::exec::PgExec;

/// Append one event inside the caller's transaction.
pub(crate) async fn append_event(
    conn: &mut PgConnection,
    keys: &StoreKeys,
    event: AuditEvent,
) -> StoreResult<AuditRecord> {
    ward_store::sql::audit::append(&mut PgExec(conn), keys, event).await
}

/// Store the signed head (in the caller's transaction, during a restore).
pub(crate) async fn write_head(conn: &mut PgConnection, head: &SignedHead) -> StoreResult<()> {
    ward_store::sql::audit::write_head(&mut PgExec(conn), head).await
}
