//! The error envelope: every error answer, whoever produced it (a handler, an extractor, a
//! middleware, actix itself), leaves in the one JSON shape with the request id; internal causes
//! are logged here and never sent. HTML pages get a redirect to the login page when the session
//! is missing, and a small error page otherwise.

use super::{is_api_path, request_id};
use crate::error::AppError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError};

/// Middleware (use with `middleware::from_fn`).
pub async fn error_envelope(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    // Only plain values are kept across the call: holding a clone of the request would stop
    // the router from writing the matched path into it.
    let path = req.path().to_string();
    let rid = request_id(req.request());
    match next.call(req).await {
        Ok(res) => match res.response().error() {
            Some(err) => {
                let response = render(&path, &rid, err);
                Ok(res.into_response(response))
            }
            None => Ok(res.map_into_boxed_body()),
        },
        // Errors returned (not answered) by inner middlewares: hand actix a finished answer.
        Err(err) => {
            let response = render(&path, &rid, &err);
            Err(actix_web::error::InternalError::from_response(err.to_string(), response).into())
        }
    }
}

/// Builds the answer for an error, logging internal causes.
fn render(path: &str, rid: &str, err: &Error) -> HttpResponse {
    let converted;
    let app: &AppError = match err.as_error::<AppError>() {
        Some(app) => app,
        None => {
            converted = from_status(err);
            &converted
        }
    };
    if let AppError::Internal(cause) = app {
        tracing::error!(request_id = %rid, error = %format!("{cause:#}"), "internal error");
    }
    if !is_api_path(path) {
        return html(app, rid);
    }
    let mut res = HttpResponse::build(app.status_code());
    if let AppError::TooManyRequests { retry_after_secs } = app {
        res.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
    }
    if let AppError::MethodNotAllowed = app {
        if let Some(allow) = err.as_response_error().error_response().headers().get(header::ALLOW) {
            res.insert_header((header::ALLOW, allow.clone()));
        }
    }
    res.json(app.body(rid))
}

/// Errors that actix raised itself, mapped by status.
fn from_status(err: &Error) -> AppError {
    match err.as_response_error().status_code() {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => AppError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType,
        s if s.is_client_error() => AppError::BadRequest(err.to_string()),
        _ => AppError::Internal(anyhow::anyhow!("{err}")),
    }
}

fn html(app: &AppError, rid: &str) -> HttpResponse {
    match app {
        AppError::Unauthenticated => HttpResponse::SeeOther().insert_header((header::LOCATION, "/login")).finish(),
        _ => {
            let body = format!(
                "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{status}</title>\
                 <link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"error-page\">\
                 <h1>{status}</h1><p>{code}</p><p>Request id: <code>{rid}</code></p>\
                 <p><a href=\"/\">Home</a></p></main></body></html>",
                status = app.status_code(),
                code = app.code(),
                rid = rid.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>(),
            );
            HttpResponse::build(app.status_code()).content_type("text/html; charset=utf-8").body(body)
        }
    }
}

/// Default service for unknown routes.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Default service of a resource whose path matched but whose method did not.
pub async fn method_not_allowed() -> Result<HttpResponse, AppError> {
    Err(AppError::MethodNotAllowed)
}
