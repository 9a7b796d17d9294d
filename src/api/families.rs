//! `/api/v1/families`: the organisation's families, the intake of a whole family, a family's
//! page data and change history. Caseworkers and coordinators, own organisation only.

use super::extract::{etag, expected_version, PageQuery, Paginated};
use super::filters::ListQuery;
use super::persons::{change_views, PersonSummary, REGISTRY_ROLES};
use crate::auth::CurrentUser;
use crate::db::repo::{registry, OrgScope};
use crate::db::{DbConnection, Pool};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::families::{self as service, FamilyIntake};
use crate::services::registry::input::PersonIntake;
use crate::services::registry::views;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A family in a list, with its members.
#[derive(Debug, Serialize, ToSchema)]
pub struct FamilySummary {
    pub id: String,
    pub label: String,
    pub version: i64,
    pub members: Vec<PersonSummary>,
}

/// Summaries of families, their members loaded in one query.
pub fn summaries(
    conn: &mut DbConnection,
    scope: &OrgScope,
    families: Vec<crate::db::models::FamilyRow>,
    on: chrono::NaiveDate,
) -> AppResult<Vec<FamilySummary>> {
    let mut out = Vec::with_capacity(families.len());
    let ids: Vec<String> = families.iter().map(|f| f.id.clone()).collect();
    let filter = registry::PersonFilter::default();
    let members = registry::person_query(scope, &filter);
    use crate::db::schema::persons as p;
    use diesel::prelude::*;
    let rows: Vec<crate::db::models::PersonRow> = members
        .filter(p::family_id.eq_any(ids))
        .order((p::birth_earliest.asc(), p::given_name.asc(), p::id.asc()))
        .select(crate::db::models::PersonRow::as_select())
        .load(conn)?;
    for f in families {
        let mine = rows
            .iter()
            .filter(|r| r.family_id.as_deref() == Some(f.id.as_str()))
            .cloned()
            .map(|r| PersonSummary::of(r, on))
            .collect();
        out.push(FamilySummary { id: f.id, label: f.label, version: f.version, members: mine });
    }
    Ok(out)
}

/// Families with at least one member matching the search and filters.
#[utoipa::path(get, path = "/api/v1/families", tag = "families", params(ListQuery), responses((status = 200, body = Paginated<FamilySummary>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "family.list").await?;
    let (filter, page) = q.parse(today)?;
    let scope = user.scope();
    let (items, total) = db(&pool, move |conn| {
        let (rows, total) = registry::list_families(conn, &scope, &filter, page)?;
        Ok((summaries(conn, &scope, rows, today)?, total))
    })
    .await?;
    Ok(HttpResponse::Ok().json(Paginated { items, total, limit: page.limit, offset: page.offset }))
}

/// Logs a whole family in one go: members with names, claims, custody, and kinship by position.
#[utoipa::path(post, path = "/api/v1/families", tag = "families", request_body = FamilyIntake, responses((status = 201, body = views::FamilyView), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    body: web::Json<FamilyIntake>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "family.create").await?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        let f = service::intake(conn, &ctx, &scope, body.into_inner())?;
        views::family(conn, &scope, &f.id, today)
    })
    .await?;
    Ok(HttpResponse::Created().insert_header(("Location", format!("/api/v1/families/{}", v.id))).json(v))
}

/// A family with every member's names, claims, statelessness, custody and relatives.
#[utoipa::path(get, path = "/api/v1/families/{id}", tag = "families", params(("id" = String, Path)), responses((status = 200, body = views::FamilyView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "family.read").await?;
    let scope = user.scope();
    let v = db(&pool, move |conn| views::family(conn, &scope, &id, today)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// A family's label and notes, and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FamilyUpdate {
    pub label: String,
    #[serde(default)]
    pub notes: String,
    pub version: Option<i64>,
}

/// Changes a family's label and notes; a stale version answers 409.
#[utoipa::path(patch, path = "/api/v1/families/{id}", tag = "families", params(("id" = String, Path)), request_body = FamilyUpdate, responses((status = 200, body = views::FamilyView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<FamilyUpdate>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "family.update").await?;
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        service::update(conn, &ctx, &scope, &id, version, &body.label, &body.notes)?;
        views::family(conn, &scope, &id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// Adds a person to the family.
#[utoipa::path(post, path = "/api/v1/families/{id}/members", tag = "families", params(("id" = String, Path)), request_body = PersonIntake, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_member(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<PersonIntake>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "person.create").await?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        let p = service::add_member(conn, &ctx, &scope, &id, body.into_inner())?;
        views::person(conn, &scope, &p.id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Everything that changed in the family and its members, newest first.
#[utoipa::path(get, path = "/api/v1/families/{id}/history", tag = "families", params(("id" = String, Path), PageQuery), responses((status = 200, body = Vec<super::persons::ChangeView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn history(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    user.require(&req, REGISTRY_ROLES, "family.read").await?;
    let page = q.page()?;
    let scope = user.scope();
    let rows = db(&pool, move |conn| {
        registry::find_family(conn, &scope, &id)?.ok_or(AppError::NotFound)?;
        Ok(registry::history(conn, &scope, Some(&id), None, page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(change_views(rows)))
}
