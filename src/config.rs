//! Typed settings: built-in defaults, then an optional `homeward.toml`, then `HOMEWARD_<KEY>`
//! environment variables. The settings are passed through `web::Data`, never read from a global.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines, for a terminal.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting of the server. Field names are the keys of `homeward.toml` and, upper-cased
/// with the `HOMEWARD_` prefix, of the environment.
#[derive(Clone, Serialize, Deserialize)]
pub struct Settings {
    /// A PostgreSQL URL (`postgres://...`) or a SQLite file path (optionally `sqlite://path`).
    pub database_url: String,
    /// Address the HTTP server listens on.
    pub bind: String,
    /// Send the session cookie with `Secure`. Turn off only for plain-HTTP development.
    pub cookie_secure: bool,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// A session ends after this many seconds without a request.
    pub session_idle_timeout_secs: u64,
    /// A session ends this many seconds after login, whatever the activity.
    pub session_absolute_timeout_secs: u64,
    /// Failed logins per account, within the window, before the account is throttled.
    pub login_max_failures_per_account: u32,
    /// Failed logins per client address, within the window, before the address is throttled.
    pub login_max_failures_per_client: u32,
    /// The window, in seconds, over which failed logins are counted.
    pub login_failure_window_secs: u64,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Database connections kept open.
    pub pool_size: u32,
    /// SQLite only: each connection's page cache, in MiB (filled only as pages are read).
    pub sqlite_cache_mib: u32,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// How many reverse proxies stand in front of the server, each appending the address it
    /// received from to `X-Forwarded-For`: the client is that many entries from the right.
    pub trusted_proxy_hops: u32,
    /// Host names (with `:port` when not the default) that requests may be addressed to; empty:
    /// the bind address's host, `localhost`, `127.0.0.1` and `[::1]`, on the bind port. Others
    /// are refused (a page on another site whose name resolves here, DNS rebinding).
    pub allowed_hosts: Vec<String>,
    /// Pins the clock: the server's "now" starts at this UTC moment (`2026-11-26T12:00:00`) and
    /// runs forward from it. For tests and demonstrations only; unset, the system clock is used.
    pub clock_start: Option<chrono::NaiveDateTime>,
    /// How often the job runner looks for queued jobs, in milliseconds.
    pub job_poll_millis: u64,
    /// Serve `GET /api/v1/bench/point/{person_id}` without a session: the bare pooled point
    /// read the benchmark harness (`make bench`) measures every path against. Never in production.
    pub bench_baseline: bool,
    /// Days after which an open case counts as stuck at each status (the backlog's figure).
    pub case_stuck_days: crate::domain::case::backlog::StuckThresholds,
    /// Roles that must sign in with a second factor (TOTP): any of `caseworker`, `coordinator`,
    /// `admin`, and `steward` for the holders of the policy stewardship grant. Empty by default
    /// (the demo and a first installation sign in with a password); a deployment should set
    /// `["admin", "coordinator", "steward"]` (docs/security.md).
    pub two_factor_required_for: Vec<String>,
    /// Days after the last of a family's cases ended (repatriated, withdrawn, closed) when the
    /// family's personal data is pseudonymised (`services::retention`); 0: never (the default:
    /// how long records must be kept is each organisation's decision, docs/security.md).
    pub retention_closed_case_days: u32,
    /// The file holding the server's secret key (`services::server_key`), created when missing;
    /// unset: beside a SQLite database (`homeward.db.key`), or `homeward.key` in the working
    /// directory with PostgreSQL. Every server process of a deployment needs the same key.
    pub secret_key_file: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "homeward.db".into(),
            bind: "127.0.0.1:8080".into(),
            cookie_secure: true,
            log_format: LogFormat::Text,
            session_idle_timeout_secs: 30 * 60,
            session_absolute_timeout_secs: 12 * 60 * 60,
            login_max_failures_per_account: 10,
            login_max_failures_per_client: 50,
            login_failure_window_secs: 15 * 60,
            max_body_bytes: 256 * 1024,
            pool_size: 8,
            sqlite_cache_mib: crate::db::DEFAULT_CACHE_MIB,
            workers: 0,
            trust_forwarded_for: false,
            trusted_proxy_hops: 1,
            allowed_hosts: Vec::new(),
            clock_start: None,
            job_poll_millis: 1000,
            bench_baseline: false,
            case_stuck_days: crate::domain::case::backlog::StuckThresholds::default(),
            two_factor_required_for: Vec::new(),
            retention_closed_case_days: 0,
            secret_key_file: None,
        }
    }
}

