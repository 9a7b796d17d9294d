//! `homeward backup` and `homeward restore`: a consistent copy of a running deployment in one
//! file, optionally sealed with a passphrase, and a restore that proves it got back what was
//! copied before anything replaces the live database.
//!
//! A backup file is a line `HOMEWARD-BACKUP 1`, a line of JSON (the [`Header`]: which
//! database, the schema, row counts and the audit chain's head at the moment of the copy, the
//! payload's length and SHA-256) and the payload: the SQLite file as `VACUUM INTO` wrote it, or
//! `pg_dump`'s custom format read from an exported snapshot. Counts and head are read in the
//! same snapshot as the payload, so writes that go on during the backup never make it
//! disagree with itself. The header stays readable without the passphrase (it names no one).

pub mod crypt;
mod tools;

use crate::clock::Clock;
use crate::db::repo::{audit as audit_repo, snapshot};
use crate::db::{self, Backend, DbConnection};
use crate::services::audit::{self, AuditCtx};
use anyhow::{anyhow, bail, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &str = "HOMEWARD-BACKUP 1";
/// Longest header line a reader accepts (the real one is well under a kilobyte).
const MAX_HEADER: u64 = 64 * 1024;
/// Shortest passphrase accepted for a new backup: it is attacked offline if the file is stolen.
pub const MIN_PASSPHRASE: usize = 12;

/// What a backup says about itself.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Header {
    pub backend: String,
    pub created_at: chrono::NaiveDateTime,
    pub homeward_version: String,
    /// The last migration of the copied schema.
    pub schema: Option<String>,
    pub counts: BTreeMap<String, i64>,
    pub audit_seq: i64,
    pub audit_head: String,
    pub payload_bytes: u64,
    pub payload_sha256: String,
    /// Present when the payload is encrypted.
    pub sealing: Option<crypt::Sealing>,
}

/// The facts read in the backup's snapshot.
struct Facts {
    schema: Option<String>,
    counts: BTreeMap<String, i64>,
    audit_seq: i64,
    audit_head: String,
}

fn facts(conn: &mut DbConnection) -> anyhow::Result<Facts> {
    let (audit_seq, audit_head) = audit_repo::head(conn)?;
    Ok(Facts { schema: snapshot::schema_version(conn)?, counts: snapshot::counts(conn)?, audit_seq, audit_head })
}

/// A private directory (mode 0700) for the plaintext a backup or restore passes through, made
/// beside the file it prepares (so the final rename stays on one filesystem) and removed with
/// everything in it when dropped: no other local user can read it meanwhile, and nothing is
/// left behind by an error. (A power cut can leave it: it starts with `.homeward-` and may
/// be deleted.)
struct Private(PathBuf);

