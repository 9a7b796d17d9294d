//! `/api/v1/backlog`: the per-country backlogs of the organisation, for coordinators. Every
//! destination at once (one row per country, most held persons first), or one destination
//! with its held claimants per facility. A country code that is not in the reference list
//! names nothing: 404, like `/api/v1/policies/{country}`.

use super::extract::country;
use crate::auth::permissions::ManageCases;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::case::backlog::StuckThresholds;
use crate::domain::ids::FacilityId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::cases::backlog::{self as service, Backlog, BacklogRequest, CountryReport};
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

/// `?facility=&as_of=` of the backlogs.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BacklogQuery {
    /// A facility's id: only persons held there now, and cases with a member held there now.
    pub facility: Option<String>,
    /// The day ages and waiting are counted on and stuck cases measured against, 1900-2100
    /// (default today). Custody, claims, outcomes and statuses are always today's.
    pub as_of: Option<NaiveDate>,
}

impl BacklogQuery {
    /// The request, each parameter checked under its own name (422).
    pub fn parse(&self, today: NaiveDate, thresholds: &StuckThresholds) -> AppResult<BacklogRequest> {
        let as_of = crate::http::filters::as_of(self.as_of, today);
        let facility = match self.facility.as_deref().filter(|f| !f.is_empty()) {
            Some(f) => FacilityId::parse(f).map(Some).map_err(|_| "is not a known facility".to_string()),
            None => Ok(None),
        };
        match (as_of, facility) {
            (Ok(as_of), Ok(facility)) => Ok(BacklogRequest { as_of, facility, today, thresholds: thresholds.clone() }),
            (as_of, facility) => {
                let mut fields = crate::error::FieldErrors::new();
                if let Err(AppError::Validation { fields: f, .. }) = as_of {
                    fields.extend(f);
                }
                if let Err(m) = facility {
                    fields.insert("facility".into(), vec![m]);
                }
                Err(AppError::Validation { message: "some filters are not valid".into(), fields })
            }
        }
    }
}

/// Every destination's backlog: held claimants, families, outcomes, children, unaccompanied
/// minors, ageing out, declining, cases by status, stuck cases and waiting days. Each count
/// carries the list behind it (`list`) where a list filter says exactly the same.
#[utoipa::path(get, path = "/api/v1/backlog", tag = "cases", params(BacklogQuery), responses((status = 200, body = Backlog), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn all(
    user: Can<ManageCases>,
    pool: web::Data<Pool>,
    settings: web::Data<crate::config::Settings>,
    q: web::Query<BacklogQuery>,
) -> AppResult<HttpResponse> {
    let req = q.parse(user.today(), &settings.case_stuck_days)?;
    let scope = user.scope();
    let v = db(&pool, move |conn| service::all(conn, &scope, &req)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// One destination's backlog, with its held claimants per facility; 404 for a code that is not
/// a known country (a known country with nobody and no case answers zeros).
#[utoipa::path(get, path = "/api/v1/backlog/{country}", tag = "cases", params(("country" = String, Path, description = "ISO 3166-1 alpha-2 code, upper case"), BacklogQuery), responses((status = 200, body = CountryReport), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn one(
    user: Can<ManageCases>,
    pool: web::Data<Pool>,
    code: web::Path<String>,
    settings: web::Data<crate::config::Settings>,
    q: web::Query<BacklogQuery>,
) -> AppResult<HttpResponse> {
    let code = country(&code)?;
    let req = q.parse(user.today(), &settings.case_stuck_days)?;
    let scope = user.scope();
    let v = db(&pool, move |conn| service::country(conn, &scope, code, &req)).await?;
    Ok(HttpResponse::Ok().json(v))
}
