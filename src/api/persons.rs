//! `/api/v1/persons`, `/api/v1/nationalities`, `/api/v1/kinships`: search, read and change
//! persons, their names, claims, custody events and kinship. Caseworkers and coordinators,
//! own organisation only (another organisation's id answers 404).

use super::extract::{etag, expected_version, PageQuery, Paginated};
use super::filters::ListQuery;
use crate::auth::CurrentUser;
use crate::db::models::PersonRow;
use crate::db::repo::registry;
use crate::db::Pool;
use crate::domain::partial_date::age_range;
use crate::domain::person::KinshipKind;
use crate::domain::role::Role;
use crate::error::AppResult;
use crate::http::db;
use crate::services::registry::derived::{birth_of, whereabouts_on};
use crate::services::registry::input::{ClaimInput, CustodyInput, NameInput, PersonCore};
use crate::services::registry::{claims, custody, persons as service, views};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Who may read and change families and persons.
pub const REGISTRY_ROLES: &[Role] = &[Role::Caseworker, Role::Coordinator];

/// A person in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonSummary {
    pub id: String,
    pub family_id: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub sex: String,
    pub birth_display: Option<String>,
    pub age_range: Option<(i32, i32)>,
    pub stateless: bool,
    pub at_risk_of_statelessness: bool,
    pub custody_status: String,
    pub current_facility_id: Option<String>,
    pub unaccompanied_minor: bool,
    pub orphan: bool,
    pub medical_need: bool,
    pub disability: bool,
    pub version: i64,
}

impl PersonSummary {
    /// The summary with ages as of `on`.
    pub fn of(r: PersonRow, on: NaiveDate) -> PersonSummary {
        let birth = birth_of(&r);
        PersonSummary {
            birth_display: birth.map(|b| b.display()),
            age_range: birth.map(|b| age_range(&b, on)),
            id: r.id,
            family_id: r.family_id,
            given_name: r.given_name,
            family_name: r.family_name,
            sex: r.sex,
            stateless: r.stateless,
            at_risk_of_statelessness: r.at_risk,
            custody_status: r.custody_status,
            current_facility_id: r.current_facility_id,
            unaccompanied_minor: r.unaccompanied_minor,
            orphan: r.orphan,
            medical_need: r.medical_need,
            disability: r.disability,
            version: r.version,
        }
    }
}

/// Searches the organisation's persons.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(ListQuery), responses((status = 200, body = Paginated<PersonSummary>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "person.list").await?;
    let (filter, page) = q.parse(today)?;
    let on = filter.as_of.unwrap_or(today);
    let scope = user.scope();
    let (rows, total) = db(&pool, move |conn| Ok(registry::list_persons(conn, &scope, &filter, page)?)).await?;
    let items = rows.into_iter().map(|r| PersonSummary::of(r, on)).collect();
    Ok(HttpResponse::Ok().json(Paginated { items, total, limit: page.limit, offset: page.offset }))
}

/// One person with names, claims, custody, whereabouts and relatives.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = String, Path)), responses((status = 200, body = views::PersonView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "person.read").await?;
    let scope = user.scope();
    let v = db(&pool, move |conn| views::person(conn, &scope, &id, today)).await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// A person's own facts (all of them: this replaces them) and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PersonUpdate {
    #[serde(flatten)]
    pub core: PersonCore,
    pub version: Option<i64>,
}

/// Replaces a person's own facts; a stale version answers 409 with the current version.
#[utoipa::path(patch, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = String, Path)), request_body = PersonUpdate, responses((status = 200, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<PersonUpdate>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "person.update").await?;
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        service::update(conn, &ctx, &scope, &id, version, body.core)?;
        views::person(conn, &scope, &id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// `?as_of=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    pub as_of: Option<NaiveDate>,
}

/// Where the person was (or is) on a date, derived from custody events.
#[utoipa::path(get, path = "/api/v1/persons/{id}/whereabouts", tag = "persons", params(("id" = String, Path), AsOfQuery), responses((status = 200, body = crate::domain::custody::Whereabouts), (status = 404, body = crate::error::ErrorBody)))]
pub async fn whereabouts(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<AsOfQuery>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "person.read").await?;
    let on = q.as_of.unwrap_or(today);
    let scope = user.scope();
    let w = db(&pool, move |conn| {
        let p = registry::find_person(conn, &scope, &id)?.ok_or(crate::error::AppError::NotFound)?;
        Ok(whereabouts_on(&registry::custody_of(conn, &[p.id])?, on))
    })
    .await?;
    Ok(HttpResponse::Ok().json(w))
}

