//! Throughput under load with `wrk` (Debian's; scripts/bench-deps.sh installs it): many
//! connections for a few seconds on one URL, with `--latency` for the percentiles.

use super::proc::run_to_end;
use serde::Serialize;
use std::process::Command;
use std::time::Duration;

/// What one wrk run measured (or why it could not run).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Load {
    pub label: String,
    pub connections: u32,
    pub threads: usize,
    pub secs: u64,
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub requests: u64,
    /// wrk's "Non-2xx or 3xx responses".
    pub non_2xx: u64,
    /// wrk's "Socket errors" line, if any (timeouts are requests slower than wrk's `--timeout`).
    pub socket_errors: Option<String>,
    pub error: Option<String>,
}

/// Runs wrk on `url` (with `cookie` as the `Cookie` header if given).
pub fn run(label: &str, url: &str, cookie: Option<&str>, connections: u32, secs: u64) -> Load {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(connections as usize).max(1);
    let mut load = Load { label: label.into(), connections, threads, secs, ..Load::default() };
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{threads}")).arg(format!("-c{connections}")).arg(format!("-d{secs}s")).args([
        "--timeout",
        "30s",
        "--latency",
    ]);
    if let Some(c) = cookie {
        cmd.args(["-H", &format!("Cookie: {c}")]);
    }
    cmd.arg(url);
    match run_to_end(cmd, None, Some(Duration::from_secs(secs + 60))) {
        Ok(ran) if ran.finished => parse(&ran.stdout, &mut load),
        Ok(_) => load.error = Some("wrk did not finish".into()),
        Err(e) => load.error = Some(format!("{e:#}").lines().next().unwrap_or("wrk failed").to_string()),
    }
    load
}

/// Reads wrk's report into `load`.
fn parse(out: &str, load: &mut Load) {
    for line in out.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            load.requests_per_sec = v.trim().parse().unwrap_or(0.0);
        } else if let Some(v) = line.strip_prefix("50%") {
            load.p50_ms = millis(v.trim());
        } else if let Some(v) = line.strip_prefix("99%") {
            load.p99_ms = millis(v.trim());
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            load.non_2xx = v.trim().parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            load.socket_errors = Some(v.trim().to_string());
        } else if line.contains(" requests in ") {
            load.requests = line.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(0);
        }
    }
    if load.requests_per_sec == 0.0 && load.error.is_none() {
        load.error = Some(format!("no figures in wrk's output: {}", out.lines().last().unwrap_or("")));
    }
}

/// wrk's durations ("850.00us", "4.40ms", "1.20s", "2.00m") in milliseconds.
fn millis(v: &str) -> f64 {
    let split = v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().unwrap_or(0.0);
    match unit {
        "us" => n / 1000.0,
        "ms" => n,
        "s" => n * 1000.0,
        "m" => n * 60_000.0,
        "h" => n * 3_600_000.0,
        _ => n,
    }
}
