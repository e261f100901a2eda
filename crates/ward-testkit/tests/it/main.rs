//! Ward end-to-end tests: one binary, one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api;
mod attacks_accounts;
mod attacks_supplier;
mod attacks_uploads;
mod authz_walk;
mod browser;
mod contract;
mod exposure;
mod harness;
mod risks;
mod storage;
mod web;
mod web_exposure;
mod web_risks;
