//! The error envelope: every error answer, whoever produced it (a handler, an extractor, a
//! middleware, actix itself), leaves in the one JSON shape with the request id; internal causes
//! are logged here and never sent. HTML pages get a redirect to the login page when the session
//! is missing, and a small error page otherwise, which lists the fields of a 422 with their
//! messages in the reader's language (a refused query parameter, say).

use super::{is_api_path, request_id};
use crate::error::AppError;
use crate::i18n::{I18n, Lang};
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
    let lang = Lang::of_request(req.request());
    match next.call(req).await {
        Ok(res) => match res.response().error() {
            Some(err) => {
                let mut response = render(&path, &rid, lang, err);
                if response.status() == StatusCode::METHOD_NOT_ALLOWED {
                    // RFC 9110: a 405 says which methods the resource has.
                    let allowed = res.request().match_pattern().and_then(|p| crate::api::openapi::methods_of(&p));
                    if let Some(v) = allowed.and_then(|a| header::HeaderValue::from_str(&a).ok()) {
                        response.headers_mut().insert(header::ALLOW, v);
                    }
                }
                Ok(res.into_response(response))
            }
            None => Ok(res.map_into_boxed_body()),
        },
        // Errors returned (not answered) by inner middlewares: hand actix a finished answer.
        Err(err) => {
            let response = render(&path, &rid, lang, &err);
            Err(actix_web::error::InternalError::from_response(err.to_string(), response).into())
        }
    }
}

/// Builds the answer for an error, logging internal causes.
pub(crate) fn render(path: &str, rid: &str, lang: Lang, err: &Error) -> HttpResponse {
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
        return html(app, rid, lang);
    }
    let mut res = HttpResponse::build(app.status_code());
    if let AppError::TooManyRequests { retry_after_secs } | AppError::Busy { retry_after_secs } = app {
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

fn html(app: &AppError, rid: &str, lang: Lang) -> HttpResponse {
    match app {
        AppError::Unauthenticated => HttpResponse::SeeOther().insert_header((header::LOCATION, "/login")).finish(),
        AppError::SecondFactorRequired => {
            HttpResponse::SeeOther().insert_header((header::LOCATION, "/login/two-factor")).finish()
        }
        _ => {
            let i18n = I18n::new(lang);
            let body = format!(
                "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
                 <title>{status}</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>\
                 <main class=\"error-page\"><h1>{status}</h1><p>{code}</p>{fields}\
                 <p>Request id: <code>{rid}</code></p><p><a href=\"/\">Home</a></p></main></body></html>",
                lang = lang.code(),
                dir = i18n.dir(),
                status = app.status_code(),
                code = app.code(),
                fields = field_list(app, &i18n),
                rid = rid.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect::<String>(),
            );
            HttpResponse::build(app.status_code()).content_type("text/html; charset=utf-8").body(body)
        }
    }
}

/// The fields of a 422 and their messages, for a reader who has no form to go back to (a query
/// parameter or a posted value refused before any page could show it).
fn field_list(app: &AppError, i18n: &I18n) -> String {
    let AppError::Validation { fields, .. } = app else { return String::new() };
    if fields.is_empty() {
        return String::new();
    }
    let items: String = fields
        .iter()
        .flat_map(|(field, messages)| messages.iter().map(move |m| (field, m)))
        .map(|(field, m)| {
            let m = crate::ui::forms::translate(i18n, m);
            format!("<li><code dir=\"ltr\">{}</code>: {}</li>", escape(field), escape(&m))
        })
        .collect();
    format!(
        "<p role=\"alert\">{}</p><ul class=\"field-errors\" data-testid=\"field-errors\">{items}</ul>",
        escape(&i18n.t("error-invalid-input"))
    )
}

/// Text made safe inside HTML (field names come from the request).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Default service for unknown routes.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// Default service of a resource whose path matched but whose method did not.
pub async fn method_not_allowed() -> Result<HttpResponse, AppError> {
    Err(AppError::MethodNotAllowed)
}
