//! Background jobs: work over everyone is queued in the `jobs` table by the request (in the
//! same transaction as the change that calls for it) and run by the server's job task, so the
//! request answers at once and a failure of the job never turns a committed change into an
//! error. A job survives a restart (left `running`, it is queued again) and runs once even with
//! several server processes on one PostgreSQL database: only the process holding the
//! advisory lock runs jobs.

use crate::clock::Clock;
use crate::db::models::JobRow;
use crate::db::repo::{jobs as repo, Page};
use crate::db::{backend, write_tx, Backend, DbConnection, Pool};
use crate::domain::ids::JobId;
use crate::domain::job::{JobKind, JobStatus, MAX_ATTEMPTS};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use chrono::Duration;
use diesel::RunQueryDsl;
use serde::Serialize;
use utoipa::ToSchema;

/// The advisory lock key of the job runner (any constant the deployment does not use elsewhere).
const RUNNER_LOCK: i64 = 0x686f_6d65_7761_7264; // "homeward"

/// A job as the admin sees it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct JobView {
    pub id: JobId,
    pub kind: JobKind,
    pub status: JobStatus,
    pub reason: String,
    pub done: i64,
    pub total: i64,
    /// 0 to 100.
    pub percent: i64,
    pub attempts: i32,
    pub error: Option<String>,
    pub created_at: chrono::NaiveDateTime,
    pub finished_at: Option<chrono::NaiveDateTime>,
}

/// Progress of the jobs this process is running, for work that reports it from inside one
/// transaction (an import's commit): the row's counts are written only when the transaction
/// ends, and on SQLite no other connection may write meanwhile. Read by [`JobView`].
static LIVE: std::sync::Mutex<Vec<(JobId, i64, i64)>> = std::sync::Mutex::new(Vec::new());

/// Notes a running job's progress in this process.
pub fn live_progress(id: &JobId, done: i64, total: i64) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|(j, _, _)| j != id);
        live.push((id.clone(), done, total));
    }
}

fn forget_live(id: &JobId) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|(j, _, _)| j != id);
    }
}

impl From<JobRow> for JobView {
    fn from(mut j: JobRow) -> JobView {
        if j.status == JobStatus::Running {
            if let Some((_, done, total)) =
                LIVE.lock().ok().and_then(|live| live.iter().find(|(id, _, _)| id == &j.id).cloned())
            {
                (j.done_count, j.total_count) = (done, total);
            }
        }
        let percent = match (j.status, j.total_count) {
            (JobStatus::Done, _) => 100,
            (_, 0) => 0,
            (_, t) => (j.done_count * 100 / t).clamp(0, 100),
        };
        JobView {
            id: j.id,
            kind: j.kind,
            status: j.status,
            reason: j.reason,
            done: j.done_count,
            total: j.total_count,
            percent,
            attempts: j.attempts,
            error: j.error,
            created_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}

pub(crate) fn new_job(ctx: &AuditCtx, kind: JobKind, reason: &str, dedupe_key: Option<String>) -> JobRow {
    JobRow {
        id: JobId::new_random(),
        kind,
        status: JobStatus::Queued,
        dedupe_key,
        reason: reason.chars().take(200).collect(),
        done_count: 0,
        total_count: 0,
        attempts: 0,
        error: None,
        requested_by: ctx.actor_id.clone(),
        created_at: ctx.now(),
        started_at: None,
        heartbeat_at: None,
        finished_at: None,
        organisation_id: None,
    }
}

/// Queues a re-evaluation of everyone, in the caller's transaction. A re-evaluation that is
/// queued and not yet started is joined instead of adding another (it will read the latest
/// policies when it starts).
pub fn queue_reevaluation(conn: &mut DbConnection, ctx: &AuditCtx, reason: &str) -> AppResult<JobRow> {
    if let Some(queued) = repo::queued_of_kind(conn, JobKind::ReevaluateAll)? {
        return Ok(queued);
    }
    let job = new_job(ctx, JobKind::ReevaluateAll, reason, None);
    repo::insert(conn, &job)?;
    Ok(job)
}

/// Queues the daily re-evaluation of `clock`'s day, once whoever asks (the key is unique).
pub fn queue_daily(conn: &mut DbConnection, clock: &Clock) -> AppResult<Option<JobRow>> {
    let key = format!("reevaluate:daily:{}", clock.today());
    let ctx = AuditCtx::anonymous("job:daily".into(), clock);
    queue_keyed(conn, &ctx, JobKind::ReevaluateAll, "daily", key)
}

/// Queues a job once per `key`, whoever asks; true when this call queued it.
pub fn queue_once(conn: &mut DbConnection, ctx: &AuditCtx, kind: JobKind, reason: &str, key: &str) -> AppResult<bool> {
    Ok(queue_keyed(conn, ctx, kind, reason, key.to_string())?.is_some())
}

fn queue_keyed(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    kind: JobKind,
    reason: &str,
    key: String,
) -> AppResult<Option<JobRow>> {
    if repo::find_by_dedupe_key(conn, &key)?.is_some() {
        return Ok(None);
    }
    let job = new_job(ctx, kind, reason, Some(key));
    match repo::insert(conn, &job) {
        Ok(()) => Ok(Some(job)),
        // Another server queued it a moment ago.
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// One job's view.
pub fn view(conn: &mut DbConnection, id: &JobId) -> AppResult<JobView> {
    Ok(repo::find(conn, id)?.ok_or(AppError::NotFound)?.into())
}

/// One job as a user of `org` may see it: a job over everyone or one of `org`'s own (another
/// organisation's answers 404).
pub fn view_for(conn: &mut DbConnection, org: &crate::domain::ids::OrgId, id: &JobId) -> AppResult<JobView> {
    let job = repo::find(conn, id)?.ok_or(AppError::NotFound)?;
    if job.organisation_id.as_ref().is_some_and(|o| o != org) {
        return Err(AppError::NotFound);
    }
    Ok(job.into())
}

/// The most recent jobs.
pub fn recent(conn: &mut DbConnection, org: &crate::domain::ids::OrgId, page: Page) -> AppResult<Vec<JobView>> {
    Ok(repo::list(conn, org, page)?.into_iter().map(JobView::from).collect())
}

fn try_lock(conn: &mut DbConnection) -> AppResult<bool> {
    if backend(conn) != Backend::Postgres {
        return Ok(true);
    }
    Ok(diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("pg_try_advisory_lock({RUNNER_LOCK})")))
        .get_result(conn)?)
}

fn unlock(conn: &mut DbConnection) -> AppResult<()> {
    if backend(conn) == Backend::Postgres {
        diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!("pg_advisory_unlock({RUNNER_LOCK})")))
            .get_result::<bool>(conn)?;
    }
    Ok(())
}

