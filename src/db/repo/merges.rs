//! What a merge of two persons writes (migration 000011): the rows of one person moved to
//! another by id (and back, for an undo), the rows of the merged person that go with it, and
//! the `merges` table that keeps each merge's snapshot. Every statement is scoped to the
//! organisation; the lists bound are the ids of one person's rows (a bounded set, bound a chunk
//! at a time).

use super::sql::Sql;
use super::OrgScope;
use crate::db::models::CaseMemberRow;
use crate::db::schema::case_members as cm;
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};

/// A table whose rows belong to a person, and the columns that say which row and whose.
#[derive(Debug, Clone, Copy)]
pub struct Owned {
    pub table: &'static str,
    pub id: &'static str,
    pub person: &'static str,
}

pub const NAMES: Owned = Owned { table: "person_names", id: "id", person: "person_id" };
pub const CLAIMS: Owned = Owned { table: "nationality_claims", id: "id", person: "person_id" };
pub const CUSTODY: Owned = Owned { table: "custody_events", id: "id", person: "person_id" };
pub const WISHES: Owned = Owned { table: "person_wishes", id: "id", person: "person_id" };
pub const CONSENTS: Owned = Owned { table: "case_consents", id: "id", person: "person_id" };
pub const IMPORT_ROWS: Owned = Owned { table: "import_rows", id: "row_key", person: "person_id" };
pub const KIN_PERSON: Owned = Owned { table: "kinships", id: "id", person: "person_id" };
pub const KIN_RELATIVE: Owned = Owned { table: "kinships", id: "id", person: "relative_id" };

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

/// The ids of `person`'s rows of a table.
pub fn ids_of(conn: &mut DbConnection, scope: &OrgScope, t: Owned, person: &PersonId) -> QueryResult<Vec<String>> {
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT {} AS id FROM {} WHERE organisation_id = ", t.id, t.table))
        .bind(scope.id().as_str())
        .push(&format!(" AND {} = ", t.person))
        .bind(person.as_str())
        .push(&format!(" ORDER BY {}", t.id));
    Ok(q.load::<Id>(conn)?.into_iter().map(|r| r.id).collect())
}

/// Moves the rows `ids` of a table from `from` to `to` (only those still `from`'s); how many
/// moved.
pub fn move_rows(
    conn: &mut DbConnection,
    scope: &OrgScope,
    t: Owned,
    ids: &[String],
    from: &PersonId,
    to: &PersonId,
) -> QueryResult<usize> {
    let mut moved = 0;
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(conn);
        q.push(&format!("UPDATE {} SET {} = ", t.table, t.person))
            .bind(to.as_str())
            .push(" WHERE organisation_id = ")
            .bind(scope.id().as_str())
            .push(&format!(" AND {} = ", t.person))
            .bind(from.as_str())
            .push(&format!(" AND {} IN (", t.id));
        q.bind_list(chunk.iter().map(String::as_str));
        q.push(")");
        moved += q.execute(conn)?;
    }
    Ok(moved)
}

/// Deletes the rows `ids` of a table that belong to `person`.
pub fn delete_rows(
    conn: &mut DbConnection,
    scope: &OrgScope,
    t: Owned,
    ids: &[String],
    person: &PersonId,
) -> QueryResult<usize> {
    let mut gone = 0;
    for chunk in ids.chunks(500) {
        let mut q = Sql::new(conn);
        q.push(&format!("DELETE FROM {} WHERE organisation_id = ", t.table))
            .bind(scope.id().as_str())
            .push(&format!(" AND {} = ", t.person))
            .bind(person.as_str())
            .push(&format!(" AND {} IN (", t.id));
        q.bind_list(chunk.iter().map(String::as_str));
        q.push(")");
        gone += q.execute(conn)?;
    }
    Ok(gone)
}

/// Deletes a person's row and what derives from it (its searchable columns, stored outcomes,
/// flags and duplicate keys): the merged person's. False when the row was not there (gone
/// meanwhile).
pub fn delete_derived(conn: &mut DbConnection, scope: &OrgScope, person: &PersonId) -> QueryResult<bool> {
    let mut gone = 0;
    for table in ["person_derived", "eligibility_results", "person_flags", "match_keys", "persons"] {
        let col = if table == "persons" { "id" } else { "person_id" };
        let mut q = Sql::new(conn);
        q.push(&format!("DELETE FROM {table} WHERE organisation_id = "))
            .bind(scope.id().as_str())
            .push(&format!(" AND {col} = "))
            .bind(person.as_str());
        gone = q.execute(conn)?;
    }
    Ok(gone == 1)
}

/// Raises a person's version, if it is `expected` (any, with `None`): the row is then locked
/// until the transaction ends (PostgreSQL; SQLite's writer holds the whole file). False when
/// the person is gone or at another version.
pub fn bump_version(
    conn: &mut DbConnection,
    scope: &OrgScope,
    person: &PersonId,
    expected: Option<i64>,
) -> QueryResult<bool> {
    let mut q = Sql::new(conn);
    q.push("UPDATE persons SET version = version + 1 WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND id = ")
        .bind(person.as_str());
    if let Some(v) = expected {
        q.push(" AND version = ").bind(v);
    }
    Ok(q.execute(conn)? == 1)
}

