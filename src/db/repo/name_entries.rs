//! The names admins added to the dictionary of name variants (`name_entries`, migration
//! 000012): deployment-wide reference data, added and removed, never edited.

use super::sql::Sql;
use crate::db::DbConnection;
use chrono::NaiveDateTime;
use diesel::sql_types::{Double, Nullable, Text, Timestamp};
use diesel::{QueryResult, QueryableByName};

/// A stored entry; `variants` is the JSON array as stored.
#[derive(Debug, Clone, QueryableByName)]
pub struct NameEntryRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Double)]
    pub frequency: f64,
    #[diesel(sql_type = Text)]
    pub variants: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub added_by: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub organisation_id: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub added_at: NaiveDateTime,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

const COLUMNS: &str = "id, name, frequency, variants, added_by, organisation_id, added_at";

/// Every entry, oldest first (the order they are added to the dictionary in, which its
/// fingerprint depends on; the id breaks ties between entries added in the same instant).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<NameEntryRow>> {
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT {COLUMNS} FROM name_entries ORDER BY added_at, id"));
    q.load(conn)
}

/// The ids of every entry, in order: what a server compares to notice another's change (the
/// table is small, and its primary key index answers without reading the rows).
pub fn ids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let mut q = Sql::new(conn);
    q.push("SELECT id FROM name_entries ORDER BY id");
    Ok(q.load::<Id>(conn)?.into_iter().map(|r| r.id).collect())
}

/// One entry.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<NameEntryRow>> {
    let mut q = Sql::new(conn);
    q.push(&format!("SELECT {COLUMNS} FROM name_entries WHERE id = ")).bind(id);
    Ok(q.load(conn)?.into_iter().next())
}

/// Stores an entry, in the caller's transaction.
pub fn insert(conn: &mut DbConnection, row: &NameEntryRow) -> QueryResult<()> {
    let mut q = Sql::new(conn);
    q.push(&format!("INSERT INTO name_entries ({COLUMNS}) VALUES ("))
        .bind(row.id.as_str())
        .push(", ")
        .bind(row.name.as_str())
        .push(", ")
        .bind(row.frequency)
        .push(", ")
        .bind(row.variants.as_str())
        .push(", ")
        .bind(row.added_by.clone())
        .push(", ")
        .bind(row.organisation_id.clone())
        .push(", ")
        .bind(row.added_at)
        .push(")");
    q.execute(conn).map(|_| ())
}

/// Deletes an entry, in the caller's transaction; false when there was none.
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM name_entries WHERE id = ").bind(id);
    Ok(q.execute(conn)? > 0)
}
