//! `/api/v1/countries` and `/api/v1/facilities`: reference data every signed-in user reads;
//! admins manage facilities and who controls them; the registry roles see who of their
//! organisation is held in one.

use super::extract::{etag, expected_version, Body, PageQuery, Paginated};
use crate::auth::permissions::{ManageFacilities, ReadRegistry};
use crate::auth::{Can, CurrentUser};
use crate::db::repo::countries;
use crate::db::Pool;
use crate::domain::ids::FacilityId;
use crate::error::AppResult;
use crate::http::db;
use crate::services::facilities::{self as service, AuthorityInput, FacilityInput, FacilityPatch, FacilityView};
use crate::services::registry::summaries::{self, PersonSummary};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A country of the reference list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountryView {
    pub code: String,
    pub name: String,
}

/// The reference list of countries.
#[utoipa::path(get, path = "/api/v1/countries", tag = "reference", responses((status = 200, body = Vec<CountryView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list_countries(_user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let rows = db(&pool, |conn| Ok(countries::list(conn)?)).await?;
    Ok(HttpResponse::Ok()
        .json(rows.into_iter().map(|c| CountryView { code: c.code, name: c.name }).collect::<Vec<_>>()))
}

/// Every facility, by name.
#[utoipa::path(get, path = "/api/v1/facilities", tag = "facilities", responses((status = 200, body = Vec<FacilityView>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(user: CurrentUser, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let today = user.today();
    let v = db(&pool, move |conn| service::list(conn, today)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// One facility.
#[utoipa::path(get, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = String, Path)), responses((status = 200, body = FacilityView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(user: CurrentUser, pool: web::Data<Pool>, id: web::Path<FacilityId>) -> AppResult<HttpResponse> {
    let today = user.today();
    let v = db(&pool, move |conn| service::view(conn, &id, today)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Creates a facility (admins).
#[utoipa::path(post, path = "/api/v1/facilities", tag = "facilities", request_body = FacilityInput, responses((status = 201, body = FacilityView), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    user: Can<ManageFacilities>,
    pool: web::Data<Pool>,
    body: Body<FacilityInput>,
) -> AppResult<HttpResponse> {
    let (ctx, today) = (user.audit_ctx(), user.today());
    let v = db(&pool, move |conn| {
        let row = service::create(conn, &ctx, body.into_inner())?;
        service::view(conn, &row.id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// The fields of a facility to change (only those sent change; `"notes": null` empties the
/// notes) and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FacilityUpdate {
    #[serde(flatten)]
    pub facility: FacilityPatch,
    pub version: Option<i64>,
}

/// Changes the fields sent of a facility (admins); a stale version answers 409. The code cannot
/// change.
#[utoipa::path(patch, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = String, Path)), request_body = FacilityUpdate, responses((status = 200, body = FacilityView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: Can<ManageFacilities>,
    pool: web::Data<Pool>,
    id: web::Path<FacilityId>,
    body: Body<FacilityUpdate>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, today) = (user.audit_ctx(), user.today());
    let v = db(&pool, move |conn| {
        service::update(conn, &ctx, &id, version, body.facility)?;
        service::view(conn, &id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Records who controls a facility from a date on (admins); everyone's re-evaluation is queued.
#[utoipa::path(post, path = "/api/v1/facilities/{id}/authorities", tag = "facilities", params(("id" = String, Path)), request_body = AuthorityInput, responses((status = 201, body = FacilityView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_authority(
    user: Can<ManageFacilities>,
    pool: web::Data<Pool>,
    id: web::Path<FacilityId>,
    body: Body<AuthorityInput>,
) -> AppResult<HttpResponse> {
    let (ctx, today) = (user.audit_ctx(), user.today());
    let v = db(&pool, move |conn| {
        service::add_authority(conn, &ctx, &id, body.into_inner())?;
        service::view(conn, &id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// `?as_of=&limit=&offset=` of the population query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PopulationQuery {
    /// Default: today.
    pub as_of: Option<NaiveDate>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

/// The caller's organisation's persons held in the facility on a date, a page at a time (by
/// family name, given name and id), with how many there are.
#[utoipa::path(get, path = "/api/v1/facilities/{id}/population", tag = "facilities", params(("id" = String, Path), PopulationQuery), responses((status = 200, body = Paginated<PersonSummary>), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn population(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FacilityId>,
    q: web::Query<PopulationQuery>,
) -> AppResult<HttpResponse> {
    let (today, scope) = (user.today(), user.scope());
    let on = crate::http::filters::as_of(q.as_of, today)?;
    let page = PageQuery { limit: q.limit, offset: q.offset }.page()?;
    let (items, total) = db(&pool, move |conn| {
        let (rows, total) = service::population_page(conn, &scope, &id, on, today, page)?;
        Ok((summaries::of_persons(conn, &scope, rows, on)?, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Paginated::of(items, total, page)))
}
