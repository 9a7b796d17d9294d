//! The check that an organisation's prepared backlog counts equal a rebuild from the registry
//! (for tests, and for an operator who suspects them).

use super::{push_projection, Deltas, FactRow};
use crate::db::repo::sql::Sql;
use crate::db::repo::OrgScope;
use crate::db::DbConnection;
use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Bool, Date, Text};
use diesel::{QueryResult, QueryableByName};
use std::collections::BTreeMap;

/// True when the organisation's fact rows and aggregates are what a rebuild would make: the
/// facts equal the registry's, and every aggregate equals the same `GROUP BY` of the facts (zero
/// rows aside).
pub fn consistent(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<bool> {
    let mut q = Sql::new(conn);
    q.push("SELECT * FROM backlog_facts WHERE organisation_id = ").bind(scope.id().as_str());
    let mut stored: Vec<FactRow> = q.load(conn)?;
    let mut q = Sql::new(conn);
    push_projection(&mut q, scope, None);
    let mut now: Vec<FactRow> = q.load(conn)?;
    stored.sort();
    now.sort();
    if stored != now {
        return Ok(false);
    }
    let mut expected = Deltas::default();
    for r in &now {
        expected.add(r, 1);
    }
    let org = scope.id().as_str();
    let mut q = Sql::new(conn);
    q.push("SELECT * FROM backlog_cells WHERE n <> 0 AND organisation_id = ").bind(org);
    let cells: Vec<CellRow> = q.load(conn)?;
    let mut q = Sql::new(conn);
    q.push("SELECT * FROM backlog_births WHERE n <> 0 AND organisation_id = ").bind(org);
    let births: Vec<BirthRow> = q.load(conn)?;
    let mut q = Sql::new(conn);
    q.push("SELECT * FROM backlog_families WHERE n <> 0 AND organisation_id = ").bind(org);
    let families: Vec<FamilyRow> = q.load(conn)?;
    let cells: BTreeMap<_, i64> = cells
        .into_iter()
        .map(|c| ((c.organisation_id, c.country_code, c.facility_id, c.outcome, c.unaccompanied, c.declining), c.n))
        .collect();
    let births: BTreeMap<_, i64> = births
        .into_iter()
        .map(|b| ((b.organisation_id, b.facility_id, b.birth_latest, b.country_code, b.birth_earliest), b.n))
        .collect();
    let families: BTreeMap<_, i64> =
        families.into_iter().map(|f| ((f.organisation_id, f.facility_id, f.country_code, f.family_id), f.n)).collect();
    Ok(cells == expected.cells && births == expected.births && families == expected.families)
}

#[derive(QueryableByName)]
struct CellRow {
    #[diesel(sql_type = Text)]
    organisation_id: String,
    #[diesel(sql_type = Text)]
    country_code: String,
    #[diesel(sql_type = Text)]
    facility_id: String,
    #[diesel(sql_type = Text)]
    outcome: String,
    #[diesel(sql_type = Bool)]
    unaccompanied: bool,
    #[diesel(sql_type = Bool)]
    declining: bool,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct BirthRow {
    #[diesel(sql_type = Text)]
    organisation_id: String,
    #[diesel(sql_type = Text)]
    facility_id: String,
    #[diesel(sql_type = Date)]
    birth_latest: NaiveDate,
    #[diesel(sql_type = Text)]
    country_code: String,
    #[diesel(sql_type = Date)]
    birth_earliest: NaiveDate,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct FamilyRow {
    #[diesel(sql_type = Text)]
    organisation_id: String,
    #[diesel(sql_type = Text)]
    facility_id: String,
    #[diesel(sql_type = Text)]
    country_code: String,
    #[diesel(sql_type = Text)]
    family_id: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}
