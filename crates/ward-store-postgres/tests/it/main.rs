//! Integration tests of the PostgreSQL store against a real server. Each test creates its own
//! database; all are skipped (with a printed reason) when `WARD_TEST_POSTGRES_URL` is unset.

// Helpers outside #[test] functions may fail loudly too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod admin;
mod audit;
mod backup;
mod inventory;
mod jobs;
mod orgs;
mod scale;
mod support;
