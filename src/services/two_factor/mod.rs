//! Two-factor sign-in: a TOTP secret enrolled with a QR code the server draws, confirmed with a
//! first code, and stored sealed with the server's key (`services::server_key`); ten single-use
//! recovery codes stored only as hashes keyed with it; and the stage a
//! password sign-in leaves its session at (`Stage`): a session that still waits for its
//! second factor reaches only the two-factor pages (`auth::guard`). Which roles must use it is
//! configuration (`two_factor_required_for`). Codes are checked and throttled in `check`.

pub mod check;

pub use check::{verify, Factor, FactorAttempt};

use crate::auth::token;
use crate::config::Settings;
use crate::db::repo::{stewards, two_factor as repo};
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::UserId;
use crate::domain::role::Role;
use crate::domain::totp;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use crate::services::server_key::ServerKey;
use rand::{Rng, RngCore};

/// The subkeys' names.
const SECRET_PURPOSE: &str = "totp-secret";
const RECOVERY_PURPOSE: &str = "recovery-code";

/// The stored form of an account's secret: sealed, bound to the account.
fn seal(key: &ServerKey, user: &UserId, secret: &str) -> String {
    key.seal(SECRET_PURPOSE, user.as_str(), secret.as_bytes())
}

/// The secret's bytes from its stored form; an error when it does not open (another key, or a
/// value in clear that the start-up pass did not seal: never trusted, so that a secret written
/// into the database without the key is worth nothing). The admin resolves it by resetting the
/// user's second factor.
pub(crate) fn reveal(key: &ServerKey, user: &UserId, stored: &str) -> AppResult<Vec<u8>> {
    let plain = key.open(SECRET_PURPOSE, user.as_str(), stored).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!(
            "the two-factor secret of user {user} does not open with this server's key (another key file?)"
        ))
    })?;
    let base32 =
        String::from_utf8(plain).map_err(|_| AppError::Internal(anyhow::anyhow!("a sealed secret is not text")))?;
    totp::base32_decode(&base32).ok_or_else(|| AppError::Internal(anyhow::anyhow!("a stored secret is not base32")))
}

/// How many secrets are sealed (start-up refuses to make a new key while there are some).
pub fn sealed_secrets(conn: &mut DbConnection) -> AppResult<i64> {
    Ok(repo::sealed_count(conn)?)
}

/// Seals the secrets stored in clear before the server had a key, each with its audit event;
/// returns how many. Run at start-up.
pub fn seal_stored_secrets(conn: &mut DbConnection, key: &ServerKey, ctx: &AuditCtx) -> AppResult<usize> {
    write_tx(conn, |conn| {
        let mut sealed = 0;
        for (user, secret) in repo::unsealed_secrets(conn)? {
            let user = UserId::parse(&user).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
            // Another server starting at the same moment may have sealed it first.
            if repo::reseal(conn, &user, &secret, &seal(key, &user, &secret))? == 1 {
                audit::record(conn, ctx, "auth.two_factor.secret", Some(("user", user.as_str())), "sealed")?;
                sealed += 1;
            }
        }
        Ok(sealed)
    })
}

/// Where a session stands with its second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A full session opened by a password alone (no second factor was asked).
    Done,
    /// A full session whose second factor was given.
    Verified,
    /// The password was right; a code (or a recovery code) is awaited.
    Code,
    /// The password was right; the role requires two-factor sign-in and the account has none
    /// yet: it must enrol before anything else.
    Enrol,
}

impl Stage {
    /// As stored in `sessions.second_factor`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Done => "done",
            Stage::Verified => "verified",
            Stage::Code => "code",
            Stage::Enrol => "enrol",
        }
    }

    /// A full session (either kind).
    pub fn is_full(self) -> bool {
        matches!(self, Stage::Done | Stage::Verified)
    }

    /// From the stored form; anything unknown is the most restrictive stage, never `Done`.
    pub fn parse(stored: &str) -> Stage {
        match stored {
            "done" => Stage::Done,
            "verified" => Stage::Verified,
            "enrol" => Stage::Enrol,
            _ => Stage::Code,
        }
    }
}

