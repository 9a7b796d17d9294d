//! The results: one `Run` per backend and size, printed as a table while measured, and written
//! at the end as `target/bench/results.json` (every figure, the machine, the commit) and
//! `target/bench/results.md` (the tables in Markdown, for docs/performance.md).

use super::cache::Entry;
use super::db::{DbSize, Picks, RawInsert};
use super::paths::PathResult;
use super::server::Memory;
use super::wrk::Load;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::Path;

/// The stored-results rewrite of everyone (`homeward reevaluate`) and its raw-write baseline.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Reevaluation {
    /// False if it was stopped at `--reevaluate-timeout-secs`.
    pub finished: bool,
    pub secs: f64,
    pub persons: i64,
    pub result_rows: i64,
    pub persons_per_sec: f64,
    pub result_rows_per_sec: f64,
    pub raw_insert: RawInsert,
    /// Result rows per second over raw rows per second.
    pub ratio_to_raw: f64,
    /// The command's own summary ("re-evaluated N persons ...; W results written, D deleted"):
    /// an unchanged registry writes nothing, so its time is all reading and evaluating.
    pub said: String,
    pub error: Option<String>,
}

/// Everything measured on one backend at one size.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Run {
    pub backend: String,
    pub size: usize,
    pub cache: Option<Entry>,
    pub picks: Option<Picks>,
    pub baseline: Option<PathResult>,
    pub paths: Vec<PathResult>,
    pub load: Vec<Load>,
    /// Throughput of the person read over the baseline's (wrk).
    pub load_ratio: Option<f64>,
    pub memory: Option<Memory>,
    pub reevaluation: Option<Reevaluation>,
    /// The case paths' comparisons and the export's memory (issue 10).
    pub cases: Option<super::cases::CaseBench>,
    pub db: Option<DbSize>,
    pub phases: Vec<(String, f64)>,
    /// What failed in this run (the run goes on without it).
    pub errors: Vec<String>,
}

/// The machine the figures were measured on.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub nproc: usize,
    pub cpu: String,
    pub memory_kib: u64,
    pub date: String,
    pub git_commit: String,
    /// True if the working tree had uncommitted changes.
    pub git_dirty: bool,
    pub os: String,
}

