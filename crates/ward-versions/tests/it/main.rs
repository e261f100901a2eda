//! Integration tests for ward-versions: golden cases per ecosystem, total-order properties, and the
//! real OSV advisories in `../shared/data/osv`.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod golden;
mod osv_data;
mod properties;
mod pypi_legacy;
mod robustness;
