//! Families of an organisation.

use super::{outside_scope, OrgScope};
use crate::db::models::FamilyRow;
use crate::db::schema::families as f;
use crate::db::DbConnection;
use crate::domain::ids::FamilyId;
use diesel::prelude::*;

pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &FamilyId) -> QueryResult<Option<FamilyRow>> {
    f::table
        .filter(f::organisation_id.eq(scope.id()))
        .filter(f::id.eq(id))
        .select(FamilyRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &FamilyRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(f::table).values(row).execute(conn).map(|_| ())
}

/// Writes the family if its version is still `expected`; false if someone else was first.
pub fn update(conn: &mut DbConnection, scope: &OrgScope, row: &FamilyRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(
        f::table.filter(f::organisation_id.eq(scope.id())).filter(f::id.eq(&row.id)).filter(f::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

/// Whether the organisation has any family (the demo loads only into an empty one).
pub fn any(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(f::table.filter(f::organisation_id.eq(scope.id())))).get_result(conn)
}

/// The organisation's first family with this label (the demo loader finds its families so).
pub fn find_by_label(conn: &mut DbConnection, scope: &OrgScope, label: &str) -> QueryResult<Option<FamilyRow>> {
    f::table
        .filter(f::organisation_id.eq(scope.id()))
        .filter(f::label.eq(label))
        .order(f::id)
        .select(FamilyRow::as_select())
        .first(conn)
        .optional()
}
