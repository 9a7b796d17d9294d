//! The `CurrentUser` extractor: authenticates the request by its session cookie and carries the
//! user's organisation scope and role. Role checks that fail are audited.

use super::SESSION_COOKIE;
use crate::clock::Clock;
use crate::db::repo::OrgScope;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::http::{clock_of, db, pool_of, request_id, settings_of};
use crate::services::audit::{self, AuditCtx};
use crate::services::sessions;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

/// The authenticated user of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: String,
    pub organisation_id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub session_id: String,
    pub request_id: String,
    /// The server's clock: "now" for this user's requests.
    pub clock: Clock,
}

impl CurrentUser {
    /// The scope every query for this user's records must carry.
    pub fn scope(&self) -> OrgScope {
        OrgScope::new(self.organisation_id.clone())
    }

    /// The audit context of this user's actions.
    pub fn audit_ctx(&self) -> AuditCtx {
        AuditCtx {
            actor_id: Some(self.id.clone()),
            organisation_id: Some(self.organisation_id.clone()),
            request_id: self.request_id.clone(),
            clock: self.clock.clone(),
        }
    }

    /// Today, by the server's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    /// Refuses (403, audited as `access.denied`) unless the user has one of `roles`.
    pub async fn require(&self, req: &HttpRequest, roles: &[Role], action: &str) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            return Ok(());
        }
        self.deny(req, action).await
    }

    /// Records a refused action and answers 403.
    pub async fn deny(&self, req: &HttpRequest, action: &str) -> Result<(), AppError> {
        let ctx = self.audit_ctx();
        let action = action.to_string();
        let pool = pool_of(req)?;
        db(&pool, move |conn| audit::record_alone(conn, &ctx, "access.denied", Some(("action", &action)), "denied"))
            .await?;
        Err(AppError::Forbidden)
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        let pool = pool_of(req);
        let settings = settings_of(req);
        let rid = request_id(req);
        let clock = clock_of(req);
        Box::pin(async move {
            let clock = clock?;
            let at = clock.now();
            let token = token.filter(|t| !t.is_empty()).ok_or(AppError::Unauthenticated)?;
            let (pool, settings) = (pool?, settings?);
            let found = db(&pool, move |conn| Ok(sessions::resolve(conn, &settings, &token, at)?)).await?;
            let (session, user) = found.ok_or(AppError::Unauthenticated)?;
            let role = user
                .role
                .parse::<Role>()
                .map_err(|e| AppError::Internal(anyhow::anyhow!("stored role is invalid: {e}")))?;
            Ok(CurrentUser {
                id: user.id,
                organisation_id: user.organisation_id,
                email: user.email,
                display_name: user.display_name,
                role,
                session_id: session.id,
                request_id: rid,
                clock,
            })
        })
    }
}
