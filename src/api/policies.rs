//! `/api/v1/policies`, `/api/v1/policy-versions`, `/api/v1/policy-changes`: every signed-in
//! user reads the policies; only stewards (a deployment-level grant, not a role) change them;
//! coordinators and stewards simulate a draft; admins and coordinators of every organisation
//! read the log of policy changes.

use super::extract::{country, etag, expected_version, Body, PageQuery};
use crate::auth::permissions::{EditPolicies, ReadPolicyChanges, SimulatePolicy};
use crate::auth::{Can, CurrentUser};
use crate::db::repo::policies as repo;
use crate::db::Pool;
use crate::domain::ids::PolicyVersionId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::jobs::JobView;
use crate::services::policy::simulate::{self, Simulation};
use crate::services::policy::versions::{self, DraftPatch};
use crate::services::policy::views::{self, view, PolicyChange, PolicyVersionView};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Every country's versions, by country and number.
#[utoipa::path(get, path = "/api/v1/policies", tag = "policies", responses((status = 200, body = Vec<PolicyVersionView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(_user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let rows = db(&pool, |conn| Ok(repo::all(conn)?)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<AppResult<Vec<_>>>()?))
}

/// One country's versions (its timeline).
#[utoipa::path(get, path = "/api/v1/policies/{country}", tag = "policies", params(("country" = String, Path)), responses((status = 200, body = Vec<PolicyVersionView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn country_versions(
    _user: CurrentUser,
    pool: web::Data<Pool>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = country(&code)?;
    let rows = db(&pool, move |conn| Ok(repo::versions_of(conn, &code)?)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(view).collect::<AppResult<Vec<_>>>()?))
}

/// One version.
#[utoipa::path(get, path = "/api/v1/policy-versions/{id}", tag = "policies", params(("id" = String, Path)), responses((status = 200, body = PolicyVersionView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(_user: CurrentUser, pool: web::Data<Pool>, id: web::Path<PolicyVersionId>) -> AppResult<HttpResponse> {
    let row = db(&pool, move |conn| repo::find(conn, &id)?.ok_or(AppError::NotFound)).await?;
    let v = view(row)?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Creates a draft for a country from the version in force (stewards).
#[utoipa::path(post, path = "/api/v1/policies/{country}/drafts", tag = "policies", params(("country" = String, Path)), responses((status = 201, body = PolicyVersionView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create_draft(
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = country(&code)?;
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| versions::create_draft(conn, &ctx, &code)).await?;
    Ok(HttpResponse::Created().json(view(row)?))
}

/// The fields of a draft to change (only those sent change; `null` empties the source, its
/// address or the note) and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftUpdate {
    #[serde(flatten)]
    pub draft: DraftPatch,
    pub version: Option<i64>,
}

/// Edits the fields sent of a draft: summary, source, note, rules (stewards); an invalid rule
/// answers 422 naming it, a stale version 409.
#[utoipa::path(patch, path = "/api/v1/policy-versions/{id}", tag = "policies", params(("id" = String, Path)), request_body = DraftUpdate, responses((status = 200, body = PolicyVersionView), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn edit(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: Body<DraftUpdate>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| versions::patch_draft(conn, &ctx, &id, version, body.draft)).await?;
    let v = view(row)?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Publication dates and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishRequest {
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub version: Option<i64>,
}

/// A version after publication or retirement, and the re-evaluation it queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    #[serde(flatten)]
    pub version: PolicyVersionView,
    /// The re-evaluation of everyone, running in the background: follow it at
    /// `/api/v1/jobs/{id}`.
    pub job: Option<JobView>,
}

/// Publishes a draft; the version in force on that date ends the day before (stewards). The
/// answer comes at once; everyone's re-evaluation runs as a job.
#[utoipa::path(post, path = "/api/v1/policy-versions/{id}/publish", tag = "policies", params(("id" = String, Path)), request_body = PublishRequest, responses((status = 200, body = Published), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn publish(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: Body<PublishRequest>,
) -> AppResult<HttpResponse> {
    let version = expected_version(&req, body.version)?;
    let ctx = user.audit_ctx();
    let (row, job) =
        db(&pool, move |conn| versions::publish(conn, &ctx, &id, version, body.effective_from, body.effective_to))
            .await?;
    Ok(HttpResponse::Ok().json(Published { version: view(row)?, job: Some(job.into()) }))
}

/// The version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RetireRequest {
    pub version: Option<i64>,
}

/// Retires a version (stewards); a published one's retirement queues everyone's re-evaluation.
#[utoipa::path(post, path = "/api/v1/policy-versions/{id}/retire", tag = "policies", params(("id" = String, Path)), request_body = RetireRequest, responses((status = 200, body = Published), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn retire(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: Body<RetireRequest>,
) -> AppResult<HttpResponse> {
    let version = expected_version(&req, body.version)?;
    let ctx = user.audit_ctx();
    let (row, job) = db(&pool, move |conn| versions::retire(conn, &ctx, &id, version)).await?;
    Ok(HttpResponse::Ok().json(Published { version: view(row)?, job: job.map(Into::into) }))
}

/// `?as_of=` (default today).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    pub as_of: Option<NaiveDate>,
}

/// Simulates a draft against the versions in force: counts for everyone, names of the caller's
/// organisation for roles that see persons.
#[utoipa::path(post, path = "/api/v1/policy-versions/{id}/simulate", tag = "policies", params(("id" = String, Path), AsOf), responses((status = 200, body = Simulation), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn simulate(
    user: Can<SimulatePolicy>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    q: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    let on = crate::http::filters::as_of(q.as_of, user.today())?;
    let names_for = user.registry_scope();
    let sim = db(&pool, move |conn| simulate::simulate(conn, &id, on, names_for.as_ref())).await?;
    Ok(HttpResponse::Ok().json(sim))
}

/// Who published, retired or drafted which version, who granted stewardship and who changed a
/// facility or its controlling authority: the whole deployment's log, newest first (policies
/// and facilities are shared by every organisation).
#[utoipa::path(get, path = "/api/v1/policy-changes", tag = "policies", params(PageQuery), responses((status = 200, body = Vec<PolicyChange>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn changes(
    _user: Can<ReadPolicyChanges>,
    pool: web::Data<Pool>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let page = q.page()?;
    let rows = db(&pool, move |conn| views::changes(conn, page)).await?;
    Ok(HttpResponse::Ok().json(rows))
}
