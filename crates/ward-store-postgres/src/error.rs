//! Database errors map through the one mapping shared with SQLite (`ward_store::sql::db_error`).

use ward_store::StoreError;

/// Map a database error (see `ward_store::sql::db_error`).
pub fn map_db_error(e: sqlx::Error) -> StoreError {
    ward_store::sql::db_error(e)
}

/// A stored value that does not parse back into its domain type.
pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} could not be read"))
}
