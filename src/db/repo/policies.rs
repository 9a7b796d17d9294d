//! Policy versions (shared by every organisation) and the stored evaluation results (each
//! organisation's own).

use super::bulk::{Bulk, Cell};
use super::OrgScope;
use crate::db::models::{EligibilityRow, PolicyVersionRow};
use crate::db::schema::{eligibility_results as er, policy_versions as pv};
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::{PersonId, PolicyVersionId};
use crate::domain::policy::{ChangeReason, PolicyStatus};
use chrono::NaiveDate;
use diesel::prelude::*;

pub fn versions_of(conn: &mut DbConnection, country: &CountryCode) -> QueryResult<Vec<PolicyVersionRow>> {
    pv::table
        .filter(pv::country_code.eq(country))
        .order(pv::number.asc())
        .select(PolicyVersionRow::as_select())
        .load(conn)
}

/// Every published version (of one country, or of all).
pub fn published(conn: &mut DbConnection, country: Option<&CountryCode>) -> QueryResult<Vec<PolicyVersionRow>> {
    let mut q = pv::table.filter(pv::status.eq(PolicyStatus::Published)).into_boxed();
    if let Some(c) = country {
        q = q.filter(pv::country_code.eq(*c));
    }
    q.order((pv::country_code.asc(), pv::effective_from.asc())).select(PolicyVersionRow::as_select()).load(conn)
}

/// Every version of every country (for the policy overview).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<PolicyVersionRow>> {
    pv::table.order((pv::country_code.asc(), pv::number.asc())).select(PolicyVersionRow::as_select()).load(conn)
}

pub fn find(conn: &mut DbConnection, id: &PolicyVersionId) -> QueryResult<Option<PolicyVersionRow>> {
    pv::table.filter(pv::id.eq(id)).select(PolicyVersionRow::as_select()).first(conn).optional()
}

pub fn next_number(conn: &mut DbConnection, country: &CountryCode) -> QueryResult<i32> {
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

/// The columns of a stored result, in the order of [`result_cells`].
const RESULT_COLUMNS: &[&str] = &[
    "person_id",
    "country_code",
    "organisation_id",
    "outcome",
    "uncertain",
    "policy_version_id",
    "changes_on",
    "changes_to",
    "change_reason",
    "result",
    "evaluated_on",
    "evaluated_at",
];

/// A new result replaces the stored one of the same person and country.
const RESULT_UPSERT: &str = "ON CONFLICT (person_id, country_code) DO UPDATE SET outcome = excluded.outcome, \
    uncertain = excluded.uncertain, policy_version_id = excluded.policy_version_id, \
    changes_on = excluded.changes_on, changes_to = excluded.changes_to, change_reason = excluded.change_reason, \
    result = excluded.result, evaluated_on = excluded.evaluated_on, evaluated_at = excluded.evaluated_at";

fn result_cells(r: &EligibilityRow) -> Vec<Cell> {
    vec![
        r.person_id.as_str().into(),
        r.country_code.as_str().into(),
        r.organisation_id.as_str().into(),
        r.outcome.as_str().into(),
        Cell::Bool(r.uncertain),
        Cell::OptText(r.policy_version_id.clone()),
        Cell::OptDate(r.changes_on),
        Cell::OptText(r.changes_to.map(|o| o.as_str().to_string())),
        Cell::OptText(r.change_reason.map(|c| c.as_str().to_string())),
        r.result.as_str().into(),
        Cell::Date(r.evaluated_on),
        Cell::Stamp(r.evaluated_at),
    ]
}

/// Writes `rows` in multi-row statements, each replacing the stored result of its person and
/// country if there is one; the number written.
pub fn upsert_results(conn: &mut DbConnection, scope: &OrgScope, rows: &[EligibilityRow]) -> QueryResult<usize> {
    if rows.iter().any(|r| &r.organisation_id != scope.id()) {
        return Err(super::outside_scope());
    }
    let mut bulk = Bulk::with_suffix("eligibility_results", RESULT_COLUMNS, RESULT_UPSERT);
    for r in rows {
        bulk.push(result_cells(r));
    }
    bulk.flush(conn)?;
    Ok(bulk.written)
}

/// Replaces the stored results of these persons (a bounded batch) with `rows`.
pub fn replace_results(
    conn: &mut DbConnection,
    scope: &OrgScope,
    persons: &[PersonId],
    rows: &[EligibilityRow],
) -> QueryResult<()> {
    diesel::delete(er::table.filter(er::organisation_id.eq(scope.id())).filter(er::person_id.eq_any(persons)))
        .execute(conn)?;
    upsert_results(conn, scope, rows).map(|_| ())
}

pub fn results_for(
    conn: &mut DbConnection,
    scope: &OrgScope,
    persons: &[PersonId],
) -> QueryResult<Vec<EligibilityRow>> {
    er::table
        .filter(er::organisation_id.eq(scope.id()))
        .filter(er::person_id.eq_any(persons))
        .order((er::person_id, er::country_code))
        .select(EligibilityRow::as_select())
        .load(conn)
}

/// Results of the organisation whose outcome changes because of age by `until`, soonest first.
pub fn age_changes_until(
    conn: &mut DbConnection,
    scope: &OrgScope,
    until: NaiveDate,
) -> QueryResult<Vec<EligibilityRow>> {
    er::table
        .filter(er::organisation_id.eq(scope.id()))
        .filter(er::change_reason.eq(ChangeReason::Age))
        .filter(er::changes_on.le(until))
        .order((er::changes_on.asc(), er::person_id.asc()))
        .select(EligibilityRow::as_select())
        .load(conn)
}
