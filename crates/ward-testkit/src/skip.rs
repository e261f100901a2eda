//! Saying so when a test cannot run. A test whose prerequisite is missing (a PostgreSQL server, the
//! shared real data in `../shared/data`, a browser) prints one line starting `SKIPPED:` on stderr,
//! with the test's name and the reason, and returns; it never passes in silence. Run
//! `cargo test -- --nocapture 2>&1 | grep SKIPPED:` to see what did not run.
//!
//! This file uses the standard library only. The crates `ward-testkit` is built from
//! (`ward-versions`, `ward-feeds`, `ward-engine`) and the pure `ward-demo` include it by path
//! (`#[path = "../../../ward-testkit/src/skip.rs"]`) instead of depending on `ward-testkit`, which
//! would build the whole server for their tests.

use std::path::{Path, PathBuf};

/// The environment variable naming a PostgreSQL server tests may create databases on, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const POSTGRES_URL_VAR: &str = "WARD_TEST_POSTGRES_URL";

/// Print `SKIPPED: <test>: <reason>` on stderr. The test's name is its thread's, as the test
/// harness names them; code outside a test thread prints the reason alone.
pub fn skipped(reason: impl std::fmt::Display) {
    match std::thread::current().name() {
        Some(test) if test != "main" => eprintln!("SKIPPED: {test}: {reason}"),
        _ => eprintln!("SKIPPED: {reason}"),
    }
}

/// The PostgreSQL server URL from [`POSTGRES_URL_VAR`], or `None` after saying the test (or its
/// PostgreSQL part) is skipped.
pub fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            skipped(format_args!(
                "PostgreSQL not tested: {POSTGRES_URL_VAR} is not set \
                 (e.g. postgres://postgres@127.0.0.1:5432/postgres)"
            ));
            None
        }
    }
}

/// `rel` (a file or folder) under the shared real data, `../shared/data` beside the project, or
/// `None` after saying the test is skipped because it is absent.
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel);
    if path.exists() {
        Some(path)
    } else {
        skipped(format_args!(
            "{} not found (the shared real data, ../shared/data beside the project, is absent)",
            path.display()
        ));
        None
    }
}

/// The first of `programs` found on `PATH`, or `None` after saying the test is skipped and how to
/// install one (`install`).
pub fn program(programs: &[&str], install: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .flat_map(|dir| programs.iter().map(move |name| dir.join(name)))
        .find(|p| p.is_file());
    if found.is_none() {
        skipped(format_args!(
            "{} is not installed ({install})",
            programs.join(" or ")
        ));
    }
    found
}
