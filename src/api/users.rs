//! `/api/v1/users`: admins manage the accounts of their own organisation. Another
//! organisation's user answers 404, exactly like a user that does not exist.

use super::extract::Body;
use super::extract::{etag, expected_version, PageQuery, Paginated};
use crate::auth::current_user::refuse;
use crate::auth::permissions::ManageUsers;
use crate::auth::Can;
use crate::db::models::UserRow;
use crate::db::repo::users as repo;
use crate::db::Pool;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::users::{self as service, NewUser, UserPatch};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A user as shown to admins (never the password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub organisation_id: OrgId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Send it back (If-Match or `version`) when updating.
    pub version: i64,
}

impl TryFrom<UserRow> for UserView {
    type Error = AppError;
    fn try_from(u: UserRow) -> AppResult<UserView> {
        Ok(UserView {
            role: u.role,
            disabled: u.disabled_at.is_some(),
            id: u.id,
            organisation_id: u.organisation_id,
            email: u.email,
            display_name: u.display_name,
            disabled_at: u.disabled_at,
            created_at: u.created_at,
            updated_at: u.updated_at,
            version: u.version,
        })
    }
}

/// A new account. Without `password`, a strong one is generated and returned once.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: Option<String>,
    /// Accepted only if it is the admin's own organisation.
    pub organisation_id: Option<String>,
}

/// The created account.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// Present only when the password was generated: show it once, it is not stored in clear.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generated_password: Option<String>,
}

/// A partial update. Users cannot be moved to another organisation.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUserRequest {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
    /// Refused if it differs from the user's organisation.
    pub organisation_id: Option<String>,
    /// The version edited (or send If-Match).
    pub version: Option<i64>,
}

/// The organisation's users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(PageQuery), responses(
    (status = 200, body = Paginated<UserView>),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
    (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(user: Can<ManageUsers>, pool: web::Data<Pool>, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let page = q.page()?;
    let scope = user.scope();
    let (rows, total) = db(&pool, move |conn| Ok(repo::list(conn, &scope, page)?)).await?;
    let items = rows.into_iter().map(UserView::try_from).collect::<AppResult<Vec<_>>>()?;
    Ok(HttpResponse::Ok().json(Paginated::exact(items, total, page)))
}

/// Creates an account in the admin's organisation.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUserRequest, responses(
    (status = 201, body = CreatedUser),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
    (status = 422, description = "invalid fields, or the email is taken", body = crate::error::ErrorBody)))]
pub async fn create(
    req: HttpRequest,
    user: Can<ManageUsers>,
    pool: web::Data<Pool>,
    body: Body<CreateUserRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    if body.organisation_id.as_deref().is_some_and(|o| o != user.organisation_id.as_str()) {
        refuse(&req, &user, "user.create.other_organisation").await?;
    }
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    let new = NewUser { email: body.email, display_name: body.display_name, role: body.role, password: body.password };
    let created = db(&pool, move |conn| service::create(conn, &ctx, &scope, new)).await?;
    let view = UserView::try_from(created.user)?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", view.id)))
        .insert_header(etag(view.version))
        .json(CreatedUser { user: view, generated_password: created.generated_password }))
}

/// One user of the organisation; the ETag is the version.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)), responses(
    (status = 200, body = UserView),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
    (status = 404, description = "no such user in your organisation", body = crate::error::ErrorBody)))]
pub async fn get(user: Can<ManageUsers>, pool: web::Data<Pool>, id: web::Path<UserId>) -> AppResult<HttpResponse> {
    let scope = user.scope();
    let row = db(&pool, move |conn| repo::find(conn, &scope, &id)?.ok_or(AppError::NotFound)).await?;
    let view = UserView::try_from(row)?;
    Ok(HttpResponse::Ok().insert_header(etag(view.version)).json(view))
}

/// Updates a user. A stale version answers 409 with the current version.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = String, Path)),
    request_body = UpdateUserRequest, responses(
    (status = 200, body = UserView),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
    (status = 404, body = crate::error::ErrorBody),
    (status = 409, description = "changed by someone else", body = crate::error::ErrorBody),
    (status = 422, body = crate::error::ErrorBody)))]
pub async fn update(
    req: HttpRequest,
    user: Can<ManageUsers>,
    pool: web::Data<Pool>,
    settings: web::Data<crate::config::Settings>,
    id: web::Path<UserId>,
    body: Body<UpdateUserRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    if body.organisation_id.as_deref().is_some_and(|o| o != user.organisation_id.as_str()) {
        refuse(&req, &user, "user.update.organisation").await?;
    }
    let version = expected_version(&req, body.version)?;
    let patch = UserPatch {
        display_name: body.display_name,
        role: body.role,
        disabled: body.disabled,
        password: body.password,
    };
    // An admin who changes their own password ends their sessions, this one too: a new one
    // replaces it (the token taken before the change must not stay valid).
    let renew = user.id.as_str() == id.as_str() && patch.password.is_some();
    // The new session is as verified as the one it replaces.
    let stage = if user.two_factor_verified {
        crate::services::two_factor::Stage::Verified
    } else {
        crate::services::two_factor::Stage::Done
    };
    let (ctx, scope, s) = (user.audit_ctx(), user.scope(), settings.clone());
    let (row, token) = db(&pool, move |conn| {
        let row = service::update(conn, &ctx, &scope, &id, version, patch)?;
        let token =
            if renew { Some(crate::services::sessions::create(conn, &s, &row.id, ctx.now(), stage)?) } else { None };
        Ok((row, token))
    })
    .await?;
    let view = UserView::try_from(row)?;
    let mut res = HttpResponse::Ok();
    if let Some(token) = token {
        res.cookie(crate::auth::session_cookie(token, &settings));
    }
    Ok(res.insert_header(etag(view.version)).json(view))
}

/// Ends every session of a user of the organisation ("sign out everywhere" for someone else:
/// a lost laptop, a colleague who left). Audited as `user.sign_out`.
#[utoipa::path(post, path = "/api/v1/users/{id}/sign-out", tag = "users", params(("id" = String, Path)), responses(
    (status = 204, description = "every session of the user ended"),
    (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
    (status = 404, body = crate::error::ErrorBody)))]
pub async fn sign_out(user: Can<ManageUsers>, pool: web::Data<Pool>, id: web::Path<UserId>) -> AppResult<HttpResponse> {
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    db(&pool, move |conn| service::sign_out(conn, &ctx, &scope, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
