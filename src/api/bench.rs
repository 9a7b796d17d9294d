//! The benchmark baseline: `GET /api/v1/bench/point/{person_id}`, a bare pooled point read
//! (`SELECT id, version FROM persons WHERE id = ?`) served by the same server, middlewares and
//! blocking pool as every other path, but without a session, authorisation or a view. The
//! harness (`make bench`, `benches/scale.rs`) divides every path's time by this one's.
//!
//! It exists only when the setting `bench_baseline` is on (`HOMEWARD_BENCH_BASELINE=1`): then
//! the route is registered and the guard lets it through without a session. Off (the default),
//! the path is unknown and answers like any other unknown path (401 without a session). It
//! answers an id and a version, nothing personal, but it is still never meant for production.
//! The query sits here, not in `db/repo/`, on purpose: it is the hand-written reference the
//! real layers are measured against, and must not change when they do.

use crate::db::schema::persons;
use crate::db::Pool;
use crate::error::AppResult;
use crate::http::{db, resource, settings_of};
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::{OptionalExtension, QueryDsl, RunQueryDsl};
use serde::Serialize;

/// Where the baseline is served (a prefix of it: the person id follows).
pub const PREFIX: &str = "/api/v1/bench/";

/// The answer: the row's id and lock version.
#[derive(Debug, Serialize)]
pub struct Point {
    pub id: String,
    pub version: i64,
}

/// Registers the route when `enabled` (the setting `bench_baseline`); nothing otherwise.
pub fn configure(enabled: bool) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        if enabled {
            cfg.service(resource("/api/v1/bench/point/{person_id}").route(web::get().to(point)));
        }
    }
}

/// True when the request is for the baseline and the setting is on: the guard then lets it
/// through without a session.
pub fn is_open(req: &HttpRequest) -> bool {
    req.path().starts_with(PREFIX) && settings_of(req).is_ok_and(|s| s.bench_baseline)
}

/// `GET /api/v1/bench/point/{person_id}`: one row by primary key, 404 if absent.
pub async fn point(pool: web::Data<Pool>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let found = db(&pool, move |conn| {
        Ok(persons::table.find(id).select((persons::id, persons::version)).first::<(String, i64)>(conn).optional()?)
    })
    .await?;
    match found {
        Some((id, version)) => Ok(HttpResponse::Ok().json(Point { id, version })),
        None => Err(crate::error::AppError::NotFound),
    }
}
