use thiserror::Error;

pub type StoreResult<T> = Result<T, StoreError>;

/// What can go wrong in storage. Backend messages are for logs, never for users.
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
}
