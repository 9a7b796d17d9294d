//! `/api/v1/duplicates/...`, `/api/v1/persons/{id}/merge`, `/api/v1/merges/...`: the duplicate
//! review list of the organisation (built by a job), two persons side by side, "not the same
//! person", merging two records of one person and undoing it. Own organisation only.

use super::extract::{Body, PageQuery};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::Can;
use crate::db::repo::duplicate_pairs::PairStatus;
use crate::db::Pool;
use crate::domain::ids::PersonId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::merge::{self, MergeInput, MergeView};
use crate::services::registry::review::{self, Comparison, ReviewList};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// `?status=&limit=&offset=` of the review list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// `open` (default), `distinct` or `merged`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ReviewQuery {
    pub fn parse(&self) -> AppResult<(PairStatus, crate::db::repo::Page)> {
        let status = match &self.status {
            None => PairStatus::Open,
            Some(s) => s.parse().map_err(|e: String| AppError::field("status", e))?,
        };
        Ok((status, PageQuery { limit: self.limit, offset: self.offset }.page()?))
    }
}

/// The review list: pairs of persons that may be one, best first, with the latest build.
#[utoipa::path(get, path = "/api/v1/duplicates/review", tag = "duplicates", params(ReviewQuery), responses((status = 200, body = ReviewList), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    q: web::Query<ReviewQuery>,
) -> AppResult<HttpResponse> {
    let (status, page) = q.parse()?;
    let scope = user.scope();
    let v = db(&pool, move |conn| review::list(conn, &scope, status, page)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Queues a build of the organisation's review list (joins one already queued); 202 with the
/// job, whose progress `GET /api/v1/jobs/{id}` reports.
#[utoipa::path(post, path = "/api/v1/duplicates/review", tag = "duplicates", responses((status = 202, body = crate::services::jobs::JobView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn build(user: Can<WriteRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let job = db(&pool, move |conn| review::queue(conn, &ctx, &scope)).await?;
    Ok(HttpResponse::Accepted().json(job))
}

/// `?a=&b=`: two persons.
#[derive(Debug, Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct PairQuery {
    #[schema(value_type = String)]
    #[param(value_type = String)]
    pub a: PersonId,
    #[schema(value_type = String)]
    #[param(value_type = String)]
    pub b: PersonId,
}

/// Two persons side by side, with how they compare.
#[utoipa::path(get, path = "/api/v1/duplicates/compare", tag = "duplicates", params(PairQuery), responses((status = 200, body = Comparison), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn compare(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    q: web::Query<PairQuery>,
) -> AppResult<HttpResponse> {
    let (scope, today) = (user.scope(), user.today());
    let q = q.into_inner();
    let v = db(&pool, move |conn| review::compare_two(conn, &scope, &q.a, &q.b, today)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// "Not the same person": the pair is never proposed again.
#[utoipa::path(post, path = "/api/v1/duplicates/distinct", tag = "duplicates", request_body = PairQuery, responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn distinct(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    body: Body<PairQuery>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, body) = (user.audit_ctx(), user.scope(), body.into_inner());
    db(&pool, move |conn| review::distinct(conn, &ctx, &scope, &body.a, &body.b)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Merges another person into this one (the path's person is kept); 409 when either changed
/// since it was shown or both are in open cases to one country.
#[utoipa::path(post, path = "/api/v1/persons/{id}/merge", tag = "duplicates", params(("id" = String, Path)), request_body = MergeInput, responses((status = 201, body = MergeView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn merge_into(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: Body<MergeInput>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, input) = (user.audit_ctx(), user.scope(), body.into_inner());
    let v = db(&pool, move |conn| merge::merge(conn, &ctx, &scope, &id, &input)).await?;
    Ok(HttpResponse::Created().json(v))
}

/// The merges into this person or of it, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/merges", tag = "duplicates", params(("id" = String, Path)), responses((status = 200, body = Vec<MergeView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn merges_of(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let v = db(&pool, move |conn| merge::of_person(conn, &scope, &id)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// The organisation's merges, newest first.
#[utoipa::path(get, path = "/api/v1/merges", tag = "duplicates", params(PageQuery), responses((status = 200, body = Vec<MergeView>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list_merges(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let page = q.page()?;
    let scope = user.scope();
    let (items, _) = db(&pool, move |conn| merge::recent(conn, &scope, page)).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// One merge.
#[utoipa::path(get, path = "/api/v1/merges/{id}", tag = "duplicates", params(("id" = String, Path)), responses((status = 200, body = MergeView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_merge(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let v = db(&pool, move |conn| merge::find(conn, &scope, &id)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Undoes a merge: the merged person comes back with what was theirs; 409 when it was undone
/// already or the kept person was merged in turn.
#[utoipa::path(post, path = "/api/v1/merges/{id}/undo", tag = "duplicates", params(("id" = String, Path)), responses((status = 200, body = MergeView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn undo(user: Can<WriteRegistry>, pool: web::Data<Pool>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| merge::undo(conn, &ctx, &scope, &id)).await?;
    Ok(HttpResponse::Ok().json(v))
}
