//! Integration tests of the exposure engine (one binary, one module per area).

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod eol;
mod helpers;
mod matching;
mod priority;
mod properties;
mod real_data;
mod vex;
