//! `/api/v1/jobs`: background jobs (the re-evaluation of everyone, and the user's own
//! organisation's imports and review lists) and their progress.

use super::extract::PageQuery;
use crate::auth::permissions::ReadJobs;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::JobId;
use crate::error::AppResult;
use crate::http::db;
use crate::services::jobs::{self, JobView};
use actix_web::{web, HttpResponse};

/// The most recent jobs, newest first.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs", params(PageQuery), responses((status = 200, body = Vec<JobView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(user: Can<ReadJobs>, pool: web::Data<Pool>, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let page = q.page()?;
    let org = user.user().organisation_id.clone();
    let rows = db(&pool, move |conn| jobs::recent(conn, &org, page)).await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One job: status, progress (done of total persons), error.
#[utoipa::path(get, path = "/api/v1/jobs/{id}", tag = "jobs", params(("id" = String, Path)), responses((status = 200, body = JobView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(user: Can<ReadJobs>, pool: web::Data<Pool>, id: web::Path<JobId>) -> AppResult<HttpResponse> {
    let org = user.user().organisation_id.clone();
    let job = db(&pool, move |conn| jobs::view_for(conn, &org, &id)).await?;
    Ok(HttpResponse::Ok().json(job))
}
