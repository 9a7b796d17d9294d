//! Session queries. Tokens are looked up by their SHA-256 hash; the token itself is never stored.

use crate::db::models::SessionRow;
use crate::db::schema::sessions::dsl as s;
use crate::db::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub fn insert(conn: &mut DbConnection, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(s::sessions).values(row).execute(conn).map(|_| ())
}

pub fn find_by_token_hash(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<SessionRow>> {
    s::sessions.filter(s::token_hash.eq(token_hash)).select(SessionRow::as_select()).first(conn).optional()
}

pub fn touch(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(s::sessions.filter(s::id.eq(id))).set(s::last_seen_at.eq(at)).execute(conn).map(|_| ())
}

pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(s::sessions.filter(s::id.eq(id))).execute(conn)
}

/// Ends every session of a user (account disabled, password changed).
pub fn delete_for_user(conn: &mut DbConnection, user_id: &crate::domain::ids::UserId) -> QueryResult<usize> {
    diesel::delete(s::sessions.filter(s::user_id.eq(user_id))).execute(conn)
}

/// Removes sessions past their absolute expiry or idle since `idle_before`.
pub fn delete_stale(conn: &mut DbConnection, now: NaiveDateTime, idle_before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(s::sessions.filter(s::expires_at.le(now).or(s::last_seen_at.lt(idle_before)))).execute(conn)
}

/// Deletes a session that still waits for its second factor (stage `code` or `enrol`) of this
/// user; the number deleted (0 when it was completed, cancelled or ended meanwhile).
pub fn delete_waiting(conn: &mut DbConnection, id: &str, user: &crate::domain::ids::UserId) -> QueryResult<usize> {
    diesel::delete(
        s::sessions.filter(s::id.eq(id)).filter(s::user_id.eq(user)).filter(s::second_factor.eq_any(["code", "enrol"])),
    )
    .execute(conn)
}
