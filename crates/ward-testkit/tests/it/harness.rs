//! The PostgreSQL test harness removes what it makes: a test's database is dropped when the test
//! ends, with connections still open to it, and also when the test fails.

use sqlx::Connection;
use ward_store::AdminStore;
use ward_testkit::PgDatabase;
use ward_testkit::skip::postgres_url;

/// Whether the server at `admin_url` holds a database called `name`.
async fn exists(admin_url: &str, name: &str) -> bool {
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    admin.close().await.unwrap();
    n == 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_database_is_dropped_after_its_test() {
    let Some(admin_url) = postgres_url() else { return };
    let db = PgDatabase::create().await.unwrap();
    let name = db.name().to_owned();
    assert!(name.starts_with("ward_test_"), "{name}");
    assert!(exists(&admin_url, &name).await);
    // A second store, as a second server would hold, does not keep the database alive.
    let second = db.second_server().await;
    second.ping().await.unwrap();
    drop(db);
    assert!(!exists(&admin_url, &name).await, "{name} was left behind");
}

#[test]
fn a_test_database_is_dropped_when_its_test_panics() {
    let Some(admin_url) = postgres_url() else { return };
    let (tx, rx) = std::sync::mpsc::channel();
    // What `#[tokio::test]` does with a failing test: a runtime blocks on the test's future on the
    // test's thread, and the future panics.
    let failed = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let db = PgDatabase::create().await.unwrap();
            tx.send(db.name().to_owned()).unwrap();
            db.store.ping().await.unwrap();
            panic!("the test fails while its database is open");
        })
    })
    .join();
    assert!(failed.is_err(), "the test thread panicked");
    let name = rx.recv().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert!(
        !runtime.block_on(exists(&admin_url, &name)),
        "{name} was left behind by a failing test"
    );
}
