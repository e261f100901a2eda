//! Ward storage on an embedded SQLite file: the default backend, nothing to install.
//!
//! One [`SqliteStore`] holds two pools over the same database file: a pool of readers and a pool of
//! exactly one writer. SQLite allows one writer at a time; funnelling every write through one
//! connection makes writes queue inside the process instead of failing with `SQLITE_BUSY`, while WAL
//! mode lets readers run alongside the writer. Every write transaction starts with `BEGIN IMMEDIATE`
//! so that another process sharing the file waits on the busy timeout rather than failing later.
//!
//! Every query is a runtime query with bound parameters; the schema lives in `migrations/` and is
//! embedded with `sqlx::migrate!()`. Conventions in the schema: identifiers are UUID text,
//! timestamps INTEGER microseconds since the Unix epoch, dates TEXT `YYYY-MM-DD`, booleans 0/1.
//!
//! Scope enforcement lives in [`scope`]: every tenant-scoped query filters by the caller's
//! [`Scope`](ward_store::Scope). Audit records are appended by [`audit::append`] inside the same
//! transaction as the change they describe.

mod assets;
mod audit;
mod backup;
mod codec;
pub mod exec;
mod files;
mod scope;
mod search;
mod sector;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;
use ward_core::keys::InstanceKey;
use ward_store::{AdminStore, AuditMeta, BackupCounts, StoreError, StoreKeys, StoreResult};

pub use backup::{BACKUP_FORMAT_VERSION, BACKUP_TABLES, BackupColumn, BackupTable, ColumnType};

/// How long a connection waits for a lock held by another connection or process.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Readers in the pool; SQLite readers in WAL mode do not block each other or the writer. More
/// readers than cores: under 200 concurrent clients requests then wait less for a connection (p99
/// of the organisation page 67 -> 56 ms on the region demo, 2 cores, against 4 readers; 2 readers
/// were worse still).
const READ_CONNECTIONS: u32 = 8;
/// Page cache of the writer connection, in KiB (SQLite's default is 2 MiB).
const WRITER_CACHE_KIB: u32 = 256 * 1024;
/// Prepared statements kept per connection (bulk inserts reuse a handful of multi-row statements).
const STATEMENT_CACHE: usize = 256;
/// Statements slower than this are logged as a warning (sqlx's default of one second, at warning
/// level, turned every queued statement of a loaded server into a log line).
const SLOW_STATEMENT: Duration = Duration::from_secs(5);

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The SQLite implementation of every `ward_store` trait.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Pool for reads. For in-memory databases this is the writer pool itself.
    read: SqlitePool,
    /// One connection: every write transaction goes through it, so writes serialise.
    write: SqlitePool,
    /// The audit chain's and backups' keys, derived from the instance key.
    keys: StoreKeys,
}

impl SqliteStore {
    /// Open (creating if missing) the database named by `url`.
    ///
    /// Accepts `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:` and the other forms sqlx accepts,
    /// including query parameters such as `?mode=ro`. Does not migrate; call
    /// [`AdminStore::migrate`] once after opening. `key` keys the audit chain and backups.
    ///
    /// A database file is created readable by its owner only (0600), and its `-wal` and `-shm`
    /// files are kept so (SQLite creates them with the database file's permissions; existing
    /// files are tightened on open).
    pub async fn open(url: &str, key: &InstanceKey) -> StoreResult<Self> {
        let keys = StoreKeys::new(key);
        let base = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Invalid(format!("database URL: {e}")))?
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .statement_cache_capacity(STATEMENT_CACHE)
            .log_slow_statements(log::LevelFilter::Warn, SLOW_STATEMENT);
        let in_memory = is_memory_url(url);
        if in_memory {
            // An in-memory database lives as long as its connection: keep exactly one, forever,
            // and use it for reads too.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .test_before_acquire(false)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(base)
                .await
                .map_err(codec::db_err)?;
            return Ok(Self {
                read: pool.clone(),
                write: pool,
                keys,
            });
        }
        let path = base.get_filename().to_path_buf();
        files::create_owner_only(&path)?;
        let options = base
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .pragma("temp_store", "memory");
        // The writer keeps a larger page cache: bulk imports update several indexes at once.
        let writer_options = options
            .clone()
            .pragma("cache_size", format!("-{WRITER_CACHE_KIB}"));
        // Open the writer first so the file exists and is in WAL mode before readers connect.
        // sqlx pings a connection when it goes back to the pool and, by default, again when it
        // is taken out. An embedded database has no server to lose the connection, and the ping
        // on release already catches a connection left broken: skip the second round trip to the
        // connection's worker thread on every statement.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            .connect_with(writer_options)
            .await
            .map_err(codec::db_err)?;
        let read = SqlitePoolOptions::new()
            .max_connections(READ_CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(codec::db_err)?;
        files::restrict_to_owner(&path)?;
        Ok(Self { read, write, keys })
    }

