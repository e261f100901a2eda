//! Rebuild when a migration is added or edited: `sqlx::migrate!()` embeds the directory at compile
//! time, and a new file alone would not otherwise trigger a rebuild.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
