//! The edge of `services::probes`: after a signed-in request for a record answered 404, checks
//! in the background whether the id belonged to another organisation, and audits it if so. The
//! answer itself never waits for the check, nor differs from a missing record's.

use super::{clock_of, db, pool_of, settings_of};
use crate::auth::current_user::CurrentUser;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};

/// Middleware (use with `middleware::from_fn`, inside the session guard).
pub async fn note_cross_organisation(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, Error> {
    let user = req.extensions().get::<CurrentUser>().cloned();
    let probe = user.and_then(|u| crate::services::probes::target(req.path()).map(|t| (u, t)));
    let context = (pool_of(req.request()), settings_of(req.request()), clock_of(req.request()));
    let res = next.call(req).await?;
    if res.status() == StatusCode::NOT_FOUND {
        if let (Some((user, (table, entity, id))), (Ok(pool), Ok(settings), Ok(clock))) = (probe, context) {
            let (ctx, at, window) = (user.audit_ctx(), clock.now(), settings.login_failure_window_secs);
            actix_web::rt::spawn(async move {
                let noted = db(&pool, move |conn| {
                    crate::services::probes::note_not_found(conn, &ctx, (table, entity, &id), at, window)
                })
                .await;
                if let Err(e) = noted {
                    tracing::warn!(error = %e, "a cross-organisation attempt could not be audited");
                }
            });
        }
    }
    Ok(res)
}
