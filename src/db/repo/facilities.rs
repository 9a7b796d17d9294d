//! Facilities (camps, prisons, rehabilitation centres) and who controlled them when. These are
//! reference data shared by all organisations; who is held there is not (see `registry`).

use crate::db::models::{FacilityAuthorityRow, FacilityRow};
use crate::db::schema::{facilities as fa, facility_authorities as au};
use crate::db::DbConnection;
use crate::domain::ids::FacilityId;
use diesel::prelude::*;

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<FacilityRow>> {
    fa::table.order((fa::name.asc(), fa::id.asc())).select(FacilityRow::as_select()).load(conn)
}

pub fn find(conn: &mut DbConnection, id: &FacilityId) -> QueryResult<Option<FacilityRow>> {
    fa::table.filter(fa::id.eq(id)).select(FacilityRow::as_select()).first(conn).optional()
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<FacilityRow>> {
    fa::table.filter(fa::code.eq(code)).select(FacilityRow::as_select()).first(conn).optional()
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<FacilityRow>> {
    fa::table.filter(fa::name.eq(name)).select(FacilityRow::as_select()).first(conn).optional()
}

pub fn insert(conn: &mut DbConnection, row: &FacilityRow) -> QueryResult<()> {
    diesel::insert_into(fa::table).values(row).execute(conn).map(|_| ())
}

/// Writes the facility if its version is still `expected`.
pub fn update(conn: &mut DbConnection, row: &FacilityRow, expected: i64) -> QueryResult<bool> {
    let n =
        diesel::update(fa::table.filter(fa::id.eq(&row.id)).filter(fa::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

/// Authority periods of every facility, oldest first (reference data: a few dozen rows).
pub fn all_authorities(conn: &mut DbConnection) -> QueryResult<Vec<FacilityAuthorityRow>> {
    au::table.order((au::facility_id, au::from_date)).select(FacilityAuthorityRow::as_select()).load(conn)
}

/// Authority periods of one facility, oldest first.
pub fn authorities_of(conn: &mut DbConnection, facility: &FacilityId) -> QueryResult<Vec<FacilityAuthorityRow>> {
    au::table
        .filter(au::facility_id.eq(facility))
        .order(au::from_date)
        .select(FacilityAuthorityRow::as_select())
        .load(conn)
}

pub fn insert_authority(conn: &mut DbConnection, row: &FacilityAuthorityRow) -> QueryResult<()> {
    diesel::insert_into(au::table).values(row).execute(conn).map(|_| ())
}
