//! Ward's use cases end to end over real stores: feed imports of the real public data and feed
//! syncs against a local HTTP server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod feeds_real;
mod feeds_sync;
mod frameworks;
mod jobs;
mod support;
