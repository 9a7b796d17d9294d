//! `/api/v1/stewards`: who may change the policies every organisation shares. Stewards list,
//! grant (by email, to a user of any organisation) and end stewardships; the operator grants the
//! first one with `homeward steward grant`.

use super::extract::Body;
use crate::auth::permissions::ManageStewards;
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::UserId;
use crate::error::AppResult;
use crate::http::db;
use crate::services::stewards::{self, StewardView};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// Every steward.
#[utoipa::path(get, path = "/api/v1/stewards", tag = "stewards", responses((status = 200, body = Vec<StewardView>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(_user: Can<ManageStewards>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let rows = db(&pool, stewards::list).await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Whom to make a steward.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GrantRequest {
    pub email: String,
}

/// Makes a user a steward (idempotent).
#[utoipa::path(post, path = "/api/v1/stewards", tag = "stewards", request_body = GrantRequest, responses((status = 201, body = Vec<StewardView>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn grant(
    user: Can<ManageStewards>,
    pool: web::Data<Pool>,
    body: Body<GrantRequest>,
) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    let rows = db(&pool, move |conn| {
        stewards::grant(conn, &ctx, &body.email)?;
        stewards::list(conn)
    })
    .await?;
    Ok(HttpResponse::Created().json(rows))
}

/// Ends a stewardship (not one's own).
#[utoipa::path(delete, path = "/api/v1/stewards/{user_id}", tag = "stewards", params(("user_id" = String, Path)), responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn revoke(
    user: Can<ManageStewards>,
    pool: web::Data<Pool>,
    id: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    db(&pool, move |conn| stewards::revoke(conn, &ctx, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
