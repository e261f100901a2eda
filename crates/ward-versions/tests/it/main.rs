//! Integration tests for ward-versions: golden cases per ecosystem, total-order properties, and the
//! real OSV advisories in `../shared/data/osv`.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod golden;
mod osv_data;
mod properties;
mod pypi_legacy;
mod robustness;

/// Testkit's `SKIPPED:` helpers, included by path: depending on `ward-testkit` would build the
/// whole server for these tests (and `ward-testkit` is itself built from this crate).
#[allow(dead_code)] // the file serves several crates' tests; these use `shared_data` only
#[allow(unreachable_pub)] // the file is also ward-testkit's public module
#[path = "../../../ward-testkit/src/skip.rs"]
mod skip;
