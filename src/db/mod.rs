//! The database: one connection type over SQLite and PostgreSQL, the pool, the SQLite pragmas,
//! embedded migrations and the write-transaction helper. Queries live in `repo/`.

pub mod models;
pub mod repo;
pub mod schema;
pub mod sql_types;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::sync::Arc;
use std::time::Duration;

/// One connection to either database; the backend is chosen by the URL.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// The connection pool shared by the server's blocking tasks.
#[derive(Clone)]
pub struct Pool {
    inner: r2d2::Pool<Manager>,
    /// How many closures `http::db` lets into the blocking pool at once: one per connection.
    gate: Arc<tokio::sync::Semaphore>,
}

impl std::ops::Deref for Pool {
    type Target = r2d2::Pool<Manager>;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl Pool {
    /// The gate of `http::db` (see there), shared by the pool's clones.
    pub fn gate(&self) -> Arc<tokio::sync::Semaphore> {
        self.gate.clone()
    }
}
/// A connection borrowed from the pool.
pub type PooledConn = r2d2::PooledConnection<Manager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Which database a URL points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backend of a database URL: `postgres://` or `postgresql://` is PostgreSQL, anything
/// else a SQLite file path (an optional `sqlite://` prefix is removed).
pub fn backend_of(url: &str) -> Backend {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// "sqlite" or "postgres", for logs (the URL itself may hold a password).
pub fn backend_name(url: &str) -> &'static str {
    match backend_of(url) {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").unwrap_or(url)
}

/// Opens connections by URL scheme. Diesel's own `establish` for a multi-connection would try
/// SQLite on a PostgreSQL URL that failed to connect, silently creating a stray file.
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    /// SQLite's page cache per connection, in MiB (`sqlite_cache_mib`).
    cache_mib: u32,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        match backend_of(&self.url) {
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                // The planner's default cost of a random page (4) models spinning disks: with it,
                // a name search that matches 480 persons joins them to the 100,000 persons by a
                // sequential scan (47 ms) rather than 480 index lookups (13 ms), and pages a
                // family list in label order probing 10,000 families (229 ms, not 5 ms). A
                // registry lives in memory or on SSD, hence 1.1. JIT compilation only adds
                // latency to the short queries an interactive server runs.
                conn.batch_execute("SET random_page_cost = 1.1; SET jit = off;").map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Pg(conn))
            }
            Backend::Sqlite => {
                let mut conn =
                    SqliteConnection::establish(sqlite_path(&self.url)).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers work while one writer commits; FULL makes every commit
                // durable (a lost record can cost a child a repatriation); the busy timeout
                // makes a second writer wait instead of failing.
                // busy_timeout first: switching to WAL itself needs a lock that another
                // connection opening at the same moment may hold. `secure_delete` overwrites
                // what is deleted or replaced with zeros, so that data purged under the retention
                // period is gone from the file, not just unlinked (`services::retention`).
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                conn.batch_execute(&page_cache(self.cache_mib)).map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        conn.is_broken()
    }
}

/// Builds the pool with the default page cache. Fails if the database cannot be reached.
pub fn connect(url: &str, size: u32) -> anyhow::Result<Pool> {
    connect_with_cache(url, size, DEFAULT_CACHE_MIB)
}

/// Builds the pool, each SQLite connection with a page cache of `cache_mib` MiB.
pub fn connect_with_cache(url: &str, size: u32, cache_mib: u32) -> anyhow::Result<Pool> {
    let inner = r2d2::Pool::builder()
        .max_size(size.max(1))
        .connection_timeout(Duration::from_secs(10))
        .build(Manager { url: url.to_string(), cache_mib })?;
    let gate = Arc::new(tokio::sync::Semaphore::new(size.max(1) as usize));
    Ok(Pool { inner, gate })
}

/// The newest migration this binary knows for a backend (digits only, as the migrations table
/// stores it): a backup of a newer schema cannot be restored by it.
pub fn newest_migration(backend: Backend) -> Option<String> {
    use diesel::migration::MigrationSource;
    let versions: Vec<String> = match backend {
        Backend::Sqlite => MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
            .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect())
            .unwrap_or_default(),
        Backend::Postgres => MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
            .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect())
            .unwrap_or_default(),
    };
    versions.into_iter().map(|v| v.chars().filter(char::is_ascii_digit).collect::<String>()).max()
}

/// Runs the pending migrations of the connection's backend.
pub fn migrate(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?
    .len();
    // New indexes plan badly without statistics; refresh them once after a schema change.
    if applied > 0 {
        analyse(conn)?;
    }
    Ok(applied)
}

/// Applies the next pending migration only, if any, and names it (for tests that upgrade a
/// database made with an older schema).
pub fn migrate_one(conn: &mut DbConnection) -> anyhow::Result<Option<String>> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
        DbConnection::Pg(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration check failed: {e}"))?;
    if !pending {
        return Ok(None);
    }
    let version = match conn {
        DbConnection::Sqlite(c) => c.run_next_migration(SQLITE_MIGRATIONS),
        DbConnection::Pg(c) => c.run_next_migration(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(Some(version.to_string()))
}

/// Runs `f` in a write transaction, committing on `Ok` and rolling back on `Err` or panic.
///
/// SQLite transactions start with `BEGIN IMMEDIATE`: a deferred transaction that reads and then
/// writes can fail with SQLITE_BUSY when another connection wrote in between (the "upgrade
/// deadlock"); taking the write lock up front makes the second writer wait its turn instead.
pub fn write_tx<T, E>(conn: &mut DbConnection, f: impl FnOnce(&mut DbConnection) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")?;
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(conn)));
            match outcome {
                Ok(Ok(value)) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(value),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(e.into())
                    }
                },
                Ok(Err(e)) => {
                    conn.batch_execute("ROLLBACK")?;
                    Err(e)
                }
                Err(panic) => {
                    // Never hand a connection with an open transaction back to the pool.
                    let _ = conn.batch_execute("ROLLBACK");
                    std::panic::resume_unwind(panic)
                }
            }
        }
    }
}