impl Machine {
    /// Reads `/proc`, the clock and git.
    pub fn detect(root: &Path) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let value = |text: &str, key: &str| {
            text.lines().find(|l| l.starts_with(key)).and_then(|l| l.split(':').nth(1)).map(|v| v.trim().to_string())
        };
        let out = |p: &str, a: &[&str]| super::proc::output_of(p, a, root);
        Machine {
            nproc: out("nproc", &[])
                .parse()
                .unwrap_or_else(|_| std::thread::available_parallelism().map_or(1, |n| n.get())),
            cpu: value(&cpuinfo, "model name").unwrap_or_else(|| "unknown".into()),
            memory_kib: value(&meminfo, "MemTotal")
                .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
                .unwrap_or(0),
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            git_commit: out("git", &["rev-parse", "HEAD"]),
            git_dirty: !out("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty(),
            os: out("uname", &["-sr"]),
        }
    }
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Results {
    pub machine: Machine,
    pub command: String,
    pub seed: u64,
    pub samples: usize,
    pub warmups: usize,
    pub notes: Vec<String>,
    pub runs: Vec<Run>,
    pub total_secs: f64,
}

/// The table's header (printed before a run's rows).
pub fn print_header() {
    println!("  {:<58} {:>4} {:>10} {:>10} {:>9}  status", "path", "n", "median ms", "p99 ms", "ratio");
}

/// One row of the table, as soon as it is measured.
pub fn print_row(r: &PathResult) {
    let s = &r.stats;
    let n = if s.capped { format!("{}*", s.n) } else { s.n.to_string() };
    println!(
        "  {:<58} {:>4} {:>10.2} {:>10.2} {:>8.1}x  {}",
        truncate(&r.label, 58),
        n,
        s.median_ms,
        s.p99_ms,
        r.ratio,
        s.status()
    );
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// The lines printed after a run's paths: load, re-evaluation, memory, size.
pub fn summary_lines(run: &Run) -> Vec<String> {
    let mut out = Vec::new();
    for l in &run.load {
        match &l.error {
            Some(e) => out.push(format!("wrk {}: not measured ({e})", l.label)),
            None => out.push(format!(
                "wrk {} ({} connections, {} s): {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms{}{}",
                l.label,
                l.connections,
                l.secs,
                l.requests_per_sec,
                l.p50_ms,
                l.p99_ms,
                if l.non_2xx > 0 { format!(", {} non-2xx", l.non_2xx) } else { String::new() },
                l.socket_errors.as_ref().map(|e| format!(", socket errors: {e}")).unwrap_or_default()
            )),
        }
    }
    if let Some(r) = run.load_ratio {
        out.push(format!("wrk throughput, person read / baseline: {r:.2}x"));
    }
    if let Some(r) = &run.reevaluation {
        match &r.error {
            Some(e) => out.push(format!("reevaluate: failed ({e})")),
            None => out.push(format!(
                "reevaluate: {}{:.1} s, {:.0} persons/s, {:.0} result rows/s; raw INSERT ... SELECT of {} rows: \
                 {:.2} s, {:.0} rows/s (results at {:.3}x the raw rate)",
                if r.finished { "" } else { "stopped after " },
                r.secs,
                r.persons_per_sec,
                r.result_rows_per_sec,
                r.raw_insert.rows,
                r.raw_insert.secs,
                r.raw_insert.rows_per_sec,
                r.ratio_to_raw
            )),
        }
        if !r.said.is_empty() {
            out.push(format!("reevaluate said: {}", r.said));
        }
    }
    if let Some(c) = &run.cases {
        out.extend(c.comparisons.iter().map(|x| x.line()));
        out.push(format!(
            "server memory during the export of {} persons: VmRSS {:.1} MB before, at most {:.1} MB while it streamed",
            c.export_rows,
            mb(c.export_rss_before_kib),
            mb(c.export_rss_max_kib)
        ));
    }
    if let Some(m) = &run.memory {
        out.push(format!("server memory after the runs: VmRSS {:.1} MB, VmHWM {:.1} MB", mb(m.rss_kib), mb(m.hwm_kib)));
    }
    if let Some(d) = &run.db {
        let tables: Vec<String> =
            d.tables.iter().map(|t| format!("{} {:.1} MB ({} rows)", t.name, t.bytes as f64 / 1e6, t.rows)).collect();
        out.push(format!(
            "database: {:.1} MB, {:.0} bytes per person; largest: {}",
            d.total_bytes as f64 / 1e6,
            d.bytes_per_person,
            tables.join(", ")
        ));
    }
    out.extend(run.errors.iter().map(|e| format!("ERROR: {e}")));
    out
}

fn mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

/// Writes `results.json` and `results.md` into `dir`.
pub fn write(dir: &Path, results: &Results) -> anyhow::Result<()> {
    std::fs::write(dir.join("results.json"), serde_json::to_vec_pretty(results)?)?;
    std::fs::write(dir.join("results.md"), markdown(results))?;
    Ok(())
}

fn markdown(r: &Results) -> String {
    let m = &r.machine;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Measured {} on {} ({} cores, {:.1} GB), commit {}{}.",
        m.date,
        m.cpu,
        m.nproc,
        mb(m.memory_kib) / 1e3,
        short(&m.git_commit),
        if m.git_dirty { " with local changes" } else { "" }
    );
    let _ = writeln!(s, "Command: `{}`. Each path: {} warm-ups, then {} sequential requests (fewer, marked `*`, where a path used up its time budget); p99 is the nearest-rank 99th percentile, which with 20 samples is the slowest one. Ratio: the median over the median of the baseline, a bare pooled point read served by the same server in the same run.\n", r.command, r.warmups, r.samples);
    for note in &r.notes {
        let _ = writeln!(s, "- {note}");
    }
    for run in &r.runs {
        let persons = run.picks.as_ref().map_or(run.size as i64, |p| p.persons);
        let _ = writeln!(s, "\n### {} — {} persons\n", title(&run.backend), thousands(persons));
        let _ = writeln!(s, "| path | n | median ms | p99 ms | ratio | status |\n|---|---:|---:|---:|---:|---|");
        for p in run.baseline.iter().chain(run.paths.iter()) {
            let st = &p.stats;
            let n = if st.capped { format!("{}*", st.n) } else { st.n.to_string() };
            let status = if st.all_ok() { st.status() } else { format!("**{}**", st.status()) };
            let _ = writeln!(
                s,
                "| {} | {} | {:.2} | {:.2} | {:.1}x | {} |",
                p.label.replace('|', "\\|"),
                n,
                st.median_ms,
                st.p99_ms,
                p.ratio,
                status
            );
        }
        let _ = writeln!(s);
        for line in summary_lines(run) {
            let _ = writeln!(s, "- {line}");
        }
    }
    s
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(10)]
}

/// "SQLite" / "PostgreSQL".
pub fn title(backend: &str) -> &'static str {
    if backend == "postgres" {
        "PostgreSQL"
    } else {
        "SQLite"
    }
}

/// 500000 -> "500,000".
pub fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}
