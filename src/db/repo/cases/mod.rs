//! Cases of an organisation: the case row, its members, its timeline and consents. Lists with
//! their derived priority flags are in [`list`]; the per-country backlog's aggregates in
//! [`backlog`].

pub mod backlog;
pub mod list;

use super::{outside_scope, OrgScope};
use crate::db::models::{CaseConsentRow, CaseEventRow, CaseMemberRow, CaseRow};
use crate::db::schema::{case_consents as cc, case_events as ce, case_members as cm, cases as c};
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::{CaseId, FamilyId, PersonId};
use diesel::prelude::*;

/// Inserts a case with its members.
pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &CaseRow, members: &[CaseMemberRow]) -> QueryResult<()> {
    if &row.organisation_id != scope.id() || members.iter().any(|m| &m.organisation_id != scope.id()) {
        return Err(outside_scope());
    }
    diesel::insert_into(c::table).values(row).execute(conn)?;
    for m in members {
        diesel::insert_into(cm::table).values(m).execute(conn)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &CaseId) -> QueryResult<Option<CaseRow>> {
    c::table
        .filter(c::organisation_id.eq(scope.id()))
        .filter(c::id.eq(id))
        .select(CaseRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the case if its version is still `expected`; false if someone else was first.
pub fn update(conn: &mut DbConnection, scope: &OrgScope, row: &CaseRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(
        c::table.filter(c::organisation_id.eq(scope.id())).filter(c::id.eq(&row.id)).filter(c::version.eq(expected)),
    )
    .set(row)
    .execute(conn)?;
    Ok(n == 1)
}

/// The cases of a family, newest first.
pub fn of_family(conn: &mut DbConnection, scope: &OrgScope, family: &FamilyId) -> QueryResult<Vec<CaseRow>> {
    c::table
        .filter(c::organisation_id.eq(scope.id()))
        .filter(c::family_id.eq(family))
        .order((c::opened_on.desc(), c::created_at.desc()))
        .select(CaseRow::as_select())
        .load(conn)
}

pub fn members(conn: &mut DbConnection, scope: &OrgScope, id: &CaseId) -> QueryResult<Vec<CaseMemberRow>> {
    cm::table
        .filter(cm::organisation_id.eq(scope.id()))
        .filter(cm::case_id.eq(id))
        // Members added together share `added_at`: the id keeps the order stable.
        .order((cm::added_at, cm::person_id))
        .select(CaseMemberRow::as_select())
        .load(conn)
}

/// Marks the members of an ended case (or of a reopened one) as in an open case or not.
pub fn set_members_open(conn: &mut DbConnection, scope: &OrgScope, id: &CaseId, open: bool) -> QueryResult<usize> {
    diesel::update(cm::table.filter(cm::organisation_id.eq(scope.id())).filter(cm::case_id.eq(id)))
        .set(cm::is_open.eq(open))
        .execute(conn)
}

/// Keeps each member's stored outcome under the destination's policy (and its version) with
/// the case, as it is at submission. A member without a result for the destination has no
/// route there.
pub fn keep_submitted_outcomes(conn: &mut DbConnection, scope: &OrgScope, id: &CaseId) -> QueryResult<usize> {
    let mut q = super::sql::Sql::new(conn);
    q.push(
        "UPDATE case_members SET \
         submitted_outcome = COALESCE((SELECT er.outcome FROM eligibility_results er \
            WHERE er.person_id = case_members.person_id AND er.country_code = case_members.destination), 'no_route'), \
         submitted_policy_version_id = (SELECT er.policy_version_id FROM eligibility_results er \
            WHERE er.person_id = case_members.person_id AND er.country_code = case_members.destination) \
         WHERE case_id = ",
    )
    .bind(id.as_str())
    .push(" AND organisation_id = ")
    .bind(scope.id().as_str());
    q.execute(conn)
}

/// Which of these persons (a case's members: bounded by `MAX_MEMBERS`) are in an open case
/// towards the destination already, and in which.
pub fn open_cases_of(
    conn: &mut DbConnection,
    scope: &OrgScope,
    persons: &[PersonId],
    destination: &CountryCode,
) -> QueryResult<Vec<(PersonId, CaseId)>> {
    cm::table
        .filter(cm::organisation_id.eq(scope.id()))
        .filter(cm::destination.eq(destination))
        .filter(cm::is_open.eq(true))
        .filter(cm::person_id.eq_any(persons))
        .select((cm::person_id, cm::case_id))
        .load(conn)
}

pub fn add_event(conn: &mut DbConnection, scope: &OrgScope, row: &CaseEventRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(ce::table).values(row).execute(conn).map(|_| ())
}

/// The timeline, oldest first.
pub fn events(conn: &mut DbConnection, scope: &OrgScope, id: &CaseId) -> QueryResult<Vec<CaseEventRow>> {
    ce::table
        .filter(ce::organisation_id.eq(scope.id()))
        .filter(ce::case_id.eq(id))
        .order((ce::at, ce::id))
        .select(CaseEventRow::as_select())
        .load(conn)
}

pub fn add_consent(conn: &mut DbConnection, scope: &OrgScope, row: &CaseConsentRow) -> QueryResult<()> {
    if &row.organisation_id != scope.id() {
        return Err(outside_scope());
    }
    diesel::insert_into(cc::table).values(row).execute(conn).map(|_| ())
}

/// Every consent recorded in the case, oldest first (the last per member counts).
pub fn consents(conn: &mut DbConnection, scope: &OrgScope, id: &CaseId) -> QueryResult<Vec<CaseConsentRow>> {
    cc::table
        .filter(cc::organisation_id.eq(scope.id()))
        .filter(cc::case_id.eq(id))
        .order((cc::recorded_at, cc::id))
        .select(CaseConsentRow::as_select())
        .load(conn)
}
