//! Policy versions and stored evaluation results.

use super::OrgScope;
use crate::db::models::{EligibilityRow, PolicyVersionRow};
use crate::db::schema::{eligibility_results as er, policy_versions as pv};
use crate::db::DbConnection;
use chrono::NaiveDate;
use diesel::prelude::*;

pub fn versions_of(conn: &mut DbConnection, country: &str) -> QueryResult<Vec<PolicyVersionRow>> {
    pv::table
        .filter(pv::country_code.eq(country))
        .order(pv::number.asc())
        .select(PolicyVersionRow::as_select())
        .load(conn)
}

/// Every published version of these countries (all countries if `None`).
pub fn published(conn: &mut DbConnection, countries: Option<&[String]>) -> QueryResult<Vec<PolicyVersionRow>> {
    let mut q = pv::table.filter(pv::status.eq("published")).into_boxed();
    if let Some(c) = countries {
        q = q.filter(pv::country_code.eq_any(c.to_vec()));
    }
    q.order((pv::country_code.asc(), pv::effective_from.asc())).select(PolicyVersionRow::as_select()).load(conn)
}

/// Every version of every country (for the policy overview).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<PolicyVersionRow>> {
    pv::table.order((pv::country_code.asc(), pv::number.asc())).select(PolicyVersionRow::as_select()).load(conn)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<PolicyVersionRow>> {
    pv::table.filter(pv::id.eq(id)).select(PolicyVersionRow::as_select()).first(conn).optional()
}

pub fn next_number(conn: &mut DbConnection, country: &str) -> QueryResult<i32> {
    let max: Option<i32> =
        pv::table.filter(pv::country_code.eq(country)).select(diesel::dsl::max(pv::number)).first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

pub fn insert(conn: &mut DbConnection, row: &PolicyVersionRow) -> QueryResult<()> {
    diesel::insert_into(pv::table).values(row).execute(conn).map(|_| ())
}

/// Writes the version if its lock version is still `expected`.
pub fn update(conn: &mut DbConnection, row: &PolicyVersionRow, expected: i64) -> QueryResult<bool> {
    let n =
        diesel::update(pv::table.filter(pv::id.eq(&row.id)).filter(pv::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

/// Replaces the stored results of these persons.
pub fn replace_results(conn: &mut DbConnection, person_ids: &[String], rows: &[EligibilityRow]) -> QueryResult<()> {
    diesel::delete(er::table.filter(er::person_id.eq_any(person_ids))).execute(conn)?;
    // One statement per row: the multi-backend connection has no batch insert.
    for row in rows {
        diesel::insert_into(er::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn results_for(
    conn: &mut DbConnection,
    scope: &OrgScope,
    person_ids: &[String],
) -> QueryResult<Vec<EligibilityRow>> {
    er::table
        .filter(er::organisation_id.eq(scope.id()))
        .filter(er::person_id.eq_any(person_ids))
        .order((er::person_id, er::country_code))
        .select(EligibilityRow::as_select())
        .load(conn)
}

/// Results of the organisation whose outcome changes because of age by `until`.
pub fn age_changes_until(
    conn: &mut DbConnection,
    scope: &OrgScope,
    until: NaiveDate,
) -> QueryResult<Vec<EligibilityRow>> {
    er::table
        .filter(er::organisation_id.eq(scope.id()))
        .filter(er::change_reason.eq("age"))
        .filter(er::changes_on.le(until))
        .order((er::changes_on.asc(), er::person_id.asc()))
        .select(EligibilityRow::as_select())
        .load(conn)
}
