//! One mapping from sqlx errors to [`StoreError`]. Messages name constraints and error codes, never
//! the SQL values involved (PostgreSQL puts those in `detail`, which is not copied).

use sqlx::error::ErrorKind;
use ward_store::StoreError;

/// Map a database error: unique violations become `Conflict`, foreign-key, not-null and check
/// violations and bad input become `Invalid`, the rest `Backend`.
pub fn map_db_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) => {
            let constraint = db.constraint().unwrap_or("unnamed").to_owned();
            let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
            match db.kind() {
                ErrorKind::UniqueViolation => {
                    StoreError::Conflict(format!("a row with the same key exists ({constraint})"))
                }
                ErrorKind::ForeignKeyViolation => StoreError::Invalid(format!(
                    "a referenced row is missing or still referenced ({constraint})"
                )),
                ErrorKind::NotNullViolation => StoreError::Invalid(format!(
                    "a required value is missing ({})",
                    db.table().unwrap_or("?")
                )),
                ErrorKind::CheckViolation => {
                    StoreError::Invalid(format!("a value is out of range ({constraint})"))
                }
                _ if code.starts_with("22") => {
                    StoreError::Invalid(format!("a value was rejected (SQLSTATE {code})"))
                }
                _ if code == "57014" => StoreError::Backend("the statement timed out".into()),
                _ if code == "40001" || code == "40P01" => StoreError::Backend(format!(
                    "the transaction was aborted by a conflict (SQLSTATE {code})"
                )),
                _ => {
                    tracing::warn!(sqlstate = %code, "postgres error");
                    StoreError::Backend(format!("postgres error (SQLSTATE {code})"))
                }
            }
        }
        sqlx::Error::PoolTimedOut => StoreError::Backend("no database connection was free in time".into()),
        sqlx::Error::PoolClosed => StoreError::Backend("the connection pool is closed".into()),
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => {
            StoreError::Backend("the database connection failed".into())
        }
        sqlx::Error::Migrate(m) => StoreError::Backend(format!("migration failed: {m}")),
        sqlx::Error::ColumnDecode { index, .. } => {
            StoreError::Backend(format!("a stored value in column {index} could not be read"))
        }
        sqlx::Error::ColumnNotFound(c) => StoreError::Backend(format!("column {c} is missing")),
        _ => StoreError::Backend("database error".into()),
    }
}

/// A stored value that does not parse back into its domain type.
pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} could not be read"))
}
