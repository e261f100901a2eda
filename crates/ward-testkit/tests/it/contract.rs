//! The storage contract, each check a test of its own on each backend (`contract::<check>::sqlite`
//! and `contract::<check>::postgres`), so one failing check hides no other. Each runs on a fresh
//! database and ends by verifying the audit chain its writes left. The PostgreSQL tests print
//! `SKIPPED:` when `WARD_TEST_POSTGRES_URL` is not set.
//!
//! Besides: all checks one after another on one database, then that varied database backed up and
//! restored; malformed backups refused; vulnerability data through a backup; and backups moving
//! between the backends.

use ward_testkit::contract;
use ward_testkit::{fresh_postgres, fresh_sqlite_store};

/// `mod $name { fn sqlite(); fn postgres(); }`: `$body` run with `$db`, a fresh
/// [`ward_testkit::TestStore`] of each backend.
macro_rules! on_each_backend {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = fresh_sqlite_store().await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = fresh_postgres().await else {
                    return;
                };
                $body
            }
        }
    };
}

/// A test per check and backend: the check, then the audit chain still verifies. On PostgreSQL
/// the check also runs on a fresh SQLite store, and every refusal must be the same on both: the
/// same kind and the same message.
macro_rules! each_check {
    ($($check:ident),* $(,)?) => {
        $(
            mod $check {
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let db = fresh_sqlite_store().await;
                    contract::$check(db.store.clone()).await.unwrap();
                    contract::verify_chain(&db.store).await.unwrap();
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(db) = fresh_postgres().await else {
                        return;
                    };
                    let (done, on_pg) = contract::collect_refusals(contract::$check(db.store.clone())).await;
                    done.unwrap();
                    contract::verify_chain(&db.store).await.unwrap();
                    let lite = fresh_sqlite_store().await;
                    let (done, on_sqlite) = contract::collect_refusals(contract::$check(lite.store.clone())).await;
                    done.unwrap();
                    assert_eq!(on_pg, on_sqlite, "refusals differ between PostgreSQL (left) and SQLite (right)");
                }
            }
        )*
    };
}

ward_testkit::contract_checks!(each_check);

on_each_backend!(all_checks_on_one_database_then_backup_and_restore, |db| {
    contract::run_all(db.store.clone()).await.unwrap();
    let target = db.another().await;
    contract::backup_restore(db.store.clone(), target.store.clone())
        .await
        .unwrap();
});

on_each_backend!(restore_refuses_bad_input, |db| {
    contract::restore_refuses_bad_input(db.store.clone())
        .await
        .unwrap();
});

on_each_backend!(backups_keep_vulnerability_data, |db| {
    let target = db.another().await;
    contract::vuln_backup_restore(db.store.clone(), target.store.clone())
        .await
        .unwrap();
});

/// A backup written by either backend restores into the other, and reads back the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_move_between_backends() {
    let Some(pg) = fresh_postgres().await else { return };
    let sqlite = fresh_sqlite_store().await;
    contract::run_all(sqlite.store.clone()).await.unwrap();
    contract::backup_restore(sqlite.store.clone(), pg.store.clone())
        .await
        .unwrap();
    let back = fresh_sqlite_store().await;
    contract::backup_restore(pg.store.clone(), back.store.clone())
        .await
        .unwrap();
}

/// Vulnerability data moves from SQLite to PostgreSQL and back (the second backup holds both
/// samples: the restored one and one written on PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vulnerability_data_moves_between_backends() {
    let Some(pg) = fresh_postgres().await else { return };
    let sqlite = fresh_sqlite_store().await;
    contract::vuln_backup_restore(sqlite.store.clone(), pg.store.clone())
        .await
        .unwrap();
    let back = fresh_sqlite_store().await;
    contract::vuln_backup_restore(pg.store.clone(), back.store.clone())
        .await
        .unwrap();
}
