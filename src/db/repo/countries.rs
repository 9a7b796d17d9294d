//! The reference list of countries.

use crate::db::models::CountryRow;
use crate::db::schema::countries::dsl as c;
use crate::db::DbConnection;
use diesel::prelude::*;

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<CountryRow>> {
    c::countries.order(c::code.asc()).select(CountryRow::as_select()).load(conn)
}

/// The names of these countries (the claims of a page of persons: a bounded list), by code.
pub fn names_of(conn: &mut DbConnection, codes: &[String]) -> QueryResult<Vec<(String, String)>> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    c::countries.filter(c::code.eq_any(codes)).select((c::code, c::name)).load(conn)
}

/// Whether the code is in the reference list.
pub fn exists(conn: &mut DbConnection, code: &crate::domain::country::CountryCode) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(c::countries.filter(c::code.eq(code)))).get_result(conn)
}

pub fn insert(conn: &mut DbConnection, row: &CountryRow) -> QueryResult<()> {
    diesel::insert_into(c::countries).values(row).execute(conn).map(|_| ())
}

pub fn rename(conn: &mut DbConnection, code: &str, name: &str) -> QueryResult<()> {
    diesel::update(c::countries.filter(c::code.eq(code))).set(c::name.eq(name)).execute(conn).map(|_| ())
}