/// Which backend a live connection is on.
pub fn backend(conn: &DbConnection) -> Backend {
    match conn {
        DbConnection::Sqlite(_) => Backend::Sqlite,
        DbConnection::Pg(_) => Backend::Postgres,
    }
}

/// The page cache of each SQLite connection, by default (`sqlite_cache_mib`): 64 MiB, filled
/// only as pages are read (a demo registry never comes near it). SQLite's default, 2 MiB, holds
/// 500 pages: at 500,000 persons a name search that reads 14,000 index entries (a Cyrillic
/// name in nine spellings) fetched most pages again from the operating system each time.
/// Measured on the same file, by hand: the search's query 59 ms with the default against 37 ms
/// with this cache (36 ms with 128 MiB; memory-mapping the file instead: 46 ms), and through
/// the server, `GET /families?q=Амина` 128 ms against 78 ms at the same moment (this
/// machine's speed varies by half within an hour: compare within a run only). The cost is at
/// most this much per pooled connection.
pub const DEFAULT_CACHE_MIB: u32 = 64;

/// The pragma that sets a connection's page cache to `mib` MiB.
fn page_cache(mib: u32) -> String {
    format!("PRAGMA cache_size = -{};", u64::from(mib) * 1024)
}

/// Switches a SQLite connection to writing bulk data (`homeward synth`) and back: a 512 MiB
/// page cache, so that an index page is written once per transaction rather than each time the
/// default 2 MiB cache spills it, and `synchronous = NORMAL` (in WAL mode the file cannot be
/// corrupted by a crash; the last transactions of the run may be lost, and the run is made
/// again). Off again, the connection is back to the settings every connection opens with.
/// PostgreSQL needs neither.
pub fn bulk_mode(conn: &mut DbConnection, on: bool) -> diesel::QueryResult<()> {
    match (conn, on) {
        (DbConnection::Sqlite(c), true) => c.batch_execute("PRAGMA cache_size = -524288; PRAGMA synchronous = NORMAL;"),
        (DbConnection::Sqlite(c), false) => {
            c.batch_execute(&page_cache(DEFAULT_CACHE_MIB))?;
            c.batch_execute("PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE);")
        }
        (DbConnection::Pg(_), _) => Ok(()),
    }
}

/// Copies the SQLite write-ahead log into the database file and empties it (`TRUNCATE`): after a
/// purge, the old pages that still hold purged data in the log are gone too. True when the log
/// was emptied (false when a reader kept it busy). PostgreSQL has no such file: true.
pub fn checkpoint(conn: &mut DbConnection) -> diesel::QueryResult<bool> {
    #[derive(diesel::QueryableByName)]
    struct Checkpoint {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        busy: i32,
    }
    match conn {
        DbConnection::Sqlite(c) => {
            let rows: Vec<Checkpoint> = diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").load(c)?;
            Ok(rows.first().is_some_and(|r| r.busy == 0))
        }
        DbConnection::Pg(_) => Ok(true),
    }
}

/// After a purge (`services::retention`): merges the name-search index's segments, which drops
/// the entries deleted from it (a contentless FTS5 table only marks them), and analyses again the
/// tables, whose sample keys in the planner's statistics (`sqlite_stat4`, `pg_statistic`) may be
/// purged names or dates (a whole `ANALYZE`: at 500,000 persons some seconds, once per run that
/// purged something).
pub fn compact_after_purge(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => {
            c.batch_execute("INSERT INTO person_search (person_search) VALUES ('optimize'); ANALYZE;")
        }
        DbConnection::Pg(c) => c.batch_execute("ANALYZE"),
    }
}

/// Refreshes the query planner's statistics after bulk loads (synthetic data, imports): SQLite
/// plans without statistics until `ANALYZE` runs, and then picks poor indexes at scale.
pub fn analyse(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(_) => conn.batch_execute("ANALYZE; PRAGMA optimize;"),
        DbConnection::Pg(_) => conn.batch_execute("ANALYZE"),
    }
}

/// The statistics refresh SQLite's documentation gives for long-lived connections: `PRAGMA
/// optimize = 0x10002` (every table, not only those this connection queried), at start-up and
/// then periodically; it re-analyses only tables that lack statistics or grew much. No
/// `analysis_limit`: a sampled analysis of a one-organisation registry concludes that each
/// organisation has about 1,000 rows (the sample's size), and the planner then walks a
/// 480,000-row organisation index instead of a person range (re-evaluation of 500,000 persons:
/// 98 s instead of 29 s). It writes
/// when it analyses, so the server runs it from one place (start-up, then its sweeper), never
/// as each pooled connection opens: two connections opening together would fight for the
/// write lock. PostgreSQL's autovacuum daemon analyses by itself.
pub fn optimize(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Sqlite(c) => c.batch_execute("PRAGMA optimize = 0x10002;"),
        DbConnection::Pg(_) => Ok(()),
    }
}

/// Checks the database answers (for `/readyz`).
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}
