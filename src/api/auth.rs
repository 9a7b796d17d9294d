//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.

use super::extract::Body;
use crate::auth::{cleared_session_cookie, CurrentUser};
use crate::config::Settings;
use crate::db::repo::organisations;
use crate::db::Pool;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::http::{client_addr, db, request_id};
use crate::services::auth::{self as service, LoginAttempt};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Holds the deployment-level grant to change the shared policies.
    pub steward: bool,
    pub organisation_id: OrgId,
    pub organisation_name: String,
}

/// A sign-in whose password was right and whose second factor is awaited.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecondFactorAwaited {
    /// `code`: send a code from the authenticator app (or a recovery code) to
    /// `POST /api/v1/auth/two-factor`; `enrol`: the role requires two-factor sign-in and the
    /// account has none yet: `POST /api/v1/auth/two-factor/enrolment`, then `.../confirm`.
    pub second_factor: String,
}

/// Signs in; sets the session cookie. With two-factor sign-in the answer is 202 and the session
/// reaches only the two-factor endpoints until the second factor is given.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, description = "signed in; the session cookie is set", body = Me),
    (status = 202, description = "the password is right; the second factor is awaited (the cookie is set)", body = SecondFactorAwaited),
    (status = 401, description = "unknown email or wrong password (the same answer for both)", body = crate::error::ErrorBody),
    (status = 422, description = "missing fields", body = crate::error::ErrorBody),
    (status = 429, description = "too many failures; see Retry-After", body = crate::error::ErrorBody),
    (status = 503, description = "too many sign-ins being checked at once; see Retry-After", body = crate::error::ErrorBody)))]
pub async fn login(
    req: HttpRequest,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
    hashing: web::Data<crate::auth::password::Hashing>,
    body: Body<LoginRequest>,
) -> AppResult<HttpResponse> {
    let body = body.into_inner();
    if body.password.chars().count() > 1024 || body.email.chars().count() > 320 {
        return Err(AppError::InvalidCredentials);
    }
    let attempt = LoginAttempt {
        email: body.email,
        password: body.password,
        client_addr: client_addr(&req, &settings),
        request_id: request_id(&req),
        clock: crate::http::clock_of(&req)?,
        device_token: crate::auth::device_token(&req),
    };
    let accepted = crate::auth::signin::sign_in(&pool, &settings, &hashing, attempt).await?;
    let signed_in = accepted.signed_in;
    if accepted.second_factor != crate::services::two_factor::Stage::Done {
        let awaited = SecondFactorAwaited { second_factor: accepted.second_factor.as_str().to_string() };
        return Ok(HttpResponse::Accepted()
            .cookie(crate::auth::session_cookie(signed_in.token, &settings))
            .json(awaited));
    }
    signed_in_answer(&pool, &settings, signed_in).await
}

/// The answer of a completed sign-in: the signed-in user, with the session cookie (and the
/// device cookie for a browser new to the account).
pub async fn signed_in_answer(
    pool: &web::Data<Pool>,
    settings: &Settings,
    signed_in: crate::services::auth::SignedIn,
) -> AppResult<HttpResponse> {
    let (token, user, device) = (signed_in.token, signed_in.user, signed_in.new_device_token);
    let (token, me) = db(pool, move |conn| {
        let org = organisations::find_by_id(conn, &user.organisation_id)?.ok_or(AppError::NotFound)?;
        let steward = crate::db::repo::stewards::is_steward(conn, &user.id)?;
        let me = Me {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            steward,
            organisation_id: org.id,
            organisation_name: org.name,
        };
        Ok((token, me))
    })
    .await?;
    let mut res = HttpResponse::Ok();
    for cookie in crate::auth::sign_in_cookies(token, device, settings) {
        res.cookie(cookie);
    }
    Ok(res.json(me))
}

/// Signs out: the session ends on the server, and the cookie is cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses(
    (status = 204, description = "signed out"),
    (status = 401, description = "not signed in", body = crate::error::ErrorBody)))]
pub async fn logout(
    user: Option<CurrentUser>,
    waiting: Option<crate::auth::Waiting>,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
) -> AppResult<HttpResponse> {
    // A sign-in waiting for its second factor may be abandoned too.
    let (ctx, session) = match (user, waiting) {
        (Some(u), _) => (u.audit_ctx(), u.session_id),
        (None, Some(w)) => (w.audit_ctx(), w.session_id),
        (None, None) => return Err(AppError::Unauthenticated),
    };
    db(&pool, move |conn| service::logout(conn, &ctx, &session)).await?;
    Ok(HttpResponse::NoContent().cookie(cleared_session_cookie(&settings)).finish())
}

/// Signs out everywhere: every session of the signed-in user ends, this one included, and the
/// cookie is cleared.
#[utoipa::path(post, path = "/api/v1/auth/logout-everywhere", tag = "auth", responses(
    (status = 204, description = "every session of the user ended"),
    (status = 401, description = "not signed in", body = crate::error::ErrorBody)))]
pub async fn logout_everywhere(
    user: CurrentUser,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
) -> AppResult<HttpResponse> {
    let ctx = user.audit_ctx();
    let id = user.id.clone();
    db(&pool, move |conn| service::logout_everywhere(conn, &ctx, &id)).await?;
    Ok(HttpResponse::NoContent().cookie(cleared_session_cookie(&settings)).finish())
}

/// The signed-in user and their organisation.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses(
    (status = 200, body = Me),
    (status = 401, description = "not signed in", body = crate::error::ErrorBody)))]
pub async fn me(user: CurrentUser, pool: web::Data<Pool>) -> AppResult<web::Json<Me>> {
    let org_id = user.organisation_id.clone();
    let org = db(&pool, move |conn| organisations::find_by_id(conn, &org_id)?.ok_or(AppError::NotFound)).await?;
    Ok(web::Json(Me {
        id: user.id,
        email: user.email,
        display_name: user.display_name,
        role: user.role,
        steward: user.steward,
        organisation_id: org.id,
        organisation_name: org.name,
    }))
}
