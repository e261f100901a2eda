use crate::support::*;
use ward_store::{AdminStore, StoreError};
use ward_store_postgres::PgStore;

#[tokio::test]
async fn connections_are_bounded_and_migrations_rerun_safely() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    s.ping().await.unwrap();
    assert_eq!(s.backend(), "postgres");
    let timeout: String = sqlx::query_scalar("SHOW statement_timeout")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(timeout, "30s");
    let zone: String = sqlx::query_scalar("SHOW timezone")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(zone, "UTC");
    s.migrate().await.unwrap();
    // A second server migrating the same database at the same time is harmless.
    let other = db.second_server().await;
    let (a, b) = tokio::join!(s.migrate(), other.migrate());
    a.unwrap();
    b.unwrap();
    other.pool().close().await;
}

#[tokio::test]
async fn a_bad_url_is_invalid_and_names_no_secret() {
    let err = PgStore::connect("postgres://user:hunter2@[bad", &crate::support::test_key())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    assert!(!err.to_string().contains("hunter2"));
}
