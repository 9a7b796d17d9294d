//! The per-country backlog's aggregates: each statement reads the organisation's whole registry
//! (or one country of it) once and answers `GROUP BY` country, so the number of statements does
//! not grow with the number of countries, and no id list is ever bound.
//!
//! The held claimants (living persons held now, with a live claim to the country) are counted
//! in one pass over their claims, persons, derived rows, stored results, flags and latest
//! wishes; cases from the cases table alone.

use super::super::sql::Sql;
use super::super::OrgScope;
use super::list::{push_ages_out, push_in_facility, years_before};
use crate::db::DbConnection;
use crate::domain::case::CaseStatus;
use crate::domain::country::CountryCode;
use crate::domain::ids::FacilityId;
use crate::domain::nationality::ClaimStatus;
use crate::domain::person::{PersonFlag, Wish};
use crate::domain::policy::Outcome;
use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Date, Nullable, Text};
use diesel::{QueryResult, QueryableByName};

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

/// Appends `FROM ... WHERE ...` of the held claimants: claim `c` (live, of the organisation),
/// person `p` (living), derived `d` (held now, in the facility if one is asked for), with
/// the joins `joins` writes in between. A person has at most one claim per country (a unique
/// index), so each row is one person of one country.
fn held_claimants(q: &mut Sql, scope: &OrgScope, f: &BacklogFilter, joins: impl FnOnce(&mut Sql)) {
    q.push(
        " FROM nationality_claims c JOIN persons p ON p.id = c.person_id \
         JOIN person_derived d ON d.person_id = c.person_id",
    );
    joins(q);
    q.push(" WHERE c.organisation_id = ").bind(scope.id().as_str()).push(" AND c.status");
    push_in(q, ClaimStatus::LIVE.iter().map(|s| s.as_str()));
    q.push(" AND p.date_of_death IS NULL AND d.custody_status = 'held'");
    if let Some(fac) = &f.facility {
        q.push(" AND d.current_facility_id = ").bind(fac.as_str());
    }
    if let Some(code) = &f.country {
        q.push(" AND c.country_code = ").bind(code.as_str());
    }
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

/// Per country: the held claimants, their families, children, those ageing out, the
/// unaccompanied, those who decline, and their stored outcomes for the country (the result
/// under the policy in force). One pass: each joined table holds at most one row per claimant
/// (keys, and the latest wish by recording time then id), so every row is one person.
/// Separate statements per measure cost more: PostgreSQL hashes the claims, persons and
/// derived rows anew for each (2.4 s against 0.85 s at 500,000 persons).
pub fn held(conn: &mut DbConnection, scope: &OrgScope, f: &BacklogFilter) -> QueryResult<Vec<HeldRow>> {
    let mut q = Sql::new(conn);
    q.push("SELECT c.country_code AS country, COUNT(*) AS held, COUNT(DISTINCT p.family_id) AS families");
    push_sum(&mut q, "under_12", |q| {
        q.push("p.birth_earliest > ").bind(years_before(f.as_of, 12));
    });
    push_sum(&mut q, "under_18", |q| {
        q.push("p.birth_earliest > ").bind(years_before(f.as_of, 18));
    });
    push_sum(&mut q, "ageing_out", |q| push_ages_out(q, "p", f.as_of));
    push_sum(&mut q, "unaccompanied", |q| {
        q.push("pf.flag IS NOT NULL");
    });
    push_sum(&mut q, "declining", |q| {
        q.push("dw.person_id IS NOT NULL");
    });
    for outcome in Outcome::ALL {
        push_sum(&mut q, outcome.as_str(), |q| {
            q.push("er.outcome = ").bind(outcome.as_str());
        });
    }
    push_sum(&mut q, "not_evaluated", |q| {
        q.push("er.outcome IS NULL");
    });
    held_claimants(&mut q, scope, f, |q| {
        q.push(
            " LEFT JOIN eligibility_results er ON er.person_id = c.person_id AND er.country_code = c.country_code \
             LEFT JOIN person_flags pf ON pf.person_id = c.person_id AND pf.flag = ",
        )
        .bind(PersonFlag::UnaccompaniedMinor.as_str())
        // The persons whose latest wish is to stay in Syria or in the region: they decline
        // repatriation for now.
        .push(" LEFT JOIN (SELECT w.person_id AS person_id FROM person_wishes w WHERE w.organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND w.wish");
        push_in(q, [Wish::StayInSyria.as_str(), Wish::StayInRegion.as_str()]);
        q.push(
            " AND NOT EXISTS (SELECT 1 FROM person_wishes w2 WHERE w2.person_id = w.person_id \
             AND (w2.recorded_at > w.recorded_at OR (w2.recorded_at = w.recorded_at AND w2.id > w.id)))) dw \
             ON dw.person_id = c.person_id",
        );
    });
    q.push(" GROUP BY c.country_code");
    q.load(conn)
}

/// Per country and facility: the held claimants and their families.
pub fn by_facility(conn: &mut DbConnection, scope: &OrgScope, f: &BacklogFilter) -> QueryResult<Vec<FacilityCount>> {
    let mut q = Sql::new(conn);
    q.push(
        "SELECT c.country_code AS country, d.current_facility_id AS facility_id, fa.name AS facility_name, \
         COUNT(*) AS held, COUNT(DISTINCT p.family_id) AS families",
    );
    held_claimants(&mut q, scope, f, |q| {
        q.push(" LEFT JOIN facilities fa ON fa.id = d.current_facility_id");
    });
    q.push(" GROUP BY c.country_code, d.current_facility_id, fa.name");
    q.load(conn)
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
