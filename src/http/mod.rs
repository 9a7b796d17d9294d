//! HTTP plumbing shared by the API and the UI: request ids, client addresses, running database
//! work off the actix workers, and the middlewares (security headers, CSRF, error envelope,
//! control characters in query strings and forms).

pub mod download;
pub mod envelope;
pub mod filters;
pub mod hosts;
pub mod idempotency;
pub mod inputs;
pub mod probes;
pub mod security;
pub mod spans;

use crate::config::Settings;
use crate::db::{DbConnection, Pool};
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpMessage, HttpRequest};

/// The id of this request (set by the tracing middleware; also sent as `X-Request-Id`).
pub fn request_id(req: &HttpRequest) -> String {
    req.extensions().get::<tracing_actix_web::RequestId>().map(|id| id.to_string()).unwrap_or_default()
}

/// The client's address, for throttling: the TCP peer, or with `trust_forwarded_for` the entry
/// of `X-Forwarded-For` that the configured number of proxies puts there (`hosts::client`).
pub fn client_addr(req: &HttpRequest, settings: &Settings) -> String {
    let forwarded: Vec<&str> = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect();
    hosts::client(req.peer_addr().map(|a| a.ip()), &forwarded, settings)
}

/// Runs `f` with a pooled connection on the blocking thread pool: diesel calls (and argon2)
/// must never run on an actix worker, whose single-threaded runtime they would stall.
///
/// At most as many closures as the pool has connections go to the blocking pool at once; the
/// others wait here, as futures. Without this gate 64 concurrent requests become 64 blocking
/// threads queuing on the pool's lock, and the machine spends a third of its time switching
/// between them (measured with wrk: 2,400 person reads/s with the gate off).
pub async fn db<T, F>(pool: &web::Data<Pool>, f: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> AppResult<T> + Send + 'static,
{
    let permit = pool.gate().acquire_owned().await.map_err(|e| AppError::Internal(e.into()))?;
    let pool = pool.clone();
    web::block(move || {
        // Held until the closure ends, even if the request that waits for it is dropped.
        let _permit = permit;
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

/// Reads the pool from the app data (present in every app built by `startup`).
pub fn pool_of(req: &HttpRequest) -> AppResult<web::Data<Pool>> {
    req.app_data::<web::Data<Pool>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("database pool missing from app data")))
}

/// Reads the clock from the app data.
pub fn clock_of(req: &HttpRequest) -> AppResult<crate::clock::Clock> {
    req.app_data::<web::Data<crate::clock::Clock>>()
        .map(|c| c.get_ref().clone())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("clock missing from app data")))
}

/// Reads the settings from the app data.
pub fn settings_of(req: &HttpRequest) -> AppResult<web::Data<Settings>> {
    req.app_data::<web::Data<Settings>>()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("settings missing from app data")))
}

/// True for paths answered with JSON; the rest are HTML pages.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path == "/healthz" || path == "/readyz"
}

/// Notes in the access log (`services::access_log`) that the user of `ctx` opened a record.
pub fn viewed(req: &HttpRequest, ctx: &crate::services::audit::AuditCtx, entity: (&str, &str)) {
    if let Some(log) = req.app_data::<web::Data<crate::services::access_log::AccessLog>>() {
        log.viewed(ctx, entity);
    }
}

/// A resource whose unknown methods answer 405 in the error envelope (not a bare 404). Every
/// route of the app is made here, so its path is also noted in [`registered_paths`].
pub fn resource(path: &str) -> actix_web::Resource {
    let mut paths = REGISTERED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    paths.insert(path.to_string());
    web::resource(path).default_service(web::to(envelope::method_not_allowed))
}

static REGISTERED: std::sync::Mutex<std::collections::BTreeSet<String>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// The paths of every resource registered so far in this process (the router's table: the
/// authorisation matrix test checks that each of them is in its checked-in table).
pub fn registered_paths() -> Vec<String> {
    REGISTERED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned().collect()
}
