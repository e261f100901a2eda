//! What a backend provides so that the storage traits can be implemented once, in `ward-store`,
//! for every backend: a way to read, a way to write in a transaction, and its keys.

use async_trait::async_trait;

use super::Exec;
use crate::{StoreKeys, StoreResult};

/// A write transaction: statements run through [`Exec`]; nothing is kept unless it commits.
#[async_trait]
pub trait Tx: Exec {
    async fn commit(self) -> StoreResult<()>;
}

/// A SQL backend. Every storage trait implemented in [`crate::sql`] is implemented for every
/// type that implements this one; a backend implements by hand only what really differs between
/// engines (bulk loads, text search, backups, migrations).
#[async_trait]
pub trait SqlBackend: Send + Sync + 'static {
    /// A pooled connection for reads.
    type Read: Exec + Send + 'static;
    /// A write transaction (on SQLite, on the single writer connection).
    type Write: Tx + Send + 'static;

    async fn read(&self) -> StoreResult<Self::Read>;
    async fn write(&self) -> StoreResult<Self::Write>;
    /// The audit chain's and backups' keys.
    fn keys(&self) -> &StoreKeys;
}
