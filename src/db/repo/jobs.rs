//! The jobs queue: insert (at most one per dedupe key), claim the oldest queued job, report
//! progress, finish, and hand back jobs whose runner died.

use super::Page;
use crate::db::models::JobRow;
use crate::db::schema::jobs as j;
use crate::db::DbConnection;
use crate::domain::ids::{JobId, OrgId};
use crate::domain::job::{JobKind, JobStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub fn insert(conn: &mut DbConnection, row: &JobRow) -> QueryResult<()> {
    diesel::insert_into(j::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &JobId) -> QueryResult<Option<JobRow>> {
    j::table.filter(j::id.eq(id)).select(JobRow::as_select()).first(conn).optional()
}

pub fn find_by_dedupe_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<JobRow>> {
    j::table.filter(j::dedupe_key.eq(key)).select(JobRow::as_select()).first(conn).optional()
}

/// A job of this kind that has not started yet (a new request can join it instead of adding
/// another run over everyone).
pub fn queued_of_kind(conn: &mut DbConnection, kind: JobKind) -> QueryResult<Option<JobRow>> {
    j::table
        .filter(j::kind.eq(kind))
        .filter(j::status.eq(JobStatus::Queued))
        .order(j::created_at.asc())
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// Marks the oldest queued job running and returns it; `None` when the queue is empty.
/// Call inside a write transaction, so two runners cannot take the same job.
pub fn claim_next(conn: &mut DbConnection, at: NaiveDateTime) -> QueryResult<Option<JobRow>> {
    let Some(next) = j::table
        .filter(j::status.eq(JobStatus::Queued))
        .order((j::created_at.asc(), j::id.asc()))
        .select(JobRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let n = diesel::update(j::table.filter(j::id.eq(&next.id)).filter(j::status.eq(JobStatus::Queued)))
        .set((
            j::status.eq(JobStatus::Running),
            j::started_at.eq(at),
            j::heartbeat_at.eq(at),
            j::attempts.eq(next.attempts + 1),
            j::done_count.eq(0_i64),
        ))
        .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    find(conn, &next.id)
}

/// Progress of a running job.
pub fn progress(conn: &mut DbConnection, id: &JobId, done: i64, total: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(j::table.filter(j::id.eq(id)))
        .set((j::done_count.eq(done), j::total_count.eq(total), j::heartbeat_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Ends a job: done, failed, or back to the queue for another attempt.
pub fn finish(
    conn: &mut DbConnection,
    id: &JobId,
    status: JobStatus,
    error: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let finished = status.is_finished().then_some(at);
    diesel::update(j::table.filter(j::id.eq(id)))
        .set((j::status.eq(status), j::error.eq(error), j::finished_at.eq(finished), j::heartbeat_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

/// Jobs left running by a runner that is gone (its heartbeat older than `stale_before`, or
/// every running job when `stale_before` is `None`) go back to the queue.
pub fn requeue_abandoned(conn: &mut DbConnection, stale_before: Option<NaiveDateTime>) -> QueryResult<usize> {
    // A job that took its runner down as often as it may be tried is not tried again.
    let mut spent = diesel::update(
        j::table.filter(j::status.eq(JobStatus::Running)).filter(j::attempts.ge(crate::domain::job::MAX_ATTEMPTS)),
    )
    .into_boxed();
    if let Some(before) = stale_before {
        spent = spent.filter(j::heartbeat_at.lt(before));
    }
    spent
        .set((j::status.eq(JobStatus::Failed), j::error.eq("stopped with its runner too many times")))
        .execute(conn)?;
    let mut q = diesel::update(j::table.filter(j::status.eq(JobStatus::Running))).into_boxed();
    if let Some(before) = stale_before {
        q = q.filter(j::heartbeat_at.lt(before));
    }
    q.set(j::status.eq(JobStatus::Queued)).execute(conn)
}

/// The most recent jobs first: those over everyone and those of `org` (an organisation's
/// imports and review lists are its own business).
pub fn list(conn: &mut DbConnection, org: &OrgId, page: Page) -> QueryResult<Vec<JobRow>> {
    j::table
        .filter(j::organisation_id.is_null().or(j::organisation_id.eq(org)))
        .order((j::created_at.desc(), j::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(JobRow::as_select())
        .load(conn)
}

/// The job of this kind for one organisation that is queued or running, if any (a second
/// request joins it instead of running the same work again behind it).
pub fn unfinished_for(conn: &mut DbConnection, kind: JobKind, org: &OrgId) -> QueryResult<Option<JobRow>> {
    j::table
        .filter(j::kind.eq(kind))
        .filter(j::status.eq_any([JobStatus::Queued, JobStatus::Running]))
        .filter(j::organisation_id.eq(org))
        .order(j::created_at.asc())
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// The latest job of this kind for one organisation.
pub fn latest_for(conn: &mut DbConnection, kind: JobKind, org: &OrgId) -> QueryResult<Option<JobRow>> {
    j::table
        .filter(j::kind.eq(kind))
        .filter(j::organisation_id.eq(org))
        .order((j::created_at.desc(), j::id.desc()))
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}

/// The latest job of this kind for one organisation with this reason (an import's commit).
pub fn latest_with_reason(
    conn: &mut DbConnection,
    kind: JobKind,
    org: &OrgId,
    reason: &str,
) -> QueryResult<Option<JobRow>> {
    j::table
        .filter(j::kind.eq(kind))
        .filter(j::organisation_id.eq(org))
        .filter(j::reason.eq(reason))
        .order((j::created_at.desc(), j::id.desc()))
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}
