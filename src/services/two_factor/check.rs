//! Checking a second factor, throttled like passwords (`services::auth::throttled`, the same
//! limits and window): failures are counted per account and per client address, a browser that
//! completed a sign-in to the account before is counted on its own failures only (someone who
//! knows the password cannot lock the owner out by typing wrong codes), and while throttled an
//! attempt is counted, not checked, with one audit event per window.

use crate::auth::token;
use crate::config::Settings;
use crate::db::models::LoginFailureRow;
use crate::db::repo::{devices, login_failures, new_id, two_factor as repo, users};
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::UserId;
use crate::domain::totp;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use crate::services::auth::SignedIn;
use crate::services::server_key::ServerKey;

/// Wrong codes in a row, whatever the window, after which the second factor is locked until an
/// admin resets it: the chance of guessing one in 50 tries is about 1 in 6,700.
pub const MAX_FAILURES: i64 = 50;
/// The outcome "locked" among retry delays (no real delay is this long).
const LOCKED: u64 = u64::MAX;

/// What the user typed: a code from the app, or one of the recovery codes.
#[derive(Debug, Clone)]
pub enum Factor {
    Code(String),
    Recovery(String),
}

impl Factor {
    /// From a form's or request's two optional fields: exactly one must be given.
    pub fn from_fields(code: Option<String>, recovery_code: Option<String>) -> AppResult<Factor> {
        let given = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        match (given(code), given(recovery_code)) {
            (Some(c), None) => Ok(Factor::Code(c)),
            (None, Some(r)) => Ok(Factor::Recovery(r)),
            (Some(_), Some(_)) => {
                Err(AppError::field("code", "give either a code from the app or a recovery code, not both"))
            }
            (None, None) => Err(AppError::field("code", "type the six digits the app shows, or a recovery code")),
        }
    }

    fn field(&self) -> &'static str {
        match self {
            Factor::Code(_) => "code",
            Factor::Recovery(_) => "recovery_code",
        }
    }
}

/// A second factor offered for an account, with where it comes from.
#[derive(Debug, Clone)]
pub struct FactorAttempt {
    pub user: UserId,
    pub factor: Factor,
    pub client_addr: String,
    /// The device cookie's token, if the browser has one.
    pub device_token: Option<String>,
}

/// Completes a sign-in that waits for its second factor: when the factor is right, the waiting
/// session is replaced by a full one with a new token (the token that was only half signed in
/// is worth nothing after), and the browser is remembered for the account.
pub fn verify(
    conn: &mut DbConnection,
    settings: &Settings,
    key: &ServerKey,
    ctx: &AuditCtx,
    waiting_session: &str,
    attempt: FactorAttempt,
) -> AppResult<SignedIn> {
    prove(conn, settings, key, ctx, &attempt)?;
    complete(conn, settings, ctx, &attempt.user, waiting_session, attempt.device_token.as_deref())
}

/// Replaces a waiting session by a full one, remembers the browser, and audits the sign-in.
pub fn complete(
    conn: &mut DbConnection,
    settings: &Settings,
    ctx: &AuditCtx,
    user_id: &UserId,
    waiting_session: &str,
    device_token: Option<&str>,
) -> AppResult<SignedIn> {
    write_tx(conn, |conn| {
        let user = users::find_by_id_unscoped(conn, user_id)?
            .filter(|u| u.disabled_at.is_none())
            .ok_or(AppError::Unauthenticated)?;
        // The waiting session must still be there and still waiting: two requests completing
        // it at once, or one racing its sign-out, get one full session at most.
        if crate::db::repo::sessions::delete_waiting(conn, waiting_session, user_id)? != 1 {
            return Err(AppError::Unauthenticated);
        }
        let token = crate::services::sessions::create(conn, settings, &user.id, ctx.now(), super::Stage::Verified)?;
        let known = device_token.map(|d| token::keyed_hash("login-device", d));
        let new_device_token = match known {
            Some(key) if devices::user_of(conn, &key)?.as_deref() == Some(user.id.as_str()) => {
                devices::touch(conn, &key, ctx.now())?;
                None
            }
            _ => {
                let device = token::generate();
                devices::insert(conn, &token::keyed_hash("login-device", &device), &user.id, ctx.now())?;
                Some(device)
            }
        };
        audit::record(conn, ctx, "auth.second_factor", Some(("user", user.id.as_str())), "success")?;
        Ok(SignedIn { token, user, new_device_token })
    })
}

