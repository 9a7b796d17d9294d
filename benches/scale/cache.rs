//! The data cache in `target/bench-cache/`: each size is synthesised once (`homeward synth`,
//! then `homeward reevaluate` so stored results exist) and kept, keyed by size, seed and a
//! data version: the hash of `migrations/lock.txt` (the schema) with the synthesiser's sources
//! and the seeds it reads (what it writes). SQLite: one file per key, copied for each run. PostgreSQL: one
//! template database per key in the harness's cluster; each run creates its working database
//! from it. Entries of the same size and seed under another key are deleted.

use super::args::Backend;
use super::db::Db;
use super::pg::Cluster;
use super::proc::Ctx;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The organisation the synthetic households belong to (`homeward synth`'s default).
pub const SYNTH_ORG: &str = "Synthetic NGO (fictional)";

/// The data version: 12 hex digits of the hash of the schema lock, the synthesiser's sources
/// (`src/services/synth/*.rs`) and the seeds (`seeds/**`), names and contents.
pub fn data_version(root: &Path) -> anyhow::Result<String> {
    let mut files = vec![root.join("migrations/lock.txt")];
    let mut synth: Vec<PathBuf> = std::fs::read_dir(root.join("src/services/synth"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    synth.sort();
    files.extend(synth);
    let mut seeds = Vec::new();
    walk(&root.join("seeds"), &mut seeds)?;
    // The name variants serve matching, not the synthesiser: editing them keeps the cache.
    seeds.retain(|p| !p.starts_with(root.join("seeds/names")));
    seeds.sort();
    files.extend(seeds);
    let mut hash = Sha256::new();
    for f in files {
        hash.update(f.strip_prefix(root).unwrap_or(&f).to_string_lossy().as_bytes());
        hash.update(std::fs::read(&f).with_context(|| format!("reading {}", f.display()))?);
    }
    Ok(hex::encode(hash.finalize())[..12].to_string())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// How a cached data set was made (kept beside it as JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Built {
    pub backend: String,
    pub persons_asked: usize,
    pub seed: u64,
    pub version: String,
    /// Wall time of `homeward synth`.
    pub synth_secs: f64,
    /// What `homeward synth` reported (its JSON line).
    pub synth_report: serde_json::Value,
    /// Wall time of the first `homeward reevaluate`.
    pub reevaluate_secs: f64,
    /// Jobs the seed queued, marked done because the re-evaluation just did their work.
    pub jobs_marked_done: usize,
    pub built_at: String,
}

/// One cached data set: where it is and how it was made.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub key: String,
    /// True if this run built it.
    pub built_now: bool,
    pub built: Option<Built>,
}

fn key(backend: Backend, size: usize, seed: u64, version: &str) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite-{size}-seed{seed}-{version}"),
        Backend::Postgres => format!("bench_{size}_seed{seed}_{version}"),
    }
}

fn meta_path(ctx: &Ctx, key: &str) -> PathBuf {
    ctx.cache.join(format!("{key}.json"))
}

/// The cached SQLite file for `key`.
pub fn sqlite_file(ctx: &Ctx, key: &str) -> PathBuf {
    ctx.cache.join(format!("{key}.db"))
}

/// Removes a SQLite file and its `-wal` and `-shm` companions.
pub fn remove_sqlite(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// Makes sure the data set exists (building it if not) and returns it.
pub fn ensure(
    ctx: &Ctx,
    pg: Option<&Cluster>,
    backend: Backend,
    size: usize,
    seed: u64,
    rebuild: bool,
) -> anyhow::Result<Entry> {
    let version = data_version(&ctx.root)?;
    let key = key(backend, size, seed, &version);
    let stale_prefix = key.trim_end_matches(&version).to_string();
    let present = match (backend, pg) {
        (Backend::Sqlite, _) => sqlite_file(ctx, &key).exists(),
        (Backend::Postgres, Some(pg)) => pg.databases(&key)?.contains(&key),
        (Backend::Postgres, None) => anyhow::bail!("no PostgreSQL cluster"),
    };
    // Other versions of the same size and seed are of no further use.
    for entry in std::fs::read_dir(&ctx.cache)?.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&stale_prefix) && !name.starts_with(&key) {
            println!("  removing stale cache entry {name}");
            let _ = std::fs::remove_file(entry.path());
        }
    }
    if let Some(pg) = pg {
        for db in pg.databases(&stale_prefix)?.into_iter().filter(|d| d != &key) {
            println!("  dropping stale template database {db}");
            pg.drop_database(&db)?;
        }
    }
    let meta = std::fs::read(meta_path(ctx, &key)).ok().and_then(|b| serde_json::from_slice::<Built>(&b).ok());
    if present && !rebuild {
        return Ok(Entry { key, built_now: false, built: meta });
    }
    let built = build(ctx, pg, backend, size, seed, &version, &key)?;
    std::fs::write(meta_path(ctx, &key), serde_json::to_vec_pretty(&built)?)?;
    Ok(Entry { key, built_now: true, built: Some(built) })
}

