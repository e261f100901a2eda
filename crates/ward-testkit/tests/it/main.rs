//! Ward end-to-end tests: one binary, one module per area.

mod browser;
mod storage;
mod web;
