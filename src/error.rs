//! One error type for the whole application. Each variant has a stable snake_case code and an
//! HTTP status; the cause of an internal error is logged with the request id and never sent.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Field name -> messages, as sent in a 422 answer.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("the request body is not valid JSON")]
    MalformedJson(String),
    #[error("{message}")]
    Validation { message: String, fields: FieldErrors },
    #[error("authentication required")]
    Unauthenticated,
    #[error("unknown email or wrong password")]
    InvalidCredentials,
    /// The session's password was right but its second factor is still awaited
    /// (`POST /api/v1/auth/two-factor`, or enrolment when the role requires it).
    #[error("the second factor of this sign-in is awaited")]
    SecondFactorRequired,
    #[error("you may not do this")]
    Forbidden,
    #[error("cross-origin request refused")]
    CrossOrigin,
    /// The request is addressed to a host name this server does not answer to (`allowed_hosts`).
    #[error("this server does not answer to that host name")]
    HostNotAllowed,
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{message}")]
    Conflict { message: String, current_version: Option<i64> },
    /// A case step that may not be taken now: 409 (no such step from the current status, or
    /// someone else moved the case first), 403 (not this role's step) or 422 (something the
    /// step needs is missing), with the case's current status and the steps the user may take.
    #[error("{message}")]
    StepRefused {
        status: u16,
        message: String,
        fields: FieldErrors,
        current_status: String,
        current_version: i64,
        allowed: Vec<String>,
    },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported content type: send application/json")]
    UnsupportedMediaType,
    #[error("too many attempts; try again later")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the database is not reachable")]
    Unavailable,
    /// Too many sign-ins are being checked at once, or the database stayed locked by other work:
    /// nothing was done, and the answer says when to try again.
    #[error("the server is busy; try again in a moment")]
    Busy { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// The stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest(_) => "bad_request",
            AppError::MalformedJson(_) => "malformed_json",
            AppError::Validation { .. } => "validation_failed",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::SecondFactorRequired => "second_factor_required",
            AppError::Forbidden => "forbidden",
            AppError::CrossOrigin => "cross_origin_request",
            AppError::HostNotAllowed => "host_not_allowed",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Conflict { .. } => "conflict",
            AppError::StepRefused { status: 403, .. } => "forbidden",
            AppError::StepRefused { status: 422, .. } => "validation_failed",
            AppError::StepRefused { .. } => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable => "unavailable",
            AppError::Busy { .. } => "busy",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// A 422 with a single field message.
    pub fn field(field: &str, message: impl Into<String>) -> AppError {
        let mut fields = FieldErrors::new();
        fields.insert(field.to_string(), vec![message.into()]);
        AppError::Validation { message: "some fields are not valid".into(), fields }
    }

    /// The body sent to the client; `request_id` is filled in by the error-envelope middleware.
    pub fn body(&self, request_id: &str) -> ErrorBody {
        let message = match self {
            // Never echo internal causes.
            AppError::Internal(_) => "internal error".to_string(),
            AppError::MalformedJson(detail) => format!("the request body is not valid JSON: {detail}"),
            other => other.to_string(),
        };
        let (fields, current_version) = match self {
            AppError::Validation { fields, .. } => (Some(fields.clone()), None),
            AppError::Conflict { current_version, .. } => (None, *current_version),
            AppError::StepRefused { fields, current_version, .. } => {
                (Some(fields.clone()).filter(|f| !f.is_empty()), Some(*current_version))
            }
            _ => (None, None),
        };
        let (current_status, allowed_steps) = match self {
            AppError::StepRefused { current_status, allowed, .. } => {
                (Some(current_status.clone()), Some(allowed.clone()))
            }
            _ => (None, None),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message,
                fields,
                current_version,
                current_status,
                allowed_steps,
                request_id: request_id.to_string(),
            },
        }
    }
}

/// The one JSON shape of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// The inside of [`ErrorBody`].
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `validation_failed`, `not_found`, `conflict`.
    pub code: String,
    /// A human-readable message.
    pub message: String,
    /// Field name -> messages (422 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldErrors>,
    /// The record's current version (409 only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
    /// A refused case step: the case's status now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_status: Option<String>,
    /// A refused case step: the statuses the user may move the case to from here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_steps: Option<Vec<String>>,
    /// Quote this when reporting a problem: it finds the request in the logs.
    pub request_id: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) | AppError::MalformedJson(_) | AppError::HostNotAllowed => StatusCode::BAD_REQUEST,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated | AppError::InvalidCredentials | AppError::SecondFactorRequired => {
                StatusCode::UNAUTHORIZED
            }
            AppError::Forbidden | AppError::CrossOrigin => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::StepRefused { status: 403, .. } => StatusCode::FORBIDDEN,
            AppError::StepRefused { status: 422, .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::StepRefused { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable | AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    // The envelope middleware rewrites this body with the request id; this is the fallback.
    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests { retry_after_secs } | AppError::Busy { retry_after_secs } = self {
            res.insert_header(("Retry-After", retry_after_secs.to_string()));
        }
        res.json(self.body(""))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            // Two requests racing to create the same thing: the loser is told, nothing is lost.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::Conflict {
                message: "this record already exists (someone may have just created it): reload and check".into(),
                current_version: None,
            },
            // The database's own guard (e.g. a link to a person of another organisation).
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => AppError::Validation {
                message: "the request refers to a record that does not exist".into(),
                fields: FieldErrors::new(),
            },
            // SQLite's one writer held the lock past the busy timeout (a long background job):
            // the request changed nothing and may be sent again, which 503 says; not a fault.
            Error::DatabaseError(_, info) if info.message().contains("database is locked") => {
                tracing::warn!("the database stayed locked past the busy timeout");
                AppError::Busy { retry_after_secs: 10 }
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<crate::domain::problems::Problems> for AppError {
    fn from(p: crate::domain::problems::Problems) -> Self {
        AppError::Validation { message: "some fields are not valid".into(), fields: p.fields }
    }
}

impl AppError {
    /// A 409 for a record someone else changed first.
    pub fn stale(what: &str, current_version: i64) -> AppError {
        AppError::Conflict {
            message: format!(
                "this {what} was changed by someone else; reload to see their change, then apply yours again"
            ),
            current_version: Some(current_version),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "database pool exhausted or unreachable");
        AppError::Unavailable
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = FieldErrors::new();
        for (field, errs) in errors.field_errors() {
            let messages = errs
                .iter()
                .map(|e| e.message.as_ref().map(|m| m.to_string()).unwrap_or_else(|| e.code.to_string()))
                .collect();
            fields.insert(field.to_string(), messages);
        }
        AppError::Validation { message: "some fields are not valid".into(), fields }
    }
}

/// The result type of handlers and services.
pub type AppResult<T> = Result<T, AppError>;
