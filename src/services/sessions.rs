//! Server-side sessions: creation at login, resolution on every request (idle and absolute
//! timeouts, disabled accounts), and ending them.

use crate::auth::token;
use crate::config::Settings;
use crate::db::models::{SessionRow, UserRow};
use crate::db::repo::{new_id, sessions, users};
use crate::db::DbConnection;
use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

/// Creates a session at a second-factor stage and returns its token (the only time the token exists in clear).
pub fn create(
    conn: &mut DbConnection,
    settings: &Settings,
    user_id: &crate::domain::ids::UserId,
    at: NaiveDateTime,
    stage: crate::services::two_factor::Stage,
) -> QueryResult<String> {
    let token = token::generate();
    sessions::insert(
        conn,
        &SessionRow {
            id: new_id(),
            token_hash: token::hash_token(&token),
            user_id: user_id.clone(),
            created_at: at,
            last_seen_at: at,
            expires_at: at + secs(settings.session_absolute_timeout_secs),
            second_factor: stage.as_str().to_string(),
        },
    )?;
    Ok(token)
}

fn secs(n: u64) -> Duration {
    Duration::seconds(i64::try_from(n).unwrap_or(i64::MAX / 1_000_000))
}

/// The live session and its user for a token, or `None` when the token is unknown, the session
/// timed out, or the account was disabled. Read on every request, so a role change or a
/// disabled account takes effect at once.
pub fn resolve(
    conn: &mut DbConnection,
    settings: &Settings,
    token: &str,
    at: NaiveDateTime,
) -> QueryResult<Option<(SessionRow, UserRow)>> {
    let Some(session) = sessions::find_by_token_hash(conn, &token::hash_token(token))? else {
        return Ok(None);
    };
    let idle = secs(settings.session_idle_timeout_secs);
    let user = users::find_by_id_unscoped(conn, &session.user_id)?;
    let live_user = user.filter(|u| u.disabled_at.is_none());
    // A sign-in waiting for its second factor has ten minutes to complete it.
    let waiting_too_long = session.second_factor != "done" && at - session.created_at >= Duration::minutes(10);
    let expired = at >= session.expires_at || at - session.last_seen_at >= idle || waiting_too_long;
    match live_user {
        Some(user) if !expired => {
            // Refresh the idle clock, but not on every request: one write a minute at most.
            let refresh_every = std::cmp::min(Duration::seconds(60), idle / 4);
            if at - session.last_seen_at >= refresh_every {
                sessions::touch(conn, &session.id, at)?;
            }
            Ok(Some((session, user)))
        }
        _ => {
            sessions::delete(conn, &session.id)?;
            Ok(None)
        }
    }
}

/// Deletes expired sessions and old login failures, and forgets the files of import previews
/// nobody committed and the kept answers of idempotent writes (run periodically by the server).
pub fn sweep(conn: &mut DbConnection, settings: &Settings, at: NaiveDateTime) -> QueryResult<usize> {
    let n = sessions::delete_stale(conn, at, at - secs(settings.session_idle_timeout_secs))?;
    let window = secs(settings.login_failure_window_secs);
    let m = crate::db::repo::login_failures::delete_before(conn, at - window)?
        + crate::db::repo::login_failures::delete_throttled_before(conn, at - window)?;
    // Uploaded lists nobody committed are not kept beyond their preview's life.
    let hours = chrono::Duration::hours(crate::services::imports::PREVIEW_HOURS);
    let f = crate::db::repo::imports::forget_stale_previews(conn, at - hours)?;
    // A browser not used to sign in for a year is no longer known (`known_devices`).
    let d = crate::db::repo::devices::forget_unused(conn, at - Duration::days(365))?;
    // Kept answers of idempotent writes live a day (they may hold personal data).
    let k = crate::services::idempotency::sweep(conn, at)?;
    Ok(n + m + f + d + k)
}

/// Ends every session of an account and forgets its known devices (signed out everywhere, a new
/// password, a disabled account): a lost laptop keeps neither a session nor its exemption from
/// the sign-in throttle. The number of sessions ended.
pub fn end_everywhere(conn: &mut DbConnection, user_id: &crate::domain::ids::UserId) -> QueryResult<usize> {
    let ended = sessions::delete_for_user(conn, user_id)?;
    crate::db::repo::devices::forget_user(conn, user_id)?;
    Ok(ended)
}
