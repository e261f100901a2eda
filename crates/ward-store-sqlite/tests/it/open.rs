//! Opening databases: file and memory URLs, pragmas, concurrent writers.

use jiff::Timestamp;
use sqlx::Connection;
use std::sync::Arc;
use ward_core::audit::{AuditActor, AuditEvent, ChainVerifier};
use ward_store::{AdminStore, AuditStore, Store};
use ward_store_sqlite::SqliteStore;

fn event(n: u64) -> AuditEvent {
    AuditEvent {
        at: Timestamp::from_second(1_750_000_000).unwrap(),
        actor: AuditActor::system("test"),
        action: "probe.write".into(),
        entity: "probe".into(),
        entity_id: n.to_string(),
        org: None,
        before: None,
        after: None,
        detail: None,
        request_id: None,
    }
}

#[tokio::test]
async fn a_missing_file_is_created_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fresh.db");
    assert!(!path.exists());
    let url = format!("sqlite://{}", path.display());
    let store = SqliteStore::open(&url, &crate::test_key()).await.unwrap();
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    assert!(path.exists(), "the database file is created");
    store.append_audit(&event(1)).await.unwrap();

    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    conn.close().await.unwrap();
    // The database and the files SQLite keeps beside it are readable by their owner only.
    #[cfg(unix)]
    for suffix in ["", "-wal", "-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let p = dir.path().join(format!("fresh.db{suffix}"));
        if p.exists() {
            let m = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(m, 0o600, "fresh.db{suffix}");
        }
    }
    store.close().await;
}

/// A database file left readable by others (an older Ward, a copy) is tightened when opened.
#[cfg(unix)]
#[tokio::test]
async fn an_existing_database_is_made_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    std::fs::write(&path, b"").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = SqliteStore::open(&format!("sqlite://{}", path.display()), &crate::test_key())
        .await
        .unwrap();
    let m = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(m, 0o600);
    store.close().await;
}

#[tokio::test]
async fn memory_databases_keep_their_data_and_migrate_twice() {
    let store = SqliteStore::open("sqlite::memory:", &crate::test_key())
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store.migrate().await.unwrap();
    let r = store.append_audit(&event(1)).await.unwrap();
    assert_eq!(r.seq, 1);
    assert_eq!(store.audit_page(1, 10).await.unwrap(), vec![r]);
    // A second memory store is a different database.
    let other = SqliteStore::open("sqlite::memory:", &crate::test_key())
        .await
        .unwrap();
    other.migrate().await.unwrap();
    assert!(other.audit_page(1, 10).await.unwrap().is_empty());
    assert_eq!(store.backend(), "sqlite");
}

#[tokio::test]
async fn bad_urls_are_refused() {
    let err = SqliteStore::open("sqlite://?mode=nonsense", &crate::test_key())
        .await
        .unwrap_err();
    assert!(matches!(err, ward_store::StoreError::Invalid(_)), "{err:?}");
}

/// Many tasks writing and reading at once: every write lands (no SQLITE_BUSY), the chain holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_serialise() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("busy.db").display());
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url, &crate::test_key()).await.unwrap());
    store.migrate().await.unwrap();
    let mut tasks = Vec::new();
    for t in 0..8_u64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..25_u64 {
                store.append_audit(&event(t * 100 + i)).await?;
                store.audit_page(1, 5).await?;
            }
            Ok::<_, ward_store::StoreError>(())
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let records = store.audit_page(1, 1000).await.unwrap();
    assert_eq!(records.len(), 200);
    let mut v = ChainVerifier::new(ward_core::audit::AuditKeys::new(&crate::test_key()));
    for r in &records {
        v.check(r).unwrap();
    }
}
