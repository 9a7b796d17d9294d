//! Organisation queries.

use crate::db::models::OrganisationRow;
use crate::db::schema::organisations::dsl as o;
use crate::db::DbConnection;
use diesel::prelude::*;

pub fn insert(conn: &mut DbConnection, row: &OrganisationRow) -> QueryResult<()> {
    diesel::insert_into(o::organisations).values(row).execute(conn).map(|_| ())
}

pub fn find_by_id(conn: &mut DbConnection, id: &crate::domain::ids::OrgId) -> QueryResult<Option<OrganisationRow>> {
    o::organisations.filter(o::id.eq(id)).select(OrganisationRow::as_select()).first(conn).optional()
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<OrganisationRow>> {
    o::organisations.filter(o::name.eq(name)).select(OrganisationRow::as_select()).first(conn).optional()
}

/// All organisations by name (admins see the list of NGOs, not their records).
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<OrganisationRow>> {
    o::organisations.order((o::name.asc(), o::id.asc())).select(OrganisationRow::as_select()).load(conn)
}
