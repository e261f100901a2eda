//! Test harness for Ward: fresh databases on either backend ([`db`]), the storage contract suite
//! both backends must pass ([`contract`]), and `spawn_app()` ([`app`]) which runs the real server on
//! port 0 over a fresh database with a small fixture world ([`fixtures`]). Tests whose prerequisite
//! is missing say so with a `SKIPPED:` line ([`skip`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod app;
pub mod contract;
pub mod db;
pub mod fixtures;
pub mod questionnaire;
pub mod skip;
pub mod supplier_documents;

pub use app::{TestApp, on_each_backend, spawn_app, spawn_app_tuned, spawn_app_with};
pub use db::{
    PgDatabase, TestStore, fresh_postgres, fresh_sqlite, fresh_sqlite_store, fresh_stores, restore_meta,
    sqlite_path, test_key,
};
