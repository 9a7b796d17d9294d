//! Everything policy evaluation reads about a chunk of an organisation's persons, each table
//! read with one range scan over person ids (`after < person_id <= last`), kin reached through
//! subqueries on the kinship table: a fixed number of queries per chunk whatever its size, and
//! no list of ids bound. A chunk may be narrowed to the claimants of one country (a simulation).

use super::sql::Sql;
use super::OrgScope;
use crate::db::models::{
    ClaimRow, CustodyEventRow, EligibilityRow, KinshipRow, PersonFlagRow, PersonRow, PersonWishRow,
};
use crate::db::DbConnection;
use crate::domain::country::CountryCode;
use crate::domain::ids::PersonId;
use diesel::QueryResult;

/// A chunk of persons: ids in `(after, last]`, optionally only those with a claim to a country.
#[derive(Debug, Clone)]
pub struct Chunk {
    after: String,
    last: PersonId,
    claimants_of: Option<CountryCode>,
}

impl Chunk {
    /// The next chunk of at most `limit` persons after `after` (`None` from the start), with its
    /// persons; `None` when there are no more.
    pub fn next(
        conn: &mut DbConnection,
        scope: &OrgScope,
        after: Option<&PersonId>,
        claimants_of: Option<CountryCode>,
        limit: i64,
    ) -> QueryResult<Option<(Chunk, Vec<PersonRow>)>> {
        let after = after.map(|a| a.as_str().to_string()).unwrap_or_default();
        let mut sql = Sql::new(conn);
        sql.push(&format!("SELECT p.* FROM persons p WHERE {}", org_check(conn, "p"))).bind(scope.id().as_str());
        match claimants_of {
            // The claimants, walked in the claims' own (organisation, country, person) order.
            Some(c) => sql
                .push(" AND p.id IN (SELECT person_id FROM nationality_claims WHERE organisation_id = ")
                .bind(scope.id().as_str())
                .push(" AND country_code = ")
                .bind(c.as_str())
                .push(" AND person_id > ")
                .bind(after.clone())
                .push(" ORDER BY person_id LIMIT ")
                .bind(limit)
                .push(") ORDER BY p.id"),
            None => sql.push(" AND p.id > ").bind(after.clone()).push(" ORDER BY p.id LIMIT ").bind(limit),
        };
        let persons: Vec<PersonRow> = sql.load(conn)?;
        Ok(persons.last().map(|l| l.id.clone()).map(|last| (Chunk { after, last, claimants_of }, persons)))
    }

    /// The last person id of the chunk (where the next one starts).
    pub fn last(&self) -> &PersonId {
        &self.last
    }

    /// The chunk's person ids as `(after, last]`.
    pub fn bounds(&self) -> (&str, &str) {
        (&self.after, self.last.as_str())
    }

    /// `SELECT <alias>.* FROM <table> <alias> WHERE` the organisation's rows of the chunk, by
    /// the person id column `col`.
    fn select(&self, conn: &DbConnection, scope: &OrgScope, table: &str, alias: &str, col: &str) -> Sql {
        let mut sql = Sql::new(conn);
        sql.push(&format!("SELECT {alias}.* FROM {table} {alias} WHERE {}", org_check(conn, alias)))
            .bind(scope.id().as_str());
        self.narrow(&mut sql, scope, &format!("{alias}.{col}"));
        sql
    }

    /// ` AND col` within the chunk (and, for a simulation, a claimant of its country).
    fn narrow(&self, sql: &mut Sql, scope: &OrgScope, col: &str) {
        sql.push(&format!(" AND {col} > ")).bind(self.after.clone());
        sql.push(&format!(" AND {col} <= ")).bind(self.last.as_str());
        if let Some(c) = self.claimants_of {
            sql.push(&format!(" AND {col} IN (SELECT person_id FROM nationality_claims WHERE organisation_id = "))
                .bind(scope.id().as_str())
                .push(" AND country_code = ")
                .bind(c.as_str())
                .push(" AND person_id > ")
                .bind(self.after.clone())
                .push(" AND person_id <= ")
                .bind(self.last.as_str())
                .push(")");
        }
    }

    /// `SELECT <what> FROM kinships WHERE` parent links of the chunk, by `by` (`person_id`: the
    /// chunk's persons are the parents; `relative_id`: they are the children).
    fn parent_links(&self, sql: &mut Sql, scope: &OrgScope, what: &str, by: &str) {
        let check = if sql.is_pg() { "k.organisation_id = " } else { "+k.organisation_id = " };
        sql.push(&format!("SELECT {what} FROM kinships k WHERE {check}"))
            .bind(scope.id().as_str())
            .push(" AND k.kind = 'parent_of'");
        self.narrow(sql, scope, &format!("k.{by}"));
    }
}

