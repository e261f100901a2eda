//! The `ward` binary end to end, against a fresh SQLite file per test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cli;
mod feeds;
mod impact;
mod incidents;

mod jobs;
mod offline;
mod report;
mod simulate;
mod suppliers;
