//! The duplicate review list (`duplicate_pairs`, migration 000011): pairs of persons of an
//! organisation that may be the same person, each stored once with its ids in order, open until
//! someone decides ("not the same person", or merged). The review job replaces the open pairs
//! of a range of persons; a decided pair keeps its decision whatever the job finds again.

use super::bulk::{Bulk, Cell};
use super::sql::Sql;
use super::{OrgScope, Page};
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use chrono::NaiveDateTime;
use diesel::sql_types::{Double, Nullable, Text, Timestamp};
use diesel::{QueryResult, QueryableByName};

/// Where a pair stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairStatus {
    /// Proposed, not decided.
    Open,
    /// "Not the same person": never proposed again.
    Distinct,
    /// One was merged into the other.
    Merged,
}
crate::string_enum!(PairStatus { Open => "open", Distinct => "distinct", Merged => "merged" });

/// A pair as found: `a < b`.
#[derive(Debug, Clone)]
pub struct Found {
    pub a: PersonId,
    pub b: PersonId,
    pub score: f64,
    pub band: &'static str,
    pub reasons: String,
}

/// The two ids of a pair in stored order.
pub fn ordered(x: &PersonId, y: &PersonId) -> (PersonId, PersonId) {
    if x < y {
        (x.clone(), y.clone())
    } else {
        (y.clone(), x.clone())
    }
}

/// ` WHERE` the organisation's stored pair of `x` and `y` (in stored order, whichever is given
/// first).
fn where_pair(q: &mut Sql, scope: &OrgScope, x: &PersonId, y: &PersonId) {
    let (a, b) = ordered(x, y);
    q.push(" WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND person_a = ")
        .bind(a.as_str())
        .push(" AND person_b = ")
        .bind(b.as_str());
}

const COLUMNS: &[&str] = &["organisation_id", "person_a", "person_b", "score", "band", "reasons", "status", "found_at"];

/// Replaces the open pairs whose first person is in `(after, last]` with `found` (pairs already
/// decided keep their decision), in the caller's transaction.
pub fn replace_open(
    conn: &mut DbConnection,
    scope: &OrgScope,
    after: &str,
    last: &str,
    found: &[Found],
    at: NaiveDateTime,
) -> QueryResult<()> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM duplicate_pairs WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND status = 'open' AND person_a > ")
        .bind(after)
        .push(" AND person_a <= ")
        .bind(last);
    q.execute(conn)?;
    let mut bulk = Bulk::with_suffix(
        "duplicate_pairs",
        COLUMNS,
        "ON CONFLICT (organisation_id, person_a, person_b) DO UPDATE SET score = excluded.score, \
         band = excluded.band, reasons = excluded.reasons, found_at = excluded.found_at \
         WHERE duplicate_pairs.status = 'open'",
    );
    for f in found {
        bulk.push(vec![
            Cell::from(scope.id().as_str()),
            Cell::from(f.a.as_str()),
            Cell::from(f.b.as_str()),
            Cell::Float(f.score),
            Cell::from(f.band),
            Cell::from(f.reasons.as_str()),
            Cell::from("open"),
            Cell::Stamp(at),
        ]);
        if bulk.is_full() {
            bulk.flush(conn)?;
        }
    }
    bulk.flush(conn)
}

/// Records a decision on a pair (stored if the job never proposed it), in the caller's
/// transaction.
pub fn decide(
    conn: &mut DbConnection,
    scope: &OrgScope,
    pair: &Found,
    status: PairStatus,
    by: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM duplicate_pairs");
    where_pair(&mut q, scope, &pair.a, &pair.b);
    q.execute(conn)?;
    let mut q = Sql::new(conn);
    q.push("INSERT INTO duplicate_pairs (organisation_id, person_a, person_b, score, band, reasons, status, found_at, decided_by, decided_at) VALUES (")
        .bind(scope.id().as_str())
        .push(", ")
        .bind(pair.a.as_str())
        .push(", ")
        .bind(pair.b.as_str())
        .push(", ")
        .bind(pair.score)
        .push(", ")
        .bind(pair.band)
        .push(", ")
        .bind(pair.reasons.as_str())
        .push(", ")
        .bind(status.as_str())
        .push(", ")
        .bind(at)
        .push(", ")
        .bind(by.map(str::to_string))
        .push(", ")
        .bind(at)
        .push(")");
    q.execute(conn).map(|_| ())
}

