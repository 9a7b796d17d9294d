//! The person and family lists with their filters, in SQL with `EXISTS` subqueries: whatever
//! the organisation's size, no list of ids is ever bound (SQLite refuses more than 32,766
//! variables, and PostgreSQL plans long lists badly).

use super::sql::Sql;
use super::{OrgScope, Page};
use crate::db::models::{FamilyRow, PersonRow};
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::custody::CustodyKind;
use crate::domain::ids::FacilityId;
use crate::domain::nationality::ClaimStatus;
use crate::domain::person::{PersonFlag, Sex};
use chrono::NaiveDate;
use diesel::QueryResult;

/// Filters of the person and family lists; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct PersonFilter {
    /// A folded search key (see `domain::names::search_key`), matched anywhere in the names.
    pub q: Option<String>,
    /// Persons with a live claim to this country.
    pub nationality: Option<CountryCode>,
    /// Persons held there now.
    pub facility_id: Option<FacilityId>,
    /// Persons who may have been born on or before this day (a minimum age).
    pub born_on_or_before: Option<NaiveDate>,
    /// Persons who may have been born after this day (a maximum age).
    pub born_after: Option<NaiveDate>,
    pub sex: Option<Sex>,
    /// Each flag the person must have (`true`) or must not have (`false`).
    pub flags: Vec<(PersonFlag, bool)>,
    pub stateless: Option<bool>,
    pub at_risk: Option<bool>,
}

impl PersonFilter {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.q.as_deref().is_none_or(str::is_empty)
            && self.nationality.is_none()
            && self.facility_id.is_none()
            && self.born_on_or_before.is_none()
            && self.born_after.is_none()
            && self.sex.is_none()
            && self.flags.is_empty()
            && self.stateless.is_none()
            && self.at_risk.is_none()
    }

    /// Appends ` AND ...` for each filter; `p` is `persons`, `d` its `person_derived` row.
    fn push_conditions(&self, sql: &mut Sql) {
        if let Some(key) = self.q.as_deref().filter(|k| !k.is_empty()) {
            let escaped = key.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            sql.push(" AND d.search_key LIKE ").bind(format!("%{escaped}%")).push(" ESCAPE '\\'");
        }
        if let Some(code) = self.nationality {
            sql.push(
                " AND EXISTS (SELECT 1 FROM nationality_claims c WHERE c.person_id = p.id \
                 AND c.organisation_id = p.organisation_id AND c.country_code = ",
            )
            .bind(code.as_str())
            .push(" AND c.status IN (");
            for (i, s) in ClaimStatus::LIVE.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(s.as_str());
            }
            sql.push("))");
        }
        if let Some(f) = &self.facility_id {
            sql.push(" AND d.current_facility_id = ").bind(f.as_str());
        }
        if let Some(d) = self.born_on_or_before {
            sql.push(" AND p.birth_earliest <= ").bind(d);
        }
        if let Some(d) = self.born_after {
            sql.push(" AND p.birth_latest > ").bind(d);
        }
        if let Some(s) = self.sex {
            sql.push(" AND p.sex = ").bind(s.as_str());
        }
        for (flag, present) in &self.flags {
            sql.push(if *present { " AND EXISTS" } else { " AND NOT EXISTS" })
                .push(" (SELECT 1 FROM person_flags f WHERE f.person_id = p.id AND f.flag = ")
                .bind(flag.as_str())
                .push(")");
        }
        if let Some(v) = self.stateless {
            sql.push(" AND d.stateless = ").bind(v);
        }
        if let Some(v) = self.at_risk {
            sql.push(" AND d.at_risk = ").bind(v);
        }
    }
}

fn persons_from(conn: &DbConnection, scope: &OrgScope, filter: &PersonFilter, select: &str) -> Sql {
    let mut sql = Sql::new(conn);
    sql.push(select)
        .push(" FROM persons p JOIN person_derived d ON d.person_id = p.id WHERE p.organisation_id = ")
        .bind(scope.id().as_str());
    filter.push_conditions(&mut sql);
    sql
}

