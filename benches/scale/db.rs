//! SQL the harness runs itself, through the `homeward` library's connection type (so the same
//! code talks to SQLite and PostgreSQL, with the app's own pragmas): picking ids and names from
//! the data, the database's size, and the raw `INSERT ... SELECT` baseline of re-evaluation.

use super::args::Backend;
use diesel::sql_types::{BigInt, Text};
use diesel::RunQueryDsl;
use homeward::db::{DbConnection, PooledConn};
use serde::Serialize;
use std::time::Instant;

/// One connection to a database of the harness.
pub struct Db {
    conn: PooledConn,
    pub backend: Backend,
}

#[derive(diesel::QueryableByName)]
struct V {
    #[diesel(sql_type = Text)]
    v: String,
}

#[derive(diesel::QueryableByName)]
struct N {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct KN {
    #[diesel(sql_type = Text)]
    k: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Quotes a value for SQL (the harness's own values: ids and names read from the data).
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl Db {
    /// Opens one connection (a pool of one, built by the library).
    pub fn open(url: &str) -> anyhow::Result<Db> {
        let backend = match homeward::db::backend_of(url) {
            homeward::db::Backend::Sqlite => Backend::Sqlite,
            homeward::db::Backend::Postgres => Backend::Postgres,
        };
        let pool = homeward::db::connect(url, 1)?;
        Ok(Db { conn: pool.get()?, backend })
    }

    fn c(&mut self) -> &mut DbConnection {
        &mut self.conn
    }

    /// Runs a statement; the number of rows it touched.
    pub fn exec(&mut self, sql: &str) -> anyhow::Result<usize> {
        Ok(diesel::sql_query(sql).execute(self.c())?)
    }

    /// `SELECT ... AS v` (text): the first value, if any.
    pub fn text(&mut self, sql: &str) -> anyhow::Result<Option<String>> {
        Ok(diesel::sql_query(sql).load::<V>(self.c())?.into_iter().next().map(|r| r.v))
    }

    /// `SELECT ... AS v` (text): every value.
    pub fn texts(&mut self, sql: &str) -> anyhow::Result<Vec<String>> {
        Ok(diesel::sql_query(sql).load::<V>(self.c())?.into_iter().map(|r| r.v).collect())
    }

    /// `SELECT CAST(... AS BIGINT) AS n`.
    pub fn int(&mut self, sql: &str) -> anyhow::Result<i64> {
        Ok(diesel::sql_query(sql).get_result::<N>(self.c())?.n)
    }

    /// `SELECT ... AS k, CAST(... AS BIGINT) AS n`.
    pub fn pairs(&mut self, sql: &str) -> anyhow::Result<Vec<(String, i64)>> {
        Ok(diesel::sql_query(sql).load::<KN>(self.c())?.into_iter().map(|r| (r.k, r.n)).collect())
    }

    /// `SELECT COUNT(*) FROM <from_where>`.
    pub fn count(&mut self, from_where: &str) -> anyhow::Result<i64> {
        self.int(&format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {from_where}"))
    }
}

/// What the measured paths ask for, picked from the data.
#[derive(Debug, Clone, Serialize)]
pub struct Picks {
    pub organisation_id: String,
    pub persons: i64,
    pub families: i64,
    pub claims: i64,
    pub person_id: String,
    pub family_id: String,
    pub al_hol_id: String,
    pub roj_id: String,
    /// The most frequent given name (Latin).
    pub common_latin: String,
    /// The least frequent one-word family name (Latin).
    pub rare_latin: String,
    /// The first word of the most frequent Arabic-script name.
    pub arabic: String,
    /// The first word of the most frequent Cyrillic-script name.
    pub cyrillic: String,
}

/// Picks a person (deterministically "random" for the seed), their family, the camps and the
/// names searched for.
pub fn picks(db: &mut Db, org: &str, seed: u64) -> anyhow::Result<Picks> {
    let org_id = db
        .text(&format!("SELECT id AS v FROM organisations WHERE name = {}", quote(org)))?
        .ok_or_else(|| anyhow::anyhow!("no organisation {org:?} in the data"))?;
    let o = quote(&org_id);
    let persons = db.count(&format!("persons WHERE organisation_id = {o}"))?;
    let families = db.count(&format!("families WHERE organisation_id = {o}"))?;
    let claims = db.count(&format!("nationality_claims WHERE organisation_id = {o}"))?;
    let offset = seed.wrapping_mul(2_654_435_761).wrapping_add(12_345) % (persons.max(1) as u64);
    let person = |db: &mut Db, k: u64| {
        db.text(&format!(
            "SELECT id AS v FROM persons WHERE organisation_id = {o} AND family_id IS NOT NULL \
             ORDER BY id LIMIT 1 OFFSET {k}"
        ))
    };
    let person_id = match person(db, offset)? {
        Some(id) => id,
        None => person(db, 0)?.ok_or_else(|| anyhow::anyhow!("no person with a family in the data"))?,
    };
    let family_id =
        db.text(&format!("SELECT family_id AS v FROM persons WHERE id = {}", quote(&person_id)))?.unwrap_or_default();
    let facility = |db: &mut Db, code: &str| {
        db.text(&format!("SELECT id AS v FROM facilities WHERE code = {} OR name = {}", quote(code), quote(code)))
    };
    let al_hol_id = facility(db, "al-hol")?.unwrap_or_default();
    let roj_id = facility(db, "roj")?.unwrap_or_default();
    let most = |db: &mut Db, sql: String, fallback: &str| -> anyhow::Result<String> {
        let found = db.pairs(&sql)?.into_iter().next().map(|(k, _)| k);
        Ok(found.and_then(|k| k.split_whitespace().next().map(str::to_string)).unwrap_or_else(|| fallback.into()))
    };
    let common_latin = most(
        db,
        format!(
            "SELECT given_name AS k, CAST(COUNT(*) AS BIGINT) AS n FROM persons WHERE organisation_id = {o} \
             GROUP BY given_name ORDER BY n DESC, k LIMIT 1"
        ),
        "Fatima",
    )?;
    let rare_latin = most(
        db,
        format!(
            "SELECT family_name AS k, CAST(COUNT(*) AS BIGINT) AS n FROM persons WHERE organisation_id = {o} \
             AND family_name NOT LIKE '% %' GROUP BY family_name ORDER BY n ASC, k LIMIT 1"
        ),
        "Pemberton",
    )?;
    let script = |s: &str| {
        format!(
            "SELECT name AS k, CAST(COUNT(*) AS BIGINT) AS n FROM person_names WHERE organisation_id = {o} \
             AND script = '{s}' GROUP BY name ORDER BY n DESC, k LIMIT 1"
        )
    };
    let arabic = most(db, script("arabic"), "فاطمة")?;
    let cyrillic = most(db, script("cyrillic"), "Фатима")?;
    Ok(Picks {
        organisation_id: org_id,
        persons,
        families,
        claims,
        person_id,
        family_id,
        al_hol_id,
        roj_id,
        common_latin,
        rare_latin,
        arabic,
        cyrillic,
    })
}

/// One table's share of the database (its indexes included).
#[derive(Debug, Clone, Serialize)]
pub struct TableSize {
    pub name: String,
    pub bytes: i64,
    pub rows: i64,
}

/// The database's size and its largest tables.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DbSize {
    pub total_bytes: i64,
    pub bytes_per_person: f64,
    pub tables: Vec<TableSize>,
}

/// Measures the database: total, per person, and the `top` largest tables with their indexes.
pub fn size(db: &mut Db, persons: i64, top: usize) -> anyhow::Result<DbSize> {
    let (total, tables) = match db.backend {
        Backend::Sqlite => (
            db.int("SELECT CAST(p.page_count * s.page_size AS BIGINT) AS n FROM pragma_page_count() p, pragma_page_size() s")?,
            db.pairs(
                "SELECT COALESCE(m.tbl_name, d.name) AS k, CAST(SUM(d.pgsize) AS BIGINT) AS n \
                 FROM dbstat d LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY k ORDER BY n DESC",
            )?,
        ),
        Backend::Postgres => (
            db.int("SELECT CAST(pg_database_size(current_database()) AS BIGINT) AS n")?,
            db.pairs(
                "SELECT c.relname AS k, CAST(pg_total_relation_size(c.oid) AS BIGINT) AS n FROM pg_class c \
                 JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind = 'r' \
                 ORDER BY n DESC",
            )?,
        ),
    };
    let mut out = Vec::new();
    for (name, bytes) in tables.into_iter().take(top) {
        let rows = if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            db.count(&name).unwrap_or(-1)
        } else {
            -1
        };
        out.push(TableSize { name, bytes, rows });
    }
    Ok(DbSize { total_bytes: total, bytes_per_person: total as f64 / persons.max(1) as f64, tables: out })
}

/// The raw-write baseline of re-evaluation: rows shaped like stored results, written by one
/// `INSERT ... SELECT` from `nationality_claims` into a scratch table of the same database.
#[derive(Debug, Clone, Serialize, Default)]
pub struct RawInsert {
    pub rows: i64,
    pub secs: f64,
    pub rows_per_sec: f64,
}

/// Inserts `rows` result-shaped rows (a result text of the stored results' average length).
/// The scratch table is an ordinary table (a temporary one would skip the write-ahead log and
/// durability, which the real write pays), created empty from `eligibility_results`' columns
/// and dropped afterwards.
pub fn raw_insert(db: &mut Db, rows: i64) -> anyhow::Result<RawInsert> {
    let avg = db.int("SELECT CAST(COALESCE(AVG(LENGTH(result)), 100) AS BIGINT) AS n FROM eligibility_results")?;
    let filler = quote(&"x".repeat(avg.clamp(1, 100_000) as usize));
    db.exec("DROP TABLE IF EXISTS bench_raw_insert")?;
    db.exec("CREATE TABLE bench_raw_insert AS SELECT * FROM eligibility_results WHERE 1 = 0")?;
    let started = Instant::now();
    let inserted = db.exec(&format!(
        "INSERT INTO bench_raw_insert (person_id, country_code, organisation_id, outcome, uncertain, \
         policy_version_id, changes_on, changes_to, change_reason, result, evaluated_on, evaluated_at) \
         SELECT person_id, country_code, organisation_id, 'not_eligible', FALSE, NULL, NULL, NULL, NULL, {filler}, \
         CURRENT_DATE, CURRENT_TIMESTAMP FROM nationality_claims LIMIT {rows}"
    ))?;
    let secs = started.elapsed().as_secs_f64();
    db.exec("DROP TABLE bench_raw_insert")?;
    Ok(RawInsert { rows: inserted as i64, secs, rows_per_sec: inserted as f64 / secs.max(1e-9) })
}
