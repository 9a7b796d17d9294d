//! Builds the application: pool, migrations, the HTTP server with its middlewares and routes.
//! Used by `main` and by the tests, which bind port 0 and get a fresh database each.

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::{self, Pool};
use crate::http::{envelope, hosts, idempotency, inputs, security, spans::RedactedRootSpan};
use crate::{api, services, ui};
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::time::Duration;
use tracing_actix_web::TracingLogger;

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
    clock: Clock,
    access_log: (services::access_log::AccessLog, actix_web::rt::task::JoinHandle<()>),
}

impl Application {
    /// Opens the database, runs pending migrations and binds the listener.
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        let pool = open_database(&settings)?;
        let listener = TcpListener::bind(&settings.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let port = listener.local_addr()?.port();
        // Computed once now, so the first login with an unknown email is not measurably faster.
        let _ = crate::auth::password::dummy_hash();
        let clock = settings.clock();
        if clock.is_pinned() {
            tracing::warn!(clock = ?clock, "the clock is pinned (clock_start): for tests and demonstrations only");
        }
        // Writes a previous run of this server was carrying out when it died (SQLite), settled
        // before the first retry can arrive.
        let (given_back, lost) = services::idempotency::recover_after_restart(&mut *pool.get()?, clock.now())?;
        if given_back + lost > 0 {
            tracing::info!(given_back, lost, "idempotency keys left running by a previous run are settled");
        }
        // The names admins added, before the first request is served and before the job
        // runner checks whether the duplicate keys are stale.
        let names = load_names(&pool);
        let key = load_key(&settings, &pool, &clock)?;
        let access_log = services::access_log::AccessLog::start(pool.clone());
        let server = run(listener, pool.clone(), settings, clock.clone(), names, access_log.0.clone(), key)?;
        Ok(Application { port, server, pool, clock, access_log })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The database pool (for the CLI and tests).
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// The server's clock (tests advance it).
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// Serves until stopped, then writes the views the access log still holds.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        let (log, writer) = self.access_log;
        log.stop();
        if tokio::time::timeout(Duration::from_secs(10), writer).await.is_err() {
            tracing::warn!("the access log could not be written within 10 s of stopping");
        }
        served
    }
}

/// Connects, migrates and lets SQLite refresh the statistics it lacks.
pub fn open_database(settings: &Settings) -> anyhow::Result<Pool> {
    let pool = db::connect_with_cache(&settings.database_url, settings.pool_size, settings.sqlite_cache_mib)?;
    let mut conn = pool.get()?;
    db::migrate(&mut conn)?;
    // Only an optimisation: a database busy or read-only at this moment still opens.
    if let Err(e) = db::optimize(&mut conn) {
        tracing::warn!(error = %e, "PRAGMA optimize failed at start-up");
    }
    Ok(pool)
}

/// The server's secret key, created on first start (said loudly: it must be kept with the
/// backups and be the same on every server process); seals the two-factor secrets stored in
/// clear by a version that had no key.
fn load_key(settings: &Settings, pool: &Pool, clock: &Clock) -> anyhow::Result<services::server_key::ServerKey> {
    let path = services::server_key::ServerKey::path(settings);
    let (key, created) = services::server_key::ServerKey::load_or_create(&path)?;
    if created && services::two_factor::sealed_secrets(&mut *pool.get()?)? > 0 {
        // A restore on another machine, or a process started elsewhere: a new key would make
        // every enrolled user's second factor unusable. Refuse, and leave no new key behind.
        let _ = std::fs::remove_file(&path);
        anyhow::bail!(
            "{} did not exist, but the database holds two-factor secrets sealed with a key: give this server the key file \
             the database was used with (secret_key_file), or reset the users' second factors from a server that has it",
            path.display()
        );
    }
    if created {
        tracing::warn!(path = %path.display(), fingerprint = %key.fingerprint(),
            "created the server's secret key: keep a copy with the backups (not in them), and give every server process the same file");
    } else {
        tracing::info!(path = %path.display(), fingerprint = %key.fingerprint(), "secret key loaded");
    }
    let ctx = services::audit::AuditCtx::anonymous("startup".into(), clock);
    let sealed = services::two_factor::seal_stored_secrets(&mut *pool.get()?, &key, &ctx)?;
    if sealed > 0 {
        tracing::info!(sealed, "two-factor secrets stored in clear are now sealed");
    }
    Ok(key)
}

