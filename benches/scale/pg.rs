//! The harness's own PostgreSQL cluster in `target/bench-cache/pg`: kept between runs (it holds
//! one template database per cached data set), started at the beginning of the PostgreSQL runs
//! and stopped at their end. Unlike the throwaway test cluster (scripts/with-postgres.sh) it
//! runs with PostgreSQL's durable defaults: `fsync`, `synchronous_commit` and
//! `full_page_writes` on. As root, the server runs as the `postgres` user.

use super::db::Db;
use super::proc::run_to_end;
use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// A running cluster (stopped when dropped).
pub struct Cluster {
    root: PathBuf,
    pg_ctl: PathBuf,
    as_postgres: bool,
    pub port: u16,
    running: bool,
}

/// A server binary: on `PATH`, else in the highest `/usr/lib/postgresql/<v>/bin`.
fn find(name: &str) -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join(name).is_file() {
                return Ok(dir.join(name));
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| Some((e.file_name().to_string_lossy().parse().ok()?, e.path().join("bin").join(name))))
                .filter(|(_, p): &(u32, PathBuf)| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions.pop().map(|(_, p)| p).with_context(|| format!("{name} not found (scripts/bench-deps.sh installs it)"))
}

fn is_root() -> bool {
    super::proc::output_of("id", &["-u"], Path::new("/")) == "0"
}

/// A free TCP port on 127.0.0.1 (free now; the server binds it a moment later).
pub fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Cluster {
    /// Creates the cluster on first use, then starts it on a free port.
    pub fn start(cache: &Path) -> anyhow::Result<Cluster> {
        let root = cache.join("pg");
        std::fs::create_dir_all(&root)?;
        let as_postgres = is_root();
        let mut cluster = Cluster { pg_ctl: find("pg_ctl")?, root: root.clone(), as_postgres, port: 0, running: false };
        if as_postgres {
            let chown = Command::new("chown").arg("postgres:").arg(&root).status()?;
            if !chown.success() {
                bail!("cannot give {} to the postgres user", root.display());
            }
        }
        let data = root.join("data");
        if !data.join("PG_VERSION").exists() {
            let initdb = find("initdb")?;
            let args = |locale: &str| {
                vec![
                    "-D".to_string(),
                    data.to_string_lossy().into_owned(),
                    "-U".into(),
                    "postgres".into(),
                    "--auth=trust".into(),
                    "-E".into(),
                    "UTF8".into(),
                    locale.to_string(),
                ]
            };
            let first = run_to_end(cluster.command(&initdb, &args("--locale=C.UTF-8")), None, None);
            if first.is_err() {
                let _ = std::fs::remove_dir_all(&data);
                run_to_end(cluster.command(&initdb, &args("--no-locale")), None, None).context("initdb")?;
            }
        }
        // A server left running by an interrupted run: stop it and start afresh.
        let status =
            cluster.command(&cluster.pg_ctl, &["-D".into(), data.to_string_lossy().into_owned(), "status".into()]);
        if run_to_end(status, None, None).is_ok() {
            cluster.running = true;
            cluster.stop();
        }
        let mut last = None;
        for _ in 0..3 {
            cluster.port = free_port()?;
            let opts = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on \
                 -c full_page_writes=on -c max_connections=100",
                cluster.port,
                root.display()
            );
            let start = cluster.command(
                &cluster.pg_ctl,
                &[
                    "-D".into(),
                    data.to_string_lossy().into_owned(),
                    "-l".into(),
                    root.join("server.log").to_string_lossy().into_owned(),
                    "-w".into(),
                    "-t".into(),
                    "300".into(),
                    "-o".into(),
                    opts,
                    "start".into(),
                ],
            );
            match run_to_end(start, None, Some(Duration::from_secs(320))) {
                Ok(r) if r.finished => {
                    cluster.running = true;
                    return Ok(cluster);
                }
                Ok(_) => last = Some(anyhow::anyhow!("pg_ctl start timed out")),
                Err(e) => last = Some(e),
            }
        }
        Err(last
            .unwrap_or_else(|| anyhow::anyhow!("PostgreSQL did not start"))
            .context(format!("see {}", root.join("server.log").display())))
    }

    fn command(&self, program: &Path, args: &[String]) -> Command {
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.args(args).current_dir(&self.root);
        cmd
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// A connection to the maintenance database (to create and drop databases).
    pub fn admin(&self) -> anyhow::Result<Db> {
        Db::open(&self.url("postgres"))
    }

    /// The databases whose names start with `prefix`.
    pub fn databases(&self, prefix: &str) -> anyhow::Result<Vec<String>> {
        let all = self.admin()?.texts("SELECT datname AS v FROM pg_database ORDER BY datname")?;
        Ok(all.into_iter().filter(|d| d.starts_with(prefix)).collect())
    }

    /// Drops database `name` if it exists (closing its sessions first).
    pub fn drop_database(&self, name: &str) -> anyhow::Result<()> {
        self.admin()?.exec(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        Ok(())
    }

    /// Creates database `name`, a copy of `template` if given.
    pub fn create_database(&self, name: &str, template: Option<&str>) -> anyhow::Result<()> {
        let mut admin = self.admin()?;
        let sql = match template {
            // FILE_COPY (PostgreSQL 15+) copies the files after a checkpoint instead of writing the
            // whole template through the write-ahead log: much faster for a large template, and
            // as durable.
            Some(t) if admin.int("SELECT CAST(current_setting('server_version_num') AS BIGINT) AS n")? >= 150_000 => {
                format!("CREATE DATABASE {name} TEMPLATE {t} STRATEGY = FILE_COPY")
            }
            Some(t) => format!("CREATE DATABASE {name} TEMPLATE {t}"),
            None => format!("CREATE DATABASE {name}"),
        };
        admin.exec(&sql)?;
        Ok(())
    }

    /// Stops the server (fast shutdown: sessions end, the data is checkpointed).
    pub fn stop(&mut self) {
        if !self.running {
            return;
        }
        let data = self.root.join("data").to_string_lossy().into_owned();
        let stop =
            self.command(&self.pg_ctl, &["-D".into(), data, "-m".into(), "fast".into(), "-w".into(), "stop".into()]);
        if let Err(e) = run_to_end(stop, None, Some(Duration::from_secs(120))) {
            eprintln!("warning: stopping PostgreSQL failed: {e:#}");
        }
        self.running = false;
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.stop();
    }
}