/// The names `two_factor_required_for` accepts: the roles, and `steward` for the holders of
/// the policy stewardship grant.
pub const REQUIRABLE: [&str; 4] = ["caseworker", "coordinator", "admin", "steward"];

/// Whether the configuration requires two-factor sign-in of this role (or grant).
pub fn required(settings: &Settings, role: Role, steward: bool) -> bool {
    settings.two_factor_required_for.iter().any(|r| r == role.as_str() || (steward && r == "steward"))
}

/// The stage a sign-in with the right password opens its session at.
pub fn stage_after_password(
    conn: &mut DbConnection,
    settings: &Settings,
    user: &UserId,
    role: Role,
) -> AppResult<Stage> {
    if repo::is_enrolled(conn, user)? {
        return Ok(Stage::Code);
    }
    let steward = stewards::is_steward(conn, user)?;
    Ok(if required(settings, role, steward) { Stage::Enrol } else { Stage::Done })
}

/// What an authenticator app needs: the secret (to type in), the `otpauth://` URI, and the QR
/// code of the URI as an SVG drawing (inline in the page: no image from anywhere else).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// Base32, as authenticator apps take it when typed.
    pub secret: String,
    pub otpauth_uri: String,
    /// An SVG document.
    pub qr_svg: String,
}

/// The account's two-factor state.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Status {
    pub enrolled: bool,
    /// The configuration requires it of this user's role or grant.
    pub required: bool,
    pub recovery_codes_left: i64,
}

/// The account's two-factor state.
pub fn status(conn: &mut DbConnection, settings: &Settings, user: &UserId, role: Role) -> AppResult<Status> {
    let steward = stewards::is_steward(conn, user)?;
    Ok(Status {
        enrolled: repo::is_enrolled(conn, user)?,
        required: required(settings, role, steward),
        recovery_codes_left: repo::recovery_codes_left(conn, user)?,
    })
}

/// Starts (or shows again) an enrolment of `session`: the unconfirmed secret this session began
/// within the hour, or a new one (which ends any other session's enrolment: a secret is never
/// shown to a session that did not make it, so no one can copy a phone's secret while its owner
/// scans it). An account already enrolled is refused: it turns two-factor sign-in off first
/// (with a code), or an admin resets it, so a stolen session cannot quietly move the second
/// factor to another phone.
pub fn start_enrolment(
    conn: &mut DbConnection,
    key: &ServerKey,
    ctx: &AuditCtx,
    user: &UserId,
    email: &str,
    session: &str,
) -> AppResult<Enrolment> {
    write_tx(conn, |conn| {
        let existing = repo::secret_of(conn, user)?;
        if existing.as_ref().is_some_and(|s| s.confirmed_at.is_some()) {
            return Err(AppError::Conflict {
                message: "two-factor sign-in is already set up for this account: turn it off first to move it to another phone".into(),
                current_version: None,
            });
        }
        // The enrolment this session began within the hour, unless it cannot be read (another key).
        let fresh = existing
            .filter(|s| {
                s.enrolling_session.as_deref() == Some(session) && ctx.now() - s.created_at < chrono::Duration::hours(1)
            })
            .and_then(|s| reveal(key, user, &s.secret).ok());
        let secret = match fresh {
            Some(bytes) => totp::base32_encode(&bytes),
            None => {
                let mut bytes = [0u8; totp::SECRET_BYTES];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let secret = totp::base32_encode(&bytes);
                repo::put_unconfirmed(conn, user, &seal(key, user, &secret), session, ctx.now())?;
                audit::record(conn, ctx, "auth.two_factor.enrolment", Some(("user", user.as_str())), "started")?;
                secret
            }
        };
        let otpauth_uri = totp::otpauth_uri("Homeward", email, &secret);
        Ok(Enrolment { qr_svg: qr_svg(&otpauth_uri)?, otpauth_uri, secret })
    })
}

