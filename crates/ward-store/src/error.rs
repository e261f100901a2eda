use thiserror::Error;

pub(crate) use crate::sql::DbErrorKind;

pub type StoreResult<T> = Result<T, StoreError>;

/// What can go wrong in storage. Messages are the same on every backend and never carry a
/// database's own text (table, column or constraint names, values); a database error keeps its
/// cause as the `source`, for the logs only.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },
    /// The row exists but lies outside the caller's scope (callers usually show this as not found).
    #[error("{entity} {id} is outside the caller's scope")]
    Forbidden { entity: &'static str, id: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid: {0}")]
    Invalid(String),
    #[error("snapshot: {0}")]
    Snapshot(String),
    #[error("database error: {0}")]
    Backend(String),
    /// The database refused or failed a statement. The text is one fixed sentence per kind.
    #[error("{kind}")]
    Database {
        kind: DbErrorKind,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    pub fn not_found(entity: &'static str, id: impl ToString) -> Self {
        Self::NotFound {
            entity,
            id: id.to_string(),
        }
    }
    pub fn forbidden(entity: &'static str, id: impl ToString) -> Self {
        Self::Forbidden {
            entity,
            id: id.to_string(),
        }
    }

    /// The kind of refusal, the same on every backend (for callers and the contract suite).
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            Self::NotFound { .. } => StoreErrorKind::NotFound,
            Self::Forbidden { .. } => StoreErrorKind::Forbidden,
            Self::Conflict(_) => StoreErrorKind::Conflict,
            Self::Invalid(_) => StoreErrorKind::Invalid,
            Self::Snapshot(_) => StoreErrorKind::Snapshot,
            Self::Backend(_) => StoreErrorKind::Backend,
            Self::Database { kind, .. } => kind.store_kind(),
        }
    }
}

/// The coarse kind of a [`StoreError`]: what a caller decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    NotFound,
    Forbidden,
    Conflict,
    Invalid,
    Snapshot,
    /// A failure of the database itself (connection, timeout): worth retrying later.
    Unavailable,
    Backend,
}
