//! The `homeward` command: parses the command line and calls the library.

use clap::{Parser, Subcommand};
use homeward::config::Settings;
use homeward::domain::role::Role;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "homeward", version, about = "Case management for repatriating families from detention camps")]
struct Cli {
    /// Settings file (optional; environment variables HOMEWARD_* override it).
    #[arg(long, global = true, default_value = "homeward.toml", env = "HOMEWARD_CONFIG")]
    config: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API.
    Serve {
        /// Load reference data and fictional demo data, and print demo logins.
        #[arg(long)]
        demo: bool,
        /// Address to listen on (overrides HOMEWARD_BIND).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load reference data from seeds/ (idempotent).
    Seed,
    /// Re-evaluate every person against the published policies (the server also does it daily).
    Reevaluate,
    /// Pseudonymise the families whose cases all ended more than `retention_closed_case_days`
    /// ago (the server also does it daily).
    Retention,
    /// File everyone under the duplicate keys of the current rules and name dictionary, where
    /// they are stale (the server also does it at start-up, in the background).
    Reindex,
    /// Build an organisation's duplicate review list now (the UI queues the same job).
    ReviewDuplicates {
        /// The organisation.
        #[arg(long)]
        org: String,
    },
    /// Import families from a CSV or XLSX list (see docs/import.md): checks every row, shows the
    /// problems and likely duplicates, and writes all rows in one transaction unless --dry-run.
    Import {
        file: std::path::PathBuf,
        /// The organisation that gets the families.
        #[arg(long)]
        org: String,
        /// Check and show what would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The encoding of a CSV file, when it cannot be told (utf-8, utf-16, windows-1256, windows-1251, windows-1252).
        #[arg(long)]
        encoding: Option<String>,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Generate fictional families at scale (for benchmarks): deterministic for a seed.
    Synth {
        /// How many persons (whole households: a few more may be made).
        #[arg(long)]
        persons: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The organisation that gets them (created if missing).
        #[arg(long, default_value = "Synthetic NGO (fictional)")]
        org: String,
    },
    /// Grant or end the deployment-level stewardship of the shared policies.
    Steward {
        #[command(subcommand)]
        command: StewardCommand,
    },
    /// Write a consistent copy of the database to a new file while servers run (SQLite: the
    /// file itself; PostgreSQL: pg_dump from a snapshot), optionally encrypted with a passphrase.
    Backup {
        #[arg(long)]
        to: PathBuf,
        /// Encrypt with the passphrase on the first line of this file (or set
        /// HOMEWARD_BACKUP_PASSPHRASE); at least 12 characters.
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Bring a backup back into the configured database after checking it (hash, counts, audit
    /// chain). Stop the servers first.
    Restore {
        from: PathBuf,
        /// The passphrase of an encrypted backup (or HOMEWARD_BACKUP_PASSPHRASE).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
        /// Restore over an existing database (SQLite keeps the old file beside it).
        #[arg(long)]
        replace: bool,
    },
    /// Audit trail operations.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user (the organisation is created if it does not exist).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = |s: &str| s.parse::<Role>())]
        role: Role,
        #[arg(long)]
        org: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user; their sessions end at once.
    Disable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum StewardCommand {
    /// Make a user a policy steward (they may then change every organisation's policies).
    Grant {
        #[arg(long)]
        email: String,
    },
    /// End a user's stewardship.
    Revoke {
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exit status 1 and the first broken sequence number if altered.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut settings = match Settings::load(&cli.config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: invalid settings: {e}");
            return ExitCode::from(2);
        }
    };
    homeward::telemetry::init(settings.log_format);
    let result = match cli.command {
        Command::Serve { demo, bind } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            actix_web::rt::System::new().block_on(homeward::commands::serve(settings, demo))
        }
        Command::Migrate => homeward::commands::migrate(&settings),
        Command::Seed => homeward::commands::seed(&settings),
        Command::Reevaluate => homeward::commands::reevaluate(&settings),
        Command::Retention => homeward::commands::retention(&settings),
        Command::Reindex => homeward::commands::reindex(&settings),
        Command::ReviewDuplicates { org } => homeward::commands::review_duplicates(&settings, &org),
        Command::Import { file, org, dry_run, encoding } => {
            homeward::commands::import(&settings, &file, &org, dry_run, encoding.as_deref())
        }
        Command::User { command: UserCommand::Create { email, name, role, org, password_stdin } } => {
            homeward::commands::user_create(&settings, &email, &name, role, &org, password_stdin)
        }
        Command::User { command: UserCommand::Disable { email } } => {
            homeward::commands::user_disable(&settings, &email)
        }
        Command::Synth { persons, seed, org } => homeward::commands::synth(&settings, persons, seed, &org),
        Command::Steward { command: StewardCommand::Grant { email } } => {
            homeward::commands::steward(&settings, &email, true)
        }
        Command::Steward { command: StewardCommand::Revoke { email } } => {
            homeward::commands::steward(&settings, &email, false)
        }
        Command::Backup { to, passphrase_file } => {
            homeward::commands::backup(&settings, &to, passphrase_file.as_deref())
        }
        Command::Restore { from, passphrase_file, replace } => {
            homeward::commands::restore(&settings, &from, passphrase_file.as_deref(), replace)
        }
        Command::Audit { command: AuditCommand::Verify } => match homeward::commands::audit_verify(&settings) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
