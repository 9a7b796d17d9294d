//! Deny by default: every request needs a live session, except the few public paths below.
//! The guard resolves the session once and leaves the user in the request for the extractors;
//! a handler that asks for no user is still behind it.

use super::current_user::CurrentUser;
use super::SESSION_COOKIE;
use crate::error::AppError;
use crate::http::{clock_of, db, pool_of, request_id, settings_of};
use crate::services::sessions;
use crate::services::two_factor::Stage;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

/// Paths answered without a session (exact, or as a prefix when they end with `/`).
const PUBLIC: &[&str] = &[
    "/login",
    "/lang",
    "/healthz",
    "/readyz",
    "/static/",
    "/api/docs",
    "/api/docs/",
    "/api/openapi.json",
    "/api/v1/auth/login",
];

/// Paths a session that waits for its second factor may reach, besides the public ones.
pub const WAITING: &[&str] = &[
    "/login/two-factor",
    "/login/two-factor/confirm",
    "/login/two-factor/cancel",
    "/api/v1/auth/two-factor",
    "/api/v1/auth/two-factor/enrolment",
    "/api/v1/auth/two-factor/enrolment/confirm",
    "/api/v1/auth/logout",
];

/// True for the public paths.
pub fn is_public(path: &str) -> bool {
    PUBLIC.iter().any(|p| if p.ends_with('/') { path.starts_with(p) } else { path == *p })
}

/// Middleware (use with `middleware::from_fn`).
pub async fn require_session(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    if crate::api::bench::is_open(req.request()) {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body); // the benchmark baseline, when on
    }
    let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()).filter(|t| !t.is_empty());
    if is_public(req.path()) && token.is_none() {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    }
    let user = match token {
        Some(token) => match resolve(req.request(), token).await {
            Ok(user) => user,
            Err(e) => return Ok(req.error_response(e)),
        },
        None => None,
    };
    match user {
        Some(Resolved::Full(user)) => {
            req.extensions_mut().insert(user);
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        Some(Resolved::Waiting(waiting)) if WAITING.contains(&req.path()) => {
            req.extensions_mut().insert(waiting);
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        // Half signed in: the public pages as if signed out, anything else sends to the code.
        Some(Resolved::Waiting(_)) if is_public(req.path()) => {
            next.call(req).await.map(ServiceResponse::map_into_boxed_body)
        }
        Some(Resolved::Waiting(_)) => Ok(req.error_response(AppError::SecondFactorRequired)),
        // A public page with a stale cookie still answers (the login form, say).
        None if is_public(req.path()) => next.call(req).await.map(ServiceResponse::map_into_boxed_body),
        // Answered, not returned as an error, so the envelope and the security headers apply.
        None => Ok(req.error_response(AppError::Unauthenticated)),
    }
}

/// A live session: full, or waiting for its second factor.
enum Resolved {
    Full(CurrentUser),
    Waiting(super::Waiting),
}

async fn resolve(req: &actix_web::HttpRequest, token: String) -> Result<Option<Resolved>, AppError> {
    let (pool, settings, clock) = (pool_of(req)?, settings_of(req)?, clock_of(req)?);
    let at = clock.now();
    let rid = request_id(req);
    let found = db(&pool, move |conn| {
        let Some((session, user)) = sessions::resolve(conn, &settings, &token, at)? else { return Ok(None) };
        let steward = crate::db::repo::stewards::is_steward(conn, &user.id)?;
        // A session opened by the password alone, of a user who must now give a second factor
        // (stewardship granted, or the setting turned on since): ended, so the next sign-in
        // asks for it.
        let stage = Stage::parse(&session.second_factor);
        if stage == Stage::Done && crate::services::two_factor::required(&settings, user.role, steward) {
            crate::db::repo::sessions::delete(conn, &session.id)?;
            return Ok(None);
        }
        Ok(Some((session, user, steward)))
    })
    .await?;
    Ok(found.map(|(session, user, steward)| match Stage::parse(&session.second_factor) {
        stage @ (Stage::Done | Stage::Verified) => Resolved::Full(CurrentUser {
            two_factor_verified: stage == Stage::Verified,
            id: user.id,
            organisation_id: user.organisation_id,
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            steward,
            session_id: session.id,
            request_id: rid,
            clock,
            sealed: super::current_user::Sealed,
        }),
        stage => Resolved::Waiting(super::Waiting {
            id: user.id,
            organisation_id: user.organisation_id,
            email: user.email,
            stage,
            session_id: session.id,
            request_id: rid,
            clock,
        }),
    }))
}
