//! Fresh, migrated databases for tests: SQLite always, PostgreSQL when a server is configured.

use sqlx::Connection;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;
use ward_store::Store;
use ward_store_postgres::PgStore;
use ward_store_sqlite::SqliteStore;

/// The environment variable naming a PostgreSQL server tests may create databases on, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const POSTGRES_URL_VAR: &str = "WARD_TEST_POSTGRES_URL";

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

/// A new, uniquely named, migrated database on the server named by `WARD_TEST_POSTGRES_URL`, or
/// `None` (after saying why on stderr) when the variable is unset.
///
/// # Panics
/// When the variable is set but the server cannot be used: a configured server that does not
/// work must fail the test rather than skip it.
#[allow(clippy::panic)] // test support: a configured but broken server fails the test
pub async fn fresh_postgres() -> Option<Arc<dyn Store>> {
    let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
        eprintln!(
            "skipping PostgreSQL: set {POSTGRES_URL_VAR} (e.g. postgres://postgres@127.0.0.1:5432/postgres)"
        );
        return None;
    };
    match try_fresh_postgres(&admin_url).await {
        Ok((store, name)) => {
            eprintln!("PostgreSQL test database {name}");
            Some(store)
        }
        Err(e) => panic!("{POSTGRES_URL_VAR} is set but a test database cannot be made: {e:#}"),
    }
}

/// Like [`fresh_postgres`], with the new database's URL, for tests that tamper with it directly.
///
/// # Panics
/// As [`fresh_postgres`].
#[allow(clippy::panic)] // test support: a configured but broken server fails the test
pub async fn fresh_postgres_with_url() -> Option<(Arc<dyn Store>, String)> {
    let Ok(admin_url) = std::env::var(POSTGRES_URL_VAR) else {
        eprintln!(
            "skipping PostgreSQL: set {POSTGRES_URL_VAR} (e.g. postgres://postgres@127.0.0.1:5432/postgres)"
        );
        return None;
    };
    match try_fresh_postgres(&admin_url).await {
        Ok((store, name)) => Some((store, with_database(&admin_url, &name))),
        Err(e) => panic!("{POSTGRES_URL_VAR} is set but a test database cannot be made: {e:#}"),
    }
}

async fn try_fresh_postgres(admin_url: &str) -> anyhow::Result<(Arc<dyn Store>, String)> {
    let name = format!("ward_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(admin_url).await?;
    // `name` is made here from hex digits only, so it is safe to splice into the statement.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let url = with_database(admin_url, &name);
    let store = PgStore::connect(&url, &test_key()).await?;
    ward_store::AdminStore::migrate(&store).await?;
    Ok((Arc::new(store), name))
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
