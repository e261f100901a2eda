//! Ward's PostgreSQL backend, for regional and national deployments where several `ward serve`
//! processes share one database.
//!
//! * Runtime queries only (`sqlx::query` with binds); the schema lives in `migrations/` and is embedded.
//! * Every tenant-scoped query filters through the `ward_scope(mode, roots)` SQL function, which
//!   expands a [`Scope`] into organisation ids (a subtree is a range of `organisations.path`; see
//!   `rollups`).
//! * Every change appends its audit record in the same transaction; appenders serialise on a
//!   transaction-scoped advisory lock so the hash chain never forks across servers.
//! * Timestamps are stored as bigint microseconds, so they round-trip exactly.
//! * Backups are JSON lines in the backend-neutral format shared with `ward-store-sqlite`.
//!
//! Requires PostgreSQL 15 or later.

mod assets;
mod audit;
mod backup;
mod backup_format;
mod bulk;
mod copy;
mod error;
pub mod exec;
mod rows;
mod search;
mod sector;

use std::time::Duration;

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use ward_core::keys::InstanceKey;
use ward_store::{Scope, StoreKeys, StoreResult};

pub use error::map_db_error;

/// Connections per server process. Several servers share one database, so keep it modest.
const DEFAULT_POOL_SIZE: u32 = 16;
/// Ordinary statements that run longer than this are cancelled; bulk loads and backups lift it.
const STATEMENT_TIMEOUT: &str = "30s";
/// Statements slower than this are logged as a warning (sqlx's default of one second, at warning
/// level, turned every queued statement of a loaded server into a log line).
const SLOW_STATEMENT: Duration = Duration::from_secs(5);

/// Ward's store on PostgreSQL. Cheap to clone: it wraps a connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The audit chain's and backups' keys, derived from the instance key. Every server sharing
    /// the database must be given the same instance key.
    keys: StoreKeys,
}

impl PgStore {
    /// Connect to `url` (`postgres://user@host:port/db`) with a pool of [`DEFAULT_POOL_SIZE`]
    /// connections and a statement timeout. Does not migrate: call `AdminStore::migrate`. `key`
    /// keys the audit chain and backups: every server sharing the database must use the same one.
    pub async fn connect(url: &str, key: &InstanceKey) -> StoreResult<Self> {
        Self::connect_with_pool_size(url, DEFAULT_POOL_SIZE, key).await
    }

    /// Like [`PgStore::connect`] with an explicit pool size (at least 1).
    pub async fn connect_with_pool_size(
        url: &str,
        max_connections: u32,
        key: &InstanceKey,
    ) -> StoreResult<Self> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|_| ward_store::StoreError::Invalid("the PostgreSQL URL could not be parsed".into()))?;
        let options = options
            .application_name("ward")
            // No JIT: Ward's queries are short, and right after a bulk import (before autovacuum
            // has analysed the new rows) inflated estimates pushed a 1 ms page query over
            // `jit_above_cost`, spending 110 ms compiling it (a trust's asset list went from
            // thousands of requests a second to 26).
            .options([
                ("statement_timeout", STATEMENT_TIMEOUT),
                ("timezone", "UTC"),
                ("jit", "off"),
            ])
            .log_slow_statements(log::LevelFilter::Warn, SLOW_STATEMENT);
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(30))
            .idle_timeout(Duration::from_secs(600))
            .connect_with(options)
            .await
            .map_err(map_db_error)?;
        Ok(Self {
            pool,
            keys: StoreKeys::new(key),
        })
    }

    /// Wrap an existing pool (tests, tools).
    pub fn from_pool(pool: PgPool, key: &InstanceKey) -> Self {
        Self {
            pool,
            keys: StoreKeys::new(key),
        }
    }

    /// The underlying pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl ward_store::sql::SqlBackend for PgStore {
    type Read = exec::PgExec<sqlx::pool::PoolConnection<sqlx::Postgres>>;
    type Write = exec::PgExec<sqlx::Transaction<'static, sqlx::Postgres>>;

    async fn read(&self) -> StoreResult<Self::Read> {
        Ok(exec::PgExec(
            self.pool.acquire().await.map_err(ward_store::sql::db_error)?,
        ))
    }

    async fn write(&self) -> StoreResult<Self::Write> {
        Ok(exec::PgExec(
            self.pool.begin().await.map_err(ward_store::sql::db_error)?,
        ))
    }

    fn keys(&self) -> &StoreKeys {
        &self.keys
    }
}

/// The two bind values that describe a scope to `ward_scope($mode, $roots)`.
pub(crate) fn scope_binds(scope: &Scope) -> (&'static str, Vec<uuid::Uuid>) {
    match scope {
        Scope::All => ("all", Vec::new()),
        Scope::Subtrees(v) => ("subtrees", v.iter().map(|o| *o.as_uuid()).collect()),
        Scope::Orgs(v) => ("orgs", v.iter().map(|o| *o.as_uuid()).collect()),
    }
}

/// Clamp a page request to what PostgreSQL takes as LIMIT/OFFSET.
pub(crate) fn page_bounds(page: ward_store::PageRequest) -> (i64, i64) {
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    (i64::from(page.clamped_limit()), offset)
}
