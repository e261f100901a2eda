//! Fresh, migrated databases for tests: SQLite always, PostgreSQL when a server is configured.
//! This is Ward's one PostgreSQL test harness: every test database is made by [`PgDatabase`] and
//! dropped when it is dropped, also when the test fails.

use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;
use ward_store::Store;
use ward_store_postgres::PgStore;
use ward_store_sqlite::SqliteStore;

pub use crate::skip::POSTGRES_URL_VAR;

/// The instance key every test store and app uses (fixed, so backups move between test stores).
pub fn test_key() -> ward_core::keys::InstanceKey {
    ward_core::keys::InstanceKey::from_bytes([0x57; ward_core::keys::KEY_BYTES])
}

/// Who restores a backup in tests, and when (the `backup.restore` audit record).
pub fn restore_meta() -> ward_store::AuditMeta {
    ward_store::AuditMeta {
        actor: ward_core::audit::AuditActor::system("test-restore"),
        at: crate::contract::fixtures::at(100_000),
        request_id: None,
    }
}

/// The file of the SQLite database [`fresh_sqlite`] made in `dir`.
pub fn sqlite_path(dir: &TempDir) -> PathBuf {
    dir.path().join("ward.db")
}

/// A new SQLite database file in a new temporary directory, migrated. Keep the directory alive as
/// long as the store is used: dropping it deletes the database.
///
/// # Panics
/// When the temporary directory or the database cannot be made (a broken test machine).
#[allow(clippy::panic)] // test support: a machine that cannot make a temp file fails the test
pub async fn fresh_sqlite() -> (Arc<dyn Store>, TempDir) {
    match try_fresh_sqlite().await {
        Ok(pair) => pair,
        Err(e) => panic!("cannot create a SQLite test database: {e:#}"),
    }
}

async fn try_fresh_sqlite() -> anyhow::Result<(Arc<dyn Store>, TempDir)> {
    let dir = tempfile::Builder::new().prefix("ward-test-").tempdir()?;
    let url = format!("sqlite://{}", sqlite_path(&dir).display());
    let store = SqliteStore::open(&url, &test_key()).await?;
    ward_store::AdminStore::migrate(&store).await?;
    Ok((Arc::new(store), dir))
}

/// A database made for one test on the server named by `WARD_TEST_POSTGRES_URL`, migrated, and
/// dropped (with any connections still open to it) when this value is dropped: at the end of the
/// test, or while a failing test unwinds.
pub struct PgDatabase {
    /// The store over the new database.
    pub store: PgStore,
    /// The new database's URL, for tests that connect to it directly.
    pub url: String,
    dropper: DropDatabase,
}

impl PgDatabase {
    /// A new, uniquely named (`ward_test_<hex>`), migrated database, or `None` after printing
    /// `SKIPPED:` when `WARD_TEST_POSTGRES_URL` is unset.
    ///
    /// # Panics
    /// When the variable is set but the server cannot be used: a configured server that does not
    /// work must fail the test rather than skip it.
    #[allow(clippy::panic)] // test support: a configured but broken server fails the test
    pub async fn create() -> Option<Self> {
        let admin_url = crate::skip::postgres_url()?;
        match Self::try_create(admin_url).await {
            Ok(db) => {
                eprintln!("PostgreSQL test database {}", db.name());
                Some(db)
            }
            Err(e) => panic!("{POSTGRES_URL_VAR} is set but a test database cannot be made: {e:#}"),
        }
    }

    async fn try_create(admin_url: String) -> anyhow::Result<Self> {
        let name = format!("ward_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
        // `name` is made here from hex digits only, so it is safe to splice into the statement.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await?;
        admin.close().await?;
        // From here on the database exists: a failure below still drops it.
        let url = with_database(&admin_url, &name);
        let dropper = DropDatabase { admin_url, name };
        let store = PgStore::connect(&url, &test_key()).await?;
        ward_store::AdminStore::migrate(&store).await?;
        Ok(Self { store, url, dropper })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.dropper.name
    }

    /// The store as the rest of Ward sees it.
    pub fn dyn_store(&self) -> Arc<dyn Store> {
        Arc::new(self.store.clone())
    }

    /// Another store over the same database, as a second server would have.
    ///
    /// # Panics
    /// When it cannot connect.
    #[allow(clippy::panic)] // test support: a server that was reachable a moment ago fails the test
    pub async fn second_server(&self) -> PgStore {
        match PgStore::connect(&self.url, &test_key()).await {
            Ok(store) => store,
            Err(e) => panic!("cannot connect a second store to {}: {e}", self.name()),
        }
    }
}

/// Drops the database `name` when dropped. A `Drop` cannot wait on the test's own runtime (it may
/// be unwinding from a panic inside it, and `block_on` there panics), so the statement runs on a
/// thread of its own with a small runtime of its own, and the test's thread waits for it.
/// `WITH (FORCE)` ends connections the test still holds (pools, a spawned server).
struct DropDatabase {
    admin_url: String,
    name: String,
}

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let outcome = std::thread::spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&admin_url).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await?;
                admin.close().await?;
                Ok(())
            })
        })
        .join();
        // Never panic here: a panic while a failing test unwinds would abort the whole run.
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("test database {} was not dropped: {e:#}", self.name),
            Err(_) => eprintln!(
                "test database {} was not dropped: the dropping thread panicked",
                self.name
            ),
        }
    }
}

