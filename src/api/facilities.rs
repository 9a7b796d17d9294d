//! `/api/v1/countries` and `/api/v1/facilities`: reference data every role reads; admins
//! manage facilities and who controls them.

use super::extract::etag;
use super::extract::expected_version;
use crate::auth::CurrentUser;
use crate::db::models::{FacilityAuthorityRow, FacilityRow};
use crate::db::repo::{countries, facilities as repo};
use crate::db::Pool;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::facilities::{self as service, AuthorityInput, FacilityInput};
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

/// A period of control.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorityView {
    pub authority: String,
    pub from_date: NaiveDate,
    pub note: String,
}

/// A facility with its authority history and the authority in control today.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilityView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country_code: String,
    pub notes: String,
    pub current_authority: Option<String>,
    pub authorities: Vec<AuthorityView>,
    pub version: i64,
}

/// Builds views of facilities with their authorities (one query for all of them).
pub fn views(
    conn: &mut crate::db::DbConnection,
    rows: Vec<FacilityRow>,
    today: chrono::NaiveDate,
) -> AppResult<Vec<FacilityView>> {
    let ids: Vec<String> = rows.iter().map(|f| f.id.clone()).collect();
    let all = repo::authorities(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|f| {
            let mine: Vec<FacilityAuthorityRow> = all.iter().filter(|a| a.facility_id == f.id).cloned().collect();
            FacilityView {
                current_authority: service::authority_on(&mine, today).map(|a| a.authority.clone()),
                authorities: mine
                    .into_iter()
                    .map(|a| AuthorityView { authority: a.authority, from_date: a.from_date, note: a.note })
                    .collect(),
                id: f.id,
                name: f.name,
                kind: f.kind,
                country_code: f.country_code,
                notes: f.notes,
                version: f.version,
            }
        })
        .collect())
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
    let v = db(&pool, move |conn| {
        let rows = repo::list(conn)?;
        views(conn, rows, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// One facility.
#[utoipa::path(get, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = String, Path)), responses((status = 200, body = FacilityView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(user: CurrentUser, pool: web::Data<Pool>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let today = user.today();
    let v = db(&pool, move |conn| {
        let row = repo::find(conn, &id)?.ok_or(AppError::NotFound)?;
        views(conn, vec![row], today)?.pop().ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Creates a facility (admins).
#[utoipa::path(post, path = "/api/v1/facilities", tag = "facilities", request_body = FacilityInput, responses((status = 201, body = FacilityView), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    body: web::Json<FacilityInput>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, &[Role::Admin], "facility.create").await?;
    let ctx = user.audit_ctx();
    let v = db(&pool, move |conn| {
        let row = service::create(conn, &ctx, body.into_inner())?;
        views(conn, vec![row], today)?.pop().ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// A facility update: all fields plus the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FacilityUpdate {
    #[serde(flatten)]
    pub facility: FacilityInput,
    pub version: Option<i64>,
}

/// Changes a facility (admins); a stale version answers 409.
#[utoipa::path(patch, path = "/api/v1/facilities/{id}", tag = "facilities", params(("id" = String, Path)), request_body = FacilityUpdate, responses((status = 200, body = FacilityView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<FacilityUpdate>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, &[Role::Admin], "facility.update").await?;
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let ctx = user.audit_ctx();
    let v = db(&pool, move |conn| {
        let row = service::update(conn, &ctx, &id, version, body.facility)?;
        views(conn, vec![row], today)?.pop().ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Records who controls a facility from a date on (admins).
#[utoipa::path(post, path = "/api/v1/facilities/{id}/authorities", tag = "facilities", params(("id" = String, Path)), request_body = AuthorityInput, responses((status = 201, body = FacilityView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_authority(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<AuthorityInput>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, &[Role::Admin], "facility.authority.create").await?;
    let ctx = user.audit_ctx();
    let v = db(&pool, move |conn| {
        service::add_authority(conn, &ctx, &id, body.into_inner())?;
        let row = repo::find(conn, &id)?.ok_or(AppError::NotFound)?;
        views(conn, vec![row], today)?.pop().ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// `?as_of=` of the population query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// Default: today.
    pub as_of: Option<NaiveDate>,
}

/// The caller's organisation's persons held in the facility on a date.
#[utoipa::path(get, path = "/api/v1/facilities/{id}/population", tag = "facilities", params(("id" = String, Path), AsOf), responses((status = 200, body = Vec<super::persons::PersonSummary>), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn population(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, super::persons::REGISTRY_ROLES, "facility.population").await?;
    let on = q.as_of.unwrap_or(today);
    let scope = user.scope();
    let rows = db(&pool, move |conn| service::population(conn, &scope, &id, on)).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(|r| super::persons::PersonSummary::of(r, on)).collect::<Vec<_>>()))
}