    /// Start a write transaction on the single writer connection.
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.write
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(codec::db_err)
    }

    /// Close both pools, waiting for connections to finish.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

/// True for the URL forms that name a private in-memory database.
fn is_memory_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    rest.starts_with(":memory:") || rest.contains("mode=memory")
}

#[async_trait]
impl ward_store::sql::SqlBackend for SqliteStore {
    type Read = exec::SqliteExec<sqlx::pool::PoolConnection<Sqlite>>;
    type Write = exec::SqliteExec<Transaction<'static, Sqlite>>;

    async fn read(&self) -> StoreResult<Self::Read> {
        Ok(exec::SqliteExec(
            self.read.acquire().await.map_err(ward_store::sql::db_error)?,
        ))
    }

    async fn write(&self) -> StoreResult<Self::Write> {
        Ok(exec::SqliteExec(self.begin_write().await?))
    }

    fn keys(&self) -> &StoreKeys {
        &self.keys
    }
}

#[async_trait]
impl AdminStore for SqliteStore {
    async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR
            .run(&self.write)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map_err(codec::db_err)?;
        Ok(())
    }

    async fn backup(&self, out: &mut (dyn std::io::Write + Send)) -> StoreResult<BackupCounts> {
        let mut w = ward_store::backup::MacWriter::new(out, &self.keys);
        let counts = backup::write_backup(&self.read, &mut w, &self.keys).await?;
        w.finish()?;
        Ok(counts)
    }

    async fn restore(
        &self,
        input: &mut (dyn std::io::BufRead + Send),
        meta: &AuditMeta,
    ) -> StoreResult<BackupCounts> {
        let mut tx = self.begin_write().await?;
        let (counts, head) = backup::read_backup(&mut tx, input, &self.keys).await?;
        // Paths and counters are derived data, not part of the backup.
        ward_store::sql::rollups::rebuild(&mut exec::SqliteExec(&mut *tx)).await?;
        search::reindex_assets(&mut tx).await?;
        // The restored chain's head, signed with this key, then the restore's own record.
        if let Some(h) = &head {
            audit::write_head(&mut tx, h).await?;
        }
        let event = meta
            .change("backup.restore", "database", self.keys.fingerprint().to_owned())
            .detail(ward_store::restore_check::restore_detail(&counts))
            .build();
        audit::append(&mut tx, &self.keys, &event).await?;
        // Foreign keys are checked at commit: a violation means the backup is inconsistent.
        tx.commit()
            .await
            .map_err(|e| StoreError::Snapshot(format!("restore failed: {}", codec::db_err(e))))?;
        Ok(counts)
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_urls_are_recognised() {
        assert!(is_memory_url("sqlite::memory:"));
        assert!(is_memory_url("sqlite://:memory:"));
        assert!(is_memory_url("sqlite:file:x?mode=memory&cache=shared"));
        assert!(!is_memory_url("sqlite:///tmp/ward.db"));
        assert!(!is_memory_url("sqlite://ward.db"));
    }
}
