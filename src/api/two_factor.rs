//! Two-factor sign-in over the API (`services::two_factor`): the second step of a sign-in,
//! enrolment, recovery codes, turning it off, and an admin's reset of another user's.

use super::extract::Body;
use crate::auth::permissions::ManageUsers;
use crate::auth::{Can, CurrentUser, Waiting};
use crate::config::Settings;
use crate::db::Pool;
use crate::domain::ids::UserId;
use crate::error::{AppError, AppResult};
use crate::http::{client_addr, db};
use crate::services::server_key::ServerKey;
use crate::services::two_factor::{self as service, Enrolment, Factor, FactorAttempt, Stage, Status};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A second factor: exactly one of the two.
#[derive(Debug, Deserialize, ToSchema)]
pub struct FactorRequest {
    /// Six digits from the authenticator app.
    pub code: Option<String>,
    /// One of the recovery codes (each works once).
    pub recovery_code: Option<String>,
}

/// A code from the authenticator app.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeRequest {
    pub code: String,
}

/// New recovery codes, shown this once: keep them somewhere safe, away from the phone.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

fn attempt(req: &HttpRequest, settings: &Settings, user: &UserId, body: FactorRequest) -> AppResult<FactorAttempt> {
    Ok(FactorAttempt {
        user: user.clone(),
        factor: Factor::from_fields(body.code, body.recovery_code)?,
        client_addr: client_addr(req, settings),
        device_token: crate::auth::device_token(req),
    })
}

/// The second step of a sign-in: a code from the app or a recovery code. The waiting session is
/// replaced by a full one (a new cookie).
#[utoipa::path(post, path = "/api/v1/auth/two-factor", tag = "auth", request_body = FactorRequest, responses(
    (status = 200, description = "signed in; a new session cookie is set", body = super::auth::Me),
    (status = 401, description = "no sign-in waits for a second factor", body = crate::error::ErrorBody),
    (status = 409, description = "the account must enrol first", body = crate::error::ErrorBody),
    (status = 422, description = "wrong or spent code", body = crate::error::ErrorBody),
    (status = 429, description = "too many wrong codes; see Retry-After", body = crate::error::ErrorBody)))]
pub async fn verify(
    req: HttpRequest,
    waiting: Waiting,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
    key: web::Data<ServerKey>,
    body: Body<FactorRequest>,
) -> AppResult<HttpResponse> {
    if waiting.stage != Stage::Code {
        return Err(enrol_first());
    }
    let attempt = attempt(&req, &settings, &waiting.id, body.into_inner())?;
    let (ctx, s, session) = (waiting.audit_ctx(), settings.clone(), waiting.session_id.clone());
    let signed_in = db(&pool, move |conn| service::verify(conn, &s, &key, &ctx, &session, attempt)).await?;
    super::auth::signed_in_answer(&pool, &settings, signed_in).await
}

fn enrol_first() -> AppError {
    AppError::Conflict {
        message: "two-factor sign-in is required for this role and not set up yet: enrol first".into(),
        current_version: None,
    }
}

/// The signed-in user's two-factor state.
#[utoipa::path(get, path = "/api/v1/auth/two-factor", tag = "auth", responses((status = 200, body = Status)))]
pub async fn status(
    user: CurrentUser,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
) -> AppResult<web::Json<Status>> {
    let (id, role) = (user.id.clone(), user.role);
    Ok(web::Json(db(&pool, move |conn| service::status(conn, &settings, &id, role)).await?))
}

/// Who is enrolling: a signed-in user, or a sign-in waiting to enrol; with the session, and
/// whether it waits.
struct Enrolling {
    id: UserId,
    email: String,
    ctx: crate::services::audit::AuditCtx,
    session: String,
    waiting: bool,
}

fn enrolling(user: Option<CurrentUser>, waiting: Option<Waiting>) -> AppResult<Enrolling> {
    match (user, waiting) {
        (Some(u), _) => {
            Ok(Enrolling { ctx: u.audit_ctx(), id: u.id, email: u.email, session: u.session_id, waiting: false })
        }
        (None, Some(w)) if w.stage == Stage::Enrol => {
            Ok(Enrolling { ctx: w.audit_ctx(), id: w.id, email: w.email, session: w.session_id, waiting: true })
        }
        // Waiting for a code: the account is enrolled already.
        (None, Some(_)) => Err(AppError::Conflict {
            message: "two-factor sign-in is already set up: send a code".into(),
            current_version: None,
        }),
        (None, None) => Err(AppError::Unauthenticated),
    }
}

/// Starts an enrolment: the secret, its `otpauth://` URI and the QR code to scan. Asking again
/// within the hour shows the same secret.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/enrolment", tag = "auth", responses(
    (status = 200, body = Enrolment),
    (status = 409, description = "already set up", body = crate::error::ErrorBody)))]
