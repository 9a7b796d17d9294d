//! A sign-in that waits for its second factor: the password was right, and the session may
//! reach only the two-factor pages and endpoints until a code (or enrolment) completes it
//! (`auth::guard::WAITING`). Handlers of those pages take [`Waiting`]; everything else takes a
//! `CurrentUser`, which such a session never has.

use crate::clock::Clock;
use crate::domain::ids::{OrgId, UserId};
use crate::error::AppError;
use crate::services::audit::AuditCtx;
use crate::services::two_factor::Stage;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};

/// The account of a session that waits for its second factor.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub id: UserId,
    pub organisation_id: OrgId,
    pub email: String,
    /// `Code` or `Enrol`, never `Done`.
    pub stage: Stage,
    pub session_id: String,
    pub request_id: String,
    pub clock: Clock,
}

impl Waiting {
    /// The audit context of this account's steps.
    pub fn audit_ctx(&self) -> AuditCtx {
        super::current_user::account_ctx(&self.id, &self.organisation_id, &self.request_id, &self.clock)
    }
}

impl FromRequest for Waiting {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(req.extensions().get::<Waiting>().cloned().ok_or(AppError::Unauthenticated))
    }
}
