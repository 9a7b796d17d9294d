//! `/api/v1/persons`, `/api/v1/nationalities`, `/api/v1/kinships`, `/api/v1/custody-events`:
//! search, read and change persons, their names, claims, custody events and kinship.
//! Caseworkers and coordinators, own organisation only (another organisation's id answers 404).

use super::extract::{etag, expected_version, Body, PageQuery, Paginated, WithWarnings};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::Can;
use crate::db::Pool;
use crate::domain::ids::{ClaimId, KinshipId, NameId, PersonId};
use crate::domain::person::KinshipKind;
use crate::domain::records::claims::ClaimPatch;
use crate::domain::records::{ClaimInput, CustodyInput, NameInput, PersonPatch};
use crate::error::AppResult;
use crate::http::db;
use crate::http::filters::ListQuery;
use crate::services::registry::history::{self, ChangeView};
use crate::services::registry::summaries::{self, PersonSummary};
use crate::services::registry::{claims, custody, persons as service, views};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

/// Searches the organisation's persons.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(ListQuery), responses((status = 200, body = Paginated<PersonSummary>), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(user: Can<ReadRegistry>, pool: web::Data<Pool>, q: web::Query<ListQuery>) -> AppResult<HttpResponse> {
    let today = user.today();
    let on = q.as_of.unwrap_or(today);
    let (filter, page) = q.parse(today)?;
    let scope = user.scope();
    let (items, total) = db(&pool, move |conn| summaries::persons_page(conn, &scope, &filter, page, on)).await?;
    Ok(HttpResponse::Ok().json(Paginated::of(items, total, page)))
}

/// One person with names, claims, custody, whereabouts, wishes and relatives.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = String, Path)), responses((status = 200, body = views::PersonView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
) -> AppResult<HttpResponse> {
    let (scope, today) = (user.scope(), user.today());
    let v = db(&pool, move |conn| views::person(conn, &scope, &id, today)).await?;
    crate::http::viewed(&req, &user.audit_ctx(), ("person", v.id.as_str()));
    Ok(HttpResponse::Ok().insert_header(etag(v.version)).json(v))
}

/// The person's likely and possible duplicates in the organisation, best first, with the
/// reasons of each pair.
#[utoipa::path(get, path = "/api/v1/persons/{id}/duplicates", tag = "persons", params(("id" = String, Path)), responses((status = 200, body = Vec<crate::services::registry::duplicates::Duplicate>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn duplicates(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let found = db(&pool, move |conn| crate::services::registry::duplicates::of(conn, &scope, &id)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The likely and possible duplicates in the organisation of a person not logged yet (the
/// intake form's search before it creates), best first, with the reasons of each pair.
#[utoipa::path(post, path = "/api/v1/duplicates", tag = "persons", request_body = crate::services::registry::duplicates::Probe, responses((status = 200, body = Vec<crate::services::registry::duplicates::Duplicate>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn duplicates_of_probe(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    body: Body<crate::services::registry::duplicates::Probe>,
) -> AppResult<HttpResponse> {
    let (scope, probe) = (user.scope(), body.into_inner());
    let found = db(&pool, move |conn| crate::services::registry::duplicates::probe(conn, &scope, probe)).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The fields of a person to change (only those sent change; `null` clears one) and the
/// version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PersonUpdate {
    #[serde(flatten)]
    pub patch: PersonPatch,
    pub version: Option<i64>,
}

/// Changes the fields sent; a stale version answers 409 with the current version.
#[utoipa::path(patch, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = String, Path)), request_body = PersonUpdate, responses((status = 200, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: Body<PersonUpdate>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let v = db(&pool, move |conn| {
        let (_, warnings) = service::update_with_warnings(conn, &ctx, &scope, &id, version, body.patch)?;
        Ok(WithWarnings { value: views::person(conn, &scope, &id, today)?, warnings })
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(v.value.version)).json(v))
}

/// `?as_of=`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    pub as_of: Option<NaiveDate>,
}

/// Where the person was (or is) on a date, derived from custody events.
#[utoipa::path(get, path = "/api/v1/persons/{id}/whereabouts", tag = "persons", params(("id" = String, Path), AsOfQuery), responses((status = 200, body = views::WhereaboutsView), (status = 404, body = crate::error::ErrorBody)))]
pub async fn whereabouts(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    q: web::Query<AsOfQuery>,
) -> AppResult<HttpResponse> {
    let on = crate::http::filters::as_of(q.as_of, user.today())?;
    let scope = user.scope();
    let w = db(&pool, move |conn| views::whereabouts(conn, &scope, &id, on)).await?;
    Ok(HttpResponse::Ok().json(w))
}

