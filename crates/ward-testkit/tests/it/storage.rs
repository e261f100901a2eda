//! The storage contract on SQLite always, and on PostgreSQL when `WARD_TEST_POSTGRES_URL` names a
//! server; a backup moves between the two; a direct edit of the audit table is caught.

use sqlx::Connection;
use std::sync::Arc;
use ward_core::audit::ChainBreak;
use ward_store::Store;
use ward_testkit::contract::{self, chain_break};
use ward_testkit::{fresh_postgres, fresh_sqlite, sqlite_path};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_passes_the_contract() {
    let (store, _dir) = fresh_sqlite().await;
    contract::run_all(store.clone()).await.unwrap();
    let (target, _dir2) = fresh_sqlite().await;
    contract::backup_restore(store, target).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_refuses_bad_backups() {
    let (store, _dir) = fresh_sqlite().await;
    contract::restore_refuses_bad_input(store).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_passes_the_contract() {
    let Some(store) = fresh_postgres().await else {
        return;
    };
    contract::run_all(store.clone()).await.unwrap();
    let target = fresh_postgres().await.unwrap();
    contract::backup_restore(store, target).await.unwrap();
    let empty = fresh_postgres().await.unwrap();
    contract::restore_refuses_bad_input(empty).await.unwrap();
}

/// A backup written by either backend restores into the other, and reads back the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_move_between_backends() {
    let Some(pg) = fresh_postgres().await else { return };
    let (sqlite, _dir) = fresh_sqlite().await;
    contract::run_all(sqlite.clone()).await.unwrap();
    contract::backup_restore(sqlite, pg.clone()).await.unwrap();
    let (back, _dir2) = fresh_sqlite().await;
    contract::backup_restore(pg, back).await.unwrap();
}

/// Advisories, KEV, EPSS, VEX, end-of-life data and feed state restore equal on SQLite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backups_keep_vulnerability_data() {
    let (source, _dir) = fresh_sqlite().await;
    let (target, _dir2) = fresh_sqlite().await;
    contract::vuln_backup_restore(source, target).await.unwrap();
}

/// The same on PostgreSQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backups_keep_vulnerability_data() {
    let Some(source) = fresh_postgres().await else {
        return;
    };
    let target = fresh_postgres().await.unwrap();
    contract::vuln_backup_restore(source, target).await.unwrap();
}

/// Vulnerability data moves from SQLite to PostgreSQL and back (the second backup holds both
/// samples: the restored one and one written on PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vulnerability_data_moves_between_backends() {
    let Some(pg) = fresh_postgres().await else { return };
    let (sqlite, _dir) = fresh_sqlite().await;
    contract::vuln_backup_restore(sqlite, pg.clone()).await.unwrap();
    let (back, _dir2) = fresh_sqlite().await;
    contract::vuln_backup_restore(pg, back).await.unwrap();
}

/// Edit `audit_log` behind the store's back, the way someone with file access could.
async fn tamper(dir: &tempfile::TempDir, sql: &'static str, seq: i64) -> anyhow::Result<u64> {
    let url = format!("sqlite://{}", sqlite_path(dir).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await?;
    let done = sqlx::query(sql).bind(seq).execute(&mut conn).await?;
    conn.close().await?;
    Ok(done.rows_affected())
}

async fn store_with_history() -> anyhow::Result<(Arc<dyn Store>, tempfile::TempDir)> {
    let (store, dir) = fresh_sqlite().await;
    contract::orgs_round_trip(store.clone()).await?;
    let total = contract::verify_chain(&store).await?;
    anyhow::ensure!(total >= 5, "enough history to tamper with: {total}");
    Ok((store, dir))
}

#[tokio::test]
async fn an_edited_audit_row_is_named() {
    let (store, dir) = store_with_history().await.unwrap();
    let edited = tamper(&dir, "UPDATE audit_log SET action = 'org.view' WHERE seq = ?", 3)
        .await
        .unwrap();
    assert_eq!(edited, 1);
    assert_eq!(
        chain_break(&store).await.unwrap(),
        Err(ChainBreak::Content { seq: 3 })
    );
}

#[tokio::test]
async fn a_deleted_audit_row_is_named() {
    let (store, dir) = store_with_history().await.unwrap();
    let deleted = tamper(&dir, "DELETE FROM audit_log WHERE seq = ?", 4)
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    assert_eq!(
        chain_break(&store).await.unwrap(),
        Err(ChainBreak::Gap { seq: 5, expected: 4 })
    );
}

#[tokio::test]
async fn a_rehashed_audit_row_breaks_the_next_link() {
    let (store, dir) = store_with_history().await.unwrap();
    // A tamperer who also recomputes the edited row's own hash passes that row's content check but
    // breaks the link from the row after it.
    let mut record = store.audit_page(2, 1).await.unwrap().remove(0);
    record.event.action = "org.view".into();
    let forged = ward_core::audit::chain_hash(&record.prev_hash, 2, &record.event);
    let url = format!("sqlite://{}", sqlite_path(&dir).display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("UPDATE audit_log SET action = 'org.view', hash = ? WHERE seq = 2")
        .bind(&forged)
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    assert_eq!(
        chain_break(&store).await.unwrap(),
        Err(ChainBreak::Link { seq: 3 })
    );
}
