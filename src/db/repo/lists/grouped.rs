//! The family list of a name search, grouped from `person_derived` alone: each matching
//! person's row there holds its search key and its family (migration 000013), so the matches
//! are read once, grouped by family with their best rank, and only the page's families are
//! read from `families`. One statement gives the page and the exact totals.
//!
//! It costs in proportion to the matches: at 500,000 persons the most common given name
//! matches 8,800 persons in 8,400 families and takes about 20 ms on either database. A search
//! that matches more than `CAP` persons (a fragment such as "umm") is left to the shapes of
//! the parent module, which read families in label order and stop at the page.

use super::super::sql::Sql;
use super::super::{OrgScope, Page};
use super::{PersonFilter, Total};
use crate::db::models::FamilyRow;
use crate::db::DbConnection;
use diesel::sql_types::BigInt;
use diesel::{QueryResult, QueryableByName};

/// Matching persons beyond which a search is too broad to group.
pub const CAP: i64 = 20_000;

/// A family of the page with the totals of the whole search.
#[derive(QueryableByName)]
struct Grouped {
    #[diesel(embed)]
    family: FamilyRow,
    #[diesel(sql_type = BigInt)]
    families: i64,
    #[diesel(sql_type = BigInt)]
    persons: i64,
}

/// What the grouped query found.
pub enum Found {
    /// The page and the exact totals.
    Page(Vec<FamilyRow>, Total),
    /// More than `CAP` persons match: the caller takes the other shapes.
    Broad,
    /// The filter cannot be grouped.
    Not,
}

/// Whether the filter can be grouped: a name search its index reads, and no condition on
/// `persons` (only on `person_derived`).
pub fn applies(conn: &DbConnection, filter: &PersonFilter) -> bool {
    filter.has_readable_key(conn) && filter.on_derived_only()
}

/// Whether the search matches more than `CAP` persons in the whole deployment, told before
/// any row is read: SQLite counts in its trigram index alone (a few milliseconds for 20,000);
/// PostgreSQL's trigram index cannot count without reading each row, so its planner's
/// estimate decides (within a factor of two of the truth on the synthetic registry, and an
/// estimate too low only costs reading `CAP` rows before the scan).
fn broad(conn: &mut DbConnection, scope: &OrgScope, filter: &PersonFilter) -> QueryResult<bool> {
    if crate::db::backend(conn) == crate::db::Backend::Postgres {
        let mut sql = Sql::new(conn);
        sql.push("EXPLAIN SELECT 1 FROM person_derived d WHERE TRUE");
        filter.push_conditions(&mut sql, scope, true);
        let plan: Vec<Plan> = sql.load(conn)?;
        let rows = plan.first().and_then(|p| estimated_rows(&p.line)).unwrap_or(0);
        Ok(rows > 2 * CAP)
    } else {
        let mut sql = Sql::new(conn);
        sql.push("SELECT COUNT(*) AS n FROM (SELECT 1 FROM person_search WHERE person_search MATCH ")
            .bind(filter.fts_query())
            .push(" LIMIT ")
            .bind(CAP + 1)
            .push(") c");
        Ok(sql.count(conn)? > CAP)
    }
}

/// A line of PostgreSQL's `EXPLAIN`.
#[derive(QueryableByName)]
struct Plan {
    #[diesel(sql_type = diesel::sql_types::Text, column_name = "QUERY PLAN")]
    line: String,
}

/// The `rows=` of a plan line (`Bitmap Heap Scan on ... (cost=... rows=63198 width=4)`).
fn estimated_rows(line: &str) -> Option<i64> {
    let rest = &line[line.find(" rows=")? + 6..];
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// The page of families with a member matching the search, the family of the best-ranked
/// member first (`PersonFilter::push_rank`), then by id: a stable order that costs nothing
/// (by name it would cost a third more: the smallest key of each group).
pub fn families(conn: &mut DbConnection, scope: &OrgScope, filter: &PersonFilter, page: Page) -> QueryResult<Found> {
    if !applies(conn, filter) {
        return Ok(Found::Not);
    }
    if broad(conn, scope, filter)? {
        return Ok(Found::Broad);
    }
    let mut sql = Sql::new(conn);
    // Window functions are computed over the groups before the page is cut: `families` counts
    // the groups, `persons` the matches (which tell whether the cap was reached after all).
    sql.push(
        "SELECT fa.*, g.families AS families, g.persons AS persons FROM (\
         SELECT m.family_id AS family_id, MIN(m.rank) AS rank, \
         COUNT(*) OVER () AS families, CAST(SUM(COUNT(*)) OVER () AS BIGINT) AS persons FROM (\
         SELECT d.family_id AS family_id, ",
    );
    filter.push_rank(&mut sql);
    sql.push(" AS rank FROM person_derived d WHERE d.family_id IS NOT NULL AND d.organisation_id = ")
        .bind(scope.id().as_str());
    filter.push_conditions(&mut sql, scope, true);
    sql.push(" LIMIT ")
        .bind(CAP + 1)
        .push(") m GROUP BY m.family_id ORDER BY rank, family_id LIMIT ")
        .bind(page.limit)
        .push(" OFFSET ")
        .bind(page.offset)
        .push(") g JOIN families fa ON fa.id = g.family_id WHERE fa.organisation_id = ")
        .bind(scope.id().as_str())
        .push(" ORDER BY g.rank, g.family_id");
    let rows: Vec<Grouped> = sql.load(conn)?;
    let Some(first) = rows.first() else {
        if page.offset == 0 {
            return Ok(Found::Page(Vec::new(), Total { n: 0, exact: true }));
        }
        // A page past the end: the first page's totals, with no rows (the other shapes would
        // count the families of a broad name one by one: 0.9 s for "Амина" at 500,000).
        return Ok(match families(conn, scope, filter, Page { limit: 1, offset: 0 })? {
            Found::Page(_, total) => Found::Page(Vec::new(), total),
            other => other,
        });
    };
    if first.persons > CAP {
        return Ok(Found::Broad);
    }
    let total = Total { n: first.families, exact: true };
    Ok(Found::Page(rows.into_iter().map(|g| g.family).collect(), total))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_estimate_is_read_from_the_plan() {
        let line = "Bitmap Heap Scan on person_derived d  (cost=593.78..29368.75 rows=63198 width=4)";
        assert_eq!(super::estimated_rows(line), Some(63_198));
        assert_eq!(super::estimated_rows("Result  (cost=0.00..0.01 rows=1 width=4)"), Some(1));
        assert_eq!(super::estimated_rows("  Recheck Cond: (x)"), None);
    }
}
