//! `/api/v1/audit`: the organisation's audit events (admins), and the chain check.

use super::extract::Paginated;
use crate::auth::permissions::ReadAudit;
use crate::auth::Can;
use crate::db::models::AuditRow;
use crate::db::repo::audit::AuditFilter;
use crate::db::Pool;
use crate::domain::partial_date::check_day;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::http::db;
use crate::services::audit::{self as service, VerifyReport};
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One audit event (ids and codes only, never personal values).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub organisation_id: Option<String>,
    pub action: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub request_id: String,
    pub outcome: String,
    pub hash: String,
}

impl From<AuditRow> for AuditEventView {
    fn from(r: AuditRow) -> Self {
        AuditEventView {
            seq: r.seq,
            occurred_at: r.occurred_at,
            actor_id: r.actor_id,
            organisation_id: r.organisation_id,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            request_id: r.request_id,
            outcome: r.outcome,
            hash: r.hash,
        }
    }
}

/// Filters of the audit list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub outcome: Option<String>,
    /// Events at or after this UTC time (`2026-01-31T00:00:00`).
    pub from: Option<NaiveDateTime>,
    /// Events before this UTC time.
    pub to: Option<NaiveDateTime>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The organisation's audit events, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), responses(
    (status = 200, body = Paginated<AuditEventView>),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
    (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(user: Can<ReadAudit>, pool: web::Data<Pool>, q: web::Query<AuditQuery>) -> AppResult<HttpResponse> {
    let q = q.into_inner();
    let page = super::extract::PageQuery { limit: q.limit, offset: q.offset }.page()?;
    // The years every database stores: chrono reads `-5000-01-01T00:00:00`, PostgreSQL refuses it.
    let mut fields = FieldErrors::new();
    for (name, at) in [("from", q.from), ("to", q.to)] {
        if let Some(Err(m)) = at.map(|t| check_day(t.date())) {
            fields.entry(name.to_string()).or_default().push(m);
        }
    }
    if !fields.is_empty() {
        return Err(AppError::Validation { message: "some filters are not valid".into(), fields });
    }
    if let (Some(from), Some(to)) = (q.from, q.to) {
        if from > to {
            return Err(AppError::field("from", "must not be after `to`"));
        }
    }
    let filter = AuditFilter {
        action: q.action,
        actor_id: q.actor_id,
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        outcome: q.outcome,
        from: q.from,
        to: q.to,
    };
    let scope = user.scope();
    let (rows, total) = db(&pool, move |conn| service::list(conn, &scope, &filter, page)).await?;
    let items = rows.into_iter().map(AuditEventView::from).collect();
    Ok(HttpResponse::Ok().json(Paginated::exact(items, total, page)))
}

/// Checks the whole hash chain; reports the first altered, deleted or reordered event.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", responses(
    (status = 200, body = VerifyReport),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn verify(_user: Can<ReadAudit>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let report = db(&pool, service::verify).await?;
    Ok(HttpResponse::Ok().json(report))
}