/// One page of matching persons by family name, given name and id, with the total.
pub fn persons(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
) -> QueryResult<(Vec<PersonRow>, i64)> {
    let total = persons_from(conn, scope, filter, "SELECT COUNT(*) AS n").count(conn)?;
    let mut sql = persons_from(conn, scope, filter, "SELECT p.*");
    sql.push(" ORDER BY p.family_name, p.given_name, p.id LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    Ok((sql.load(conn)?, total))
}

fn families_from(conn: &DbConnection, scope: &OrgScope, filter: &PersonFilter, select: &str) -> Sql {
    let mut sql = Sql::new(conn);
    sql.push(select).push(" FROM families fa WHERE fa.organisation_id = ").bind(scope.id().as_str());
    if !filter.is_empty() {
        sql.push(
            " AND EXISTS (SELECT 1 FROM persons p JOIN person_derived d ON d.person_id = p.id \
             WHERE p.family_id = fa.id AND p.organisation_id = fa.organisation_id",
        );
        filter.push_conditions(&mut sql);
        sql.push(")");
    }
    sql
}

/// One page of families with at least one matching member (all families when the filter is
/// empty), by label and id, with the total.
pub fn families(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
) -> QueryResult<(Vec<FamilyRow>, i64)> {
    let total = families_from(conn, scope, filter, "SELECT COUNT(*) AS n").count(conn)?;
    let mut sql = families_from(conn, scope, filter, "SELECT fa.*");
    sql.push(" ORDER BY fa.label, fa.id LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    Ok((sql.load(conn)?, total))
}

/// The members of these families (a page of them), by family and birth.
pub fn members_of(
    conn: &mut DbConnection,
    scope: &OrgScope,
    families: &[crate::domain::ids::FamilyId],
) -> QueryResult<Vec<PersonRow>> {
    use crate::db::schema::persons as p;
    use diesel::prelude::*;
    p::table
        .filter(p::organisation_id.eq(scope.id()))
        .filter(p::family_id.eq_any(families))
        .order((p::family_id, p::birth_earliest.asc(), p::given_name.asc(), p::id.asc()))
        .select(PersonRow::as_select())
        .load(conn)
}

/// One page of the organisation's persons whose deciding custody event on `on` places them in
/// the facility, and how many there are: an event there of a kind that holds, with no later
/// one (by earliest day, then recording time, then id: the order `domain::custody::whereabouts`
/// reads them in) that may have happened by `on`. Correlated `EXISTS`, no list of ids.
pub fn held_on(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility: &FacilityId,
    on: NaiveDate,
    page: Page,
) -> QueryResult<(Vec<PersonRow>, i64)> {
    let build = |conn: &DbConnection, select: &str| {
        let mut sql = Sql::new(conn);
        sql.push(select).push(" FROM persons p WHERE p.organisation_id = ").bind(scope.id().as_str());
        sql.push(
            " AND EXISTS (SELECT 1 FROM custody_events e WHERE e.person_id = p.id \
             AND e.organisation_id = p.organisation_id AND e.facility_id = ",
        )
        .bind(facility.as_str())
        .push(" AND e.kind IN (");
        let holding: Vec<_> = CustodyKind::ALL.iter().filter(|k| k.needs_facility()).collect();
        for (i, k) in holding.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(k.as_str());
        }
        sql.push(") AND e.event_earliest <= ").bind(on).push(
            " AND NOT EXISTS (SELECT 1 FROM custody_events l WHERE l.person_id = e.person_id \
             AND l.organisation_id = e.organisation_id AND l.event_earliest <= ",
        );
        sql.bind(on).push(
            " AND (l.event_earliest > e.event_earliest OR (l.event_earliest = e.event_earliest \
             AND (l.created_at > e.created_at OR (l.created_at = e.created_at AND l.id > e.id))))))",
        );
        sql
    };
    let total = build(conn, "SELECT COUNT(*) AS n").count(conn)?;
    let mut rows = build(conn, "SELECT p.*");
    rows.push(" ORDER BY p.family_name, p.given_name, p.id LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    Ok((rows.load(conn)?, total))
}
