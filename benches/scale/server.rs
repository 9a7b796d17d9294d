//! `homeward serve` (the release binary) as a subprocess on a working database: the accounts it
//! is measured with (made with the CLI, as an operator would), start-up on a free port, its
//! memory from `/proc`, and a graceful stop.

use super::cache::SYNTH_ORG;
use super::http::Http;
use super::proc::{tail, wait, Ctx};
use anyhow::{bail, Context};
use serde::Serialize;
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The password of every benchmark account (fictional, local).
const PASSWORD: &str = "bench-only-password-not-secret";

/// A running server (killed if dropped without `stop`).
pub struct Server {
    child: Child,
    pub base: String,
    log: std::path::PathBuf,
}

/// The accounts the paths are measured with: their session cookies (`homeward_session=...`).
pub struct Sessions {
    pub caseworker: String,
    pub coordinator: String,
    pub steward: String,
}

/// Resident memory of the server.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Memory {
    /// `VmRSS`: resident now, in KiB.
    pub rss_kib: u64,
    /// `VmHWM`: the most it was resident, in KiB.
    pub hwm_kib: u64,
}

/// Creates a caseworker, a coordinator and an admin who is a policy steward in the synthetic
/// organisation, with the CLI (before the server starts).
pub fn create_accounts(ctx: &Ctx, url: &str) -> anyhow::Result<()> {
    for role in ["caseworker", "coordinator", "admin"] {
        let email = format!("{role}@bench.homeward.test");
        let name = format!("Bench {role} (fictional)");
        ctx.run(
            url,
            &[
                "user",
                "create",
                "--email",
                &email,
                "--name",
                &name,
                "--role",
                role,
                "--org",
                SYNTH_ORG,
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        )?;
    }
    ctx.run(url, &["steward", "grant", "--email", "admin@bench.homeward.test"], None)?;
    Ok(())
}

impl Server {
    /// Starts `homeward serve` on `url` with the baseline endpoint on and the job runner idle
    /// (the daily re-evaluation must not run during the measurements), and waits until ready.
    pub fn start(ctx: &Ctx, url: &str, log_name: &str, http: &Http) -> anyhow::Result<Server> {
        let log = ctx.out.join("logs").join(log_name);
        std::fs::create_dir_all(log.parent().unwrap_or(&ctx.out))?;
        let mut cmd: Command = ctx.homeward(url);
        cmd.arg("serve")
            .env("HOMEWARD_BIND", "127.0.0.1:0")
            .env("HOMEWARD_COOKIE_SECURE", "false")
            .env("HOMEWARD_BENCH_BASELINE", "true")
            // A day between job polls: jobs queued meanwhile (the daily re-evaluation) wait.
            .env("HOMEWARD_JOB_POLL_MILLIS", "86400000")
            .env("RUST_LOG", std::env::var("BENCH_SERVER_LOG").unwrap_or_else(|_| "info".into()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?);
        let mut child = cmd.spawn().context("starting homeward serve")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.split("listening on ").nth(1) {
                    let _ = tx.send(addr.trim().to_string());
                }
            }
        });
        let mut server = Server { child, base: String::new(), log };
        server.base = match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(base) => base,
            Err(_) => {
                let log = std::fs::read_to_string(&server.log).unwrap_or_default();
                bail!("the server did not start:\n{}", tail(&log, 30));
            }
        };
        let started = Instant::now();
        while http.get_status(&format!("{}/readyz", server.base)) != Some(200) {
            if started.elapsed() > Duration::from_secs(60) {
                bail!("the server is not ready after 60 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(server)
    }

    /// Signs in the three accounts.
    pub fn sessions(&self, http: &Http) -> anyhow::Result<Sessions> {
        let login = |role: &str| http.login(&self.base, &format!("{role}@bench.homeward.test"), PASSWORD);
        Ok(Sessions { caseworker: login("caseworker")?, coordinator: login("coordinator")?, steward: login("admin")? })
    }

    /// The server's memory now, from `/proc/<pid>/status`.
    pub fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        Memory { rss_kib: field("VmRSS:"), hwm_kib: field("VmHWM:") }
    }

    /// Stops the server with SIGTERM (graceful), or kills it after 20 s.
    pub fn stop(mut self) -> anyhow::Result<()> {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        if wait(&mut self.child, Some(Duration::from_secs(20)))?.is_none() {
            eprintln!("warning: the server did not stop within 20 s; killed");
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
