//! `/api/v1/organisations`: admins list the NGOs and create new ones.

use super::extract::Body;
use crate::auth::permissions::ManageOrganisations;
use crate::auth::Can;
use crate::db::models::OrganisationRow;
use crate::db::Pool;
use crate::error::AppResult;
use crate::http::db;
use crate::services::organisations as service;
use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationView {
    pub id: crate::domain::ids::OrgId,
    pub name: String,
    pub created_at: NaiveDateTime,
}

impl From<OrganisationRow> for OrganisationView {
    fn from(o: OrganisationRow) -> Self {
        OrganisationView { id: o.id, name: o.name, created_at: o.created_at }
    }
}

/// A new organisation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateOrganisationRequest {
    /// 1 to 200 characters, unique.
    pub name: String,
}

/// All organisations (names only; their records stay private to each).
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", responses(
    (status = 200, body = Vec<OrganisationView>),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(_user: Can<ManageOrganisations>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let rows = db(&pool, service::list).await?;
    Ok(HttpResponse::Ok().json(rows.into_iter().map(OrganisationView::from).collect::<Vec<_>>()))
}

/// Creates an organisation.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", request_body = CreateOrganisationRequest, responses(
    (status = 201, body = OrganisationView),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
    (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    user: Can<ManageOrganisations>,
    pool: web::Data<Pool>,
    body: Body<CreateOrganisationRequest>,
) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    let row = db(&pool, move |conn| service::create(conn, &ctx, &body.name)).await?;
    Ok(HttpResponse::Created().json(OrganisationView::from(row)))
}
