//! Failed-login records for throttling, keyed by hashes (no email or address is stored).

use crate::db::models::LoginFailureRow;
use crate::db::schema::login_failures::dsl as f;
use crate::db::DbConnection;
use chrono::NaiveDateTime;
use diesel::dsl::min;
use diesel::prelude::*;

pub fn insert(conn: &mut DbConnection, row: &LoginFailureRow) -> QueryResult<()> {
    diesel::insert_into(f::login_failures).values(row).execute(conn).map(|_| ())
}

/// Failures for an account since `since`: how many, and the oldest one's time.
pub fn for_account(
    conn: &mut DbConnection,
    key: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    f::login_failures
        .filter(f::account_key.eq(key))
        .filter(f::failed_at.gt(since))
        .select((diesel::dsl::count_star(), min(f::failed_at)))
        .first(conn)
}

/// Failures from a client address since `since`: how many, and the oldest one's time.
pub fn for_client(
    conn: &mut DbConnection,
    key: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    f::login_failures
        .filter(f::client_key.eq(key))
        .filter(f::failed_at.gt(since))
        .select((diesel::dsl::count_star(), min(f::failed_at)))
        .first(conn)
}

/// Removes one recorded failure (an attempt whose password could not be checked).
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(f::login_failures.filter(f::id.eq(id))).execute(conn)
}

/// A successful login clears the account's failures.
pub fn clear_account(conn: &mut DbConnection, key: &str) -> QueryResult<usize> {
    diesel::delete(f::login_failures.filter(f::account_key.eq(key))).execute(conn)
}

pub fn delete_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(f::login_failures.filter(f::failed_at.lt(before))).execute(conn)
}

/// Counts a sign-in attempt the throttle refused under `key` (the throttled account or client
/// address), in a window that began after `open_since` or else a new one starting `at`.
/// Returns the attempts of the window so far: 1 for the first, which the caller audits. One
/// statement, so two servers counting at once never both open a window.
pub fn count_throttled(
    conn: &mut DbConnection,
    key: &str,
    at: NaiveDateTime,
    open_since: NaiveDateTime,
) -> QueryResult<i64> {
    let mut sql = super::sql::Sql::new(conn);
    sql.push("INSERT INTO login_throttled (throttled_key, window_start, attempts) VALUES (")
        .bind(key)
        .push(", ")
        .bind(at)
        .push(
            ", 1) ON CONFLICT (throttled_key) DO UPDATE SET \
             attempts = CASE WHEN login_throttled.window_start > ",
        )
        .bind(open_since)
        .push(" THEN login_throttled.attempts + 1 ELSE 1 END, window_start = CASE WHEN login_throttled.window_start > ")
        .bind(open_since)
        .push(" THEN login_throttled.window_start ELSE excluded.window_start END RETURNING attempts AS n");
    sql.count(conn)
}

/// Forgets the counts of windows that began before `before`.
pub fn delete_throttled_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    use crate::db::schema::login_throttled::dsl as t;
    diesel::delete(t::login_throttled.filter(t::window_start.lt(before))).execute(conn)
}
