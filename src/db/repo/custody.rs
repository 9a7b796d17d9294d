//! Custody events of persons.

use super::{outside_scope, OrgScope};
use crate::db::models::CustodyEventRow;
use crate::db::schema::custody_events as ce;
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use diesel::prelude::*;

/// The events of these persons, in date order.
pub fn of(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<CustodyEventRow>> {
    ce::table
        .filter(ce::organisation_id.eq(scope.id()))
        .filter(ce::person_id.eq_any(ids))
        .order((ce::person_id, ce::event_earliest, ce::created_at, ce::id))
        .select(CustodyEventRow::as_select())
        .load(conn)
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &CustodyEventRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(ce::table).values(row).execute(conn).map(|_| ())
}
