//! `POST /api/v1/exports`: a case or person list as CSV or XLSX, optionally in an AES-256 zip,
//! streamed as it is written. Every export states its purpose and is registered and audited
//! before the first byte leaves. The password travels in the body, never in the address.

use super::cases::CaseQuery;
use super::extract::Body;
use crate::auth::permissions::ReadCases;
use crate::auth::Can;
use crate::db::repo::exports::PersonExportFilter;
use crate::db::Pool;
use crate::domain::ids::{FacilityId, UserId};
use crate::error::{AppError, AppResult};
use crate::services::exports::{ExportRequest, Source};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// An export asked for.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ExportBody {
    /// `cases` or `persons`.
    pub kind: String,
    /// `csv` (default) or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// Columns to include, in order (all when empty).
    #[serde(default)]
    pub columns: Vec<String>,
    /// Why the data leaves the system: who receives it, for what.
    pub purpose: String,
    /// Protects the file in an AES-256 zip (at least 10 characters).
    #[serde(default)]
    pub password: Option<String>,
    /// For cases, the case list's filters (`status`, `destination`, `flag`, ...); for persons,
    /// `nationality` and `facility`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub filters: serde_json::Map<String, serde_json::Value>,
}

/// Reads the request into the service's terms, every field checked under its name.
pub fn request(body: ExportBody, me: &UserId) -> AppResult<ExportRequest> {
    let xlsx = match body.format.as_deref().unwrap_or("csv") {
        "csv" => false,
        "xlsx" => true,
        _ => return Err(AppError::field("format", "must be one of: csv, xlsx")),
    };
    let filters_text = serde_json::Value::Object(body.filters.clone()).to_string();
    let text = |k: &str| body.filters.get(k).and_then(|v| v.as_str()).map(String::from);
    let source = match body.kind.as_str() {
        "cases" => {
            let q: CaseQuery = serde_json::from_value(serde_json::Value::Object(body.filters.clone()))
                .map_err(|e| AppError::field("filters", e.to_string()))?;
            Source::Cases(q.parse(me)?.0)
        }
        "persons" => {
            let mut f = PersonExportFilter::default();
            if let Some(n) = text("nationality").filter(|s| !s.is_empty()) {
                f.nationality = Some(
                    crate::domain::country::CountryCode::parse(&n)
                        .map_err(|m| AppError::field("filters.nationality", m))?,
                );
            }
            if let Some(fac) = text("facility").filter(|s| !s.is_empty()) {
                f.facility = Some(FacilityId::parse(&fac).map_err(|m| AppError::field("filters.facility", m))?);
            }
            Source::Persons(f)
        }
        _ => return Err(AppError::field("kind", "must be one of: cases, persons")),
    };
    Ok(ExportRequest {
        source,
        xlsx,
        columns: body.columns,
        purpose: body.purpose,
        password: body.password.filter(|p| !p.is_empty()),
        filters_text,
    })
}

/// A case or person list as a file. 422 for an unknown kind, format, column or filter, a missing
/// purpose or a short password.
#[utoipa::path(post, path = "/api/v1/exports", tag = "cases", request_body = ExportBody, responses((status = 200, description = "the file (text/csv, xlsx or application/zip)"), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    req: HttpRequest,
    user: Can<ReadCases>,
    pool: web::Data<Pool>,
    body: Body<ExportBody>,
) -> AppResult<HttpResponse> {
    let me = UserId::parse(user.id.as_str()).map_err(|m| AppError::Internal(anyhow::anyhow!(m)))?;
    let export = request(body.into_inner(), &me)?;
    crate::http::download::stream(&req, user.user(), user.scope(), &pool, export).await
}
