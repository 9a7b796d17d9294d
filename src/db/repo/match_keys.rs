//! The blocking keys of the duplicate search (`domain::matching::keys`): each person's keys,
//! replaced for the persons a write touched or a chunk of a rebuild, and the persons that share
//! a set of keys with someone, most keys shared first. The keys of a probe are a handful of
//! strings (its name words and years), never a list of ids.

use super::bulk::{Bulk, Cell};
use super::sql::Sql;
use super::OrgScope;
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use chrono::NaiveDateTime;
use diesel::sql_types::{BigInt, Text};
use diesel::{QueryResult, QueryableByName};

/// Whose keys a replacement covers.
#[derive(Debug, Clone, Copy)]
pub enum Persons<'a> {
    /// A bounded set (the persons one write touched).
    Ids(&'a [PersonId]),
    /// The ids in `(after, last]` (a chunk of a rebuild).
    Range { after: &'a str, last: &'a str },
}

/// Replaces the keys of these persons with `keys` (person, key), in the caller's transaction.
pub fn replace(
    conn: &mut DbConnection,
    scope: &OrgScope,
    set: Persons,
    keys: &[(PersonId, String)],
) -> QueryResult<()> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM match_keys WHERE organisation_id = ").bind(scope.id().as_str());
    match set {
        Persons::Ids(ids) => {
            if ids.is_empty() {
                return Ok(());
            }
            q.push(" AND person_id IN (");
            q.bind_list(ids.iter().map(|x| x.as_str()));
            q.push(")");
        }
        Persons::Range { after, last } => {
            q.push(" AND person_id > ").bind(after).push(" AND person_id <= ").bind(last);
        }
    }
    q.execute(conn)?;
    let mut bulk = Bulk::new("match_keys", &["organisation_id", "match_key", "person_id"]);
    for (person, key) in keys {
        bulk.push(vec![Cell::from(scope.id().as_str()), Cell::from(key.as_str()), Cell::from(person.as_str())]);
        if bulk.is_full() {
            bulk.flush(conn)?;
        }
    }
    bulk.flush(conn)
}

#[derive(QueryableByName)]
struct Shared {
    #[diesel(sql_type = Text)]
    person_id: PersonId,
    #[diesel(sql_type = BigInt)]
    shared: i64,
}

/// The persons of the organisation filed under any of `keys` (at most `limit`, those sharing
/// the most keys first), with how many keys each shares.
pub fn sharing(
    conn: &mut DbConnection,
    scope: &OrgScope,
    keys: &[String],
    limit: i64,
) -> QueryResult<Vec<(PersonId, i64)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(conn);
    q.push("SELECT person_id, COUNT(*) AS shared FROM match_keys WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND match_key IN (");
    q.bind_list(keys.iter().map(|x| x.as_str()));
    q.push(") GROUP BY person_id ORDER BY shared DESC, person_id LIMIT ").bind(limit);
    let rows: Vec<Shared> = q.load(conn)?;
    Ok(rows.into_iter().map(|r| (r.person_id, r.shared)).collect())
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// The version of the rules and dictionary that built the organisation's keys (`None`: never
/// built).
pub fn version(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<Option<String>> {
    let mut q = Sql::new(conn);
    q.push("SELECT version FROM match_key_versions WHERE organisation_id = ").bind(scope.id().as_str());
    let rows: Vec<Version> = q.load(conn)?;
    Ok(rows.into_iter().next().map(|v| v.version))
}

/// Records that the organisation's keys were built by `version`.
pub fn set_version(conn: &mut DbConnection, scope: &OrgScope, version: &str, at: NaiveDateTime) -> QueryResult<()> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM match_key_versions WHERE organisation_id = ").bind(scope.id().as_str());
    q.execute(conn)?;
    let mut bulk = Bulk::new("match_key_versions", &["organisation_id", "version", "built_at"]);
    bulk.push(vec![Cell::from(scope.id().as_str()), Cell::from(version), Cell::Stamp(at)]);
    bulk.flush(conn)
}

/// How many keys the organisation has (for tests and the bench).
pub fn count(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<i64> {
    let mut q = Sql::new(conn);
    q.push("SELECT COUNT(*) AS n FROM match_keys WHERE organisation_id = ").bind(scope.id().as_str());
    q.count(conn)
}

#[derive(QueryableByName)]
struct Filed {
    #[diesel(sql_type = Text)]
    match_key: String,
    #[diesel(sql_type = Text)]
    person_id: PersonId,
}

/// The persons filed under each of `keys` (a bounded chunk) whose block holds at most `limit`
/// persons: a block larger than that (a common given name born in a common year) says too
/// little to be worth reading whole for many probes at once.
pub fn small_blocks(
    conn: &mut DbConnection,
    scope: &OrgScope,
    keys: &[String],
    limit: i64,
) -> QueryResult<Vec<(String, PersonId)>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(conn);
    q.push("SELECT m.match_key AS match_key, m.person_id AS person_id FROM match_keys m WHERE m.organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND m.match_key IN (SELECT match_key FROM match_keys WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND match_key IN (");
    q.bind_list(keys.iter().map(|x| x.as_str()));
    q.push(") GROUP BY match_key HAVING COUNT(*) <= ").bind(limit).push(")");
    Ok(q.load::<Filed>(conn)?.into_iter().map(|f| (f.match_key, f.person_id)).collect())
}

/// A page of the organisation's filed keys in key order, after `(key, person)`: the review
/// list reads every block once, a bounded page at a time, along the primary key.
pub fn page_after(
    conn: &mut DbConnection,
    scope: &OrgScope,
    after: Option<(&str, &str)>,
    limit: i64,
) -> QueryResult<Vec<(String, PersonId)>> {
    let mut q = Sql::new(conn);
    q.push("SELECT match_key, person_id FROM match_keys WHERE organisation_id = ").bind(scope.id().as_str());
    if let Some((key, person)) = after {
        // A row value: both databases walk the primary key from there.
        q.push(" AND (match_key, person_id) > (").bind(key).push(", ").bind(person).push(")");
    }
    q.push(" ORDER BY match_key, person_id LIMIT ").bind(limit);
    Ok(q.load::<Filed>(conn)?.into_iter().map(|f| (f.match_key, f.person_id)).collect())
}
