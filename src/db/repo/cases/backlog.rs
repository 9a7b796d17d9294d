//! The per-country backlog's aggregates: each statement reads the organisation's whole registry
//! (or one country of it) once and answers `GROUP BY` country, so the number of statements does
//! not grow with the number of countries, and no id list is ever bound.
//!
//! The held claimants (living persons held now, with a live claim to the country) are counted
//! from the aggregates `repo::backlog_facts` keeps of them (a pass over the registry at each
//! request cost 6.6 s on SQLite and 1.7 s on PostgreSQL at 500,000 persons); cases from the
//! cases table alone.

use super::super::backlog_facts::EVERY_FACILITY;
use super::super::sql::Sql;
use super::super::OrgScope;
use super::list::{push_ages_out, push_in_facility, years_before};
use crate::db::DbConnection;
use crate::domain::case::CaseStatus;
use crate::domain::country::CountryCode;
use crate::domain::ids::FacilityId;
use crate::domain::nationality::ClaimStatus;
use crate::domain::policy::Outcome;
use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use diesel::{QueryResult, QueryableByName};
use std::collections::HashMap;

/// What a backlog is computed for.
#[derive(Debug, Clone)]
pub struct BacklogFilter {
    /// The day ages and waiting are counted on, and stuck cases measured against.
    pub as_of: NaiveDate,
    /// Only persons held there now, and cases with a member held there now.
    pub facility: Option<FacilityId>,
    /// One destination, or every one.
    pub country: Option<CountryCode>,
}

/// A country with its name.
#[derive(Debug, Clone, QueryableByName)]
pub struct CountryName {
    #[diesel(sql_type = Text)]
    pub code: CountryCode,
    #[diesel(sql_type = Text)]
    pub name: String,
}

/// The held claimants of a country and what their rows say.
#[derive(Debug, Clone, Default, QueryableByName)]
pub struct HeldRow {
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = BigInt)]
    pub held: i64,
    /// Distinct families (persons without one are not counted).
    #[diesel(sql_type = BigInt)]
    pub families: i64,
    /// Certainly under 12 on the day (born after the day 12 years before, at the earliest).
    #[diesel(sql_type = BigInt)]
    pub under_12: i64,
    #[diesel(sql_type = BigInt)]
    pub under_18: i64,
    /// Possibly a minor on the day and possibly 18 within 180 days (the case flag's rule).
    #[diesel(sql_type = BigInt)]
    pub ageing_out: i64,
    /// Flagged as unaccompanied minors.
    #[diesel(sql_type = BigInt)]
    pub unaccompanied: i64,
    /// Whose latest wish is to stay in Syria or in the region.
    #[diesel(sql_type = BigInt)]
    pub declining: i64,
    #[diesel(sql_type = BigInt)]
    pub eligible: i64,
    #[diesel(sql_type = BigInt)]
    pub eligible_with_conditions: i64,
    #[diesel(sql_type = BigInt)]
    pub case_by_case: i64,
    #[diesel(sql_type = BigInt)]
    pub not_eligible: i64,
    #[diesel(sql_type = BigInt)]
    pub no_route: i64,
    /// No stored result for the country yet (the re-evaluation job has not reached them).
    #[diesel(sql_type = BigInt)]
    pub not_evaluated: i64,
}

/// The held claimants of a country in one facility (`None`: held, facility not recorded).
#[derive(Debug, Clone, QueryableByName)]
pub struct FacilityCount {
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub facility_id: Option<FacilityId>,
    #[diesel(sql_type = Nullable<Text>)]
    pub facility_name: Option<String>,
    #[diesel(sql_type = BigInt)]
    pub held: i64,
    #[diesel(sql_type = BigInt)]
    pub families: i64,
}

/// The cases towards a country at one status, and how many of them are stuck.
#[derive(Debug, Clone, QueryableByName)]
pub struct StatusCount {
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = Text)]
    pub status: CaseStatus,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
    #[diesel(sql_type = BigInt)]
    pub stuck: i64,
}

