//! The statements of retention (`services::retention`): which families are due, and the
//! pseudonymisation of one family, every statement scoped to the organisation and to the family
//! by subqueries (no id lists bound).

use super::sql::Sql;
use crate::auth::OrgScope;
use crate::db::DbConnection;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::QueryResult;

/// The statuses a case ends in.
const ENDED: &str = "('repatriated', 'withdrawn', 'closed')";

/// The condition "family `f` is due": it has a case, it is not pseudonymised yet, neither it nor
/// its persons were edited on or after `ended_before`, and neither its cases nor any case one of
/// its persons is a member of is open or ended on or after `ended_before`.
fn push_due(q: &mut Sql, scope: &OrgScope, ended_before: NaiveDateTime) {
    q.push(" FROM families f WHERE f.organisation_id = ").bind(scope.id().as_str());
    push_due_of_f(q, ended_before);
}

/// The conditions on `f` (its organisation bound by the caller).
fn push_due_of_f(q: &mut Sql, ended_before: NaiveDateTime) {
    // Not edited since the cutoff, nor any of its persons (a newborn added, a note written).
    q.push(" AND f.updated_at < ").bind(ended_before);
    q.push(" AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.family_id = f.id AND p.organisation_id = f.organisation_id AND p.updated_at >= ")
        .bind(ended_before)
        .push(")");
    q.push(" AND f.pseudonymised_at IS NULL AND EXISTS (SELECT 1 FROM cases c WHERE c.family_id = f.id AND c.organisation_id = f.organisation_id)");
    q.push(" AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.family_id = f.id AND c.organisation_id = f.organisation_id AND (c.status NOT IN ")
        .push(ENDED)
        .push(" OR c.status_since >= ")
        .bind(ended_before)
        .push("))");
    q.push(" AND NOT EXISTS (SELECT 1 FROM persons p JOIN case_members m ON m.person_id = p.id JOIN cases c ON c.id = m.case_id")
        .push(" WHERE p.family_id = f.id AND p.organisation_id = f.organisation_id AND (c.status NOT IN ")
        .push(ENDED)
        .push(" OR c.status_since >= ")
        .bind(ended_before)
        .push("))");
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// How many families of the organisation are due.
pub fn count_due(conn: &mut DbConnection, scope: &OrgScope, ended_before: NaiveDateTime) -> QueryResult<i64> {
    let mut q = Sql::new(conn);
    q.push("SELECT COUNT(*) AS n");
    push_due(&mut q, scope, ended_before);
    q.count(conn)
}

/// The next due families after `after` (by id), at most `limit`.
pub fn due(
    conn: &mut DbConnection,
    scope: &OrgScope,
    ended_before: NaiveDateTime,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let mut q = Sql::new(conn);
    q.push("SELECT f.id AS id");
    push_due(&mut q, scope, ended_before);
    q.push(" AND f.id > ").bind(after).push(" ORDER BY f.id LIMIT ").bind(limit);
    Ok(q.load::<Id>(conn)?.into_iter().map(|r| r.id).collect())
}

/// The ids of the family's persons, as a subquery with its two binds.
fn persons_of(q: &mut Sql, scope: &OrgScope, family: &str) {
    q.push("(SELECT id FROM persons WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND family_id = ")
        .bind(family)
        .push(")");
}

/// The ids of the family's cases, as a subquery.
fn cases_of(q: &mut Sql, scope: &OrgScope, family: &str) {
    q.push("(SELECT id FROM cases WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND family_id = ")
        .bind(family)
        .push(")");
}

/// The ids of the family's persons (a family holds a handful).
pub fn person_ids(conn: &mut DbConnection, scope: &OrgScope, family: &str) -> QueryResult<Vec<String>> {
    let mut q = Sql::new(conn);
    q.push("SELECT id AS id FROM persons WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND family_id = ")
        .bind(family);
    Ok(q.load::<Id>(conn)?.into_iter().map(|r| r.id).collect())
}

/// A date column cut to the start (or the end) of its year, in the backend's dialect.
fn year_of(pg: bool, column: &str, end: bool) -> String {
    match (pg, end) {
        (false, false) => format!("date({column}, 'start of year')"),
        (false, true) => format!("date({column}, 'start of year', '+1 year', '-1 day')"),
        (true, false) => format!("CAST(date_trunc('year', {column}) AS DATE)"),
        (true, true) => format!("CAST(date_trunc('year', {column}) + INTERVAL '1 year' - INTERVAL '1 day' AS DATE)"),
    }
}

/// Pseudonymises one family: every name, note, place and free text of the family, its persons,
/// their claims, custody, consents and cases is removed or replaced by a pseudonym made from the
/// record's id; birth and departure dates keep only their years; the change history of these
/// records and the duplicate pairs and merge snapshots that hold their names go. What counts
/// (ids, sex, years, nationality claims and their status, custody facilities and dates, case
/// statuses, kinship links) stays. Returns the number of persons.
pub fn pseudonymise_family(
    conn: &mut DbConnection,
    scope: &OrgScope,
    family: &str,
    ended_before: NaiveDateTime,
    at: NaiveDateTime,
) -> QueryResult<Option<usize>> {
    let org = scope.id().as_str().to_string();
    let pg = Sql::new(conn).is_pg();
    // Claimed first, in this transaction, only if still due (a case opened since the list was
    // read, or another run that took it, leaves it alone; on PostgreSQL the row stays locked).
    let mut q = Sql::new(conn);
    q.push("UPDATE families SET pseudonymised_at = ").bind(at);
    q.push(" WHERE organisation_id = ").bind(org.as_str()).push(" AND id = ").bind(family);
    q.push(" AND id IN (SELECT f.id FROM families f WHERE f.organisation_id = ").bind(org.as_str());
    push_due_of_f(&mut q, ended_before);
    q.push(")");
    if q.execute(conn)? != 1 {
        return Ok(None);
    }
    // Persons: a pseudonym, no place, no notes, years only.
    let mut q = Sql::new(conn);
    // Pseudonyms from the ids' random tails (their heads are the creation time, shared by a family).
    q.push(
        "UPDATE persons SET given_name = '', family_name = 'P-' || substr(id, 25, 12), place_of_birth = '', notes = ''",
    );
    for (col, end) in [
        ("birth_earliest", false),
        ("birth_latest", true),
        ("left_home_earliest", false),
        ("left_home_latest", true),
        ("date_of_death", false),
    ] {
        q.push(&format!(", {col} = {}", year_of(pg, col, end)));
    }
    q.push(", version = version + 1, updated_at = ").bind(at);
    q.push(" WHERE organisation_id = ").bind(org.as_str()).push(" AND family_id = ").bind(family);
    let persons = q.execute(conn)?;

    // Statements of the form "<head> WHERE organisation_id = ? AND <column> IN <persons>".
    // (Each by an index that leads with the person's id.)
    let by_person: [(&str, &str); 5] = [
        ("DELETE FROM person_names", "person_id"),
        ("UPDATE nationality_claims SET legal_note = '', source = ''", "person_id"),
        ("UPDATE custody_events SET note = ''", "person_id"),
        ("DELETE FROM match_keys", "person_id"),
        // A list's row keys name the person (or hash their names): a re-import would link back.
        ("DELETE FROM import_rows", "person_id"),
    ];
    for (head, column) in by_person {
        let mut q = Sql::new(conn);
        q.push(head).push(" WHERE organisation_id = ").bind(org.as_str()).push(&format!(" AND {column} IN "));
        persons_of(&mut q, scope, family);
        q.execute(conn)?;
    }
    for column in ["person_a", "person_b"] {
        let mut q = Sql::new(conn);
        q.push("DELETE FROM duplicate_pairs WHERE organisation_id = ")
            .bind(org.as_str())
            .push(&format!(" AND {column} IN "));
        persons_of(&mut q, scope, family);
        q.execute(conn)?;
    }
    for column in ["kept_id", "merged_id"] {
        let mut q = Sql::new(conn);
        q.push("UPDATE merges SET merged_name = '', snapshot = '{}' WHERE organisation_id = ")
            .bind(org.as_str())
            .push(&format!(" AND {column} IN "));
        persons_of(&mut q, scope, family);
        q.execute(conn)?;
    }
    // The change history of the family, its persons and their records.
    // Three statements, each on an index (one with OR would scan the table for every family).
    let mut q = Sql::new(conn);
    q.push("DELETE FROM record_changes WHERE organisation_id = ")
        .bind(org.as_str())
        .push(" AND family_id = ")
        .bind(family);
    q.execute(conn)?;
    let mut q = Sql::new(conn);
    q.push("DELETE FROM record_changes WHERE entity_type = 'family' AND entity_id = ").bind(family);
    q.push(" AND organisation_id = ").bind(org.as_str());
    q.execute(conn)?;
    let mut q = Sql::new(conn);
    q.push("DELETE FROM record_changes WHERE entity_type = 'person' AND organisation_id = ").bind(org.as_str());
    q.push(" AND entity_id IN ");
    persons_of(&mut q, scope, family);
    q.execute(conn)?;
    // Cases: the free texts.
    for head in ["UPDATE case_events SET note = ''", "UPDATE case_consents SET given_by_name = ''"] {
        let mut q = Sql::new(conn);
        q.push(head).push(" WHERE organisation_id = ").bind(org.as_str()).push(" AND case_id IN ");
        cases_of(&mut q, scope, family);
        q.execute(conn)?;
    }
    let mut q = Sql::new(conn);
    q.push("UPDATE cases SET next_action = '', wish_override = CASE WHEN wish_override IS NULL THEN NULL ELSE '-' END");
    q.push(", version = version + 1, updated_at = ").bind(at);
    q.push(" WHERE organisation_id = ").bind(org.as_str()).push(" AND family_id = ").bind(family);
    q.execute(conn)?;
    // The family last: its pseudonym and the moment.
    let mut q = Sql::new(conn);
    q.push("UPDATE families SET label = 'F-' || substr(id, 25, 12), notes = '', version = version + 1");
    q.push(" WHERE organisation_id = ").bind(org.as_str()).push(" AND id = ").bind(family);
    q.execute(conn)?;
    Ok(Some(persons))
}

/// The day before which ended cases are due, for a period of `days` ending `today`.
pub fn cutoff(today: NaiveDate, days: u32) -> NaiveDateTime {
    (today - chrono::Duration::days(i64::from(days))).and_hms_opt(0, 0, 0).unwrap_or_default()
}

/// Drops the duplicate keys of the family's persons.
pub fn forget_match_keys(conn: &mut DbConnection, scope: &OrgScope, family: &str) -> QueryResult<usize> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM match_keys WHERE organisation_id = ").bind(scope.id().as_str()).push(" AND person_id IN ");
    persons_of(&mut q, scope, family);
    q.execute(conn)
}

/// Drops the organisation's birth-range counts that fell to zero: after a family's dates were cut
/// to their years, its exact ranges stay as rows counting nobody (the backlog reads only n <> 0).
pub fn drop_empty_birth_counts(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<usize> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM backlog_births WHERE organisation_id = ").bind(scope.id().as_str()).push(" AND n = 0");
    q.execute(conn)
}
