//! Building an app over a fresh store, and finding the shared real data.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use ward_app::accounts::password::PasswordCost;
use ward_app::{Actor, App, AppSettings};
use ward_core::clock::ManualClock;
use ward_store::Store;
pub(crate) use ward_testkit::skip::shared_data;

/// An app over `store` with a manual clock and a cheap password hash.
pub(crate) fn app_over(store: Arc<dyn Store>) -> App {
    let settings = AppSettings {
        password_cost: PasswordCost {
            memory_kib: 64,
            iterations: 1,
        },
        ..AppSettings::default()
    };
    let clock = ManualClock::new(jiff::Timestamp::from_second(1_756_000_000).unwrap());
    App::new(store, Arc::new(clock), settings, &ward_testkit::test_key()).unwrap()
}

/// Ward itself, as the CLI and jobs act.
pub(crate) fn operator() -> Actor {
    Actor::system("test", ward_core::OrgId::from_uuid(uuid::Uuid::nil()))
}

/// Every file under `dir`, recursively, sorted, whose name ends with one of `suffixes`.
pub(crate) fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if suffixes.iter().any(|s| path.to_string_lossy().ends_with(s)) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