/// How many open cases towards a country were opened on a day (the waiting histogram).
#[derive(Debug, Clone, QueryableByName)]
pub struct OpenedOn {
    #[diesel(sql_type = Text)]
    pub country: String,
    #[diesel(sql_type = Date)]
    pub opened_on: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Appends `IN (...)` of bound values.
fn push_in<'a>(q: &mut Sql, values: impl IntoIterator<Item = &'a str>) {
    q.push(" IN (");
    for (i, v) in values.into_iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.bind(v);
    }
    q.push(")");
}

/// `SUM(CASE WHEN <cond> THEN 1 ELSE 0 END) AS <name>`, the condition written by `cond`.
fn push_sum(q: &mut Sql, name: &str, cond: impl FnOnce(&mut Sql)) {
    q.push(", SUM(CASE WHEN ");
    cond(q);
    q.push(&format!(" THEN 1 ELSE 0 END) AS {name}"));
}

/// The countries with a live claim among the organisation's living persons (in the facility,
/// if one is asked for), or with a case (with a member there), by code.
pub fn countries(conn: &mut DbConnection, scope: &OrgScope, f: &BacklogFilter) -> QueryResult<Vec<CountryName>> {
    let mut q = Sql::new(conn);
    // One probe per country of the reference list (a few hundred) into the claims index, as
    // scalar subqueries with `LIMIT 1`: written as `EXISTS`, PostgreSQL hashes every claim of
    // the organisation instead (0.6 s against 3 ms at 500,000 persons).
    q.push(
        "SELECT k.code AS code, k.name AS name FROM countries k WHERE ((SELECT 1 \
         FROM nationality_claims nc JOIN persons p ON p.id = nc.person_id",
    );
    if f.facility.is_some() {
        q.push(" JOIN person_derived d ON d.person_id = nc.person_id");
    }
    q.push(" WHERE nc.country_code = k.code AND nc.organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND nc.status");
    push_in(&mut q, ClaimStatus::LIVE.iter().map(|s| s.as_str()));
    q.push(" AND p.date_of_death IS NULL");
    if let Some(fac) = &f.facility {
        q.push(" AND d.current_facility_id = ").bind(fac.as_str());
    }
    q.push(" LIMIT 1) IS NOT NULL OR (SELECT 1 FROM cases c WHERE c.destination = k.code AND c.organisation_id = ")
        .bind(scope.id().as_str());
    if let Some(fac) = &f.facility {
        q.push(" AND ");
        push_in_facility(&mut q, "c", fac);
    }
    q.push(" LIMIT 1) IS NOT NULL)");
    if let Some(code) = &f.country {
        q.push(" AND k.code = ").bind(code.as_str());
    }
    q.push(" ORDER BY k.code");
    q.load(conn)
}

/// Appends the `WHERE` of the organisation's rows of a prepared aggregate aliased `a`, in the
/// facility asked for (`every`: the rows counting every facility, when none is) and of the
/// country asked for.
fn aggregate_where(q: &mut Sql, scope: &OrgScope, f: &BacklogFilter, a: &str, every: Option<&str>) {
    q.push(&format!(" WHERE {a}.organisation_id = ")).bind(scope.id().as_str());
    match (&f.facility, every) {
        (Some(fac), _) => {
            q.push(&format!(" AND {a}.facility_id = ")).bind(fac.as_str());
        }
        (None, Some(every)) => {
            q.push(&format!(" AND {a}.facility_id = ")).bind(every);
        }
        (None, None) => {}
    }
    if let Some(code) = &f.country {
        q.push(&format!(" AND {a}.country_code = ")).bind(code.as_str());
    }
}

/// `CAST(SUM(CASE WHEN <cond> THEN n ELSE 0 END) AS BIGINT) AS <name>` over an aggregate's
/// counts (PostgreSQL sums BIGINT into NUMERIC).
fn push_sum_n(q: &mut Sql, name: &str, cond: impl FnOnce(&mut Sql)) {
    q.push(", CAST(SUM(CASE WHEN ");
    cond(q);
    q.push(&format!(" THEN n ELSE 0 END) AS BIGINT) AS {name}"));
}

