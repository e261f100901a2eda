//! Test harness for Ward: fresh databases on either backend ([`db`]), the storage contract suite
//! both backends must pass ([`contract`]), and `spawn_app()` ([`app`]) which runs the real server on
//! port 0 over a fresh database with a small fixture world ([`fixtures`]).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod app;
pub mod contract;
pub mod db;
pub mod fixtures;

pub use app::{TestApp, spawn_app, spawn_app_tuned, spawn_app_with};
pub use db::{fresh_postgres, fresh_sqlite, restore_meta, sqlite_path, test_key};
