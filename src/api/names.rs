//! `/api/v1/names`: the dictionary of name variants that duplicate detection and search use.
//! Admins list the names added in the deployment (and how many are built in), add a name with
//! its spellings and remove an added one; each change files everyone's duplicate keys again in
//! a background job.

use super::extract::Body;
use crate::auth::permissions::ManageNames;
use crate::auth::Can;
use crate::db::Pool;
use crate::error::AppResult;
use crate::http::db;
use crate::services::names::{self as service, NameEntryView, NameInput, NamesView};
use actix_web::{web, HttpResponse};

/// The built-in names count and the added names.
#[utoipa::path(get, path = "/api/v1/names", tag = "names", responses((status = 200, body = NamesView), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(_user: Can<ManageNames>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let v = db(&pool, service::list).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Adds a name and its spellings (admins). A spelling the dictionary already files under
/// another name is refused (422 on its field): it would make that spelling name neither.
#[utoipa::path(post, path = "/api/v1/names", tag = "names", request_body = NameInput, responses((status = 201, body = NameEntryView), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add(user: Can<ManageNames>, pool: web::Data<Pool>, body: Body<NameInput>) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    let v = db(&pool, move |conn| service::add(conn, &ctx, body.into_inner())).await?;
    Ok(HttpResponse::Created().json(v))
}

/// Removes an added name (admins; the built-in names stay).
#[utoipa::path(delete, path = "/api/v1/names/{id}", tag = "names", params(("id" = String, Path)), responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove(user: Can<ManageNames>, pool: web::Data<Pool>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    db(&pool, move |conn| service::remove(conn, &ctx, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
