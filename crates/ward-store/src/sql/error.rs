//! The one mapping from database errors to [`StoreError`], shared by both backends.

use std::fmt;

use sqlx::error::ErrorKind;

use crate::{StoreError, StoreErrorKind};

/// Why the database refused or failed a statement, in words that are the same on every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbErrorKind {
    /// A unique key already holds this value.
    Duplicate,
    /// A referenced record does not exist, or a record is still referenced.
    MissingReference,
    /// A required value was empty.
    MissingValue,
    /// A value broke a check or could not be stored (out of range, malformed).
    OutOfRange,
    /// Another transaction got in the way (serialisation failure, deadlock, busy database).
    Contention,
    /// The statement ran longer than allowed.
    Timeout,
    /// No connection could be had, or it failed.
    Unavailable,
    /// Anything else.
    Other,
}

impl DbErrorKind {
    pub fn store_kind(self) -> StoreErrorKind {
        match self {
            Self::Duplicate | Self::Contention => StoreErrorKind::Conflict,
            Self::MissingReference | Self::MissingValue | Self::OutOfRange => StoreErrorKind::Invalid,
            Self::Timeout | Self::Unavailable => StoreErrorKind::Unavailable,
            Self::Other => StoreErrorKind::Backend,
        }
    }
}

impl fmt::Display for DbErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Duplicate => "a record with the same key already exists",
            Self::MissingReference => "a referenced record does not exist or is still in use",
            Self::MissingValue => "a required value is missing",
            Self::OutOfRange => "a value is out of range or malformed",
            Self::Contention => "the change collided with another one; try again",
            Self::Timeout => "the database took too long to answer",
            Self::Unavailable => "the database is not available",
            Self::Other => "the database failed",
        })
    }
}

/// Map a database error. The kind comes from the driver's classification (and, for what it does
/// not classify, the SQLSTATE or SQLite result code); the text is fixed per kind; the original
/// error stays attached as the source for the logs.
pub fn db_error(e: sqlx::Error) -> StoreError {
    let kind = classify(&e);
    StoreError::Database {
        kind,
        source: Box::new(e),
    }
}

fn classify(e: &sqlx::Error) -> DbErrorKind {
    match e {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => DbErrorKind::Duplicate,
            ErrorKind::ForeignKeyViolation => DbErrorKind::MissingReference,
            ErrorKind::NotNullViolation => DbErrorKind::MissingValue,
            ErrorKind::CheckViolation => DbErrorKind::OutOfRange,
            _ => classify_code(db.code().as_deref().unwrap_or("")),
        },
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            DbErrorKind::Unavailable
        }
        _ => DbErrorKind::Other,
    }
}

/// PostgreSQL SQLSTATEs and SQLite (extended) result codes the driver leaves unclassified.
fn classify_code(code: &str) -> DbErrorKind {
    match code {
        // PostgreSQL: query_canceled (the statement timeout).
        "57014" => DbErrorKind::Timeout,
        // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
        "40001" | "40P01" | "55P03" => DbErrorKind::Contention,
        // SQLite: SQLITE_BUSY (5) and SQLITE_LOCKED (6) with their extended codes.
        c if c.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)) => DbErrorKind::Contention,
        // PostgreSQL: class 22, data exceptions (a value out of range or malformed).
        c if c.starts_with("22") => DbErrorKind::OutOfRange,
        // PostgreSQL: class 08, connection exceptions; 57P01-03, the server is going away.
        c if c.starts_with("08") || c.starts_with("57P") => DbErrorKind::Unavailable,
        _ => DbErrorKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_the_driver_leaves_unclassified() {
        assert_eq!(classify_code("57014"), DbErrorKind::Timeout);
        assert_eq!(classify_code("40P01"), DbErrorKind::Contention);
        assert_eq!(classify_code("5"), DbErrorKind::Contention);
        assert_eq!(classify_code("517"), DbErrorKind::Contention); // SQLITE_BUSY_SNAPSHOT
        assert_eq!(classify_code("22003"), DbErrorKind::OutOfRange);
        assert_eq!(classify_code("08006"), DbErrorKind::Unavailable);
        assert_eq!(classify_code("1"), DbErrorKind::Other);
    }

    #[test]
    fn messages_carry_no_database_text() {
        let e = db_error(sqlx::Error::ColumnNotFound("secret_column".into()));
        assert_eq!(e.to_string(), "the database failed");
        assert!(std::error::Error::source(&e).is_some());
    }
}
