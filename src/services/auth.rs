//! Login and logout. The order of a login matters: throttling is checked before any password
//! hash is computed, and an unknown email costs the same hash as a wrong password, so neither
//! the answer nor its timing tells whether an account exists. The hash itself is computed
//! between `begin` and `finish`, holding no database connection (`auth::signin`).

use crate::auth::{password, token};
use crate::config::Settings;
use crate::db::models::{LoginFailureRow, UserRow};
use crate::db::repo::{devices, login_failures, new_id, sessions, users};
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
    /// The device cookie's token, if the browser has one (`DEVICE_COOKIE`).
    pub device_token: Option<String>,
}

/// A signed-in account: the session token, the user, and a device token to remember this
/// browser by when it had none for the account (set it as `DEVICE_COOKIE`).
pub struct SignedIn {
    pub token: String,
    pub user: UserRow,
    pub new_device_token: Option<String>,
}

/// A sign-in that passed the throttle: the account (if the email has one) and the hash its
/// password is checked against, a dummy one when there is no account.
pub struct Pending {
    account_key: String,
    client_key: String,
    ctx: AuditCtx,
    user: Option<UserRow>,
    /// The device's key when the device signed in to this account before.
    known_device: Option<String>,
}

impl Pending {
    /// The hash to check the password against (the same cost whether or not the account exists).
    pub fn stored_hash(&self) -> String {
        self.user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| password::dummy_hash().to_string())
    }
}

/// The first step of a sign-in, before any hash: refuses an email no account can have (a
/// control character: PostgreSQL cannot even compare a NUL), looks the account up, and refuses
/// a throttled account or address (429; the attempt is counted, and only the first of a window
/// is audited; a device that signed in to the account before is throttled on its own failures
/// only). The password is checked next, outside any database connection (`auth::signin`),
/// then `finish`.
pub fn begin(conn: &mut DbConnection, settings: &Settings, attempt: &LoginAttempt) -> AppResult<Pending> {
    if has_control(&attempt.email) {
        return Err(AppError::field("email", "must not contain control characters"));
    }
    let email = normalise_email(&attempt.email);
    let account_key = token::keyed_hash("login-account", &email);
    let client_key = token::keyed_hash("login-client", &attempt.client_addr);
    let mut ctx = AuditCtx::anonymous(attempt.request_id.clone(), &attempt.clock);

    let user = users::find_by_email(conn, &email)?;
    // A device that signed in to this very account before is throttled on its own failures
    // only: someone else's failures, for the account or from the same address, do not lock
    // its owner out.
    let known_device = match (&attempt.device_token, &user) {
        (Some(token), Some(u)) => {
            let key = token::keyed_hash("login-device", token);
            (devices::user_of(conn, &key)?.as_deref() == Some(u.id.as_str())).then_some(key)
        }
        _ => None,
    };
    let (account_key, client_key) = match &known_device {
        Some(device) => (token::keyed_hash("login-device-account", &format!("{device}:{account_key}")), device.clone()),
        None => (account_key, client_key),
    };
    if let Some((key, retry_after_secs)) = throttled(conn, settings, &account_key, &client_key, ctx.now())? {
        let at = ctx.now();
        let window_open_since = at - Duration::seconds(settings.login_failure_window_secs as i64);
        write_tx(conn, |conn| {
            if login_failures::count_throttled(conn, &key, at, window_open_since)? == 1 {
                audit::record(conn, &ctx, "auth.login", None, "throttled")?;
            }
            Ok::<_, AppError>(())
        })?;
        return Err(AppError::TooManyRequests { retry_after_secs });
    }

    if let Some(u) = &user {
        ctx.actor_id = Some(u.id.to_string());
        ctx.organisation_id = Some(u.organisation_id.to_string());
    }
    Ok(Pending { account_key, client_key, ctx, user, known_device })
}

/// The last step: opens a session when the password was right and the account is enabled,
/// else records the failure (counted for the throttle) and answers as for a wrong password.
/// Returns the session token and the user.
pub fn finish(
    conn: &mut DbConnection,
    settings: &Settings,
    pending: Pending,
    password_ok: bool,
) -> AppResult<SignedIn> {
    let Pending { account_key, client_key, ctx, user, known_device } = pending;
    match user {
        Some(user) if password_ok && user.disabled_at.is_none() => write_tx(conn, |conn| {
            let token = crate::services::sessions::create(conn, settings, &user.id, ctx.now())?;
            login_failures::clear_account(conn, &account_key)?;
            let new_device_token = match &known_device {
                Some(key) => {
                    devices::touch(conn, key, ctx.now())?;
                    None
                }
                None => {
                    let device = token::generate();
                    devices::insert(conn, &token::keyed_hash("login-device", &device), &user.id, ctx.now())?;
                    Some(device)
                }
            };
            audit::record(conn, &ctx, "auth.login", Some(("user", user.id.as_str())), "success")?;
            Ok(SignedIn { token, user, new_device_token })
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

/// The throttled key (the account's or the client address's) and the seconds to wait, if either
/// has too many recent failures.
fn throttled(
    conn: &mut DbConnection,
    settings: &Settings,
    account_key: &str,
    client_key: &str,
    at: NaiveDateTime,
) -> AppResult<Option<(String, u64)>> {
    let window = Duration::seconds(settings.login_failure_window_secs as i64);
    let since = at - window;
    let retry = |oldest: Option<NaiveDateTime>| -> u64 {
        let until = oldest.map(|o| o + window).unwrap_or(at + window);
        (until - at).num_seconds().max(1) as u64
    };
    let (n, oldest) = login_failures::for_account(conn, account_key, since)?;
    if n >= i64::from(settings.login_max_failures_per_account) {
        return Ok(Some((account_key.to_string(), retry(oldest))));
    }
    let (n, oldest) = login_failures::for_client(conn, client_key, since)?;
    if n >= i64::from(settings.login_max_failures_per_client) {
        return Ok(Some((client_key.to_string(), retry(oldest))));
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

/// Ends every session of the signed-in user, this one included ("sign out everywhere": a
/// laptop left in a camp office, a password seen over a shoulder).
pub fn logout_everywhere(conn: &mut DbConnection, ctx: &AuditCtx, user_id: &crate::domain::ids::UserId) -> AppResult<usize> {
    write_tx(conn, |conn| {
        let ended = sessions::delete_for_user(conn, user_id)?;
        audit::record(conn, ctx, "auth.logout_everywhere", Some(("user", user_id.as_str())), "success")?;
        Ok(ended)
    })
}