/// The QR code of a URI, as SVG.
fn qr_svg(uri: &str) -> AppResult<String> {
    let code = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))?;
    Ok(code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).quiet_zone(true).build())
}

/// Confirms an enrolment with the first code the app shows; the account is then enrolled, and
/// the ten recovery codes returned here are the only time they exist in clear.
pub fn confirm_enrolment(
    conn: &mut DbConnection,
    key: &ServerKey,
    ctx: &AuditCtx,
    user: &UserId,
    session: &str,
    typed: &str,
) -> AppResult<Vec<String>> {
    let code = totp::parse_code(typed).ok_or_else(|| AppError::field("code", "type the six digits the app shows"))?;
    write_tx(conn, |conn| {
        let secret = match repo::secret_of(conn, user)? {
            Some(s) if s.confirmed_at.is_none() && s.enrolling_session.as_deref() == Some(session) => s,
            Some(s) if s.confirmed_at.is_none() => {
                return Err(AppError::Conflict {
                    message: "this enrolment was replaced by one begun elsewhere: start again".into(),
                    current_version: None,
                })
            }
            Some(_) => {
                return Err(AppError::Conflict {
                    message: "two-factor sign-in is already set up".into(),
                    current_version: None,
                })
            }
            None => {
                return Err(AppError::Conflict {
                    message: "no enrolment is under way: start again".into(),
                    current_version: None,
                })
            }
        };
        let bytes = reveal(key, user, &secret.secret).map_err(|_| AppError::Conflict {
            message: "this enrolment cannot be read by this server: start again".into(),
            current_version: None,
        })?;
        let unix = ctx.now().and_utc().timestamp();
        let Some(step) = totp::matching_step(&bytes, code, unix, 0) else {
            return Err(AppError::field(
                "code",
                "this code does not match: check that the phone's clock is right, and type the code it shows now",
            ));
        };
        if repo::confirm(conn, user, session, step, ctx.now())? != 1 {
            // A racing copy of this request confirmed it first (its page shows the codes).
            return Err(AppError::Conflict {
                message: "two-factor sign-in is already set up".into(),
                current_version: None,
            });
        }
        let codes = new_recovery_codes(conn, key, user, ctx.now())?;
        audit::record(conn, ctx, "auth.two_factor.enrolment", Some(("user", user.as_str())), "confirmed")?;
        Ok(codes)
    })
}

/// Ten new recovery codes in place of the old ones; returns them in clear.
fn new_recovery_codes(
    conn: &mut DbConnection,
    key: &ServerKey,
    user: &UserId,
    at: chrono::NaiveDateTime,
) -> AppResult<Vec<String>> {
    let mut rng = rand::rngs::OsRng;
    let codes: Vec<String> = (0..10)
        .map(|_| {
            (0..totp::RECOVERY_LEN)
                .map(|_| totp::RECOVERY_ALPHABET[rng.gen_range(0..totp::RECOVERY_ALPHABET.len())] as char)
                .collect()
        })
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| recovery_hash(key, user, c)).collect();
    repo::replace_recovery_codes(conn, user, &hashes, at)?;
    Ok(codes.iter().map(|c| totp::format_recovery(c)).collect())
}

/// What is stored for a recovery code (normalised): HMAC-SHA-256 of the account's id and the
/// code under the server key's subkey, so that a copy of the database without the key file
/// allows no guessing offline. The codes carry about 50 random bits each and ten wrong guesses
/// throttle the account, so a fast hash is enough (a slow one would let a flood of guesses take
/// the CPU).
fn recovery_hash(key: &ServerKey, user: &UserId, code: &str) -> String {
    key.tag(RECOVERY_PURPOSE, &format!("{}:{code}", user.as_str()))
}