/// Moves the consents `from` holds in these cases to `to` (an undo: the consents recorded
/// after a merge in the cases the merged person brought are the returning member's).
pub fn move_consents_in_cases(
    conn: &mut DbConnection,
    scope: &OrgScope,
    from: &PersonId,
    to: &PersonId,
    cases: &[crate::domain::ids::CaseId],
) -> QueryResult<usize> {
    let mut moved = 0;
    for chunk in cases.chunks(500) {
        if chunk.is_empty() {
            continue;
        }
        let mut q = Sql::new(conn);
        q.push("UPDATE case_consents SET person_id = ")
            .bind(to.as_str())
            .push(" WHERE organisation_id = ")
            .bind(scope.id().as_str())
            .push(" AND person_id = ")
            .bind(from.as_str())
            .push(" AND case_id IN (");
        q.bind_list(chunk.iter().map(|c| c.as_str()));
        q.push(")");
        moved += q.execute(conn)?;
    }
    Ok(moved)
}

/// The case memberships of a person.
pub fn memberships(conn: &mut DbConnection, scope: &OrgScope, person: &PersonId) -> QueryResult<Vec<CaseMemberRow>> {
    cm::table
        .filter(cm::organisation_id.eq(scope.id()))
        .filter(cm::person_id.eq(person))
        .order(cm::case_id)
        .select(CaseMemberRow::as_select())
        .load(conn)
}

/// Adds case memberships.
pub fn add_memberships(conn: &mut DbConnection, scope: &OrgScope, rows: &[CaseMemberRow]) -> QueryResult<()> {
    for r in rows {
        if &r.organisation_id != scope.id() {
            return Err(super::outside_scope());
        }
        diesel::insert_into(cm::table).values(r).execute(conn)?;
    }
    Ok(())
}

/// Removes a person's memberships of these cases.
pub fn remove_memberships(
    conn: &mut DbConnection,
    scope: &OrgScope,
    person: &PersonId,
    cases: &[crate::domain::ids::CaseId],
) -> QueryResult<usize> {
    diesel::delete(
        cm::table
            .filter(cm::organisation_id.eq(scope.id()))
            .filter(cm::person_id.eq(person))
            .filter(cm::case_id.eq_any(cases)),
    )
    .execute(conn)
}

/// A merge as stored.
#[derive(Debug, Clone, QueryableByName)]
pub struct MergeRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub kept_id: PersonId,
    #[diesel(sql_type = Text)]
    pub merged_id: PersonId,
    #[diesel(sql_type = Text)]
    pub merged_name: String,
    #[diesel(sql_type = Text)]
    pub snapshot: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub merged_by: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub merged_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    pub undone_by: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub undone_at: Option<NaiveDateTime>,
}

const MERGE_COLUMNS: &str = "id, kept_id, merged_id, merged_name, snapshot, merged_by, merged_at, undone_by, undone_at";

/// Stores a merge.
pub fn insert(conn: &mut DbConnection, scope: &OrgScope, m: &MergeRow) -> QueryResult<()> {
    let mut q = Sql::new(conn);
    q.push("INSERT INTO merges (organisation_id, id, kept_id, merged_id, merged_name, snapshot, merged_by, merged_at) VALUES (")
        .bind(scope.id().as_str());
    for v in [m.id.as_str(), m.kept_id.as_str(), m.merged_id.as_str(), m.merged_name.as_str(), m.snapshot.as_str()] {
        q.push(", ").bind(v);
    }
    q.push(", ").bind(m.merged_by.clone()).push(", ").bind(m.merged_at).push(")");
    q.execute(conn).map(|_| ())
}

/// One merge of the organisation.
pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> QueryResult<Option<MergeRow>> {
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT {MERGE_COLUMNS} FROM merges WHERE organisation_id = "))
        .bind(scope.id().as_str())
        .push(" AND id = ")
        .bind(id);
    Ok(q.load::<MergeRow>(conn)?.into_iter().next())
}

/// The merges into a person, or of a person merged away, newest first.
pub fn of_person(conn: &mut DbConnection, scope: &OrgScope, person: &PersonId) -> QueryResult<Vec<MergeRow>> {
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT {MERGE_COLUMNS} FROM merges WHERE organisation_id = "))
        .bind(scope.id().as_str())
        .push(" AND (kept_id = ")
        .bind(person.as_str())
        .push(" OR merged_id = ")
        .bind(person.as_str())
        .push(") ORDER BY merged_at DESC, id LIMIT 50");
    q.load(conn)
}

/// The organisation's merges, newest first.
pub fn recent(conn: &mut DbConnection, scope: &OrgScope, page: super::Page) -> QueryResult<Vec<MergeRow>> {
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT {MERGE_COLUMNS} FROM merges WHERE organisation_id = "))
        .bind(scope.id().as_str())
        .push(" ORDER BY merged_at DESC, id LIMIT ")
        .bind(page.limit)
        .push(" OFFSET ")
        .bind(page.offset);
    q.load(conn)
}

/// How many merges the organisation has.
pub fn count(conn: &mut DbConnection, scope: &OrgScope) -> QueryResult<i64> {
    let mut q = Sql::new(conn);
    q.push("SELECT COUNT(*) AS n FROM merges WHERE organisation_id = ").bind(scope.id().as_str());
    q.count(conn)
}

/// Marks a merge undone; false when it already was (someone else undid it first).
pub fn mark_undone(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &str,
    by: Option<String>,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let mut q = Sql::new(conn);
    q.push("UPDATE merges SET undone_by = ")
        .bind(by)
        .push(", undone_at = ")
        .bind(at)
        .push(" WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND id = ")
        .bind(id)
        .push(" AND undone_at IS NULL");
    Ok(q.execute(conn)? == 1)
}
