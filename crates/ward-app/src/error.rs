//! One error type for every use case; the server maps each variant to one HTTP status.

use thiserror::Error;
use ward_core::ValidationError;
use ward_store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

/// A problem in one input record: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    /// `line 12, column 3`, a JSON path such as `assets[3].kind`, or a field name.
    pub path: String,
    pub message: String,
}

#[derive(Debug, Error)]
pub enum AppError {
    /// Not signed in, or the credential is not valid (expired, revoked, unknown).
    #[error("authentication required")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// Input is well-formed but breaks a rule; every problem is listed.
    #[error("invalid input: {}", .0.first().map(|p| format!("{}: {}", p.path, p.message)).unwrap_or_default())]
    Invalid(Vec<FieldProblem>),
    /// Too many attempts; try again later.
    #[error("too many attempts")]
    Throttled,
    /// Too many heavy requests (uploads, imports, exports) are running; try again after
    /// `retry_after_secs`.
    #[error("busy: {message}")]
    Busy { message: String, retry_after_secs: u64 },
    /// The input expands past a limit (decompressed bytes, YAML aliases, nodes): refused before the
    /// memory was spent. `path` names the file.
    #[error("too large: {path}: {message}")]
    TooLarge { path: String, message: String },
    /// The work took longer than allowed and was stopped; nothing was stored.
    #[error("timed out: {0}")]
    TimedOut(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldProblem {
            path: path.into(),
            message: message.into(),
        }])
    }
    pub fn forbidden(why: impl Into<String>) -> Self {
        Self::Forbidden(why.into())
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        Self::Invalid(vec![FieldProblem {
            path: e.field,
            message: e.message,
        }])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            // Out-of-scope rows look exactly like missing ones, so existence does not leak.
            StoreError::NotFound { entity, .. } | StoreError::Forbidden { entity, .. } => {
                Self::NotFound(entity.to_owned())
            }
            StoreError::Conflict(m) => Self::Conflict(m),
            StoreError::Invalid(m) => Self::invalid("", m),
            StoreError::Snapshot(m) => Self::Conflict(m),
            StoreError::Backend(m) => Self::Internal(m),
            StoreError::Database { kind, source } => {
                use ward_store::StoreErrorKind;
                let message = kind.to_string();
                match kind.store_kind() {
                    StoreErrorKind::Conflict => Self::Conflict(message),
                    StoreErrorKind::Invalid => Self::invalid("", message),
                    _ => {
                        // The database's own text goes to the log, never to the client.
                        tracing::error!(error = %source, "database error");
                        Self::Internal(message)
                    }
                }
            }
        }
    }
}
