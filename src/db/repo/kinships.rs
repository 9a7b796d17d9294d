//! Kinship links between persons of one organisation (the database refuses a link whose two
//! ends are not both the organisation's).

use super::{outside_scope, OrgScope};
use crate::db::models::KinshipRow;
use crate::db::schema::kinships as k;
use crate::db::DbConnection;
use crate::domain::ids::{KinshipId, PersonId};
use diesel::prelude::*;

/// Links touching any of these persons, either side.
pub fn of(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<KinshipRow>> {
    k::table
        .filter(k::organisation_id.eq(scope.id()))
        .filter(k::person_id.eq_any(ids).or(k::relative_id.eq_any(ids)))
        .order((k::created_at, k::id))
        .select(KinshipRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &KinshipId) -> QueryResult<Option<KinshipRow>> {
    k::table
        .filter(k::organisation_id.eq(scope.id()))
        .filter(k::id.eq(id))
        .select(KinshipRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &KinshipRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(k::table).values(row).execute(conn).map(|_| ())
}

pub fn delete(conn: &mut DbConnection, scope: &OrgScope, id: &KinshipId) -> QueryResult<usize> {
    diesel::delete(k::table.filter(k::organisation_id.eq(scope.id())).filter(k::id.eq(id))).execute(conn)
}