/// A fresh, migrated store on either backend, with the URL of its database, which goes away when
/// this value is dropped (the temporary directory of SQLite, the database of PostgreSQL).
pub struct TestStore {
    pub store: Arc<dyn Store>,
    /// `sqlite://...` or `postgres://...`, for tests that edit the database behind the store.
    pub url: String,
    keep: Keep,
}

/// What keeps a test database alive; dropping it removes the database.
enum Keep {
    Sqlite { _dir: TempDir },
    Postgres { _db: Box<PgDatabase> },
}

impl TestStore {
    /// Which backend: `"sqlite"` or `"postgres"`.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// Another store over the same database, with its own connections, as a second server (a
    /// replica) would open it.
    ///
    /// # Panics
    /// When it cannot be opened.
    #[allow(clippy::panic)] // test support: a database that was open a moment ago fails the test
    pub async fn second_server(&self) -> Arc<dyn Store> {
        let opened: ward_store::StoreResult<Arc<dyn Store>> = match &self.keep {
            Keep::Sqlite { .. } => SqliteStore::open(&self.url, &test_key())
                .await
                .map(|s| Arc::new(s) as Arc<dyn Store>),
            Keep::Postgres { .. } => PgStore::connect(&self.url, &test_key())
                .await
                .map(|s| Arc::new(s) as Arc<dyn Store>),
        };
        match opened {
            Ok(store) => store,
            Err(e) => panic!("cannot open a second store over {}: {e}", self.url),
        }
    }

    /// A fresh, empty store on the same backend (a restore target, for instance).
    ///
    /// # Panics
    /// When this is PostgreSQL and the server has gone away since.
    #[allow(clippy::panic)] // test support: a server that was configured a moment ago fails the test
    pub async fn another(&self) -> TestStore {
        match &self.keep {
            Keep::Sqlite { .. } => fresh_sqlite_store().await,
            Keep::Postgres { .. } => match fresh_postgres().await {
                Some(store) => store,
                None => panic!("PostgreSQL was configured a moment ago"),
            },
        }
    }
}

/// [`fresh_sqlite`] with the database's URL.
pub async fn fresh_sqlite_store() -> TestStore {
    let (store, dir) = fresh_sqlite().await;
    let url = format!("sqlite://{}", sqlite_path(&dir).display());
    TestStore {
        store,
        url,
        keep: Keep::Sqlite { _dir: dir },
    }
}

/// A fresh PostgreSQL store ([`PgDatabase::create`]), or `None` after printing `SKIPPED:` when no
/// server is configured.
pub async fn fresh_postgres() -> Option<TestStore> {
    let db = PgDatabase::create().await?;
    Some(TestStore {
        store: db.dyn_store(),
        url: db.url.clone(),
        keep: Keep::Postgres { _db: Box::new(db) },
    })
}

/// A fresh store on each backend: SQLite, then PostgreSQL when a server is configured (printing
/// `SKIPPED:` for the PostgreSQL part when not).
pub async fn fresh_stores() -> Vec<TestStore> {
    let mut stores = vec![fresh_sqlite_store().await];
    stores.extend(fresh_postgres().await);
    stores
}

/// `url` with its database name replaced by `db` (query parameters kept).
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// A benchmark database, empty and migrated: the PostgreSQL database `url` names (dropped and
/// created afresh), another URL as given, or `bench.db` in `dir` when there is no URL. Returns
/// the store, its URL, and for PostgreSQL the (administration URL, database name) to drop it with.
pub async fn bench_store(
    url: Option<String>,
    dir: &std::path::Path,
) -> anyhow::Result<(Arc<dyn Store>, String, Option<(String, String)>)> {
    let (url, pg_admin) = match url {
        Some(u) if u.starts_with("postgres") => {
            let admin = with_database(&u, "postgres");
            let name = u.rsplit('/').next().unwrap_or_default().to_owned();
            anyhow::ensure!(
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "the benchmark database name '{name}' must be letters, digits and underscores"
            );
            let mut c = sqlx::PgConnection::connect(&admin).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut c)
            .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut c)
                .await?;
            (u, Some((admin, name)))
        }
        Some(u) => (u, None),
        None => (format!("sqlite://{}", dir.join("bench.db").display()), None),
    };
    let store: Arc<dyn Store> = if url.starts_with("postgres") {
        let s = PgStore::connect(&url, &test_key()).await?;
        ward_store::AdminStore::migrate(&s).await?;
        Arc::new(s)
    } else {
        let s = SqliteStore::open(&url, &test_key()).await?;
        ward_store::AdminStore::migrate(&s).await?;
        Arc::new(s)
    };
    Ok((store, url, pg_admin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_swapped_in_urls() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(with_database("postgres://u@h:5432", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            with_database("postgres://u@h/postgres?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
