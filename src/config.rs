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
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
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
            workers: 0,
            trust_forwarded_for: false,
            clock_start: None,
            job_poll_millis: 1000,
            bench_baseline: false,
            case_stuck_days: crate::domain::case::backlog::StuckThresholds::default(),
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
            .field("clock_start", &self.clock_start)
            .field("bench_baseline", &self.bench_baseline)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// The clock these settings ask for (the system's unless `clock_start` pins it).
    pub fn clock(&self) -> crate::clock::Clock {
        crate::clock::Clock::from_start(self.clock_start)
    }

    /// Defaults, then `config_file` (if it exists), then the environment.
    pub fn load(config_file: &Path) -> Result<Settings, Box<figment::Error>> {
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(config_file))
            .merge(Env::prefixed("HOMEWARD_"))
            .extract::<Settings>()
            .map_err(Box::new)
            .and_then(|s| {
                if s.case_stuck_days.is_valid() {
                    Ok(s)
                } else {
                    Err(Box::new(figment::Error::from(
                        "case_stuck_days: each status's days must be 1 to 3650".to_string(),
                    )))
                }
            })
    }
}
