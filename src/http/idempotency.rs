//! The edge of `services::idempotency`: a write that carries an `Idempotency-Key` header (the
//! API) or a `form_token` field (a page's form, see `ui::form_token`) from a signed-in user is
//! claimed before its handler runs; its answer is kept and given again to a retry, marked
//! `Idempotent-Replayed: true`. Requests without a key, and anonymous ones, pass untouched.

use super::{clock_of, db, pool_of, request_id, settings_of};
use crate::auth::current_user::CurrentUser;
use crate::error::AppError;
use crate::services::idempotency::{self as service, Answer, Begin};
use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpResponse};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

/// The header of the API.
pub const HEADER: &str = "idempotency-key";
/// The field of the pages' forms.
pub const FORM_FIELD: &str = "form_token";
/// Answers larger than this are not kept (the key is given back): writes answer a record, not
/// a file.
const MAX_KEPT: u64 = 1024 * 1024;
/// The headers a replay repeats. Never `Set-Cookie`: a session token is not stored.
const KEPT_HEADERS: &[&str] = &["content-type", "location", "etag", "content-disposition"];

/// Middleware (use with `middleware::from_fn`, inside the session guard).
pub async fn replay_retries(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let writes = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let user = req.extensions().get::<CurrentUser>().map(|u| u.id.to_string());
    let header_key = req.headers().get(HEADER).map(|v| v.to_str().map(str::to_string));
    let form = req.content_type().eq_ignore_ascii_case("application/x-www-form-urlencoded");
    // The answers of the two-factor steps hold recovery codes or a secret: never kept.
    let secret_answer = req.path().contains("/two-factor");
    let Some(user) = user.filter(|_| writes && !secret_answer && (header_key.is_some() || form)) else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let body = match read_body(&mut req).await {
        Ok(body) => body,
        Err(e) => return Ok(req.error_response(e)),
    };
    req.set_payload(Payload::from(body.clone()));
    let key = match header_key {
        Some(Ok(k)) => k,
        Some(Err(_)) => return Ok(req.error_response(key_error())),
        None => match form_token(&body) {
            Some(k) => k,
            None => return next.call(req).await.map(ServiceResponse::map_into_boxed_body),
        },
    };
    if let Err(e) = service::check_key(&key) {
        return Ok(req.error_response(e));
    }
    let fingerprint = fingerprint(&req, &body);
    let (pool, clock, rid) = match (pool_of(req.request()), clock_of(req.request())) {
        (Ok(p), Ok(c)) => (p, c, request_id(req.request())),
        (Err(e), _) | (_, Err(e)) => return Ok(req.error_response(e)),
    };
    let at = clock.now();
    let begun = {
        let (user, key, rid) = (user.clone(), key.clone(), rid.clone());
        db(&pool, move |conn| service::begin(conn, &user, &key, &fingerprint, &rid, at)).await
    };
    match begun {
        Err(e) => Ok(req.error_response(e)),
        Ok(Begin::Replay(answer)) => Ok(req.into_response(replay(answer, &rid))),
        Ok(Begin::Running) => Ok(req.error_response(AppError::Conflict {
            message: "a request with this key is still being carried out: wait for it, then send it again".into(),
            current_version: None,
        })),
        Ok(Begin::Mismatch) => Ok(req.error_response(AppError::field(
            "Idempotency-Key",
            "this key was used for another request: use a new key for a new request",
        ))),
        Ok(Begin::AnswerLost) => {
            Ok(req.error_response(AppError::Conflict { message: service::ANSWER_LOST.into(), current_version: None }))
        }
        Ok(Begin::Run) => {
            let res = next.call(req).await?.map_into_boxed_body();
            keep(res, pool, user, key, rid).await
        }
    }
}

