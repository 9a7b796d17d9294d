//! The signed-in user of a request, and `Can<P>`, the extractor that lets a handler act only
//! when the permission table allows it. The session is resolved once per request by the guard
//! middleware (`auth::guard`), which refuses any request without one outside the public paths;
//! extractors read the user it stored. A refused permission is audited and answers 403.

use super::permissions::{allows, OrgRecords, Permission};
use super::scope::OrgScope;
use crate::clock::Clock;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::http::{clock_of, db, pool_of, settings_of};
use crate::services::audit::{self, AuditCtx};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use std::marker::PhantomData;

/// The authenticated user of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub organisation_id: OrgId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Holds the deployment-level policy stewardship grant.
    pub steward: bool,
    pub session_id: String,
    /// The session's second factor was given (not a password-only session).
    pub two_factor_verified: bool,
    pub request_id: String,
    /// The server's clock: "now" for this user's requests.
    pub clock: Clock,
    /// Only the authentication in `auth` makes a user (a struct literal elsewhere does not
    /// compile), so the organisation a scope comes from is always the signed-in user's.
    #[allow(dead_code, reason = "never read: it only forbids struct literals outside `auth`")]
    pub(in crate::auth) sealed: Sealed,
}

/// The seal of [`CurrentUser`].
#[derive(Debug, Clone, Copy)]
pub(in crate::auth) struct Sealed;

/// The audit context of a signed-in account's request (full or waiting for its second factor).
pub(in crate::auth) fn account_ctx(id: &UserId, organisation_id: &OrgId, request_id: &str, clock: &Clock) -> AuditCtx {
    AuditCtx {
        actor_id: Some(id.to_string()),
        organisation_id: Some(organisation_id.to_string()),
        request_id: request_id.to_string(),
        clock: clock.clone(),
    }
}

impl CurrentUser {
    /// The audit context of this user's actions.
    pub fn audit_ctx(&self) -> AuditCtx {
        account_ctx(&self.id, &self.organisation_id, &self.request_id, &self.clock)
    }

    /// Today, by the server's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Whether the permission table allows this user `P`'s action (for showing links).
    pub fn may<P: Permission>(&self) -> bool {
        allows(self.role, self.steward, P::ACTION)
    }

    /// The organisation scope, when this user may read its records (e.g. to show names in a
    /// simulation next to counts everyone may see).
    pub fn registry_scope(&self) -> Option<OrgScope> {
        allows(self.role, self.steward, super::permissions::Action::ReadRegistry)
            .then(|| OrgScope::new(self.organisation_id.clone()))
    }

    /// Whether the table allows an action (for templates and read models).
    pub fn may_do(&self, action: super::permissions::Action) -> bool {
        allows(self.role, self.steward, action)
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(req.extensions().get::<CurrentUser>().cloned().ok_or(AppError::Unauthenticated))
    }
}

/// A signed-in user allowed `P`'s action. Only permissions over an organisation's records
/// (`OrgRecords`) offer [`Can::scope`].
#[derive(Debug, Clone)]
pub struct Can<P: Permission> {
    user: CurrentUser,
    _permission: PhantomData<P>,
}

impl<P: Permission> std::ops::Deref for Can<P> {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.user
    }
}

impl<P: Permission> Can<P> {
    /// The user.
    pub fn user(&self) -> &CurrentUser {
        &self.user
    }
}

impl<P: OrgRecords> Can<P> {
    /// The scope every query for this user's organisation's records carries.
    pub fn scope(&self) -> OrgScope {
        OrgScope::new(self.user.organisation_id.clone())
    }
}

impl<P: Permission + 'static> FromRequest for Can<P> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user = req.extensions().get::<CurrentUser>().cloned();
        let Some(user) = user else { return Box::pin(std::future::ready(Err(AppError::Unauthenticated))) };
        if allows(user.role, user.steward, P::ACTION) {
            return Box::pin(std::future::ready(Ok(Can { user, _permission: PhantomData })));
        }
        // Refused at once, before the other extractors finish: a body that does not parse must
        // not turn the 403 into a 422 (the matrix test). The refusal is recorded beside it.
        if let (Ok(pool), Ok(settings), Ok(clock)) = (pool_of(req), settings_of(req), clock_of(req)) {
            let window = settings.login_failure_window_secs;
            // The moment of the refusal, not of the write that records it.
            let (ctx, action, at) = (user.audit_ctx(), P::ACTION.name().to_string(), clock.now());
            actix_web::rt::spawn(async move {
                let recorded = db(&pool, move |conn| audit_refusal(conn, &ctx, &action, at, window)).await;
                if let Err(e) = recorded {
                    tracing::warn!(error = %e, "a refusal could not be audited");
                }
            });
        }
        Box::pin(std::future::ready(Err(AppError::Forbidden)))
    }
}

/// Records a refused action: the first refusal of a user's action in a window of
/// `login_failure_window_secs` writes an `access.denied` event, the others of the window are
/// counted (in `login_throttled`, under `denied:<user>:<action>`), so an insider probing
/// thousands of records writes one event per action, not thousands.
fn audit_refusal(
    conn: &mut crate::db::DbConnection,
    ctx: &audit::AuditCtx,
    action: &str,
    at: chrono::NaiveDateTime,
    window: u64,
) -> Result<(), AppError> {
    let key = format!("denied:{}:{action}", ctx.actor_id.as_deref().unwrap_or_default());
    let open_since = at - chrono::Duration::seconds(i64::try_from(window).unwrap_or(i64::MAX / 2));
    crate::db::write_tx(conn, |conn| {
        if crate::db::repo::login_failures::count_throttled(conn, &key, at, open_since)? == 1 {
            audit::record(conn, ctx, "access.denied", Some(("action", action)), "denied")?;
        }
        Ok(())
    })
}

/// Records a refused action (as [`audit_refusal`]) and answers 403.
async fn deny<T>(req: &HttpRequest, user: &CurrentUser, action: &str) -> Result<T, AppError> {
    let (pool, settings, clock) = (pool_of(req)?, settings_of(req)?, clock_of(req)?);
    let (ctx, action, at, window) =
        (user.audit_ctx(), action.to_string(), clock.now(), settings.login_failure_window_secs);
    db(&pool, move |conn| audit_refusal(conn, &ctx, &action, at, window)).await?;
    Err(AppError::Forbidden)
}

/// Records a refusal decided by a handler (e.g. acting on another organisation's user).
pub async fn refuse(req: &HttpRequest, user: &CurrentUser, action: &str) -> Result<(), AppError> {
    deny(req, user, action).await
}
