//! The backlog's prepared counts (migration 000008): `backlog_facts`, one row per held living
//! person and live claim with what the backlog counts about them, and three aggregates of it
//! (`backlog_cells`, `backlog_births`, `backlog_families`) that the backlog reads instead of
//! the registry.
//!
//! A refresh of a set of persons reads their fact rows as stored and as the registry says
//! now; when they differ it replaces the rows and adds the difference (new rows +1, old rows
//! -1) to the aggregates, in the caller's transaction. The evaluation of a unit of work
//! refreshes the persons it evaluated (`services::eligibility`), each chunk of a re-evaluation
//! of everyone refreshes its range of persons when a result changed, and the synthesiser
//! rebuilds an organisation's rows from scratch. Aggregate rows that fall to zero stay (the
//! reads skip them) until the next rebuild.

use super::bulk::{Bulk, Cell};
use super::sql::Sql;
use super::OrgScope;
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use crate::domain::nationality::ClaimStatus;
use crate::domain::person::{PersonFlag, Wish};
use chrono::NaiveDate;
use diesel::sql_types::{Bool, Date, Nullable, Text};
use diesel::{QueryResult, QueryableByName};
use std::collections::BTreeMap;

mod check;
pub use check::consistent;

/// The `facility_id` of the aggregate rows that count every facility.
pub const EVERY_FACILITY: &str = "*";

/// What the backlog counts about one held claimant of one country.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, QueryableByName)]
pub struct FactRow {
    #[diesel(sql_type = Text)]
    pub person_id: String,
    #[diesel(sql_type = Text)]
    pub country_code: String,
    #[diesel(sql_type = Text)]
    pub organisation_id: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub family_id: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub facility_id: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub birth_earliest: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    pub birth_latest: Option<NaiveDate>,
    #[diesel(sql_type = Bool)]
    pub unaccompanied: bool,
    #[diesel(sql_type = Bool)]
    pub declining: bool,
    #[diesel(sql_type = Nullable<Text>)]
    pub outcome: Option<String>,
}

/// The persons a refresh is about.
#[derive(Debug, Clone, Copy)]
pub enum Persons<'a> {
    /// A bounded set (the persons one write evaluated).
    Ids(&'a [PersonId]),
    /// The ids in `(after, last]` (a chunk of a re-evaluation of everyone).
    Range { after: &'a str, last: &'a str },
}

const FACT_COLUMNS: &[&str] = &[
    "person_id",
    "country_code",
    "organisation_id",
    "family_id",
    "facility_id",
    "birth_earliest",
    "birth_latest",
    "unaccompanied",
    "declining",
    "outcome",
];
const CELL_COLUMNS: &[&str] =
    &["organisation_id", "country_code", "facility_id", "outcome", "unaccompanied", "declining", "n"];
const CELL_UPSERT: &str =
    "ON CONFLICT (organisation_id, country_code, facility_id, outcome, unaccompanied, declining) \
     DO UPDATE SET n = backlog_cells.n + excluded.n";
const BIRTH_COLUMNS: &[&str] =
    &["organisation_id", "facility_id", "birth_latest", "country_code", "birth_earliest", "n"];
const BIRTH_UPSERT: &str = "ON CONFLICT (organisation_id, facility_id, birth_latest, country_code, birth_earliest) \
     DO UPDATE SET n = backlog_births.n + excluded.n";
const FAMILY_COLUMNS: &[&str] = &["organisation_id", "facility_id", "country_code", "family_id", "n"];
const FAMILY_UPSERT: &str = "ON CONFLICT (organisation_id, facility_id, country_code, family_id) \
     DO UPDATE SET n = backlog_families.n + excluded.n";

/// Appends ` AND <col>` within the set.
fn push_set(q: &mut Sql, col: &str, set: Persons) {
    match set {
        Persons::Ids(ids) => {
            q.push(&format!(" AND {col} IN ("));
            q.bind_list(ids.iter().map(|x| x.as_str()));
            q.push(")");
        }
        Persons::Range { after, last } => {
            q.push(&format!(" AND {col} > ")).bind(after).push(&format!(" AND {col} <= ")).bind(last);
        }
    }
}

