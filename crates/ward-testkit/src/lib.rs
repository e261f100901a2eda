//! Test harness for Ward: `spawn_app()` runs the real server on port 0 over a fresh database with a
//! small fixture world; the storage contract suite runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod app;
pub mod fixtures;

pub use app::{TestApp, spawn_app, spawn_app_with};
