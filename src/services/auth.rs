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

/// A sign-in with the right password: a full session, or one that waits for its second factor.
pub struct PasswordAccepted {
    pub signed_in: SignedIn,
    pub second_factor: crate::services::two_factor::Stage,
}

/// A sign-in that passed the throttle: the account (if the email has one), the hash its
/// password is checked against (a dummy one when there is no account), and the failure row
/// reserved for it (`begin`).
pub struct Pending {
    account_key: String,
    failure_id: String,
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
/// control character: PostgreSQL cannot even compare a NUL) and a throttled account or address
/// (429; the attempt is counted, and only the first of a window is audited; a device that
/// signed in to the account before is throttled on its own failures only), then looks the
/// account up. Until the account is known only the device's own account is read, so a 429
/// costs the same whether or not the email has an account. The attempt is recorded as a
/// failure at once, in the transaction of the check: sign-ins sent in parallel cannot all pass
/// a throttle that counts failures written only after their hashes. `finish` removes the
/// record when the password was right, `abandon` when the check never ran. The password is
/// checked next, outside any database connection (`auth::signin`).
pub fn begin(conn: &mut DbConnection, settings: &Settings, attempt: &LoginAttempt) -> AppResult<Pending> {
    if has_control(&attempt.email) {
        return Err(AppError::field("email", "must not contain control characters"));
    }
    let email = normalise_email(&attempt.email);
    let account_key = token::keyed_hash("login-account", &email);
    let client_key = token::keyed_hash("login-client", &attempt.client_addr);
    let mut ctx = AuditCtx::anonymous(attempt.request_id.clone(), &attempt.clock);

    // A device that signed in to this very account before is throttled on its own failures
    // only: someone else's failures, for the account or from the same address, do not lock
    // its owner out.
    let known = match &attempt.device_token {
        Some(device) => {
            let key = token::keyed_hash("login-device", device);
            match devices::user_of(conn, &key)? {
                Some(id) => users::find_by_email(conn, &email)?.filter(|u| u.id.as_str() == id).map(|u| (key, u)),
                None => None,
            }
        }
        None => None,
    };
    let (account_key, client_key) = match &known {
        Some((device, _)) => {
            (token::keyed_hash("login-device-account", &format!("{device}:{account_key}")), device.clone())
        }
        None => (account_key, client_key),
    };
    let at = ctx.now();
    let failure_id = new_id();
    let outcome = write_tx(conn, |conn| {
        if let Some((key, retry_after_secs)) = throttled(conn, settings, &account_key, &client_key, at)? {
            let window_open_since = at - Duration::seconds(settings.login_failure_window_secs as i64);
            if login_failures::count_throttled(conn, &key, at, window_open_since)? == 1 {
                audit::record(conn, &ctx, "auth.login", None, "throttled")?;
            }
            return Ok::<_, AppError>(Some(retry_after_secs));
        }
        let row =
            LoginFailureRow { id: failure_id.clone(), account_key: account_key.clone(), client_key, failed_at: at };
        login_failures::insert(conn, &row)?;
        Ok(None)
    })?;
    if let Some(retry_after_secs) = outcome {
        return Err(AppError::TooManyRequests { retry_after_secs });
    }

    let (known_device, user) = match known {
        Some((device, user)) => (Some(device), Some(user)),
        None => (None, users::find_by_email(conn, &email)?),
    };
    if let Some(u) = &user {
        ctx.actor_id = Some(u.id.to_string());
        ctx.organisation_id = Some(u.organisation_id.to_string());
    }
    Ok(Pending { account_key, failure_id, ctx, user, known_device })
}

/// Forgets the failure `begin` reserved when the password could not be checked at all (the
/// server was too busy): the attempt did not fail.
pub fn abandon(conn: &mut DbConnection, pending: &Pending) -> AppResult<()> {
    login_failures::delete(conn, &pending.failure_id)?;
    Ok(())
}

/// The last step: opens a session when the password was right and the account, read again in
/// this transaction, is enabled and still has the password that was checked (an admin may have
/// changed or disabled it meanwhile); else the failure `begin` recorded stays, and the answer
/// is the one for a wrong password. Remembers a new device.
pub fn finish(
    conn: &mut DbConnection,
    settings: &Settings,
    pending: Pending,
    password_ok: bool,
) -> AppResult<PasswordAccepted> {
    let Pending { account_key, failure_id: _, ctx, user, known_device } = pending;
    let checked_hash = user.as_ref().map(|u| u.password_hash.clone());
    let signed_in = write_tx(conn, |conn| {
        let now = match &user {
            Some(u) if password_ok => users::find_by_id_unscoped(conn, &u.id)?,
            _ => None,
        };
        let Some(user) = now.filter(|u| u.disabled_at.is_none() && Some(&u.password_hash) == checked_hash.as_ref())
        else {
            // A disabled account gets the same answer as a wrong password.
            let outcome = if password_ok && user.is_some() { "disabled" } else { "failure" };
            let entity = ctx.actor_id.clone();
            audit::record(conn, &ctx, "auth.login", entity.as_deref().map(|id| ("user", id)), outcome)?;
            return Ok::<_, AppError>(None);
        };
        let stage = crate::services::two_factor::stage_after_password(conn, settings, &user.id, user.role)?;
        let token = crate::services::sessions::create(conn, settings, &user.id, ctx.now(), stage)?;
        // The failure reserved for this attempt goes with the account's others.
        login_failures::clear_account(conn, &account_key)?;
        // A browser is remembered when it completes the sign-in: the password alone does not
        // exempt it from the throttle of the second factor (`services::two_factor`).
        let new_device_token = match &known_device {
            _ if stage != crate::services::two_factor::Stage::Done => None,
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
        let outcome =
            if stage == crate::services::two_factor::Stage::Done { "success" } else { "second_factor_awaited" };
        audit::record(conn, &ctx, "auth.login", Some(("user", user.id.as_str())), outcome)?;
        Ok(Some(PasswordAccepted { signed_in: SignedIn { token, user, new_device_token }, second_factor: stage }))
    })?;
    signed_in.ok_or(AppError::InvalidCredentials)
}

/// The throttled key (the account's or the client address's) and the seconds to wait, if either
/// has too many recent failures.
pub(crate) fn throttled(
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
pub fn logout_everywhere(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    user_id: &crate::domain::ids::UserId,
) -> AppResult<usize> {
    write_tx(conn, |conn| {
        let ended = crate::services::sessions::end_everywhere(conn, user_id)?;
        audit::record(conn, ctx, "auth.logout_everywhere", Some(("user", user_id.as_str())), "success")?;
        Ok(ended)
    })
}