/// Keeps the answer (or gives the key back), and answers it.
async fn keep(
    res: ServiceResponse<BoxBody>,
    pool: web::Data<crate::db::Pool>,
    user: String,
    key: String,
    rid: String,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let status = res.status();
    let retryable = status.is_server_error() || status == actix_web::http::StatusCode::TOO_MANY_REQUESTS;
    let small = matches!(res.response().body().size(), BodySize::None | BodySize::Sized(0..=MAX_KEPT));
    if retryable || !small {
        // Streamed or large answers (a download) pass through; a retry runs again.
        let download = !retryable;
        let _ = db(&pool, move |conn| service::release(conn, &user, &key, &rid, download)).await;
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    // An error answer is drawn by the envelope further out; keep what it will send.
    let (kept, res) = match res.error() {
        Some(err) => {
            let rendered = super::envelope::render(req.path(), &rid, crate::i18n::Lang::of_request(&req), err);
            (rendered.map_into_boxed_body(), Some(res))
        }
        None => (res, None),
    };
    let (head, body) = kept.into_parts();
    let bytes =
        actix_web::body::to_bytes(body).await.map_err(|_| AppError::Internal(anyhow::anyhow!("unreadable answer")))?;
    let headers: Vec<(String, String)> = KEPT_HEADERS
        .iter()
        .flat_map(|name| {
            head.headers().get_all(*name).filter_map(|v| v.to_str().ok()).map(|v| (name.to_string(), v.to_string()))
        })
        .collect();
    let answer = Answer { status: head.status().as_u16(), headers, body: bytes.to_vec() };
    if let Err(e) = db(&pool, move |conn| service::finish(conn, &user, &key, &rid, &answer)).await {
        // The change is done; only its replay is lost (a retry is then told so, not run again).
        tracing::warn!(error = %e, "could not keep an idempotent answer");
    }
    Ok(match res {
        Some(error_answer) => ServiceResponse::new(req, error_answer),
        None => ServiceResponse::new(req, head.set_body(BoxBody::new(bytes))),
    })
}

/// The kept answer again; an error's body names this request's id, as every error does.
fn replay(answer: Answer, rid: &str) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(answer.status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut res = HttpResponse::build(status);
    for (name, value) in &answer.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name.as_str()), HeaderValue::from_str(value)) {
            res.append_header((n, v));
        }
    }
    res.insert_header((HeaderName::from_static("idempotent-replayed"), HeaderValue::from_static("true")));
    let mut body = answer.body;
    if status.is_client_error() {
        if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&body) {
            if v["error"]["request_id"].is_string() {
                v["error"]["request_id"] = serde_json::Value::String(rid.to_string());
                body = serde_json::to_vec(&v).unwrap_or(body);
            }
        }
    }
    res.body(body)
}

fn key_error() -> AppError {
    AppError::field(HEADER, "must be 1 to 255 visible ASCII characters (a UUID, say)")
}

/// The request as a retry must repeat it: method, path, query, content type, `If-Match` and body.
fn fingerprint(req: &ServiceRequest, body: &[u8]) -> String {
    let mut h = Sha256::new();
    let if_match = req.headers().get(header::IF_MATCH).and_then(|v| v.to_str().ok()).unwrap_or("");
    for part in [req.method().as_str(), req.path(), req.query_string(), req.content_type(), if_match] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(body);
    hex::encode(h.finalize())
}

fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == FORM_FIELD)
        .map(|(_, v)| v)
}

/// The whole body, up to the largest any handler accepts (an uploaded list); larger is 413.
async fn read_body(req: &mut ServiceRequest) -> Result<web::Bytes, AppError> {
    let cap = settings_of(req.request())
        .map(|s| s.max_body_bytes)
        .unwrap_or_default()
        .max(crate::services::imports::read::MAX_BYTES + 1);
    if let Some(len) = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok()) {
        if len > cap {
            return Err(AppError::PayloadTooLarge);
        }
    }
    let mut payload = req.take_payload();
    let mut buf = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest("the request body could not be read".into()))?;
        if buf.len() + chunk.len() > cap {
            return Err(AppError::PayloadTooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}
