//! Other names of persons (aliases, spellings, other scripts).

use super::{outside_scope, OrgScope};
use crate::db::models::PersonNameRow;
use crate::db::schema::person_names as pn;
use crate::db::DbConnection;
use crate::domain::ids::{NameId, PersonId};
use diesel::prelude::*;

/// The other names of these persons, in the order they were recorded.
pub fn of(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId]) -> QueryResult<Vec<PersonNameRow>> {
    pn::table
        .filter(pn::organisation_id.eq(scope.id()))
        .filter(pn::person_id.eq_any(ids))
        .order((pn::person_id, pn::created_at, pn::id))
        .select(PersonNameRow::as_select())
        .load(conn)
}

/// The other names of the persons with ids in `(after, last]` (a chunk of a walk over
/// everyone), by person.
pub fn in_range(conn: &mut DbConnection, scope: &OrgScope, after: &str, last: &str) -> QueryResult<Vec<PersonNameRow>> {
    pn::table
        .filter(pn::organisation_id.eq(scope.id()))
        .filter(pn::person_id.gt(after))
        .filter(pn::person_id.le(last))
        .order((pn::person_id, pn::created_at, pn::id))
        .select(PersonNameRow::as_select())
        .load(conn)
}

/// One name of one person of the organisation.
pub fn find(
    conn: &mut DbConnection,
    scope: &OrgScope,
    person: &PersonId,
    id: &NameId,
) -> QueryResult<Option<PersonNameRow>> {
    pn::table
        .filter(pn::organisation_id.eq(scope.id()))
        .filter(pn::person_id.eq(person))
        .filter(pn::id.eq(id))
        .select(PersonNameRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &PersonNameRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(pn::table).values(row).execute(conn).map(|_| ())
}

pub fn delete(conn: &mut DbConnection, scope: &OrgScope, person: &PersonId, id: &NameId) -> QueryResult<usize> {
    diesel::delete(
        pn::table.filter(pn::organisation_id.eq(scope.id())).filter(pn::person_id.eq(person)).filter(pn::id.eq(id)),
    )
    .execute(conn)
}