/// Appends the `SELECT` of the fact rows as the registry says now: the organisation's live
/// claims of living persons held now, each with its person, derived row, stored result, flag
/// and latest wish (by recording time, then id), optionally for a set of persons.
pub(super) fn push_projection(q: &mut Sql, scope: &OrgScope, set: Option<Persons>) {
    q.push(
        "SELECT c.person_id AS person_id, c.country_code AS country_code, c.organisation_id AS organisation_id, \
         p.family_id AS family_id, d.current_facility_id AS facility_id, p.birth_earliest AS birth_earliest, \
         p.birth_latest AS birth_latest, \
         EXISTS (SELECT 1 FROM person_flags pf WHERE pf.person_id = c.person_id AND pf.flag = ",
    )
    .bind(PersonFlag::UnaccompaniedMinor.as_str())
    .push(") AS unaccompanied, COALESCE((SELECT w.wish IN (")
    .bind(Wish::StayInSyria.as_str())
    .push(", ")
    .bind(Wish::StayInRegion.as_str())
    .push(
        ") FROM person_wishes w WHERE w.person_id = c.person_id ORDER BY w.recorded_at DESC, w.id DESC LIMIT 1), \
         FALSE) AS declining, er.outcome AS outcome \
         FROM nationality_claims c JOIN persons p ON p.id = c.person_id \
         JOIN person_derived d ON d.person_id = c.person_id \
         LEFT JOIN eligibility_results er ON er.person_id = c.person_id AND er.country_code = c.country_code \
         WHERE c.organisation_id = ",
    )
    .bind(scope.id().as_str())
    .push(" AND c.status IN (");
    for (i, s) in ClaimStatus::LIVE.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(s.as_str());
    }
    q.push(") AND p.date_of_death IS NULL AND d.custody_status = 'held'");
    if let Some(set) = set {
        push_set(q, "c.person_id", set);
    }
}

/// Brings the fact rows of these persons, and the aggregates, up to date with the registry;
/// the number of fact rows added or removed (0 when nothing changed).
pub fn refresh(conn: &mut DbConnection, scope: &OrgScope, set: Persons) -> QueryResult<usize> {
    if matches!(set, Persons::Ids(ids) if ids.is_empty()) {
        return Ok(0);
    }
    let mut q = Sql::new(conn);
    q.push("SELECT * FROM backlog_facts WHERE organisation_id = ").bind(scope.id().as_str());
    push_set(&mut q, "person_id", set);
    let mut old: Vec<FactRow> = q.load(conn)?;
    let mut q = Sql::new(conn);
    push_projection(&mut q, scope, Some(set));
    let mut new: Vec<FactRow> = q.load(conn)?;
    old.sort();
    new.sort();
    if old == new {
        return Ok(0);
    }
    // Only the rows that differ are counted.
    let (gone, came) = difference(old, new.clone());
    let mut q = Sql::new(conn);
    q.push("DELETE FROM backlog_facts WHERE organisation_id = ").bind(scope.id().as_str());
    push_set(&mut q, "person_id", set);
    q.execute(conn)?;
    let mut facts = Bulk::new("backlog_facts", FACT_COLUMNS);
    for r in new {
        facts.push(fact_cells(r));
    }
    facts.flush(conn)?;
    let mut deltas = Deltas::default();
    for r in &gone {
        deltas.add(r, -1);
    }
    for r in &came {
        deltas.add(r, 1);
    }
    deltas.write(conn)?;
    Ok(gone.len() + came.len())
}

/// The rows only in `old` and the rows only in `new` (both sorted).
fn difference(old: Vec<FactRow>, new: Vec<FactRow>) -> (Vec<FactRow>, Vec<FactRow>) {
    let (mut gone, mut came) = (Vec::new(), Vec::new());
    let (mut a, mut b) = (old.into_iter().peekable(), new.into_iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x == y => {
                a.next();
                b.next();
            }
            (Some(x), Some(y)) if x < y => gone.extend(a.next()),
            (Some(_), Some(_)) | (None, Some(_)) => came.extend(b.next()),
            (Some(_), None) => gone.extend(a.next()),
            (None, None) => return (gone, came),
        }
    }
}

fn fact_cells(r: FactRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.person_id),
        Cell::Text(r.country_code),
        Cell::Text(r.organisation_id),
        Cell::OptText(r.family_id),
        Cell::OptText(r.facility_id),
        Cell::OptDate(r.birth_earliest),
        Cell::OptDate(r.birth_latest),
        Cell::Bool(r.unaccompanied),
        Cell::Bool(r.declining),
        Cell::OptText(r.outcome),
    ]
}

/// What a refresh adds to each aggregate row, by key (sorted, so that concurrent refreshes on
/// PostgreSQL lock the rows they share in the same order).
#[derive(Default)]
pub(super) struct Deltas {
    pub(super) cells: BTreeMap<(String, String, String, String, bool, bool), i64>,
    pub(super) births: BTreeMap<(String, String, NaiveDate, String, NaiveDate), i64>,
    pub(super) families: BTreeMap<(String, String, String, String), i64>,
}

impl Deltas {
    pub(super) fn add(&mut self, r: &FactRow, by: i64) {
        let org = &r.organisation_id;
        let facility = r.facility_id.clone().unwrap_or_default();
        let outcome = r.outcome.clone().unwrap_or_default();
        let key = (org.clone(), r.country_code.clone(), facility.clone(), outcome, r.unaccompanied, r.declining);
        *self.cells.entry(key).or_default() += by;
        for fac in [facility.as_str(), EVERY_FACILITY] {
            if let (Some(earliest), Some(latest)) = (r.birth_earliest, r.birth_latest) {
                let key = (org.clone(), fac.to_string(), latest, r.country_code.clone(), earliest);
                *self.births.entry(key).or_default() += by;
            }
            if let Some(family) = &r.family_id {
                let key = (org.clone(), fac.to_string(), r.country_code.clone(), family.clone());
                *self.families.entry(key).or_default() += by;
            }
        }
    }