/// One change of a record's field.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    pub entity_type: String,
    pub entity_id: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub actor_id: Option<String>,
    pub changed_at: NaiveDateTime,
}

/// Loads history rows as views.
pub fn change_views(rows: Vec<crate::db::models::RecordChangeRow>) -> Vec<ChangeView> {
    rows.into_iter()
        .map(|c| ChangeView {
            entity_type: c.entity_type,
            entity_id: c.entity_id,
            field: c.field,
            old_value: c.old_value,
            new_value: c.new_value,
            actor_id: c.actor_id,
            changed_at: c.changed_at,
        })
        .collect()
}

/// Who changed which field of this person, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/history", tag = "persons", params(("id" = String, Path), PageQuery), responses((status = 200, body = Vec<ChangeView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn history(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    user.require(&req, REGISTRY_ROLES, "person.read").await?;
    let page = q.page()?;
    let scope = user.scope();
    let rows = db(&pool, move |conn| {
        registry::find_person(conn, &scope, &id)?.ok_or(crate::error::AppError::NotFound)?;
        Ok(registry::history(conn, &scope, None, Some(&id), page)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(change_views(rows)))
}

/// Adds another name (alias, kunya, spelling, other script ...).
#[utoipa::path(post, path = "/api/v1/persons/{id}/names", tag = "persons", params(("id" = String, Path)), request_body = NameInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_name(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<NameInput>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "person.update").await?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        service::add_name(conn, &ctx, &scope, &id, body.into_inner())?;
        views::person(conn, &scope, &id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Removes another name (the change history keeps it).
#[utoipa::path(delete, path = "/api/v1/persons/{id}/names/{name_id}", tag = "persons", params(("id" = String, Path), ("name_id" = String, Path)), responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn remove_name(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    user.require(&req, REGISTRY_ROLES, "person.update").await?;
    let (id, name_id) = path.into_inner();
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    db(&pool, move |conn| service::remove_name(conn, &ctx, &scope, &id, &name_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a nationality claim.
#[utoipa::path(post, path = "/api/v1/persons/{id}/nationalities", tag = "persons", params(("id" = String, Path)), request_body = ClaimInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_claim(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<ClaimInput>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "nationality.create").await?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        claims::add(conn, &ctx, &scope, &id, body.into_inner())?;
        views::person(conn, &scope, &id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// A claim change and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClaimUpdate {
    #[serde(flatten)]
    pub claim: ClaimInput,
    pub version: Option<i64>,
}

/// Verifies, denies or revokes a claim (with its decision date); never deletes it.
#[utoipa::path(patch, path = "/api/v1/nationalities/{id}", tag = "persons", params(("id" = String, Path)), request_body = ClaimUpdate, responses((status = 200, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update_claim(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<ClaimUpdate>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "nationality.update").await?;
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        let claim = claims::update(conn, &ctx, &scope, &id, version, body.claim)?;
        views::person(conn, &scope, &claim.person_id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Adds a custody event (admission, transfer, escape ...).
#[utoipa::path(post, path = "/api/v1/persons/{id}/custody", tag = "persons", params(("id" = String, Path)), request_body = CustodyInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_custody(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: web::Json<CustodyInput>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "custody.create").await?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        custody::add(conn, &ctx, &scope, &id, body.into_inner())?;
        views::person(conn, &scope, &id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// A kinship link: "person is <kind> relative".
#[derive(Debug, Deserialize, ToSchema)]
pub struct KinshipInput {
    pub person_id: String,
    pub kind: KinshipKind,
    pub relative_id: String,
}

/// Links two persons of the organisation (they may be in different families).
#[utoipa::path(post, path = "/api/v1/kinships", tag = "persons", request_body = KinshipInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn link(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    body: web::Json<KinshipInput>,
) -> AppResult<HttpResponse> {
    let today = user.today();
    user.require(&req, REGISTRY_ROLES, "kinship.create").await?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let v = db(&pool, move |conn| {
        service::link(conn, &ctx, &scope, &body.person_id, &body.relative_id, body.kind)?;
        views::person(conn, &scope, &body.person_id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Removes a kinship link (the change history keeps it).
#[utoipa::path(delete, path = "/api/v1/kinships/{id}", tag = "persons", params(("id" = String, Path)), responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unlink(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    user.require(&req, REGISTRY_ROLES, "kinship.delete").await?;
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    db(&pool, move |conn| service::unlink(conn, &ctx, &scope, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
