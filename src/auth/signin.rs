//! A sign-in in its three steps, shared by the API and the login page: the throttle and the
//! account (`services::auth::begin`, one short database call), the password hash in turn with
//! the other sign-ins and holding no database connection (`password::Hashing`), then
//! the session or the recorded failure (`services::auth::finish`).

use crate::auth::password::Hashing;
use crate::config::Settings;
use crate::db::Pool;
use crate::error::AppResult;
use crate::http::db;
use crate::services::auth::{self as service, LoginAttempt, PasswordAccepted};
use actix_web::web;

/// Checks the credentials and opens a session (full, or waiting for its second factor).
pub async fn sign_in(
    pool: &web::Data<Pool>,
    settings: &web::Data<Settings>,
    hashing: &Hashing,
    attempt: LoginAttempt,
) -> AppResult<PasswordAccepted> {
    let password_typed = attempt.password.clone();
    let s = settings.clone();
    let pending = db(pool, move |conn| service::begin(conn, &s, &attempt)).await?;
    let password_ok = match hashing.verify(password_typed, pending.stored_hash()).await {
        Ok(ok) => ok,
        Err(busy) => {
            // Not checked: the attempt did not fail, and must not count as a failure.
            db(pool, move |conn| service::abandon(conn, &pending)).await?;
            return Err(busy);
        }
    };
    let s = settings.clone();
    db(pool, move |conn| service::finish(conn, &s, pending, password_ok)).await
}