/// Who changed which field of this person, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/history", tag = "persons", params(("id" = String, Path), PageQuery), responses((status = 200, body = Vec<ChangeView>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn history(
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let page = q.page()?;
    let scope = user.scope();
    let rows = db(&pool, move |conn| {
        crate::db::repo::persons::find(conn, &scope, &id)?.ok_or(crate::error::AppError::NotFound)?;
        history::changes(conn, &scope, None, Some(id.as_str()), page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Adds another name (alias, kunya, spelling, other script ...).
#[utoipa::path(post, path = "/api/v1/persons/{id}/names", tag = "persons", params(("id" = String, Path)), request_body = NameInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_name(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: Body<NameInput>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
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
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    path: web::Path<(PersonId, NameId)>,
) -> AppResult<HttpResponse> {
    let (id, name_id) = path.into_inner();
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    db(&pool, move |conn| service::remove_name(conn, &ctx, &scope, &id, &name_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds a nationality claim.
#[utoipa::path(post, path = "/api/v1/persons/{id}/nationalities", tag = "persons", params(("id" = String, Path)), request_body = ClaimInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_claim(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: Body<ClaimInput>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let v = db(&pool, move |conn| {
        claims::add(conn, &ctx, &scope, &id, body.into_inner())?;
        views::person(conn, &scope, &id, today)
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// The fields of a claim to change (only those sent change; `null` clears the basis, the
/// decision date, the legal note or the source) and the version edited.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ClaimUpdate {
    #[serde(flatten)]
    pub claim: ClaimPatch,
    pub version: Option<i64>,
}

/// Verifies, denies or revokes a claim (with its decision date), changing only the fields sent;
/// never deletes it. A stale version answers 409.
#[utoipa::path(patch, path = "/api/v1/nationalities/{id}", tag = "persons", params(("id" = String, Path)), request_body = ClaimUpdate, responses((status = 200, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn update_claim(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<ClaimId>,
    body: Body<ClaimUpdate>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    let version = expected_version(&req, body.version)?;
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let v = db(&pool, move |conn| {
        let claim = claims::update(conn, &ctx, &scope, &id, version, body.claim)?;
        views::person(conn, &scope, &claim.person_id, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

/// Adds a custody event (admission, transfer, escape ...) to one person.
#[utoipa::path(post, path = "/api/v1/persons/{id}/custody", tag = "persons", params(("id" = String, Path)), request_body = CustodyInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_custody(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: Body<CustodyInput>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let v = db(&pool, move |conn| {
        let (_, warnings) = custody::add(conn, &ctx, &scope, std::slice::from_ref(&id), body.into_inner())?;
        Ok(WithWarnings { value: views::person(conn, &scope, &id, today)?, warnings })
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// One custody event for several persons moved together (a mother and her children).
#[derive(Debug, Deserialize, ToSchema)]
pub struct GroupCustodyInput {
    /// 1 to 50 persons of the organisation.
    #[schema(min_items = 1, max_items = 50)]
    pub person_ids: Vec<PersonId>,
    #[serde(flatten)]
    pub event: CustodyInput,
}

/// The persons after a group custody event, and what looked implausible.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct GroupCustodyAnswer {
    pub persons: Vec<views::PersonView>,
    pub warnings: Vec<crate::domain::records::plausibility::Warning>,
}

/// Records the same event for several persons at once: all or nothing.
#[utoipa::path(post, path = "/api/v1/custody-events", tag = "persons", request_body = GroupCustodyInput, responses((status = 201, body = GroupCustodyAnswer), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_group_custody(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    body: Body<GroupCustodyInput>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let body = body.into_inner();
    let v = db(&pool, move |conn| {
        let (_, warnings) = custody::add(conn, &ctx, &scope, &body.person_ids, body.event)?;
        let rows = crate::db::repo::persons::by_ids(conn, &scope, &body.person_ids)?;
        Ok(GroupCustodyAnswer { persons: views::persons(conn, &scope, rows, today)?, warnings })
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// A kinship link: "person is <kind> relative".
#[derive(Debug, Deserialize, ToSchema)]
pub struct KinshipInput {
    pub person_id: PersonId,
    pub kind: KinshipKind,
    pub relative_id: PersonId,
}

/// Links two persons of the organisation (they may be in different families and facilities).
#[utoipa::path(post, path = "/api/v1/kinships", tag = "persons", request_body = KinshipInput, responses((status = 201, body = views::PersonView), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn link(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    body: Body<KinshipInput>,
) -> AppResult<HttpResponse> {
    let (ctx, scope, today) = (user.audit_ctx(), user.scope(), user.today());
    let v = db(&pool, move |conn| {
        let (_, warning) = service::link(conn, &ctx, &scope, &body.person_id, &body.relative_id, body.kind)?;
        Ok(WithWarnings {
            value: views::person(conn, &scope, &body.person_id, today)?,
            warnings: warning.into_iter().collect(),
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(v))
}

/// Removes a kinship link (the change history keeps it).
#[utoipa::path(delete, path = "/api/v1/kinships/{id}", tag = "persons", params(("id" = String, Path)), responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unlink(
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<KinshipId>,
) -> AppResult<HttpResponse> {
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    db(&pool, move |conn| service::unlink(conn, &ctx, &scope, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