/// The hash codes issued before the server had a key were stored under (SHA-256, unkeyed):
/// still accepted until they are used or renewed.
fn unkeyed_recovery_hash(user: &UserId, code: &str) -> String {
    token::keyed_hash(RECOVERY_PURPOSE, &format!("{}:{code}", user.as_str()))
}

/// Spends a recovery code: true when the account had it unused.
pub(crate) fn spend_recovery_code(
    conn: &mut DbConnection,
    key: &ServerKey,
    user: &UserId,
    code: &str,
    at: chrono::NaiveDateTime,
) -> AppResult<bool> {
    Ok(repo::spend_recovery_code(conn, user, &recovery_hash(key, user, code), at)?
        || repo::spend_recovery_code(conn, user, &unkeyed_recovery_hash(user, code), at)?)
}

/// New recovery codes for a signed-in user who proves the second factor again.
pub fn renew_recovery_codes(
    conn: &mut DbConnection,
    settings: &Settings,
    key: &ServerKey,
    ctx: &AuditCtx,
    attempt: FactorAttempt,
) -> AppResult<Vec<String>> {
    let user = attempt.user.clone();
    check::prove(conn, settings, key, ctx, &attempt)?;
    write_tx(conn, |conn| {
        let codes = new_recovery_codes(conn, key, &user, ctx.now())?;
        audit::record(conn, ctx, "auth.two_factor.recovery_codes", Some(("user", user.as_str())), "renewed")?;
        Ok(codes)
    })
}

/// Turns two-factor sign-in off for a signed-in user who proves it once more; refused when the
/// configuration requires it of the user's role (an admin can reset it instead).
pub fn turn_off(
    conn: &mut DbConnection,
    settings: &Settings,
    key: &ServerKey,
    ctx: &AuditCtx,
    role: Role,
    attempt: FactorAttempt,
) -> AppResult<()> {
    let user = attempt.user.clone();
    if required(settings, role, stewards::is_steward(conn, &user)?) {
        return Err(AppError::Conflict {
            message: "two-factor sign-in is required for your role: ask an admin to reset it if you need to move it to another phone".into(),
            current_version: None,
        });
    }
    check::prove(conn, settings, key, ctx, &attempt)?;
    write_tx(conn, |conn| {
        repo::remove(conn, &user)?;
        audit::record(conn, ctx, "auth.two_factor", Some(("user", user.as_str())), "turned_off")?;
        Ok(())
    })
}

/// An admin's reset of a user's second factor (a lost phone, recovery codes used up): the
/// secret and codes go, and every session of the user ends. The user enrols again at the next
/// sign-in when the role requires it. `scope` limits the reset to the admin's organisation.
pub fn reset(conn: &mut DbConnection, ctx: &AuditCtx, scope: &crate::auth::OrgScope, user: &UserId) -> AppResult<()> {
    write_tx(conn, |conn| {
        crate::db::repo::users::find(conn, scope, user)?.ok_or(AppError::NotFound)?;
        repo::remove(conn, user)?;
        crate::services::sessions::end_everywhere(conn, user)?;
        audit::record(conn, ctx, "user.two_factor_reset", Some(("user", user.as_str())), "success")?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_stage_is_never_a_full_session() {
        for s in [Stage::Done, Stage::Verified, Stage::Code, Stage::Enrol] {
            assert_eq!(Stage::parse(s.as_str()), s);
        }
        assert_eq!(Stage::parse(""), Stage::Code);
        assert_eq!(Stage::parse("DONE"), Stage::Code);
    }

    #[test]
    fn requirement_follows_the_configuration() {
        let s = Settings { two_factor_required_for: vec!["admin".into(), "steward".into()], ..Settings::default() };
        assert!(required(&s, Role::Admin, false));
        assert!(required(&s, Role::Caseworker, true), "a steward, whatever the role");
        assert!(!required(&s, Role::Coordinator, false));
        assert!(!required(&Settings::default(), Role::Admin, true));
    }
}