/// A country's families or ages, from the prepared aggregates.
#[derive(QueryableByName)]
struct Ages {
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = BigInt)]
    under_12: i64,
    #[diesel(sql_type = BigInt)]
    under_18: i64,
    #[diesel(sql_type = BigInt)]
    ageing_out: i64,
}

/// Families per country (and facility, `""` when not recorded).
#[derive(QueryableByName)]
struct Families {
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Text)]
    facility_id: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Per country: the held claimants, their families, children, those ageing out, the
/// unaccompanied, those who decline, and their stored outcomes for the country (the result
/// under the policy in force), read from the prepared aggregates (`repo::backlog_facts`):
/// the outcome and flag cells (a few thousand rows), the families with a held member, and the
/// birth ranges that may still be a minor's on the day (ages move with `as_of`, so they are
/// counted at the request). Three statements whatever the number of countries.
pub fn held(conn: &mut DbConnection, scope: &OrgScope, f: &BacklogFilter) -> QueryResult<Vec<HeldRow>> {
    let mut q = Sql::new(conn);
    q.push(
        "SELECT a.country_code AS country, CAST(SUM(a.n) AS BIGINT) AS held, CAST(0 AS BIGINT) AS families, \
         CAST(0 AS BIGINT) AS under_12, CAST(0 AS BIGINT) AS under_18, CAST(0 AS BIGINT) AS ageing_out",
    );
    push_sum_n(&mut q, "unaccompanied", |q| {
        q.push("a.unaccompanied");
    });
    push_sum_n(&mut q, "declining", |q| {
        q.push("a.declining");
    });
    for outcome in Outcome::ALL {
        push_sum_n(&mut q, outcome.as_str(), |q| {
            q.push("a.outcome = ").bind(outcome.as_str());
        });
    }
    push_sum_n(&mut q, "not_evaluated", |q| {
        q.push("a.outcome = ''");
    });
    q.push(" FROM backlog_cells a");
    aggregate_where(&mut q, scope, f, "a", None);
    q.push(" GROUP BY a.country_code HAVING SUM(a.n) > 0");
    let mut rows: Vec<HeldRow> = q.load(conn)?;

    let mut q = Sql::new(conn);
    q.push("SELECT a.country_code AS country, a.facility_id AS facility_id, COUNT(*) AS n FROM backlog_families a");
    aggregate_where(&mut q, scope, f, "a", Some(EVERY_FACILITY));
    q.push(" AND a.n > 0 GROUP BY a.country_code, a.facility_id");
    let families: HashMap<String, i64> = q.load::<Families>(conn)?.into_iter().map(|r| (r.country, r.n)).collect();

    let mut q = Sql::new(conn);
    q.push("SELECT a.country_code AS country");
    push_sum_n(&mut q, "under_12", |q| {
        q.push("a.birth_earliest > ").bind(years_before(f.as_of, 12));
    });
    push_sum_n(&mut q, "under_18", |q| {
        q.push("a.birth_earliest > ").bind(years_before(f.as_of, 18));
    });
    push_sum_n(&mut q, "ageing_out", |q| push_ages_out(q, "a", f.as_of));
    q.push(" FROM backlog_births a");
    aggregate_where(&mut q, scope, f, "a", Some(EVERY_FACILITY));
    // Everyone counted below may still be a minor on the day: born after it, 18 years before.
    q.push(" AND a.birth_latest > ").bind(years_before(f.as_of, 18));
    q.push(" GROUP BY a.country_code");
    let ages: HashMap<String, Ages> = q.load::<Ages>(conn)?.into_iter().map(|r| (r.country.clone(), r)).collect();

    for r in &mut rows {
        r.families = families.get(&r.country).copied().unwrap_or(0);
        if let Some(a) = ages.get(&r.country) {
            (r.under_12, r.under_18, r.ageing_out) = (a.under_12, a.under_18, a.ageing_out);
        }
    }
    Ok(rows)
}

