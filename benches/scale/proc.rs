//! Where things are (the release binary, the cache, the outputs), running `homeward` as a
//! subprocess with a clean environment, and the phase clock that prints each phase's time.

use anyhow::{bail, Context};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The directories and the binary of one harness run.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The repository (the package's manifest directory).
    pub root: PathBuf,
    /// `target/release/homeward`.
    pub bin: PathBuf,
    /// `target/bench-cache/`: synthesised data kept between runs.
    pub cache: PathBuf,
    /// `target/bench/`: results, charts, server logs and working databases.
    pub out: PathBuf,
}

impl Ctx {
    /// Finds the binary (built by `make bench`) and creates the directories.
    pub fn new() -> anyhow::Result<Ctx> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
        let ctx = Ctx {
            bin: target.join("release").join("homeward"),
            cache: target.join("bench-cache"),
            out: target.join("bench"),
            root,
        };
        if !ctx.bin.exists() {
            bail!("{} is missing: run `cargo build --release` (make bench does)", ctx.bin.display());
        }
        for dir in [&ctx.cache, &ctx.out, &ctx.work_dir()] {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        Ok(ctx)
    }

    /// Working databases, logs and other scratch files.
    pub fn work_dir(&self) -> PathBuf {
        self.out.join("work")
    }

    /// A `homeward` command on `database_url`, with no `HOMEWARD_*` setting inherited from the
    /// caller's environment and no settings file (so runs are comparable).
    pub fn homeward(&self, database_url: &str) -> Command {
        let mut cmd = Command::new(&self.bin);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("HOMEWARD_") {
                cmd.env_remove(key);
            }
        }
        cmd.current_dir(self.work_dir())
            .env("HOMEWARD_CONFIG", self.work_dir().join("no-settings-file.toml"))
            .env("HOMEWARD_DATABASE_URL", database_url)
            .env("HOMEWARD_SECRET_KEY_FILE", self.work_dir().join("server.key"))
            .env("RUST_LOG", std::env::var("BENCH_RUST_LOG").unwrap_or_else(|_| "warn".into()));
        cmd
    }

    /// Runs `homeward <args>` to the end; fails with its error output unless it succeeds.
    pub fn run(&self, database_url: &str, args: &[&str], stdin: Option<&str>) -> anyhow::Result<Ran> {
        let mut cmd = self.homeward(database_url);
        cmd.args(args);
        run_to_end(cmd, stdin, None)
    }
}

/// What a finished command printed, and how long it took.
#[derive(Debug)]
pub struct Ran {
    pub stdout: String,
    pub secs: f64,
    /// False if it was stopped at the timeout.
    pub finished: bool,
}

/// Runs `cmd`, feeding `stdin`, stopping it after `timeout` (then `finished` is false).
pub fn run_to_end(mut cmd: Command, stdin: Option<&str>, timeout: Option<Duration>) -> anyhow::Result<Ran> {
    let what = format!("{:?}", cmd.get_args().collect::<Vec<_>>());
    let started = Instant::now();
    let mut child = cmd
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {what}"))?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())?;
    }
    let (out, err) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let status = wait(&mut child, timeout)?;
    let secs = started.elapsed().as_secs_f64();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    match status {
        None => Ok(Ran { stdout, secs, finished: false }),
        Some(s) if s.success() => Ok(Ran { stdout, secs, finished: true }),
        Some(s) => bail!("{what} failed ({s}):\n{}", tail(&stderr, 30)),
    }
}

/// Waits for the child, killing it after `timeout`: `None` if it was killed.
pub fn wait(child: &mut Child, timeout: Option<Duration>) -> anyhow::Result<Option<ExitStatus>> {
    let Some(timeout) = timeout else { return Ok(Some(child.wait()?)) };
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn drain<R: std::io::Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut p) = pipe {
            let mut bytes = Vec::new();
            let _ = p.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Runs a plain command and returns its trimmed standard output (empty on any failure).
pub fn output_of(program: &str, args: &[&str], dir: &Path) -> String {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

/// Times named phases and prints each as it ends.
#[derive(Debug, Default)]
pub struct Phases {
    pub list: Vec<(String, f64)>,
}

impl Phases {
    /// Runs `f` as the phase `name`, printing its elapsed time.
    pub fn time<T>(&mut self, name: &str, f: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let value = f();
        let secs = started.elapsed().as_secs_f64();
        println!("  [phase] {name}: {secs:.1} s");
        self.list.push((name.to_string(), secs));
        value
    }
}
