//! The `ward` binary end to end, against a fresh SQLite file per test.

mod cli;

mod jobs;