pub async fn enrol(
    user: Option<CurrentUser>,
    waiting: Option<Waiting>,
    pool: web::Data<Pool>,
    key: web::Data<ServerKey>,
) -> AppResult<HttpResponse> {
    let e = enrolling(user, waiting)?;
    let enrolment =
        db(&pool, move |conn| service::start_enrolment(conn, &key, &e.ctx, &e.id, &e.email, &e.session)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(enrolment))
}

/// Confirms an enrolment with a first code; answers the ten recovery codes, this once. A sign-in
/// that waited to enrol is then complete (a new session cookie).
#[utoipa::path(post, path = "/api/v1/auth/two-factor/enrolment/confirm", tag = "auth", request_body = CodeRequest, responses(
    (status = 200, body = RecoveryCodes),
    (status = 409, description = "no enrolment under way, or already set up", body = crate::error::ErrorBody),
    (status = 422, description = "the code does not match", body = crate::error::ErrorBody)))]
pub async fn confirm(
    req: HttpRequest,
    user: Option<CurrentUser>,
    waiting: Option<Waiting>,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
    key: web::Data<ServerKey>,
    body: Body<CodeRequest>,
) -> AppResult<HttpResponse> {
    let e = enrolling(user, waiting)?;
    let code = body.into_inner().code;
    let (s, device) = (settings.clone(), crate::auth::device_token(&req));
    let (codes, signed_in) = db(&pool, move |conn| {
        let codes = service::confirm_enrolment(conn, &key, &e.ctx, &e.id, &e.session, &code)?;
        let signed_in = match e.waiting {
            true => Some(service::check::complete(conn, &s, &e.ctx, &e.id, &e.session, device.as_deref())?),
            false => None,
        };
        Ok((codes, signed_in))
    })
    .await?;
    let mut res = HttpResponse::Ok();
    res.insert_header(("Cache-Control", "no-store"));
    if let Some(signed_in) = signed_in {
        for cookie in crate::auth::sign_in_cookies(signed_in.token, signed_in.new_device_token, &settings) {
            res.cookie(cookie);
        }
    }
    Ok(res.json(RecoveryCodes { recovery_codes: codes }))
}

/// Ten new recovery codes in place of the old ones, for a code (or a recovery code).
#[utoipa::path(post, path = "/api/v1/auth/two-factor/recovery-codes", tag = "auth", request_body = FactorRequest, responses(
    (status = 200, body = RecoveryCodes),
    (status = 422, description = "wrong or spent code", body = crate::error::ErrorBody),
    (status = 429, description = "too many wrong codes", body = crate::error::ErrorBody)))]
pub async fn renew_codes(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
    key: web::Data<ServerKey>,
    body: Body<FactorRequest>,
) -> AppResult<HttpResponse> {
    let attempt = attempt(&req, &settings, &user.id, body.into_inner())?;
    let ctx = user.audit_ctx();
    let codes = db(&pool, move |conn| service::renew_recovery_codes(conn, &settings, &key, &ctx, attempt)).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(RecoveryCodes { recovery_codes: codes }))
}

/// Turns two-factor sign-in off, for a code (or a recovery code); refused when the role
/// requires it.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/disable", tag = "auth", request_body = FactorRequest, responses(
    (status = 204, description = "turned off"),
    (status = 409, description = "required for this role", body = crate::error::ErrorBody),
    (status = 422, description = "wrong or spent code", body = crate::error::ErrorBody),
    (status = 429, description = "too many wrong codes", body = crate::error::ErrorBody)))]
pub async fn disable(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
    settings: web::Data<Settings>,
    key: web::Data<ServerKey>,
    body: Body<FactorRequest>,
) -> AppResult<HttpResponse> {
    let attempt = attempt(&req, &settings, &user.id, body.into_inner())?;
    let (ctx, role) = (user.audit_ctx(), user.role);
    db(&pool, move |conn| service::turn_off(conn, &settings, &key, &ctx, role, attempt)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An admin resets a user's second factor (a lost phone): the secret and recovery codes go and
/// every session of the user ends. Audited as `user.two_factor_reset`.
#[utoipa::path(post, path = "/api/v1/users/{id}/two-factor/reset", tag = "users", params(("id" = String, Path)), responses(
    (status = 204, description = "reset; the user's sessions ended"),
    (status = 403, body = crate::error::ErrorBody),
    (status = 404, body = crate::error::ErrorBody)))]
pub async fn reset(user: Can<ManageUsers>, pool: web::Data<Pool>, id: web::Path<UserId>) -> AppResult<HttpResponse> {
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    db(&pool, move |conn| service::reset(conn, &ctx, &scope, &id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