    fn write(self, conn: &mut DbConnection) -> QueryResult<()> {
        let mut cells = Bulk::with_suffix("backlog_cells", CELL_COLUMNS, CELL_UPSERT);
        for ((org, country, facility, outcome, unaccompanied, declining), n) in self.cells {
            if n != 0 {
                let row = vec![
                    org.into(),
                    country.into(),
                    facility.into(),
                    outcome.into(),
                    Cell::Bool(unaccompanied),
                    Cell::Bool(declining),
                    Cell::BigInt(n),
                ];
                cells.push(row);
            }
        }
        cells.flush(conn)?;
        let mut births = Bulk::with_suffix("backlog_births", BIRTH_COLUMNS, BIRTH_UPSERT);
        for ((org, facility, latest, country, earliest), n) in self.births {
            if n != 0 {
                let row = vec![
                    org.into(),
                    facility.into(),
                    Cell::Date(latest),
                    country.into(),
                    Cell::Date(earliest),
                    Cell::BigInt(n),
                ];
                births.push(row);
            }
        }
        births.flush(conn)?;
        let mut families = Bulk::with_suffix("backlog_families", FAMILY_COLUMNS, FAMILY_UPSERT);
        for ((org, facility, country, family), n) in self.families {
            if n != 0 {
                families.push(vec![org.into(), facility.into(), country.into(), family.into(), Cell::BigInt(n)]);
            }
        }
        families.flush(conn)
    }
}

/// Rebuilds the organisation's fact rows and aggregates from the registry (after a bulk load);
/// the number of fact rows.
pub fn rebuild(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<usize> {
    for table in ["backlog_facts", "backlog_cells", "backlog_births", "backlog_families"] {
        let mut q = Sql::new(conn);
        q.push(&format!("DELETE FROM {table} WHERE organisation_id = ")).bind(scope.id().as_str());
        q.execute(conn)?;
    }
    let mut q = Sql::new(conn);
    q.push(&format!("INSERT INTO backlog_facts ({}) ", FACT_COLUMNS.join(", ")));
    push_projection(&mut q, scope, None);
    let facts = q.execute(conn)?;
    let org = scope.id().as_str();
    let aggregates = [
        "INSERT INTO backlog_cells (organisation_id, country_code, facility_id, outcome, unaccompanied, declining, n) \
         SELECT organisation_id, country_code, COALESCE(facility_id, ''), COALESCE(outcome, ''), unaccompanied, \
         declining, COUNT(*) FROM backlog_facts WHERE organisation_id = ",
        "INSERT INTO backlog_births (organisation_id, facility_id, birth_latest, country_code, birth_earliest, n) \
         SELECT organisation_id, COALESCE(facility_id, ''), birth_latest, country_code, birth_earliest, COUNT(*) \
         FROM backlog_facts WHERE birth_earliest IS NOT NULL AND organisation_id = ",
        "INSERT INTO backlog_births (organisation_id, facility_id, birth_latest, country_code, birth_earliest, n) \
         SELECT organisation_id, '*', birth_latest, country_code, birth_earliest, COUNT(*) \
         FROM backlog_facts WHERE birth_earliest IS NOT NULL AND organisation_id = ",
        "INSERT INTO backlog_families (organisation_id, facility_id, country_code, family_id, n) \
         SELECT organisation_id, COALESCE(facility_id, ''), country_code, family_id, COUNT(*) \
         FROM backlog_facts WHERE family_id IS NOT NULL AND organisation_id = ",
        "INSERT INTO backlog_families (organisation_id, facility_id, country_code, family_id, n) \
         SELECT organisation_id, '*', country_code, family_id, COUNT(*) \
         FROM backlog_facts WHERE family_id IS NOT NULL AND organisation_id = ",
    ];
    let groups = [
        " GROUP BY organisation_id, country_code, COALESCE(facility_id, ''), COALESCE(outcome, ''), unaccompanied, declining",
        " GROUP BY organisation_id, COALESCE(facility_id, ''), birth_latest, country_code, birth_earliest",
        " GROUP BY organisation_id, birth_latest, country_code, birth_earliest",
        " GROUP BY organisation_id, COALESCE(facility_id, ''), country_code, family_id",
        " GROUP BY organisation_id, country_code, family_id",
    ];
    for (insert, group) in aggregates.iter().zip(groups) {
        let mut q = Sql::new(conn);
        q.push(insert).bind(org).push(group);
        q.execute(conn)?;
    }
    Ok(facts)
}
