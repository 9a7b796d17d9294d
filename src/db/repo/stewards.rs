//! Policy stewardship grants (deployment level).

use crate::db::models::StewardRow;
use crate::db::schema::policy_stewards as s;
use crate::db::DbConnection;
use crate::domain::ids::UserId;
use diesel::prelude::*;

pub fn is_steward(conn: &mut DbConnection, user: &UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(s::table.filter(s::user_id.eq(user)))).get_result(conn)
}

pub fn grant(conn: &mut DbConnection, row: &StewardRow) -> QueryResult<bool> {
    if is_steward(conn, &row.user_id)? {
        return Ok(false);
    }
    diesel::insert_into(s::table).values(row).execute(conn).map(|n| n == 1)
}

pub fn revoke(conn: &mut DbConnection, user: &UserId) -> QueryResult<bool> {
    diesel::delete(s::table.filter(s::user_id.eq(user))).execute(conn).map(|n| n == 1)
}

/// Every steward, oldest grant first.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<StewardRow>> {
    s::table.order(s::granted_at.asc()).select(StewardRow::as_select()).load(conn)
}
