//! Ward end-to-end tests: one binary, one module per area.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod alerts;
mod api;
mod attacks_accounts;
mod attacks_supplier;
mod attacks_uploads;
mod authz_walk;
mod browser;
mod contract;
mod deployments;
mod exposure;
mod harness;
mod impact;
mod incidents;
mod notify;
mod risks;
mod storage;
mod token_verdicts;
mod web;
mod web_admin;
mod web_advisories;
mod web_alerts;
mod web_assurance;
mod web_exposure;
mod web_impact;
mod web_incidents;
mod web_risks;
