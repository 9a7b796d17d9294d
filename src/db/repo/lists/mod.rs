//! The person and family lists with their filters, and who was held in a facility on a day.
//! Whatever the organisation's size, no list of ids is ever bound (SQLite refuses more than
//! 32,766 variables, and PostgreSQL plans long lists badly), and the first page comes back
//! fast at 500,000 persons because a page takes one of two shapes (a family list of a name
//! search first tries a third, `grouped`):
//!
//! * **driven**: some indexed filter (a name, a nationality, a facility) leaves at most
//!   `SELECTIVE` candidates; the query starts from that index and sorts the few matches;
//! * **scan**: every filter matches many; rows are read in list order through the index on
//!   names (or labels) and checked one by one until the page is full, which takes few reads
//!   precisely because many rows match.
//!
//! A filtered list's total is counted up to `COUNT_CAP` and said to be "at least" beyond
//! (`Total::exact` false): an exact count of a broad filter reads every match, which at this
//! size takes longer than the page itself (the count starts from an index when a filter has
//! one, so it stops after `COUNT_CAP` matches). An unfiltered list is counted exactly.

mod filter;
mod grouped;
mod held;

pub use filter::PersonFilter;
pub use grouped::{families as families_grouped, Found as Grouped};
pub use held::{held_on, held_on_as};

use super::sql::Sql;
use super::{OrgScope, Page};
use crate::db::models::{FamilyRow, PersonRow};
use crate::db::DbConnection;
use diesel::QueryResult;
use serde::Serialize;

/// Candidates up to which a page is driven from the index of its most selective filter.
pub const SELECTIVE: i64 = 3_000;
/// How far a scan-shaped list counts its matches.
pub const COUNT_CAP: i64 = 1_000;

/// How many rows a list has: exactly, or at least `n` (`exact` false; see the module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Total {
    pub n: i64,
    pub exact: bool,
}

impl Total {
    /// Corrected by the page just read, when the count stopped at the cap: a page shorter than
    /// its limit ends the list, so the total is then exact; a page beyond the cap raises the
    /// lower bound to what was seen.
    pub fn seen(self, page: Page, shown: i64) -> Total {
        match (self.exact, shown) {
            (true, _) | (false, 0) => self,
            (false, s) if s < page.limit => Total { n: page.offset + s, exact: true },
            (false, s) => Total { n: self.n.max(page.offset + s), exact: false },
        }
    }

    /// Whether rows may follow the `seen` first ones.
    pub fn more_after(&self, seen: i64) -> bool {
        seen < self.n || !self.exact
    }

    /// The number as people read it: "1000", or "1000+" for a lower bound.
    pub fn label(&self) -> String {
        if self.exact {
            self.n.to_string()
        } else {
            format!("{}+", self.n)
        }
    }

    /// How many pages of `limit` rows, as people read it ("3", or "20+").
    pub fn pages_label(&self, limit: i64) -> String {
        let pages = ((self.n + limit - 1) / limit.max(1)).max(1);
        if self.exact {
            pages.to_string()
        } else {
            format!("{pages}+")
        }
    }

    /// Counts `SELECT COUNT(*) ...`, or with `cap` reads at most `cap + 1` rows of the
    /// subquery `inner` (`SELECT 1 FROM ...`).
    fn of(conn: &mut DbConnection, inner: Sql, cap: Option<i64>) -> QueryResult<Total> {
        match cap {
            None => Ok(Total { n: inner.count(conn)?, exact: true }),
            Some(cap) => {
                let mut sql = inner.wrap("SELECT COUNT(*) AS n FROM (");
                sql.push(" LIMIT ").bind(cap + 1).push(") c");
                let n = sql.count(conn)?;
                Ok(if n > cap { Total { n: cap, exact: false } } else { Total { n, exact: true } })
            }
        }
    }
}

/// The shape a filtered list takes (see the module). Chosen by the list functions; the `_as`
/// variants take it as given, so that tests can check both shapes give the same rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Driven,
    Scan,
}

fn shape(conn: &mut DbConnection, scope: &OrgScope, filter: &PersonFilter) -> QueryResult<Shape> {
    Ok(if filter.is_selective(conn, scope)? { Shape::Driven } else { Shape::Scan })
}

