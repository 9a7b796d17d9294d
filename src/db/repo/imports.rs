//! Imports and the rows they created: an upload with its preview until it is committed, and
//! each imported row's key with the person it became (how a row imported before is known).

use super::bulk::{Bulk, Cell};
use super::sql::Sql;
use super::{outside_scope, OrgScope};
use crate::db::DbConnection;
use crate::domain::ids::{FamilyId, PersonId};
use chrono::NaiveDateTime;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use diesel::{QueryResult, QueryableByName};

/// An import as stored.
#[derive(Debug, Clone, QueryableByName)]
pub struct ImportRow {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub organisation_id: String,
    #[diesel(sql_type = Text)]
    pub file_name: String,
    #[diesel(sql_type = Text)]
    pub file_sha256: String,
    #[diesel(sql_type = Text)]
    pub format: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub rows_total: i64,
    #[diesel(sql_type = BigInt)]
    pub families_new: i64,
    #[diesel(sql_type = BigInt)]
    pub persons_new: i64,
    #[diesel(sql_type = BigInt)]
    pub problems: i64,
    #[diesel(sql_type = Text)]
    pub preview: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub content: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub created_by: Option<String>,
    #[diesel(sql_type = Timestamp)]
    pub created_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub committed_at: Option<NaiveDateTime>,
}

const COLUMNS: &[&str] = &[
    "id",
    "organisation_id",
    "file_name",
    "file_sha256",
    "format",
    "status",
    "rows_total",
    "families_new",
    "persons_new",
    "problems",
    "preview",
    "content",
    "created_by",
    "created_at",
];

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, row: &ImportRow) -> QueryResult<()> {
    if row.organisation_id != scope.id().as_str() {
        return Err(outside_scope());
    }
    let mut bulk = Bulk::new("imports", COLUMNS);
    bulk.push(vec![
        Cell::from(row.id.as_str()),
        Cell::from(row.organisation_id.as_str()),
        Cell::from(row.file_name.as_str()),
        Cell::from(row.file_sha256.as_str()),
        Cell::from(row.format.as_str()),
        Cell::from(row.status.as_str()),
        Cell::BigInt(row.rows_total),
        Cell::BigInt(row.families_new),
        Cell::BigInt(row.persons_new),
        Cell::BigInt(row.problems),
        Cell::from(row.preview.as_str()),
        Cell::OptText(row.content.clone()),
        Cell::OptText(row.created_by.clone()),
        Cell::Stamp(row.created_at),
    ]);
    bulk.flush(conn)
}

/// One import of the organisation.
pub fn find(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> QueryResult<Option<ImportRow>> {
    let mut q = Sql::new(conn);
    q.push("SELECT * FROM imports WHERE organisation_id = ").bind(scope.id().as_str()).push(" AND id = ").bind(id);
    Ok(q.load::<ImportRow>(conn)?.into_iter().next())
}

/// The organisation's latest imports, newest first (without their files).
pub fn recent(conn: &mut DbConnection, scope: &OrgScope, limit: i64) -> QueryResult<Vec<ImportRow>> {
    let mut q = Sql::new(conn);
    q.push(
        "SELECT id, organisation_id, file_name, file_sha256, format, status, rows_total, families_new, persons_new, \
         problems, '' AS preview, NULL AS content, created_by, created_at, committed_at FROM imports \
         WHERE organisation_id = ",
    )
    .bind(scope.id().as_str())
    .push(" ORDER BY created_at DESC, id LIMIT ")
    .bind(limit);
    q.load(conn)
}

#[derive(QueryableByName)]
struct Stamp {
    #[diesel(sql_type = Nullable<Timestamp>)]
    at: Option<NaiveDateTime>,
}

/// When the organisation committed a file with this digest, if it did.
pub fn committed_file(conn: &mut DbConnection, scope: &OrgScope, sha256: &str) -> QueryResult<Option<NaiveDateTime>> {
    let mut q = Sql::new(conn);
    q.push("SELECT MIN(committed_at) AS at FROM imports WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND file_sha256 = ")
        .bind(sha256)
        .push(" AND status = 'committed'");
    Ok(q.load::<Stamp>(conn)?.into_iter().next().and_then(|s| s.at))
}

/// Marks a previewed import committed, forgets its file and keeps `preview` (the counts, without
/// the rows' names); false when it was not previewed any more (committed meanwhile).
pub fn mark_committed(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &str,
    (families, persons): (i64, i64),
    preview: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    let mut q = Sql::new(conn);
    q.push("UPDATE imports SET status = 'committed', content = NULL, preview = ")
        .bind(preview)
        .push(", families_new = ")
        .bind(families)
        .push(", persons_new = ")
        .bind(persons)
        .push(", committed_at = ")
        .bind(at)
        .push(" WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND id = ")
        .bind(id)
        .push(" AND status = 'previewed'");
    Ok(q.execute(conn)? == 1)
}

/// Forgets the files and previews (names of rows and of registry persons) of imports older than
/// `before` that nobody committed: their counts stay.
pub fn forget_stale_previews(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    let mut q = Sql::new(conn);
    q.push(
        "UPDATE imports SET content = NULL, preview = '' WHERE status = 'previewed' \
         AND (content IS NOT NULL OR preview <> '') AND created_at < ",
    )
    .bind(before);
    q.execute(conn)
}

/// A row imported before: its key, the person it became and their family.
#[derive(Debug, Clone, QueryableByName)]
pub struct KnownRow {
    #[diesel(sql_type = Text)]
    pub row_key: String,
    #[diesel(sql_type = Text)]
    pub person_id: PersonId,
    #[diesel(sql_type = Nullable<Text>)]
    pub family_id: Option<FamilyId>,
    #[diesel(sql_type = Text)]
    pub given_name: String,
    #[diesel(sql_type = Text)]
    pub family_name: String,
}

/// The rows of these keys imported before (a bounded set: the caller passes a chunk).
pub fn known(conn: &mut DbConnection, scope: &OrgScope, keys: &[String]) -> QueryResult<Vec<KnownRow>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Sql::new(conn);
    q.push(
        "SELECT r.row_key AS row_key, r.person_id AS person_id, p.family_id AS family_id, \
         p.given_name AS given_name, p.family_name AS family_name FROM import_rows r \
         JOIN persons p ON p.id = r.person_id WHERE r.organisation_id = ",
    )
    .bind(scope.id().as_str())
    .push(" AND r.row_key IN (");
    q.bind_list(keys.iter().map(|x| x.as_str()));
    q.push(")");
    q.load(conn)
}

/// Records the rows an import created.
pub fn insert_rows(
    conn: &mut DbConnection,
    scope: &OrgScope,
    import_id: &str,
    rows: &[(String, PersonId)],
) -> QueryResult<()> {
    let mut bulk = Bulk::new("import_rows", &["organisation_id", "row_key", "import_id", "person_id"]);
    for (key, person) in rows {
        bulk.push(vec![
            Cell::from(scope.id().as_str()),
            Cell::from(key.as_str()),
            Cell::from(import_id),
            Cell::from(person.as_str()),
        ]);
        if bulk.is_full() {
            bulk.flush(conn)?;
        }
    }
    bulk.flush(conn)
}

/// Replaces the preview of an import still previewed (the problems its commit found).
pub fn set_preview(conn: &mut DbConnection, scope: &OrgScope, id: &str, preview: &str) -> QueryResult<usize> {
    let mut q = Sql::new(conn);
    q.push("UPDATE imports SET preview = ")
        .bind(preview)
        .push(" WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND id = ")
        .bind(id)
        .push(" AND status = 'previewed'");
    q.execute(conn)
}