fn build(
    ctx: &Ctx,
    pg: Option<&Cluster>,
    backend: Backend,
    size: usize,
    seed: u64,
    version: &str,
    key: &str,
) -> anyhow::Result<Built> {
    // Built under a temporary name and renamed at the end: an interrupted build leaves no entry.
    let building = format!("{key}_building");
    let url = match (backend, pg) {
        (Backend::Sqlite, _) => {
            let path = ctx.cache.join(format!("{building}.db"));
            remove_sqlite(&path);
            path.to_string_lossy().into_owned()
        }
        (Backend::Postgres, Some(pg)) => {
            pg.drop_database(key)?;
            pg.drop_database(&building)?;
            pg.create_database(&building, None)?;
            pg.url(&building)
        }
        (Backend::Postgres, None) => anyhow::bail!("no PostgreSQL cluster"),
    };
    println!("  synthesising {size} persons (seed {seed}) on {} ...", backend.title());
    let persons = size.to_string();
    let seed_arg = seed.to_string();
    let synth = ctx.run(&url, &["synth", "--persons", &persons, "--seed", &seed_arg, "--org", SYNTH_ORG], None)?;
    let synth_report = synth.stdout.lines().rev().find_map(|l| serde_json::from_str(l).ok()).unwrap_or_default();
    println!(
        "  synth: {size} persons in {:.1} s (target for 500,000 on SQLite: under 120 s) {}",
        synth.secs,
        synth.stdout.trim()
    );
    let reevaluate = ctx.run(&url, &["reevaluate"], None)?;
    println!("  first reevaluate: {:.1} s ({})", reevaluate.secs, reevaluate.stdout.trim());
    let jobs_marked_done = {
        let mut db = Db::open(&url)?;
        // The seed queues a re-evaluation of everyone when it publishes policies; the command
        // above just did that work, and a server started on this data must not redo it during
        // the measurements.
        let n = db.exec(
            "UPDATE jobs SET status = 'done', finished_at = CURRENT_TIMESTAMP \
             WHERE status IN ('queued', 'running') AND kind = 'reevaluate_all'",
        )?;
        if backend == Backend::Sqlite {
            db.exec("PRAGMA wal_checkpoint(TRUNCATE)")?;
        }
        n
    };
    match (backend, pg) {
        (Backend::Sqlite, _) => {
            let from = ctx.cache.join(format!("{building}.db"));
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", from.display()));
            }
            std::fs::rename(&from, sqlite_file(ctx, key))?;
        }
        (Backend::Postgres, Some(pg)) => {
            pg.admin()?.exec(&format!("ALTER DATABASE {building} RENAME TO {key}"))?;
        }
        (Backend::Postgres, None) => unreachable!("checked above"),
    }
    Ok(Built {
        backend: backend.as_str().into(),
        persons_asked: size,
        seed,
        version: version.into(),
        synth_secs: synth.secs,
        synth_report,
        reevaluate_secs: reevaluate.secs,
        jobs_marked_done,
        built_at: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

/// A working copy of the cached data for one run; returns its database URL.
pub fn working_copy(
    ctx: &Ctx,
    pg: Option<&Cluster>,
    backend: Backend,
    size: usize,
    key: &str,
) -> anyhow::Result<String> {
    match (backend, pg) {
        (Backend::Sqlite, _) => {
            let work = ctx.work_dir().join(format!("sqlite-{size}.db"));
            remove_sqlite(&work);
            std::fs::copy(sqlite_file(ctx, key), &work)?;
            Ok(work.to_string_lossy().into_owned())
        }
        (Backend::Postgres, Some(pg)) => {
            let name = format!("bench_work_{size}");
            pg.drop_database(&name)?;
            pg.create_database(&name, Some(key))?;
            Ok(pg.url(&name))
        }
        (Backend::Postgres, None) => anyhow::bail!("no PostgreSQL cluster"),
    }
}

/// Deletes a run's working copy.
pub fn discard(ctx: &Ctx, pg: Option<&Cluster>, backend: Backend, size: usize) {
    match (backend, pg) {
        (Backend::Sqlite, _) => remove_sqlite(&ctx.work_dir().join(format!("sqlite-{size}.db"))),
        (Backend::Postgres, Some(pg)) => {
            if let Err(e) = pg.drop_database(&format!("bench_work_{size}")) {
                eprintln!("warning: dropping the working database failed: {e:#}");
            }
        }
        (Backend::Postgres, None) => {}
    }
}
