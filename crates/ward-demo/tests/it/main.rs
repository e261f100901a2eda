//! Integration tests for the demo sector generator.

// Helpers in an integration-test crate are test code too; clippy only exempts `#[test]` bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod determinism;
mod inventory;
mod sector;
mod threats;

/// Testkit's `SKIPPED:` helpers, included by path: depending on `ward-testkit` would build the
/// whole server for these tests.
#[allow(dead_code)] // the file serves several crates' tests; these use `shared_data` only
#[allow(unreachable_pub)] // the file is also ward-testkit's public module
#[path = "../../../ward-testkit/src/skip.rs"]
mod skip;

use jiff::civil::{Date, date};
use ward_demo::{DemoPlan, Scale};

/// A fixed reference date: tests never read the clock.
pub fn today() -> Date {
    date(2025, 6, 1)
}

pub fn plan(seed: u64, scale: Scale) -> DemoPlan {
    DemoPlan::try_new(seed, scale, today()).expect("built-in tables validate")
}
