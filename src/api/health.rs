//! Liveness and readiness probes (public, no personal data).

use crate::db::Pool;
use crate::error::AppResult;
use crate::http::db;
use actix_web::{web, HttpResponse};

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "alive")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "ready"),
    (status = 503, description = "database unreachable", body = crate::error::ErrorBody)))]
pub async fn readyz(pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    db(&pool, |conn| {
        crate::db::ping(conn).map_err(|_| crate::error::AppError::Unavailable)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready"})))
}
