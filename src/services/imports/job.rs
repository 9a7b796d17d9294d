//! The commit of a previewed import as a background job, so that a long file neither holds a
//! request open nor leaves the user without news: the job runs the commit (one transaction, all
//! or nothing) and reports the rows written; the import's page shows them. A commit refused
//! because the registry changed since the dry run stores its problems on the import's preview,
//! where the page lists them by row and column.

use super::{commit, Preview, Refusal};
use crate::auth::OrgScope;
use crate::clock::Clock;
use crate::db::models::JobRow;
use crate::db::repo::{imports as repo, jobs as jobs_repo};
use crate::db::{backend, write_tx, Backend, DbConnection, Pool};
use crate::domain::job::JobKind;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use crate::services::jobs::{live_progress, new_job, JobView};

fn reason_of(id: &str) -> String {
    format!("import {id}")
}

/// Queues the commit of a previewed import (or answers the one queued or running); 404 outside
/// the organisation, 409 when it is committed already or its preview expired.
pub fn queue_commit(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, id: &str) -> AppResult<JobView> {
    write_tx(conn, |conn| {
        let stored = repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        let conflict = |message: String| AppError::Conflict { message, current_version: None };
        if stored.status == "committed" {
            return Err(conflict("this import is committed already".into()));
        }
        if stored.content.is_none() {
            return Err(conflict(format!(
                "this preview is older than {} hours: upload the file again",
                super::PREVIEW_HOURS
            )));
        }
        let reason = reason_of(id);
        if let Some(job) = jobs_repo::latest_with_reason(conn, JobKind::Import, scope.id(), &reason)? {
            if !job.status.is_finished() {
                return Ok(job.into());
            }
        }
        let mut job = new_job(ctx, JobKind::Import, &reason, None);
        job.organisation_id = Some(scope.id().clone());
        jobs_repo::insert(conn, &job)?;
        audit::record(conn, ctx, "import.commit.queued", Some(("import", id)), "success")?;
        Ok(job.into())
    })
}

/// The latest commit job of an import, if any.
pub fn latest(conn: &mut DbConnection, scope: &OrgScope, id: &str) -> AppResult<Option<JobView>> {
    Ok(jobs_repo::latest_with_reason(conn, JobKind::Import, scope.id(), &reason_of(id))?.map(JobView::from))
}

/// The job: commits the import it names, as the user who asked. Returns the persons written
/// (0 when the commit was refused: its problems are on the import).
pub fn run(conn: &mut DbConnection, pool: &Pool, clock: &Clock, job: &JobRow) -> AppResult<usize> {
    let internal = |m: &str| AppError::Internal(anyhow::anyhow!("import job {}: {m}", job.id));
    let org = job.organisation_id.as_ref().ok_or_else(|| internal("no organisation"))?;
    let id = job.reason.strip_prefix("import ").ok_or_else(|| internal("no import"))?;
    let Some(scope) = crate::auth::scope::each_organisation(conn)?.into_iter().find(|s| s.id() == org) else {
        return Ok(0);
    };
    let ctx = AuditCtx {
        actor_id: job.requested_by.clone(),
        organisation_id: Some(org.to_string()),
        request_id: format!("job:{}", job.id),
        clock: clock.clone(),
    };
    // On PostgreSQL another connection may write the job's progress while the commit's
    // transaction is open; on SQLite it may not, and this process's view of it is enough (one
    // server per file).
    let pg = backend(conn) == Backend::Postgres;
    let mut progress = |done: usize, total: usize| {
        live_progress(&job.id, done as i64, total as i64);
        if pg {
            // Never waits for a connection with the commit's transaction open.
            if let Some(mut other) = pool.try_get() {
                let _ = jobs_repo::progress(&mut other, &job.id, done as i64, total as i64, clock.now());
            }
        }
    };
    match commit(conn, &ctx, &scope, id, &mut progress) {
        Ok(done) => {
            // The counts the live view showed, kept on the finished job.
            let n = done.persons as i64;
            jobs_repo::progress(conn, &job.id, n, n, clock.now())?;
            Ok(done.persons)
        }
        Err(AppError::Validation { fields, .. }) => {
            let refused: Vec<Refusal> = fields
                .into_iter()
                .flat_map(|(at, ms)| ms.into_iter().map(move |message| Refusal { at: at.clone(), message }))
                .collect();
            refuse(conn, &ctx, &scope, id, refused)?;
            Ok(0)
        }
        // Committed meanwhile, expired, or refused by the database's constraints (a row that
        // another write created meanwhile): said on the import, nothing written.
        Err(AppError::Conflict { message, .. }) => {
            refuse(conn, &ctx, &scope, id, vec![Refusal { at: String::new(), message }])?;
            Ok(0)
        }
        Err(AppError::NotFound) => Ok(0),
        Err(e) => Err(e),
    }
}

/// Stores the problems that refused a commit on the import's preview (still previewed: a
/// committed import is left alone), audited.
fn refuse(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, id: &str, refused: Vec<Refusal>) -> AppResult<()> {
    write_tx(conn, |conn| {
        let Some(stored) = repo::find(conn, scope, id)? else { return Ok(()) };
        if stored.preview.is_empty() {
            return Ok(());
        }
        let mut p: Preview = serde_json::from_str(&stored.preview).map_err(|e| AppError::Internal(e.into()))?;
        p.refused = refused;
        p.refused.truncate(super::LISTED);
        p.job = None;
        let text = serde_json::to_string(&p).map_err(|e| AppError::Internal(e.into()))?;
        if repo::set_preview(conn, scope, id, &text)? > 0 {
            audit::record(conn, ctx, "import.commit", Some(("import", id)), "refused")?;
        }
        AppResult::Ok(())
    })
}
