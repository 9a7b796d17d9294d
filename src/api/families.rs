//! `/api/v1/families`: the organisation's families, the intake of a whole family, a family's
//! page data, a member added later, and the change history. Caseworkers and coordinators, own
//! organisation only.

use super::extract::{etag, expected_version, Body, PageQuery, Paginated, WithWarnings};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::Can;
use crate::db::repo::families as repo;
use crate::db::Pool;
use crate::domain::ids::FamilyId;
use crate::domain::records::Patch;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::http::filters::ListQuery;
use crate::services::registry::families::{self as service, FamilyIntake, MemberLink, PersonIntake};
use crate::services::registry::history::{self, ChangeView};
use crate::services::registry::summaries::{self, FamilySummary};
use crate::services::registry::views;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

/// Families with at least one member matching the search and filters.
#[utoipa::path(get, path = "/api/v1/families", tag = "families", params(ListQuery), responses((status = 200, body = Paginated<FamilySummary>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(user: Can<ReadRegistry>, pool: web::Data<Pool>, q: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    let today = user.today();
    let on = q.as_of.unwrap_or(today);
    let (filter, page) = q.parse(today)?;
    let scope = user.scope();
    let (items, total) = db(&pool, move |conn| summaries::families_page(conn, &scope, &filter, page, on)).await?;
    Ok(HttpResponse::Ok().json(Paginated::of(items, total, page)))
}

/// Logs a whole family in one go: members with names, claims, custody, and kinship by position.
/// Implausible dates come back as `warnings`; they do not stop the save.
#[utoipa::path(post, path = "/api/v1/families", tag = "families", request_body = FamilyIntake, responses((status = 201, body = views::FamilyView), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    body: Body<FamilyIntake>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let v = db(&pool, move |conn| {
        let saved = service::intake(conn, &ctx, &scope, body.into_inner())?;
        Ok(WithWarnings { value: views::family(conn, &scope, &saved.value.id, today)?, warnings: saved.warnings })
    })
    .await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/families/{}", v.value.id))).json(v))
}

/// A family with every member's names, claims, statelessness, custody and relatives.
#[utoipa::path(get, path = "/api/v1/families/{id}", tag = "families", params(("id" = String, Path)), responses((status = 200, body = views::FamilyView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
) -> AppResult<HttpResponse> {
    let (scope, today) = (user.scope(), user.today());
    let v = db(&pool, move |conn| views::family(conn, &scope, &id, today)).await?;
    crate::http::viewed(&req, &user.audit_ctx(), ("family", v.id.as_str()));
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// The fields of a family to change (only those sent change; `"notes": null` empties the
/// notes) and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FamilyUpdate {
    pub label: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub notes: Patch<String>,
    pub version: Option<i64>,
}

/// Changes a family's label and notes, only those sent; a stale version answers 409.
#[utoipa::path(patch, path = "/api/v1/families/{id}", tag = "families", params(("id" = String, Path)), request_body = FamilyUpdate, responses((status = 200, body = views::FamilyView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
    body: Body<FamilyUpdate>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let v = db(&pool, move |conn| {
        service::update(conn, &ctx, &scope, &id, version, body.label, body.notes)?;
        views::family(conn, &scope, &id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// A new member and their links to relatives already recorded (in this family or another).
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMember {
    #[serde(flatten)]
    pub member: PersonIntake,
    #[serde(default)]
    pub links: Vec<MemberLink>,
}

/// Adds a person to the family (a newborn, a relative found later), with their links, at once.
#[utoipa::path(post, path = "/api/v1/families/{id}/members", tag = "families", params(("id" = String, Path)), request_body = NewMember, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_member(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
    body: Body<NewMember>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let NewMember { member, links } = body.into_inner();
    let v = db(&pool, move |conn| {
        let saved = service::add_member(conn, &ctx, &scope, &id, member, &links)?;
        Ok(WithWarnings { value: views::person(conn, &scope, &saved.value.id, today)?, warnings: saved.warnings })
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Everything that changed in the family and its members, newest first.
#[utoipa::path(get, path = "/api/v1/families/{id}/history", tag = "families", params(("id" = String, Path), PageQuery), responses((status = 200, body = Vec<ChangeView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn history(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let page = q.page()?;
    let scope = user.scope();
    let rows = db(&pool, move |conn| {
        repo::find(conn, &scope, &id)?.ok_or(AppError::NotFound)?;
        history::changes(conn, &scope, Some(&id), None, page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}
