//! Integration tests of the SQLite backend itself: opening, pragmas, the single writer under
//! concurrent load, and bulk import at scale. The behaviour every backend shares is tested by the
//! contract suite in `ward-testkit`.

// This whole binary is test code: helpers outside `#[test]` functions may unwrap too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bulk;
mod open;
mod restore;
mod upgrade;

pub use ward_testkit::contract::backup::resign;
pub use ward_testkit::{restore_meta, test_key};
