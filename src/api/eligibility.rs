//! `/api/v1/persons/{id}/eligibility`, `/api/v1/families/{id}/eligibility` and the aging-out
//! watch: for the roles that see persons, own organisation only.

use super::extract::{PageQuery, Paginated};
use crate::auth::permissions::ReadRegistry;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::policy::aging_window;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::eligibility::reads::{self, AgingOut, FamilyEligibility, PersonEligibility};
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

/// `?as_of=` (default today).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    pub as_of: Option<NaiveDate>,
}

/// A person's outcome per nationality claim, with explanations and `changes_on`, and the summary.
#[utoipa::path(get, path = "/api/v1/persons/{id}/eligibility", tag = "eligibility", params(("id" = String, Path), AsOf), responses((status = 200, body = PersonEligibility), (status = 404, body = crate::error::ErrorBody)))]
pub async fn person(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    q: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    let (scope, on) = (user.scope(), crate::http::filters::as_of(q.as_of, user.today())?);
    let e = db(&pool, move |conn| reads::person(conn, &scope, &id, on)).await?;
    Ok(HttpResponse::Ok().json(e))
}

/// Every member's outcome and the family flags (all eligible, none, separation risk).
#[utoipa::path(get, path = "/api/v1/families/{id}/eligibility", tag = "eligibility", params(("id" = String, Path), AsOf), responses((status = 200, body = FamilyEligibility), (status = 404, body = crate::error::ErrorBody)))]
pub async fn family(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
    q: web::Query<AsOf>,
) -> AppResult<HttpResponse> {
    let (scope, on) = (user.scope(), crate::http::filters::as_of(q.as_of, user.today())?);
    let f = db(&pool, move |conn| reads::family(conn, &scope, &id, on)).await?;
    Ok(HttpResponse::Ok().json(f))
}

/// `?days=` of the aging-out watch.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Days {
    /// Look-ahead in days, 1 to 3650 (default 180).
    pub days: Option<i64>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
    /// Items to skip (default 0).
    pub offset: Option<i64>,
}

/// Persons whose outcome gets worse within N days because of age, soonest first, a page at a
/// time (the total is exact up to 1,000).
#[utoipa::path(get, path = "/api/v1/eligibility/aging-out", tag = "eligibility", params(Days), responses((status = 200, body = Paginated<AgingOut>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn aging_out(user: Can<ReadRegistry>, pool: web::Data<Pool>, q: web::Query<Days>) -> AppResult<HttpResponse> {
    let days = aging_window(q.days).map_err(|e| AppError::field("days", e))?;
    let (scope, today) = (user.scope(), user.today());
    let page = PageQuery { limit: q.limit, offset: q.offset }.page()?;
    let (items, total) = db(&pool, move |conn| reads::aging_out(conn, &scope, days, today, page)).await?;
    Ok(HttpResponse::Ok().json(Paginated::of(items, total, page)))
}
