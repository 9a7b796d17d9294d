//! Security middlewares: response headers on every answer, and the CSRF check that refuses
//! state-changing requests a browser sends from another origin.

use super::{pool_of, request_id};
use crate::error::AppError;
use crate::services::audit::{self, AuditCtx};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::Error;

const CSP: &str = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
// Swagger UI sets inline styles and data: images; it is still served from the binary only.
const CSP_DOCS: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                        frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// Adds the security headers; API answers and pages are never cached (they hold personal data).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let path = req.path().to_string();
    let rid = request_id(req.request());
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    let csp = if path.starts_with("/api/docs") { CSP_DOCS } else { CSP };
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    let cache = if path.starts_with("/static/") { "public, max-age=3600" } else { "no-store" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&rid) {
        h.insert(header::HeaderName::from_static("x-request-id"), v);
    }
    Ok(res)
}

/// Whether a state-changing request may proceed: `Sec-Fetch-Site`, when sent (every current
/// browser does, and no page can forge it), must say `same-origin`; an `Origin`, when sent, must
/// be this site's exactly, scheme, host and port (`hosts::expected_origin`), except that with
/// `Sec-Fetch-Site: same-origin` an opaque `Origin: null` is accepted (Chromium sends it for a
/// form posted by a page with `Referrer-Policy: no-referrer`, as ours are). A request with
/// neither header is not from a browser (curl, scripts) and cannot carry a victim's cookies by
/// way of another site.
pub fn same_origin_allowed(method: &Method, fetch_site: Option<&str>, origin: Option<&str>, expected: &str) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE) {
        return true;
    }
    let origin_ok = |origin: &str| origin.trim_end_matches('/').eq_ignore_ascii_case(expected);
    match (fetch_site, origin) {
        (Some(site), _) if site != "same-origin" => false,
        (Some(_), Some("null")) | (Some(_), None) => true,
        (_, Some(origin)) => origin_ok(origin),
        (None, None) => true,
    }
}

/// Middleware: refuses cross-origin state-changing requests with 403, and audits the refusal.
pub async fn csrf(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, Error> {
    let header_str = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let fetch_site = header_str("sec-fetch-site");
    let origin = header_str("origin");
    let host = super::hosts::request_host(req.request()).unwrap_or_default();
    let expected = super::settings_of(req.request()).map(|s| super::hosts::expected_origin(&s, &host));
    let expected = expected.unwrap_or_default();
    if same_origin_allowed(req.method(), fetch_site.as_deref(), origin.as_deref(), &expected) {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    if let (Ok(pool), Ok(clock)) = (pool_of(req.request()), crate::http::clock_of(req.request())) {
        let ctx = AuditCtx::anonymous(request_id(req.request()), &clock);
        // Best effort: the refusal stands even if the audit write fails.
        let _ =
            crate::http::db(&pool, move |conn| audit::record_alone(conn, &ctx, "access.denied", None, "cross_origin"))
                .await;
    }
    // Answered (not returned as Err) so the error envelope and the security headers apply.
    Ok(req.error_response(AppError::CrossOrigin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_methods_always_pass() {
        assert!(same_origin_allowed(&Method::GET, Some("cross-site"), Some("https://evil.example"), "a"));
    }

    #[test]
    fn browsers_must_say_same_origin() {
        assert!(same_origin_allowed(&Method::POST, Some("same-origin"), None, "http://h"));
        assert!(!same_origin_allowed(&Method::POST, Some("cross-site"), None, "http://h"));
        assert!(!same_origin_allowed(&Method::POST, Some("same-site"), None, "http://h"));
        assert!(!same_origin_allowed(&Method::PATCH, Some("none"), None, "http://h"));
    }

    #[test]
    fn the_origin_must_match_scheme_host_and_port() {
        let here = "http://127.0.0.1:8080";
        assert!(same_origin_allowed(&Method::POST, None, Some("http://127.0.0.1:8080"), here));
        assert!(same_origin_allowed(&Method::POST, Some("same-origin"), Some("http://127.0.0.1:8080"), here));
        assert!(!same_origin_allowed(&Method::POST, None, Some("http://evil.example"), here));
        assert!(!same_origin_allowed(&Method::POST, None, Some("https://127.0.0.1:8080"), here));
        assert!(!same_origin_allowed(&Method::POST, None, Some("http://127.0.0.1:8081"), here));
        assert!(!same_origin_allowed(&Method::POST, Some("same-origin"), Some("http://127.0.0.1"), here));
        assert!(!same_origin_allowed(&Method::POST, None, Some("null"), here));
        assert!(same_origin_allowed(&Method::POST, None, None, here));
        // A form posted by our own page under `Referrer-Policy: no-referrer` (Chromium).
        assert!(same_origin_allowed(&Method::POST, Some("same-origin"), Some("null"), here));
        // A sandboxed frame elsewhere also says null, but not same-origin.
        assert!(!same_origin_allowed(&Method::POST, Some("cross-site"), Some("null"), here));
    }
}