/// Installs the name dictionary of the database (built-in plus added names); a failure leaves
/// the built-in one, and the job runner's first poll tries again.
fn load_names(pool: &Pool) -> services::names::Loaded {
    let loaded = pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|mut conn| services::names::load(&mut conn).map_err(|e| format!("{e:#}")));
    loaded.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "the added names could not be read at start-up");
        services::names::Loaded::default()
    })
}

fn run(
    listener: TcpListener,
    pool: Pool,
    settings: Settings,
    clock: Clock,
    names: services::names::Loaded,
    access_log: services::access_log::AccessLog,
    key: services::server_key::ServerKey,
) -> anyhow::Result<Server> {
    let sweeper = (pool.clone(), settings.clone(), clock.clone());
    actix_rt::spawn(async move { sweep_forever(sweeper.0, sweeper.1, sweeper.2).await });
    let evaluator = (pool.clone(), clock.clone());
    let retention = settings.clone();
    actix_rt::spawn(async move { reevaluate_daily(evaluator.0, evaluator.1, retention).await });
    let runner = (pool.clone(), clock.clone(), settings.job_poll_millis);
    actix_rt::spawn(async move { run_jobs_forever(runner.0, runner.1, runner.2, names).await });
    let workers = settings.workers;
    let port = listener.local_addr()?.port();
    let allowed_hosts = web::Data::new(hosts::AllowedHosts::new(&settings, port));
    let hashing = web::Data::new(crate::auth::password::Hashing::for_this_machine());
    let pool = web::Data::new(pool);
    let settings = web::Data::new(settings);
    let clock = web::Data::new(clock);
    let access_log = web::Data::new(access_log);
    let key = web::Data::new(key);
    let mut server = HttpServer::new(move || {
        let (json, form, query, path) = api::extract::configs(settings.max_body_bytes);
        App::new()
            .app_data(pool.clone())
            .app_data(settings.clone())
            .app_data(clock.clone())
            .app_data(allowed_hosts.clone())
            .app_data(hashing.clone())
            .app_data(access_log.clone())
            .app_data(key.clone())
            .app_data(json)
            .app_data(form)
            .app_data(query)
            .app_data(path)
            .app_data(web::PayloadConfig::new(settings.max_body_bytes))
            // Innermost: inputs are looked at only once the session and origin checks passed.
            .wrap(from_fn(idempotency::replay_retries))
            .wrap(from_fn(crate::http::probes::note_cross_organisation))
            .wrap(from_fn(inputs::refuse_control_characters))
            .wrap(from_fn(crate::auth::guard::require_session))
            .wrap(from_fn(security::csrf))
            .wrap(from_fn(hosts::allowed_host))
            .wrap(from_fn(envelope::error_envelope))
            .wrap(from_fn(security::security_headers))
            .wrap(Compress::default())
            .wrap(TracingLogger::<RedactedRootSpan>::new())
            .configure(api::configure)
            .configure(api::bench::configure(settings.bench_baseline))
            .configure(api::openapi::configure)
            .service(api::openapi::docs_ui())
            .configure(ui::configure)
            .default_service(web::to(envelope::not_found))
    })
    .listen(listener)?;
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.shutdown_timeout(10).run())
}