/// `<alias>.organisation_id = ` written so that SQLite never reads it from an index (a unary
/// `+`): every row of a one-organisation registry matches it, and the person range is the way
/// in, whatever the statistics say. PostgreSQL's planner weighs them itself.
fn org_check(conn: &DbConnection, alias: &str) -> String {
    if crate::db::backend(conn) == crate::db::Backend::Postgres {
        format!("{alias}.organisation_id = ")
    } else {
        format!("+{alias}.organisation_id = ")
    }
}

/// The chunk's claims.
pub fn claims(conn: &mut DbConnection, scope: &OrgScope, c: &Chunk) -> QueryResult<Vec<ClaimRow>> {
    let mut sql = c.select(conn, scope, "nationality_claims", "nc", "person_id");
    sql.push(" ORDER BY nc.person_id, nc.created_at, nc.id");
    sql.load(conn)
}

/// The chunk's custody events, oldest first per person.
pub fn custody(conn: &mut DbConnection, scope: &OrgScope, c: &Chunk) -> QueryResult<Vec<CustodyEventRow>> {
    let mut sql = c.select(conn, scope, "custody_events", "ce", "person_id");
    sql.push(" ORDER BY ce.person_id, ce.event_earliest, ce.created_at, ce.id");
    sql.load(conn)
}

/// The chunk's wishes, oldest first per person (the last is the wish now).
pub fn wishes(conn: &mut DbConnection, scope: &OrgScope, c: &Chunk) -> QueryResult<Vec<PersonWishRow>> {
    let mut sql = c.select(conn, scope, "person_wishes", "w", "person_id");
    sql.push(" ORDER BY w.person_id, w.recorded_at, w.id");
    sql.load(conn)
}

/// The chunk's flags.
pub fn flags(conn: &mut DbConnection, scope: &OrgScope, c: &Chunk) -> QueryResult<Vec<PersonFlagRow>> {
    c.select(conn, scope, "person_flags", "fl", "person_id").load(conn)
}

/// Parent links from the chunk's persons to their children (`as_parent`), or to the chunk's
/// persons from their parents.
pub fn parent_links(
    conn: &mut DbConnection,
    scope: &OrgScope,
    c: &Chunk,
    as_parent: bool,
) -> QueryResult<Vec<KinshipRow>> {
    let mut sql = Sql::new(conn);
    c.parent_links(&mut sql, scope, "k.*", if as_parent { "person_id" } else { "relative_id" });
    sql.load(conn)
}

/// The children of the chunk's persons (for their birth dates), wherever they are recorded.
pub fn children(conn: &mut DbConnection, scope: &OrgScope, c: &Chunk) -> QueryResult<Vec<PersonRow>> {
    let mut sql = Sql::new(conn);
    sql.push("SELECT p.* FROM persons p WHERE p.organisation_id = ").bind(scope.id().as_str()).push(" AND p.id IN (");
    c.parent_links(&mut sql, scope, "k.relative_id", "person_id");
    sql.push(")");
    sql.load(conn)
}

/// The custody events of the chunk's persons' children (`children: true`) or parents.
pub fn kin_custody(
    conn: &mut DbConnection,
    scope: &OrgScope,
    c: &Chunk,
    children: bool,
) -> QueryResult<Vec<CustodyEventRow>> {
    let mut sql = Sql::new(conn);
    sql.push("SELECT ce.* FROM custody_events ce WHERE ce.organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND ce.person_id IN (");
    if children {
        c.parent_links(&mut sql, scope, "k.relative_id", "person_id");
    } else {
        c.parent_links(&mut sql, scope, "k.person_id", "relative_id");
    }
    sql.push(") ORDER BY ce.person_id, ce.event_earliest, ce.created_at, ce.id");
    sql.load(conn)
}

/// The chunk's stored results.
pub fn results(conn: &mut DbConnection, scope: &OrgScope, c: &Chunk) -> QueryResult<Vec<EligibilityRow>> {
    c.select(conn, scope, "eligibility_results", "er", "person_id").load(conn)
}

/// Deletes the chunk's stored results whose claim is gone; the number deleted.
pub fn delete_orphan_results(conn: &mut DbConnection, scope: &OrgScope, c: &Chunk) -> QueryResult<usize> {
    let mut sql = Sql::new(conn);
    sql.push(&format!("DELETE FROM eligibility_results WHERE {}", org_check(conn, "eligibility_results")))
        .bind(scope.id().as_str());
    c.narrow(&mut sql, scope, "person_id");
    sql.push(
        " AND NOT EXISTS (SELECT 1 FROM nationality_claims c WHERE c.person_id = eligibility_results.person_id \
         AND c.country_code = eligibility_results.country_code)",
    );
    sql.execute(conn)
}