/// A stored pair.
#[derive(Debug, Clone, QueryableByName)]
pub struct PairRow {
    #[diesel(sql_type = Text)]
    pub person_a: PersonId,
    #[diesel(sql_type = Text)]
    pub person_b: PersonId,
    #[diesel(sql_type = Double)]
    pub score: f64,
    #[diesel(sql_type = Text)]
    pub band: String,
    #[diesel(sql_type = Text)]
    pub reasons: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Timestamp)]
    pub found_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    pub decided_by: Option<String>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub decided_at: Option<NaiveDateTime>,
}

/// `FROM duplicate_pairs d WHERE` the pairs of the organisation in `status` whose two persons
/// both exist (a person merged away leaves its pairs behind until the merge is undone).
fn from_status(q: &mut Sql, scope: &OrgScope, status: PairStatus) {
    q.push(
        " FROM duplicate_pairs d JOIN persons pa ON pa.id = d.person_a AND pa.organisation_id = d.organisation_id \
         JOIN persons pb ON pb.id = d.person_b AND pb.organisation_id = d.organisation_id \
         WHERE d.organisation_id = ",
    )
    .bind(scope.id().as_str())
    .push(" AND d.status = ")
    .bind(status.as_str());
}

/// The pairs in `status`, best score first.
pub fn list(conn: &mut DbConnection, scope: &OrgScope, status: PairStatus, page: Page) -> QueryResult<Vec<PairRow>> {
    let mut q = Sql::new(conn);
    q.push(
        "SELECT d.person_a, d.person_b, d.score, d.band, d.reasons, d.status, d.found_at, d.decided_by, d.decided_at",
    );
    from_status(&mut q, scope, status);
    q.push(" ORDER BY d.score DESC, d.person_a, d.person_b LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    q.load(conn)
}

/// How many pairs are in `status`.
pub fn count(conn: &mut DbConnection, scope: &OrgScope, status: PairStatus) -> QueryResult<i64> {
    let mut q = Sql::new(conn);
    q.push("SELECT COUNT(*) AS n");
    from_status(&mut q, scope, status);
    q.count(conn)
}

/// One pair, if stored.
pub fn find(conn: &mut DbConnection, scope: &OrgScope, a: &PersonId, b: &PersonId) -> QueryResult<Option<PairRow>> {
    let mut q = Sql::new(conn);
    q.push("SELECT person_a, person_b, score, band, reasons, status, found_at, decided_by, decided_at FROM duplicate_pairs");
    where_pair(&mut q, scope, a, b);
    Ok(q.load::<PairRow>(conn)?.into_iter().next())
}

#[derive(QueryableByName)]
struct Other {
    #[diesel(sql_type = Text)]
    other: PersonId,
}

/// The persons someone decided are not `person`.
pub fn distinct_from(conn: &mut DbConnection, scope: &OrgScope, person: &PersonId) -> QueryResult<Vec<PersonId>> {
    let mut q = Sql::new(conn);
    q.push("SELECT person_b AS other FROM duplicate_pairs WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND status = 'distinct' AND person_a = ")
        .bind(person.as_str())
        .push(" UNION SELECT person_a AS other FROM duplicate_pairs WHERE organisation_id = ")
        .bind(scope.id().as_str())
        .push(" AND status = 'distinct' AND person_b = ")
        .bind(person.as_str());
    Ok(q.load::<Other>(conn)?.into_iter().map(|o| o.other).collect())
}

/// Sets a stored pair's status (an undo puts back the decision the merge replaced).
pub fn set_status(
    conn: &mut DbConnection,
    scope: &OrgScope,
    a: &PersonId,
    b: &PersonId,
    status: PairStatus,
) -> QueryResult<usize> {
    let mut q = Sql::new(conn);
    q.push("UPDATE duplicate_pairs SET status = ").bind(status.as_str());
    if status == PairStatus::Open {
        q.push(", decided_by = NULL, decided_at = NULL");
    }
    where_pair(&mut q, scope, a, b);
    q.execute(conn)
}

/// Forgets a pair in `status` (a decision a merge carried over, undone with it).
pub fn forget(
    conn: &mut DbConnection,
    scope: &OrgScope,
    a: &PersonId,
    b: &PersonId,
    status: PairStatus,
) -> QueryResult<usize> {
    let mut q = Sql::new(conn);
    q.push("DELETE FROM duplicate_pairs");
    where_pair(&mut q, scope, a, b);
    q.push(" AND status = ").bind(status.as_str());
    q.execute(conn)
}