/// How long a running job may go without progress before another runner takes it over
/// (SQLite, where there is no advisory lock: one server process per file).
const STALE_AFTER: i64 = 120;

/// Runs every queued job, one after another; returns how many ran. Call from the job task (or
/// the CLI). With several servers on one PostgreSQL database, one of them runs them.
pub fn run_pending(pool: &Pool, clock: &Clock) -> AppResult<usize> {
    let mut conn = pool.get()?;
    if !try_lock(&mut conn)? {
        return Ok(0);
    }
    // A job that panics must not send the connection back to the pool still holding the
    // session's lock: no runner of any server could take it again. The panic goes on once the
    // lock is released (the runner logs it; the job, left running, is queued again at the next
    // poll and fails after its last attempt).
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_locked(&mut conn, pool, clock)));
    let unlocked = unlock(&mut conn);
    let ran = ran.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    unlocked?;
    Ok(ran)
}

fn run_locked(conn: &mut DbConnection, pool: &Pool, clock: &Clock) -> AppResult<usize> {
    // Holding the lock (or alone, on SQLite), a running job nobody advances is an orphan of a
    // runner that died: queue it again.
    let stale = match backend(conn) {
        Backend::Postgres => None,
        Backend::Sqlite => Some(clock.now() - Duration::seconds(STALE_AFTER)),
    };
    write_tx(conn, |conn| repo::requeue_abandoned(conn, stale))?;
    let mut ran = 0;
    while let Some(job) = write_tx(conn, |conn| repo::claim_next(conn, clock.now()))? {
        let ran_one = run_one(conn, pool, clock, &job);
        forget_live(&job.id);
        ran_one?;
        ran += 1;
    }
    Ok(ran)
}

fn run_one(conn: &mut DbConnection, pool: &Pool, clock: &Clock, job: &JobRow) -> AppResult<()> {
    tracing::info!(job = %job.id, kind = %job.kind, reason = %job.reason, "job started");
    let progress = |conn: &mut DbConnection, done: i64, total: i64| -> AppResult<()> {
        Ok(repo::progress(conn, &job.id, done, total, clock.now())?)
    };
    let outcome = match job.kind {
        JobKind::ReevaluateAll => crate::services::eligibility::reevaluate_all(conn, clock, progress).map(|w| {
            tracing::info!(job = %job.id, persons = w.persons, written = w.written, "job done");
        }),
        JobKind::Import => crate::services::imports::job::run(conn, pool, clock, job).map(|persons| {
            tracing::info!(job = %job.id, persons, "job done");
        }),
        JobKind::ReviewDuplicates => {
            crate::services::registry::review::run_job(conn, clock, job, progress).map(|pairs| {
                tracing::info!(job = %job.id, pairs, "job done");
            })
        }
        JobKind::Retention => crate::services::retention::run_job(conn, clock, job, progress).map(|r| {
            tracing::info!(job = %job.id, families = r.families, persons = r.persons, log_emptied = r.log_emptied, "job done");
        }),
        JobKind::RebuildMatchKeys => {
            crate::services::registry::match_keys::rebuild_stale(conn, clock, progress).map(|persons| {
                tracing::info!(job = %job.id, persons, "job done");
            })
        }
    };
    match outcome {
        Ok(()) => {
            repo::finish(conn, &job.id, JobStatus::Done, None, clock.now())?;
        }
        Err(e) => {
            // The cause goes to the server log only: the job's error is read by admins of every
            // organisation, and causes may name records.
            let message = match &e {
                AppError::Internal(cause) => {
                    tracing::warn!(job = %job.id, error = %format!("{cause:#}"), "job failed");
                    format!("internal error: see the server log for job {}", job.id)
                }
                other => {
                    tracing::warn!(job = %job.id, error = %other, "job failed");
                    other.to_string()
                }
            };
            let status = if job.attempts >= MAX_ATTEMPTS { JobStatus::Failed } else { JobStatus::Queued };
            repo::finish(conn, &job.id, status, Some(&message.chars().take(500).collect::<String>()), clock.now())?;
        }
    }
    Ok(())
}

/// At start-up: jobs a previous run of this server left running are queued again (SQLite has a
/// single server per file; on PostgreSQL the advisory lock decides, in `run_pending`).
pub fn recover_after_restart(conn: &mut DbConnection) -> AppResult<usize> {
    if backend(conn) == Backend::Postgres {
        return Ok(0);
    }
    Ok(write_tx(conn, |conn| repo::requeue_abandoned(conn, None))?)
}