fn persons_from(conn: &DbConnection, scope: &OrgScope, filter: &PersonFilter, select: &str, shape: Shape) -> Sql {
    let mut sql = Sql::new(conn);
    // A scan walks persons in list order: on SQLite, `CROSS JOIN` keeps `persons` the outer
    // loop. Without it, SQLite 3.50 (bundled) drives a broad facility filter from the facility
    // index and sorts 200,000 rows for a page of 50: 700 ms instead of 2 ms at 500,000 persons.
    let join = if shape == Shape::Scan && !sql.is_pg() { "CROSS JOIN" } else { "JOIN" };
    sql.push(select)
        .push(&format!(" FROM persons p {join} person_derived d ON d.person_id = p.id WHERE p.organisation_id = "))
        .bind(scope.id().as_str());
    filter.push_conditions(&mut sql, scope, shape == Shape::Driven);
    sql
}

/// One page of matching persons by family name, given name and id, with the total.
pub fn persons(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
) -> QueryResult<(Vec<PersonRow>, Total)> {
    let shape = shape(conn, scope, filter)?;
    persons_as(conn, scope, filter, page, shape)
}

/// `persons` in the given shape.
pub fn persons_as(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
    shape: Shape,
) -> QueryResult<(Vec<PersonRow>, Total)> {
    let total = if filter.is_empty() {
        Total::of(conn, persons_from(conn, scope, filter, "SELECT COUNT(*) AS n", shape), None)?
    } else {
        let counting = if filter.has_index(conn) { Shape::Driven } else { Shape::Scan };
        Total::of(conn, persons_from(conn, scope, filter, "SELECT 1", counting), Some(COUNT_CAP))?
    };
    let mut sql = persons_from(conn, scope, filter, "SELECT p.*", shape);
    sql.push(" ORDER BY ");
    // A name search is ranked by how well the names match (the driven shape sorts its few
    // matches; a broad search stays in name order).
    if shape == Shape::Driven && filter.push_rank(&mut sql) {
        sql.push(", ");
    }
    sql.push("p.family_name, p.given_name, p.id LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    let rows: Vec<_> = sql.load(conn)?;
    let total = total.seen(page, rows.len() as i64);
    Ok((rows, total))
}

fn families_from(conn: &DbConnection, scope: &OrgScope, filter: &PersonFilter, select: &str, shape: Shape) -> Sql {
    let mut sql = Sql::new(conn);
    sql.push(select).push(" FROM families fa WHERE fa.organisation_id = ").bind(scope.id().as_str());
    if !filter.is_empty() {
        // Driven: the families of the few matching persons, as a set; scan: each family in
        // label order, checked through its members.
        sql.push(match shape {
            // Not correlated (no reference to `fa`), so that it is built once.
            Shape::Driven => {
                " AND fa.id IN (SELECT p.family_id FROM persons p JOIN person_derived d \
                              ON d.person_id = p.id WHERE p.organisation_id = "
            }
            // Conditions on the derived rows alone read one index per family (migration
            // 000014: the family, its organisation and the search key), not each member's
            // row in persons and then in person_derived.
            Shape::Scan if filter.on_derived_only() => {
                " AND EXISTS (SELECT 1 FROM person_derived d WHERE d.family_id = fa.id AND d.organisation_id = "
            }
            Shape::Scan => {
                " AND EXISTS (SELECT 1 FROM persons p JOIN person_derived d ON d.person_id = p.id \
                            WHERE p.family_id = fa.id AND p.organisation_id = "
            }
        });
        sql.bind(scope.id().as_str());
        filter.push_conditions(&mut sql, scope, shape == Shape::Driven);
        sql.push(")");
    }
    sql
}

/// The families of the few persons a name search drives to, the family of the best-matching
/// member first (see `PersonFilter::push_rank`), then by label.
fn ranked_families(conn: &DbConnection, scope: &OrgScope, filter: &PersonFilter) -> Sql {
    let mut sql = Sql::new(conn);
    sql.push("SELECT fa.* FROM families fa JOIN (SELECT p.family_id AS family_id, MIN(");
    filter.push_rank(&mut sql);
    sql.push(
        ") AS rank FROM persons p JOIN person_derived d ON d.person_id = p.id \
         WHERE p.family_id IS NOT NULL AND p.organisation_id = ",
    )
    .bind(scope.id().as_str());
    filter.push_conditions(&mut sql, scope, true);
    sql.push(" GROUP BY p.family_id) m ON m.family_id = fa.id WHERE fa.organisation_id = ")
        .bind(scope.id().as_str())
        .push(" ORDER BY m.rank, fa.label, fa.id");
    sql
}

/// One page of families with at least one matching member (all families when the filter is
/// empty), by label and id (a grouped name search: by rank and id), with the total.
pub fn families(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
) -> QueryResult<(Vec<FamilyRow>, Total)> {
    let shape = match grouped::families(conn, scope, filter, page)? {
        grouped::Found::Page(rows, total) => return Ok((rows, total)),
        // A broad name may still meet a selective facility: the usual choice.
        grouped::Found::Broad | grouped::Found::Not => shape(conn, scope, filter)?,
    };
    families_as(conn, scope, filter, page, shape)
}

/// `families` in the given shape.
pub fn families_as(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    page: Page,
    shape: Shape,
) -> QueryResult<(Vec<FamilyRow>, Total)> {
    let total = if filter.is_empty() {
        Total::of(conn, families_from(conn, scope, filter, "SELECT COUNT(*) AS n", shape), None)?
    } else if let Some(total) = families_beyond_cap(conn, scope, filter)? {
        total
    } else if filter.has_index(conn) {
        // The distinct families of the matches, from the index, until there are enough.
        // Through `persons` and its family index: PostgreSQL then streams the distinct
        // families and stops at the cap, where `person_derived.family_id` (no index) would be
        // hashed whole.
        let mut sql = Sql::new(conn);
        sql.push(
            "SELECT DISTINCT p.family_id FROM persons p JOIN person_derived d \
             ON d.person_id = p.id WHERE p.family_id IS NOT NULL AND p.organisation_id = ",
        )
        .bind(scope.id().as_str());
        filter.push_conditions(&mut sql, scope, true);
        Total::of(conn, sql, Some(COUNT_CAP))?
    } else {
        Total::of(conn, families_from(conn, scope, filter, "SELECT 1", Shape::Scan), Some(COUNT_CAP))?
    };
    let mut sql = if shape == Shape::Driven && filter.push_rank(&mut Sql::new(conn)) {
        ranked_families(conn, scope, filter)
    } else {
        let mut sql = families_from(conn, scope, filter, "SELECT fa.*", shape);
        sql.push(" ORDER BY fa.label, fa.id");
        sql
    };
    sql.push(" LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    let rows: Vec<_> = sql.load(conn)?;
    let total = total.seen(page, rows.len() as i64);
    Ok((rows, total))
}

/// Matches read by `families_beyond_cap`.
const SAMPLE: i64 = 4 * COUNT_CAP;

/// `COUNT_CAP` families as a lower bound ("1000+") when the first `SAMPLE` matches the name
/// index gives already belong to more than `COUNT_CAP` families; `None` otherwise (or without
/// a name search on `person_derived` alone), when the families must be counted. A broad
/// search ("al": a quarter of all persons) then costs a few milliseconds instead of walking
/// families in order until 1,001 are found (90 ms on PostgreSQL at 500,000 persons).
fn families_beyond_cap(conn: &mut DbConnection, scope: &OrgScope, filter: &PersonFilter) -> QueryResult<Option<Total>> {
    if !filter.key_is_indexed(conn) || !filter.on_derived_only() {
        return Ok(None);
    }
    let mut sql = Sql::new(conn);
    sql.push(
        "SELECT COUNT(DISTINCT s.family_id) AS n FROM (SELECT d.family_id AS family_id FROM person_derived d \
         WHERE d.family_id IS NOT NULL AND d.organisation_id = ",
    )
    .bind(scope.id().as_str());
    filter.push_conditions(&mut sql, scope, true);
    sql.push(" LIMIT ").bind(SAMPLE).push(") s");
    let n = sql.count(conn)?;
    Ok((n > COUNT_CAP).then_some(Total { n: COUNT_CAP, exact: false }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_total_is_corrected_by_the_page_that_was_read() {
        let capped = Total { n: COUNT_CAP, exact: false };
        let page = |offset| Page { limit: 50, offset };
        // A full page: more may follow; the bound rises past the cap with the pages read.
        assert_eq!(capped.seen(page(0), 50), capped);
        assert_eq!(capped.seen(page(2000), 50), Total { n: 2050, exact: false });
        // A short page ends the list: the total is known.
        assert_eq!(capped.seen(page(1200), 7), Total { n: 1207, exact: true });
        // Past the end: nothing learnt.
        assert_eq!(capped.seen(page(5000), 0), capped);
        let exact = Total { n: 12, exact: true };
        assert_eq!(exact.seen(page(0), 12), exact);
        assert!(capped.more_after(50) && capped.more_after(5000));
        assert!(!exact.more_after(12) && exact.more_after(11));
        assert_eq!((capped.label(), capped.pages_label(50)), ("1000+".to_string(), "20+".to_string()));
        assert_eq!((exact.label(), exact.pages_label(50)), ("12".to_string(), "1".to_string()));
    }
}
