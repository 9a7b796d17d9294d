//! What a backup records about the database it copies, so that a restore can prove it got the
//! same data back: row counts of the tables that hold people and their history, the schema's
//! last migration and, on PostgreSQL, a snapshot exported for `pg_dump` to read.

use crate::db::DbConnection;
use diesel::connection::SimpleConnection;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};
use std::collections::BTreeMap;

/// The tables counted in a backup's header: everything a lost row would hurt.
pub const COUNTED: &[&str] = &[
    "organisations",
    "users",
    "families",
    "persons",
    "person_names",
    "nationality_claims",
    "custody_events",
    "kinships",
    "person_wishes",
    "cases",
    "case_events",
    "record_changes",
    "policy_versions",
    "audit_events",
];

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct OneText {
    #[diesel(sql_type = Nullable<Text>)]
    v: Option<String>,
}

/// Row counts of [`COUNTED`], by table name.
pub fn counts(conn: &mut DbConnection) -> QueryResult<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for table in COUNTED {
        // The names are the constants above, never input.
        let c: Count = diesel::sql_query(format!("SELECT count(*) AS n FROM {table}")).get_result(conn)?;
        out.insert((*table).to_string(), c.n);
    }
    Ok(out)
}

/// The last migration applied (none on an empty database).
pub fn schema_version(conn: &mut DbConnection) -> QueryResult<Option<String>> {
    let v: OneText = diesel::sql_query("SELECT max(version) AS v FROM __diesel_schema_migrations").get_result(conn)?;
    Ok(v.v)
}

/// Whether the database has been set up by Homeward (PostgreSQL: is the migrations table there).
pub fn pg_has_schema(conn: &mut DbConnection) -> QueryResult<bool> {
    let v: OneText =
        diesel::sql_query("SELECT to_regclass('public.__diesel_schema_migrations')::text AS v").get_result(conn)?;
    Ok(v.v.is_some())
}

/// PostgreSQL: opens a read-only repeatable-read transaction and exports its snapshot, so that
/// `pg_dump --snapshot` and the counts read here see the same moment. End it with [`end`].
pub fn pg_begin_exported(conn: &mut DbConnection) -> QueryResult<String> {
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let v: OneText = diesel::sql_query("SELECT pg_export_snapshot() AS v").get_result(conn)?;
    Ok(v.v.unwrap_or_default())
}

/// Ends the transaction of [`pg_begin_exported`].
pub fn end(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("COMMIT")
}

/// SQLite: writes a consistent copy of the database to `path` while others keep writing (one
/// read transaction; the copy is also compacted).
pub fn sqlite_vacuum_into(conn: &mut DbConnection, path: &str) -> QueryResult<()> {
    conn.batch_execute(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
}

/// SQLite: `PRAGMA integrity_check`; `None` when it answers ok, else its first findings.
pub fn sqlite_integrity(conn: &mut DbConnection) -> QueryResult<Option<String>> {
    #[derive(QueryableByName)]
    struct Line {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check(20)").load(conn)?;
    let text: Vec<String> = lines.into_iter().map(|l| l.integrity_check).collect();
    Ok(if text == ["ok"] { None } else { Some(text.join("; ")) })
}

/// SQLite: moves everything in the write-ahead log into the main file and empties the log.
pub fn sqlite_checkpoint(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
}
