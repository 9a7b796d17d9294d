//! The command line of the scale harness (`cargo bench --bench scale -- --help`).

use clap::{Parser, ValueEnum};

/// A database backend the harness runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// "sqlite" or "postgres" (file names, JSON, table titles).
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The name people read ("SQLite", "PostgreSQL").
    pub fn title(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// Homeward at scale: synthesises (and caches) fictional registries of several sizes, serves
/// each with the release binary and measures every path against a baseline of the same run.
#[derive(Debug, Clone, Parser)]
#[command(name = "scale")]
pub struct Args {
    /// Registry sizes, in persons.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,500000")]
    pub sizes: Vec<usize>,
    /// Databases to run on.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    pub backends: Vec<Backend>,
    /// Seed of the synthetic data (part of the cache key).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Measured requests per path (after the warm-ups).
    #[arg(long, default_value_t = 20)]
    pub samples: usize,
    /// Unmeasured requests before each path's samples.
    #[arg(long, default_value_t = 2)]
    pub warmups: usize,
    /// Time allowed per path, warm-ups included: a slower path stops early (after at least 3
    /// samples) and says so, so that a slow build still finishes.
    #[arg(long, default_value_t = 30.0)]
    pub path_budget_secs: f64,
    /// A request that takes longer is abandoned and reported as `timeout`.
    #[arg(long, default_value_t = 120)]
    pub request_timeout_secs: u64,
    /// Duration of each wrk run, in seconds.
    #[arg(long, default_value_t = 10)]
    pub wrk_secs: u64,
    /// Connections of each wrk run.
    #[arg(long, default_value_t = 64)]
    pub wrk_connections: u32,
    /// The measured `homeward reevaluate` is stopped after this long (the cache build's never is).
    #[arg(long, default_value_t = 600)]
    pub reevaluate_timeout_secs: u64,
    /// Synthesise again even if the cache holds the data.
    #[arg(long)]
    pub rebuild_cache: bool,
    /// Write the charts to docs/performance/ even if the run does not cover 10k, 100k and 500k
    /// (otherwise only to target/bench/).
    #[arg(long)]
    pub docs: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    pub bench: bool,
}