/// Removes expired sessions and old login failures every few minutes, and lets SQLite refresh
/// its statistics (`PRAGMA optimize`, as its documentation advises for long-lived connections).
async fn sweep_forever(pool: Pool, settings: Settings, clock: Clock) {
    let mut interval = actix_rt::time::interval(Duration::from_secs(300));
    loop {
        interval.tick().await;
        let (pool, settings, at) = (pool.clone(), settings.clone(), clock.now());
        let done = web::block(move || {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let swept = services::sessions::sweep(&mut conn, &settings, at).map_err(|e| e.to_string());
            // Keeps the planner's statistics current as the registry grows (cheap when little
            // changed: SQLite re-analyses a table only when it lacks statistics or grew much).
            let optimized = crate::db::optimize(&mut conn).map_err(|e| e.to_string());
            Ok::<_, String>((swept, optimized))
        })
        .await;
        match done {
            Ok(Ok((swept, optimized))) => {
                if let Err(e) = swept {
                    tracing::warn!(error = %e, "session sweep failed");
                }
                if let Err(e) = optimized {
                    tracing::warn!(error = %e, "PRAGMA optimize failed");
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "session sweep failed"),
            Err(e) => tracing::warn!(error = %e, "session sweep failed"),
        }
    }
}

/// Queues the re-evaluation of everyone once a day, so outcomes follow birthdays and version
/// periods without anyone touching a record (the job runner does the work), and the retention
/// job when a period is configured. Checks hourly whether the date changed; the first check is
/// a minute after start-up.
async fn reevaluate_daily(pool: Pool, clock: Clock, settings: Settings) {
    let mut last: Option<chrono::NaiveDate> = None;
    actix_rt::time::sleep(Duration::from_secs(60)).await;
    let mut interval = actix_rt::time::interval(Duration::from_secs(3600));
    loop {
        interval.tick().await;
        let today = clock.today();
        if last == Some(today) {
            continue;
        }
        let (pool, clock, settings) = (pool.clone(), clock.clone(), settings.clone());
        let done = web::block(move || {
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            // A failure to queue retention must not stop the daily re-evaluation.
            if let Err(e) = services::retention::queue_daily(&mut conn, &settings, &clock) {
                tracing::warn!(error = %e, "queueing the retention job failed");
            }
            services::jobs::queue_daily(&mut conn, &clock).map_err(|e| e.to_string())
        })
        .await;
        match done {
            Ok(Ok(_)) => last = Some(today),
            Ok(Err(e)) => tracing::warn!(error = %e, "queueing the daily re-evaluation failed"),
            Err(e) => tracing::warn!(error = %e, "queueing the daily re-evaluation could not run"),
        }
    }
}

/// Runs queued jobs: first the ones a previous run of this server left unfinished, then every
/// new one, polling the queue every `poll_millis`. Each poll first follows a change of the
/// name dictionary made by another server (`names`: what this runner last saw of it).
async fn run_jobs_forever(pool: Pool, clock: Clock, poll_millis: u64, names: services::names::Loaded) {
    let recovering = pool.clone();
    let clock_at_start = clock.clone();
    let recovered = web::block(move || {
        let mut conn = recovering.get().map_err(|e| e.to_string())?;
        let n = services::jobs::recover_after_restart(&mut conn).map_err(|e| e.to_string())?;
        // Keys filed by older rules or another dictionary are filed again, in the background.
        services::registry::match_keys::queue_if_stale(&mut conn, &clock_at_start).map_err(|e| e.to_string())?;
        Ok::<usize, String>(n)
    })
    .await;
    if let Ok(Ok(n)) = recovered {
        if n > 0 {
            tracing::info!(jobs = n, "jobs left running by a previous run are queued again");
        }
    }
    let names = std::sync::Arc::new(std::sync::Mutex::new(names));
    let mut interval = actix_rt::time::interval(Duration::from_millis(poll_millis.max(50)));
    loop {
        interval.tick().await;
        let (pool, clock, names) = (pool.clone(), clock.clone(), names.clone());
        let done = web::block(move || {
            follow_names(&pool, &names);
            services::jobs::run_pending(&pool, &clock).map_err(|e| format!("{e:#}"))
        })
        .await;
        match done {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "the job runner failed"),
            Err(e) => tracing::warn!(error = %e, "the job runner could not run"),
        }
    }
}

/// Installs the name dictionary again when another server changed it (cheap when nothing did);
/// a failure is logged and the next poll tries again.
fn follow_names(pool: &Pool, names: &std::sync::Mutex<services::names::Loaded>) {
    let mut loaded = names.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let followed = pool
        .get()
        .map_err(|e| e.to_string())
        .and_then(|mut conn| services::names::refresh_if_changed(&mut conn, &mut loaded).map_err(|e| format!("{e:#}")));
    if let Err(e) = followed {
        tracing::warn!(error = %e, "following the name dictionary failed");
    }
}
