//! Custody events of persons.

use super::sql::Sql;
use super::{outside_scope, OrgScope};
use crate::db::models::CustodyEventRow;
use crate::db::schema::custody_events as ce;
use crate::db::DbConnection;
use crate::domain::ids::{FacilityId, PersonId};
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

/// Every event of the organisation's persons who were ever at this facility: one query with a
/// correlated `EXISTS`, no list of ids whatever the camp's size.
pub fn of_persons_ever_at(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility: &FacilityId,
) -> QueryResult<Vec<CustodyEventRow>> {
    let mut sql = Sql::new(conn);
    sql.push("SELECT e.* FROM custody_events e WHERE e.organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND EXISTS (SELECT 1 FROM custody_events t WHERE t.person_id = e.person_id AND t.facility_id = ")
        .bind(facility.as_str())
        .push(") ORDER BY e.person_id, e.event_earliest, e.created_at, e.id");
    sql.load(conn)
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &CustodyEventRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(ce::table).values(row).execute(conn).map(|_| ())
}