/// Checks a second factor for its account: `Ok` when right (the code's step or the recovery code
/// is spent), 422 naming the field when wrong, 429 when throttled.
pub(super) fn prove(
    conn: &mut DbConnection,
    settings: &Settings,
    key: &ServerKey,
    ctx: &AuditCtx,
    attempt: &FactorAttempt,
) -> AppResult<()> {
    let user = &attempt.user;
    let device = match &attempt.device_token {
        Some(d) => {
            let key = token::keyed_hash("login-device", d);
            (devices::user_of(conn, &key)?.as_deref() == Some(user.as_str())).then_some(key)
        }
        None => None,
    };
    let (account_key, client_key) = match device {
        Some(key) => (token::keyed_hash("second-factor-device", &format!("{key}:{}", user.as_str())), key),
        None => (
            token::keyed_hash("second-factor-account", user.as_str()),
            token::keyed_hash("login-client", &attempt.client_addr),
        ),
    };
    let at = ctx.now();
    let window = chrono::Duration::seconds(settings.login_failure_window_secs as i64);
    let outcome = write_tx(conn, |conn| {
        if let Some((key, retry_after_secs)) =
            crate::services::auth::throttled(conn, settings, &account_key, &client_key, at)?
        {
            if login_failures::count_throttled(conn, &key, at, at - window)? == 1 {
                audit::record(conn, ctx, "auth.second_factor", Some(("user", user.as_str())), "throttled")?;
            }
            return Ok::<_, AppError>(Err(Some(retry_after_secs)));
        }
        if repo::secret_of(conn, user)?.is_some_and(|s| s.confirmed_at.is_some() && s.failures >= MAX_FAILURES) {
            return Ok(Err(Some(LOCKED)));
        }
        if right(conn, key, user, &attempt.factor, at)? {
            login_failures::clear_account(conn, &account_key)?;
            repo::note_failure(conn, user, false)?;
            return Ok(Ok(()));
        }
        let row = LoginFailureRow {
            id: new_id(),
            account_key: account_key.clone(),
            client_key: client_key.clone(),
            failed_at: at,
        };
        login_failures::insert(conn, &row)?;
        repo::note_failure(conn, user, true)?;
        audit::record(conn, ctx, "auth.second_factor", Some(("user", user.as_str())), "failure")?;
        Ok(Err(None))
    })?;
    match outcome {
        Ok(()) => Ok(()),
        Err(Some(LOCKED)) => Err(AppError::Conflict {
            message: "too many wrong codes: the second factor is locked; ask an admin to reset two-factor sign-in"
                .into(),
            current_version: None,
        }),
        Err(Some(retry_after_secs)) => Err(AppError::TooManyRequests { retry_after_secs }),
        Err(None) => Err(AppError::field(
            attempt.factor.field(),
            match attempt.factor {
                Factor::Code(_) => "this code is not right or was already used: type the code the app shows now",
                Factor::Recovery(_) => "this recovery code is not right or was already used",
            },
        )),
    }
}

/// Whether the factor is right, spending it if so.
fn right(
    conn: &mut DbConnection,
    key: &ServerKey,
    user: &UserId,
    factor: &Factor,
    at: chrono::NaiveDateTime,
) -> AppResult<bool> {
    match factor {
        Factor::Code(typed) => {
            let Some(code) = totp::parse_code(typed) else { return Ok(false) };
            let Some(secret) = repo::secret_of(conn, user)?.filter(|s| s.confirmed_at.is_some()) else {
                return Ok(false);
            };
            // A secret sealed with another key (a server given the wrong key file) is no
            // match: the user is refused like a wrong code, the operator told in the log.
            let bytes = match super::reveal(key, user, &secret.secret) {
                Ok(bytes) => bytes,
                Err(e) => {
                    tracing::error!(error = ?e, "a two-factor secret cannot be read: check secret_key_file, or reset the user's second factor");
                    return Ok(false);
                }
            };
            match totp::matching_step(&bytes, code, at.and_utc().timestamp(), secret.last_step) {
                Some(step) => Ok(repo::spend_step(conn, user, step)?),
                None => Ok(false),
            }
        }
        Factor::Recovery(typed) => {
            let Some(code) = totp::normalise_recovery(typed) else { return Ok(false) };
            super::spend_recovery_code(conn, key, user, &code, at)
        }
    }
}
