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

/// A successful login clears the account's failures.
pub fn clear_account(conn: &mut DbConnection, key: &str) -> QueryResult<usize> {
    diesel::delete(f::login_failures.filter(f::account_key.eq(key))).execute(conn)
}

pub fn delete_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(f::login_failures.filter(f::failed_at.lt(before))).execute(conn)
}