/// Per country and facility: the held claimants and their families, from the prepared
/// aggregates.
pub fn by_facility(conn: &mut DbConnection, scope: &OrgScope, f: &BacklogFilter) -> QueryResult<Vec<FacilityCount>> {
    let mut q = Sql::new(conn);
    q.push(
        "SELECT a.country_code AS country, NULLIF(a.facility_id, '') AS facility_id, fa.name AS facility_name, \
         CAST(SUM(a.n) AS BIGINT) AS held, CAST(0 AS BIGINT) AS families \
         FROM backlog_cells a LEFT JOIN facilities fa ON fa.id = a.facility_id",
    );
    aggregate_where(&mut q, scope, f, "a", None);
    q.push(" GROUP BY a.country_code, a.facility_id, fa.name HAVING SUM(a.n) > 0");
    let mut rows: Vec<FacilityCount> = q.load(conn)?;
    let mut q = Sql::new(conn);
    q.push("SELECT a.country_code AS country, a.facility_id AS facility_id, COUNT(*) AS n FROM backlog_families a");
    aggregate_where(&mut q, scope, f, "a", None);
    q.push(" AND a.facility_id <> ").bind(EVERY_FACILITY);
    q.push(" AND a.n > 0 GROUP BY a.country_code, a.facility_id");
    let families: HashMap<(String, String), i64> =
        q.load::<Families>(conn)?.into_iter().map(|r| ((r.country, r.facility_id), r.n)).collect();
    for r in &mut rows {
        let facility = r.facility_id.as_ref().map(|f| f.as_str().to_string()).unwrap_or_default();
        r.families = families.get(&(r.country.clone(), facility)).copied().unwrap_or(0);
    }
    Ok(rows)
}

/// `WHERE` of the organisation's cases (towards the country, with a member in the facility).
fn cases_where(q: &mut Sql, scope: &OrgScope, f: &BacklogFilter) {
    q.push(" FROM cases c WHERE c.organisation_id = ").bind(scope.id().as_str());
    if let Some(code) = &f.country {
        q.push(" AND c.destination = ").bind(code.as_str());
    }
    if let Some(fac) = &f.facility {
        q.push(" AND ");
        push_in_facility(q, "c", fac);
    }
}

/// Per country and status: the cases, and how many are stuck: at a status of `cutoffs` since
/// before its day (`status_since < day`, as the case list's `stuck_days` compares).
pub fn by_status(
    conn: &mut DbConnection,
    scope: &OrgScope,
    f: &BacklogFilter,
    cutoffs: &[(CaseStatus, NaiveDate)],
) -> QueryResult<Vec<StatusCount>> {
    let mut q = Sql::new(conn);
    q.push("SELECT c.destination AS country, c.status AS status, COUNT(*) AS n");
    push_sum(&mut q, "stuck", |q| {
        q.push("(1 = 0");
        for (status, day) in cutoffs {
            q.push(" OR (c.status = ").bind(status.as_str()).push(" AND c.status_since < ").bind(*day).push(")");
        }
        q.push(")");
    });
    cases_where(&mut q, scope, f);
    q.push(" GROUP BY c.destination, c.status");
    q.load(conn)
}

/// Per country and opening day: the open cases (the histogram the waiting figures come from).
pub fn opened(conn: &mut DbConnection, scope: &OrgScope, f: &BacklogFilter) -> QueryResult<Vec<OpenedOn>> {
    let mut q = Sql::new(conn);
    q.push("SELECT c.destination AS country, c.opened_on AS opened_on, COUNT(*) AS n");
    cases_where(&mut q, scope, f);
    q.push(" AND c.status");
    push_in(&mut q, CaseStatus::open().map(CaseStatus::as_str));
    q.push(" GROUP BY c.destination, c.opened_on");
    q.load(conn)
}