// The database URL may carry a password: never print it.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database", &crate::db::backend_name(&self.database_url))
            .field("bind", &self.bind)
            .field("cookie_secure", &self.cookie_secure)
            .field("log_format", &self.log_format)
            .field("session_idle_timeout_secs", &self.session_idle_timeout_secs)
            .field("session_absolute_timeout_secs", &self.session_absolute_timeout_secs)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("clock_start", &self.clock_start)
            .field("bench_baseline", &self.bench_baseline)
            .field("two_factor_required_for", &self.two_factor_required_for)
            .field("retention_closed_case_days", &self.retention_closed_case_days)
            .field("secret_key_file", &self.secret_key_file)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The clock these settings ask for (the system's unless `clock_start` pins it).
    pub fn clock(&self) -> crate::clock::Clock {
        crate::clock::Clock::from_start(self.clock_start)
    }

    /// Defaults, then `config_file` (if it exists), then the environment; then `check`.
    pub fn load(config_file: &Path) -> Result<Settings, Box<figment::Error>> {
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(config_file))
            .merge(Env::prefixed("HOMEWARD_"))
            .extract::<Settings>()
            .map_err(Box::new)
            .and_then(|s| s.check().map(|()| s).map_err(|e| Box::new(figment::Error::from(e))))
    }

    /// Checks each setting against its sensible range, so that an absurd value stops the start
    /// with a message naming it instead of failing requests later (a session timeout of 2^63
    /// seconds overflowed the date arithmetic of every sign-in: 500).
    pub fn check(&self) -> Result<(), String> {
        const DAY: u64 = 86_400;
        let mut problems = Vec::new();
        let mut range = |name: &str, value: u64, min: u64, max: u64| {
            if !(min..=max).contains(&value) {
                problems.push(format!("{name} = {value}: must be from {min} to {max}"));
            }
        };
        range("session_idle_timeout_secs", self.session_idle_timeout_secs, 1, 30 * DAY);
        range("session_absolute_timeout_secs", self.session_absolute_timeout_secs, 1, 365 * DAY);
        range("login_max_failures_per_account", self.login_max_failures_per_account.into(), 1, 1_000_000);
        range("login_max_failures_per_client", self.login_max_failures_per_client.into(), 1, 1_000_000);
        range("login_failure_window_secs", self.login_failure_window_secs, 1, 30 * DAY);
        range("max_body_bytes", self.max_body_bytes as u64, 1024, 1 << 30);
        range("pool_size", self.pool_size.into(), 1, 512);
        range("sqlite_cache_mib", self.sqlite_cache_mib.into(), 1, 4096);
        range("workers", self.workers as u64, 0, 1024);
        range("trusted_proxy_hops", self.trusted_proxy_hops.into(), 1, 16);
        range("job_poll_millis", self.job_poll_millis, 10, DAY * 1000);
        range("retention_closed_case_days", self.retention_closed_case_days.into(), 0, 36_500);
        if self.database_url.trim().is_empty() {
            problems.push("database_url: must not be empty".into());
        }
        if crate::http::hosts::bind_port(&self.bind).is_none() {
            problems.push(format!("bind = {:?}: must be a host and a port, such as 127.0.0.1:8080", self.bind));
        }
        for host in &self.allowed_hosts {
            if !crate::http::hosts::is_host_name(host) {
                problems.push(format!("allowed_hosts: {host:?} is not a host name with an optional :port"));
            }
        }
        for role in &self.two_factor_required_for {
            if !crate::services::two_factor::REQUIRABLE.contains(&role.as_str()) {
                problems.push(format!(
                    "two_factor_required_for: {role:?} is not one of {}",
                    crate::services::two_factor::REQUIRABLE.join(", ")
                ));
            }
        }
        if !self.case_stuck_days.is_valid() {
            problems.push("case_stuck_days: each status's days must be 1 to 3650".into());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_and_absurd_values_are_named() {
        assert_eq!(Settings::default().check(), Ok(()));
        let absurd = Settings {
            session_idle_timeout_secs: 1 << 63,
            pool_size: 0,
            bind: "nowhere".into(),
            allowed_hosts: vec!["evil.example/x".into()],
            two_factor_required_for: vec!["admins".into()],
            ..Settings::default()
        };
        let e = absurd.check().expect_err("refused");
        for name in ["session_idle_timeout_secs", "pool_size", "bind", "allowed_hosts", "two_factor_required_for"] {
            assert!(e.contains(name), "{name} in {e}");
        }
    }
}
