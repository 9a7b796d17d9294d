//! Login and logout. The order of a login matters: throttling is checked before any password
//! hash is computed, and an unknown email costs the same hash as a wrong password, so neither
//! the answer nor its timing tells whether an account exists.

use crate::auth::{password, token};
use crate::config::Settings;
use crate::db::models::{LoginFailureRow, UserRow};
use crate::db::repo::{login_failures, new_id, sessions, users};
use crate::db::{write_tx, DbConnection};
use crate::domain::account::normalise_email;
use crate::domain::text::has_control;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use chrono::{Duration, NaiveDateTime};

/// What a login attempt carries.
pub struct LoginAttempt {
    pub email: String,
    pub password: String,
    pub client_addr: String,
    pub request_id: String,
    pub clock: crate::clock::Clock,
}

/// Checks the credentials and opens a session. Returns the session token and the user.
/// An email with a control character is refused before anything is looked up or counted: no
/// account has one, and PostgreSQL cannot compare a NUL at all.
pub fn login(conn: &mut DbConnection, settings: &Settings, attempt: LoginAttempt) -> AppResult<(String, UserRow)> {
    if has_control(&attempt.email) {
        return Err(AppError::field("email", "must not contain control characters"));
    }
    let email = normalise_email(&attempt.email);
    let account_key = token::keyed_hash("login-account", &email);
    let client_key = token::keyed_hash("login-client", &attempt.client_addr);
    let mut ctx = AuditCtx::anonymous(attempt.request_id, &attempt.clock);

    if let Some(retry_after_secs) = throttled(conn, settings, &account_key, &client_key, ctx.now())? {
        audit::record_alone(conn, &ctx, "auth.login", None, "throttled")?;
        return Err(AppError::TooManyRequests { retry_after_secs });
    }

    let user = users::find_by_email(conn, &email)?;
    let stored_hash = user.as_ref().map(|u| u.password_hash.as_str()).unwrap_or_else(|| password::dummy_hash());
    let password_ok = password::verify(&attempt.password, stored_hash);
    if let Some(u) = &user {
        ctx.actor_id = Some(u.id.to_string());
        ctx.organisation_id = Some(u.organisation_id.to_string());
    }

    match user {
        Some(user) if password_ok && user.disabled_at.is_none() => write_tx(conn, |conn| {
            let token = crate::services::sessions::create(conn, settings, &user.id, ctx.now())?;
            login_failures::clear_account(conn, &account_key)?;
            audit::record(conn, &ctx, "auth.login", Some(("user", user.id.as_str())), "success")?;
            Ok((token, user))
        }),
        user => {
            // A disabled account gets the same answer as a wrong password.
            let outcome = match user {
                Some(_) if password_ok => "disabled",
                _ => "failure",
            };
            write_tx(conn, |conn| {
                login_failures::insert(
                    conn,
                    &LoginFailureRow { id: new_id(), account_key, client_key, failed_at: ctx.now() },
                )?;
                let entity = ctx.actor_id.clone();
                audit::record(conn, &ctx, "auth.login", entity.as_deref().map(|id| ("user", id)), outcome)?;
                Ok::<_, AppError>(())
            })?;
            Err(AppError::InvalidCredentials)
        }
    }
}

/// Seconds to wait if the account or the client address has too many recent failures.
fn throttled(
    conn: &mut DbConnection,
    settings: &Settings,
    account_key: &str,
    client_key: &str,
    at: NaiveDateTime,
) -> AppResult<Option<u64>> {
    let window = Duration::seconds(settings.login_failure_window_secs as i64);
    let since = at - window;
    let retry = |oldest: Option<NaiveDateTime>| -> u64 {
        let until = oldest.map(|o| o + window).unwrap_or(at + window);
        (until - at).num_seconds().max(1) as u64
    };
    let (n, oldest) = login_failures::for_account(conn, account_key, since)?;
    if n >= i64::from(settings.login_max_failures_per_account) {
        return Ok(Some(retry(oldest)));
    }
    let (n, oldest) = login_failures::for_client(conn, client_key, since)?;
    if n >= i64::from(settings.login_max_failures_per_client) {
        return Ok(Some(retry(oldest)));
    }
    Ok(None)
}

/// Ends a session on the server.
pub fn logout(conn: &mut DbConnection, ctx: &AuditCtx, session_id: &str) -> AppResult<()> {
    write_tx(conn, |conn| {
        sessions::delete(conn, session_id)?;
        let actor = ctx.actor_id.clone().unwrap_or_default();
        audit::record(conn, ctx, "auth.logout", Some(("user", &actor)), "success")?;
        Ok(())
    })
}
