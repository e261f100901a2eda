//! One error shape for the whole API:
//! `{"error": {"code": "...", "message": "...", "fields": [{"path": "...", "message": "..."}]}}`.
//! Codes are stable; 500s say nothing about the cause, which goes to the log instead.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use ward_app::{AppError, FieldProblem};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code: bad_request, unauthenticated, forbidden, not_found, conflict,
    /// payload_too_large, unsupported_media_type, validation_failed, too_many_requests, busy, timed_out,
    /// internal.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldProblem>,
    /// Seconds to send in `Retry-After` (503 busy answers).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            retry_after: None,
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub fn unprocessable(path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "validation_failed",
            message: message.clone(),
            fields: vec![FieldProblem {
                path: path.into(),
                message,
            }],
            retry_after: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthenticated => Self::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "sign in or present a valid API token",
            ),
            AppError::Forbidden(m) => Self::new(StatusCode::FORBIDDEN, "forbidden", m),
            AppError::NotFound(what) => {
                Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
            }
            AppError::Conflict(m) => Self::new(StatusCode::CONFLICT, "conflict", m),
            AppError::Invalid(fields) => Self {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "validation_failed",
                message: format!("{} problem(s) in the input", fields.len()),
                fields,
                retry_after: None,
            },
            AppError::Busy {
                message,
                retry_after_secs,
            } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message)
            },
            AppError::TooLarge { path, message } => Self {
                fields: vec![FieldProblem {
                    path,
                    message: message.clone(),
                }],
                ..Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
            },
            AppError::TimedOut(message) => Self::new(StatusCode::SERVICE_UNAVAILABLE, "timed_out", message),
            AppError::Throttled => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "too many attempts; wait and retry",
            ),
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                fields: self.fields,
            },
        };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON body whose every rejection (syntax, wrong type, unknown field, size) maps to the error shape,
/// with the JSON path of the offending field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(b) => b,
            Err(e) => return Err(body_rejection(e.status(), e.body_text())),
        };
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(de) {
            Ok(v) => Ok(Self(v)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    Err(ApiError::bad_request(format!("malformed JSON: {inner}")))
                } else {
                    Err(ApiError::unprocessable(path, inner.to_string()))
                }
            }
        }
    }
}

fn body_rejection(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(status, "payload_too_large", "the request body is too large")
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", text)
    }
}

/// Map axum's own JSON rejection (used where `Json` is unavoidable).
pub fn json_rejection(r: JsonRejection) -> ApiError {
    body_rejection(r.status(), r.body_text())
}

/// Query strings with the same error shape.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(Self(q.0)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                Err(ApiError::unprocessable("query", e.body_text()))
            }
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}
