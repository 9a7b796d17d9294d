//! Nationality claims (never deleted).

use super::{outside_scope, OrgScope};
use crate::db::models::ClaimRow;
use crate::db::schema::nationality_claims as nc;
use crate::db::DbConnection;
use crate::domain::ids::{ClaimId, PersonId};
use diesel::prelude::*;

/// The claims of these persons, in the order they were recorded.
pub fn of(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<ClaimRow>> {
    nc::table
        .filter(nc::organisation_id.eq(scope.id()))
        .filter(nc::person_id.eq_any(ids))
        .order((nc::person_id, nc::created_at, nc::id))
        .select(ClaimRow::as_select())
        .load(conn)
}

/// A claim of one of the organisation's persons (another organisation's claim is absent).
pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &ClaimId) -> QueryResult<Option<ClaimRow>> {
    nc::table
        .filter(nc::organisation_id.eq(scope.id()))
        .filter(nc::id.eq(id))
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &ClaimRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(nc::table).values(row).execute(conn).map(|_| ())
}

/// Writes the claim if its version is still `expected`.
pub fn update(conn: &mut DbConnection, scope: &OrgScope, row: &ClaimRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(
        nc::table
            .filter(nc::organisation_id.eq(scope.id()))
            .filter(nc::id.eq(&row.id))
            .filter(nc::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}
