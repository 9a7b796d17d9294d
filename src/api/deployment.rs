//! `GET /api/v1/deployment/backlog`: the per-country backlog summed over every organisation of
//! the deployment, for coordinators: no personal data, no links to lists, every count from 1 to
//! 4 published as "fewer than 5" and totals that do not give a hidden count back.

use crate::auth::permissions::ManageCases;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::case::backlog::StuckThresholds;
use crate::domain::ids::FacilityId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::cases::backlog::BacklogRequest;
use crate::services::cases::deployment::{self as service, DeploymentBacklog};
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

/// `?facility=&as_of=`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeploymentQuery {
    /// A facility's id: only persons held there now.
    pub facility: Option<String>,
    /// The day ages are counted on (1900-2100, default today).
    pub as_of: Option<NaiveDate>,
}

impl DeploymentQuery {
    /// The request, each parameter checked under its name.
    pub fn parse(&self, today: NaiveDate, thresholds: &StuckThresholds) -> AppResult<BacklogRequest> {
        let as_of = crate::http::filters::as_of(self.as_of, today)?;
        let facility = match self.facility.as_deref().filter(|f| !f.is_empty()) {
            Some(f) => Some(FacilityId::parse(f).map_err(|_| AppError::field("facility", "is not a known facility"))?),
            None => None,
        };
        Ok(BacklogRequest { as_of, facility, today, thresholds: thresholds.clone() })
    }
}

/// Every destination's counts across the deployment, suppressed below 5.
#[utoipa::path(get, path = "/api/v1/deployment/backlog", tag = "cases", params(DeploymentQuery), responses((status = 200, body = DeploymentBacklog), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn backlog(
    user: Can<ManageCases>,
    pool: web::Data<Pool>,
    settings: web::Data<crate::config::Settings>,
    q: web::Query<DeploymentQuery>,
) -> AppResult<HttpResponse> {
    let req = q.parse(user.today(), &settings.case_stuck_days)?;
    let v = db(&pool, move |conn| service::deployment(conn, &req)).await?;
    Ok(HttpResponse::Ok().json(v))
}
