//! Integration tests for ward-feeds: real public data (when present), hand-written fixtures, bad input.

// Test helpers outside `#[test]` functions fail loudly on purpose.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bad_input;
mod fixtures;
mod real_data;

use std::path::{Path, PathBuf};

/// Testkit's `SKIPPED:` helpers, included by path: depending on `ward-testkit` would build the
/// whole server for these tests (and `ward-testkit` is itself built from this crate).
#[allow(dead_code)] // the file serves several crates' tests; these use `shared_data` only
#[allow(unreachable_pub)] // the file is also ward-testkit's public module
#[path = "../../../ward-testkit/src/skip.rs"]
mod skip;
pub use skip::shared_data;

/// Every file under `dir` whose name ends with one of `extensions`, sorted.
pub fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if extensions
                .iter()
                .any(|e| path.file_name().unwrap().to_string_lossy().ends_with(e))
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A fixture file's text.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