impl Private {
    fn beside(path: &Path) -> anyhow::Result<Private> {
        use std::os::unix::fs::DirBuilderExt;
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let dir = parent.join(format!(".homeward-{}", uuid::Uuid::new_v4().simple()));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
        Ok(Private(dir))
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Private {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Only the owner may read or write `path` (a backup, a restored database).
fn owner_only(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(())
}

/// Hashes and counts what passes through to the inner writer.
struct Hashing<W: Write> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn sha256_of(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut sink = Hashing { inner: std::io::sink(), hash: Sha256::new(), bytes: 0 };
    std::io::copy(&mut File::open(path)?, &mut sink)?;
    Ok((sink.bytes, hex::encode(sink.hash.finalize())))
}

/// Writes a backup of the database at `url` to `to` (which must not exist yet) and records it
/// in the audit trail of the live database. Safe while servers write to it.
pub fn backup(url: &str, clock: &Clock, to: &Path, passphrase: Option<&str>) -> anyhow::Result<Header> {
    if to.exists() {
        bail!("{} already exists: choose a new name (backups are never overwritten)", to.display());
    }
    if let Some(p) = passphrase {
        if p.chars().count() < MIN_PASSPHRASE {
            bail!("the passphrase must have at least {MIN_PASSPHRASE} characters");
        }
    }
    let backend = db::backend_of(url);
    if backend == Backend::Sqlite && !Path::new(url.trim_start_matches("sqlite://")).is_file() {
        bail!("there is no database at {url}");
    }
    let pool = db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let private = Private::beside(to)?;
    let payload = private.file("payload");
    let facts = match backend {
        Backend::Sqlite => {
            snapshot::sqlite_vacuum_into(&mut conn, &payload.to_string_lossy())?;
            let copy = db::connect(&payload.to_string_lossy(), 1)?;
            let mut copy_conn = copy.get()?;
            facts(&mut copy_conn)?
        }
        Backend::Postgres => {
            let id = snapshot::pg_begin_exported(&mut conn)?;
            let read = facts(&mut conn).and_then(|f| tools::pg_dump(url, &id, &payload).map(|_| f));
            snapshot::end(&mut conn)?;
            read?
        }
    };
    let (payload_bytes, payload_sha256) = sha256_of(&payload)?;
    let header = Header {
        backend: db::backend_name(url).to_string(),
        created_at: clock.now(),
        homeward_version: env!("CARGO_PKG_VERSION").to_string(),
        schema: facts.schema,
        counts: facts.counts,
        audit_seq: facts.audit_seq,
        audit_head: facts.audit_head,
        payload_bytes,
        payload_sha256,
        sealing: passphrase.map(|_| crypt::Sealing::fresh()),
    };
    let out = private.file("backup");
    {
        let mut w = BufWriter::new(File::create(&out)?);
        let line = serde_json::to_string(&header)?;
        writeln!(w, "{MAGIC}")?;
        writeln!(w, "{line}")?;
        let mut input = BufReader::new(File::open(&payload)?);
        match (&header.sealing, passphrase) {
            (Some(s), Some(p)) => crypt::seal(s, p, line.as_bytes(), &mut input, &mut w)?,
            _ => {
                std::io::copy(&mut input, &mut w)?;
            }
        }
        w.into_inner().map_err(|e| anyhow!("cannot write the backup: {e}"))?.sync_all()?;
    }
    owner_only(&out)?;
    // A hard link never replaces a file that appeared meanwhile (a rename would).
    std::fs::hard_link(&out, to).with_context(|| format!("cannot write {} (does it exist now?)", to.display()))?;
    let detail = format!("{} persons, {} audit events", header.counts.get("persons").unwrap_or(&0), header.audit_seq);
    audit::record_alone(&mut conn, &AuditCtx::cli("backup", clock), "backup.created", None, &detail)
        .map_err(|e| anyhow!("the backup was written but could not be audited: {e}"))?;
    Ok(header)
}

/// Reads a backup's header (and leaves the reader at the payload).
fn read_header(input: &mut BufReader<File>) -> anyhow::Result<(Header, String)> {
    let mut magic = String::new();
    input.by_ref().take(64).read_line(&mut magic)?;
    if magic.trim_end() != MAGIC {
        bail!("this is not a Homeward backup (or one from a newer version)");
    }
    let mut line = String::new();
    input.by_ref().take(MAX_HEADER).read_line(&mut line)?;
    let line = line.trim_end_matches('\n').to_string();
    let header: Header = serde_json::from_str(&line).context("the backup's header is damaged")?;
    Ok((header, line))
}

/// Reads the header of the backup at `path`.
pub fn inspect(path: &Path) -> anyhow::Result<Header> {
    let mut input = BufReader::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?);
    Ok(read_header(&mut input)?.0)
}

/// Writes the payload of `from` to `to`, decrypting it if sealed, and checks its length and hash.
fn extract(from: &Path, to: &Path, passphrase: Option<&str>) -> anyhow::Result<Header> {
    let mut input = BufReader::new(File::open(from).with_context(|| format!("cannot open {}", from.display()))?);
    let (header, line) = read_header(&mut input)?;
    let mut out = Hashing { inner: BufWriter::new(File::create(to)?), hash: Sha256::new(), bytes: 0 };
    match (&header.sealing, passphrase) {
        (Some(_), None) => {
            bail!("this backup is encrypted: give its passphrase (--passphrase-file or HOMEWARD_BACKUP_PASSPHRASE)")
        }
        (Some(s), Some(p)) => crypt::open(s, p, line.as_bytes(), &mut input, &mut out)?,
        (None, _) => {
            std::io::copy(&mut input, &mut out)?;
        }
    }
    out.flush()?;
    if out.bytes != header.payload_bytes || hex::encode(out.hash.finalize()) != header.payload_sha256 {
        bail!("the backup is damaged: its content does not match the hash in its header");
    }
    Ok(header)
}

/// Checks a restored database against the header: same counts, an intact audit chain ending
/// at the same event.
fn check(conn: &mut DbConnection, header: &Header) -> anyhow::Result<()> {
    if db::backend(conn) == Backend::Sqlite {
        if let Some(problem) = snapshot::sqlite_integrity(conn)? {
            bail!("the restored database fails SQLite's integrity check: {problem}");
        }
    }
    let found = facts(conn)?;
    for (table, expected) in &header.counts {
        let got = found.counts.get(table).copied().unwrap_or(-1);
        if got != *expected {
            bail!("the restored {table} has {got} rows where the backup recorded {expected}");
        }
    }
    let report = audit::verify(conn).map_err(|e| anyhow!("cannot verify the audit chain: {e}"))?;
    if let Some(b) = report.first_break {
        bail!("the restored audit chain is broken at sequence {}: {}", b.seq, b.reason);
    }
    if (found.audit_seq, found.audit_head.as_str()) != (header.audit_seq, header.audit_head.as_str()) {
        bail!("the restored audit chain does not end where the backup's did");
    }
    Ok(())
}

/// What a restore did.
pub struct Restored {
    pub header: Header,
    /// Where the database that was replaced was kept (SQLite).
    pub set_aside: Option<PathBuf>,
    pub migrations_applied: usize,
}

/// Brings the backup `from` back into the database at `url`, verified before it goes live.
/// An existing database is replaced only with `replace` (SQLite: kept beside it). Stop the
/// servers first.
pub fn restore(
    url: &str,
    clock: &Clock,
    from: &Path,
    passphrase: Option<&str>,
    replace: bool,
) -> anyhow::Result<Restored> {
    let header = inspect(from)?;
    let backend = db::backend_of(url);
    if header.backend != db::backend_name(url) {
        bail!("this backup is of a {} database; the configured one is {}", header.backend, db::backend_name(url));
    }
    let digits = |v: &str| v.chars().filter(char::is_ascii_digit).collect::<String>();
    if let (Some(theirs), Some(ours)) = (header.schema.as_deref().map(digits), db::newest_migration(backend)) {
        if theirs > ours {
            bail!("this backup was made by a newer release (schema {theirs}, this one knows {ours}): restore it with that release");
        }
    }
    if header.sealing.is_none() && passphrase.is_some() {
        // A passphrase means the operator expects a sealed file: an unsealed one could be a forgery.
        bail!("this backup is not encrypted, but a passphrase was given: check that it is the file you made");
    }
    let restored = match backend {
        Backend::Sqlite => restore_sqlite(url, clock, from, passphrase, replace)?,
        Backend::Postgres => restore_postgres(url, from, passphrase, replace)?,
    };
    let pool = db::connect(url, 1)?;
    let ctx = AuditCtx::cli("restore", clock);
    let detail = format!("backup of {}", restored.header.created_at.format("%Y-%m-%d %H:%M:%S"));
    let mut conn = pool.get()?;
    audit::record_alone(&mut conn, &ctx, "backup.restored", None, &detail)
        .map_err(|e| anyhow!("restored, but the restore could not be audited: {e}"))?;
    Ok(restored)
}

fn restore_sqlite(
    url: &str,
    clock: &Clock,
    from: &Path,
    passphrase: Option<&str>,
    replace: bool,
) -> anyhow::Result<Restored> {
    let target = PathBuf::from(url.trim_start_matches("sqlite://"));
    let exists = target.metadata().map(|m| m.len() > 0).unwrap_or(false);
    if exists && !replace {
        bail!("{} already exists: pass --replace to restore over it (it is kept beside it)", target.display());
    }
    let private = Private::beside(&target)?;
    let scratch = private.file("restoring.db");
    let header = extract(from, &scratch, passphrase)?;
    let migrations_applied = {
        let pool = db::connect(&scratch.to_string_lossy(), 1)?;
        let mut conn = pool.get()?;
        check(&mut conn, &header)?;
        let applied = db::migrate(&mut conn)?;
        snapshot::sqlite_checkpoint(&mut conn)?;
        applied
    };
    let mut set_aside = None;
    if exists {
        {
            // Whatever the old database still holds in its log goes into the file kept aside.
            let pool = db::connect(url, 1)?;
            let mut conn = pool.get()?;
            snapshot::sqlite_checkpoint(&mut conn)?;
        }
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        let stamp = clock.now().format("%Y%m%dT%H%M%S");
        name.push(format!(".before-restore-{stamp}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8]));
        let aside = target.with_file_name(name);
        std::fs::rename(&target, &aside)?;
        set_aside = Some(aside);
    }
    for suffix in ["-wal", "-shm"] {
        let mut p = target.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    owner_only(&scratch)?;
    std::fs::rename(&scratch, &target)?;
    Ok(Restored { header, set_aside, migrations_applied })
}

fn restore_postgres(url: &str, from: &Path, passphrase: Option<&str>, replace: bool) -> anyhow::Result<Restored> {
    let pool = db::connect(url, 1)?;
    let mut conn = pool.get()?;
    let exists = snapshot::pg_has_schema(&mut conn)?;
    if exists && !replace {
        bail!("the database already holds a Homeward schema: pass --replace to restore over it, or restore into a new, empty database");
    }
    let private = Private::beside(&std::env::temp_dir().join("restore"))?;
    let scratch = private.file("dump");
    // The hash is checked before pg_restore touches the database.
    let header = extract(from, &scratch, passphrase)?;
    tools::pg_restore(url, &scratch, exists)?;
    check(&mut conn, &header).context("restored, but the check failed: do not use this database")?;
    let migrations_applied = db::migrate(&mut conn)?;
    Ok(Restored { header, set_aside: None, migrations_applied })
}
