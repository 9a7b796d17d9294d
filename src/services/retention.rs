//! Retention: a family whose cases have all ended (repatriated, withdrawn, closed) more than
//! `retention_closed_case_days` ago is pseudonymised. Its names, notes, places and free texts,
//! and the change history and merge snapshots that hold them, are removed or replaced by
//! pseudonyms made from the ids; dates keep their years; what the statistics count stays (the
//! persons, their sex, years, nationality claims, custody, the cases and their statuses). Each
//! family is audited (`family.pseudonymised`) in the transaction that changes it. The server
//! queues the `retention` job once a day; `homeward retention` runs it at once. On SQLite every
//! connection has `secure_delete` on, and the run ends with a `TRUNCATE` checkpoint, so the
//! purged strings are gone from the file and its write-ahead log (the retention test reads both).

use crate::auth::scope::each_organisation;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::models::JobRow;
use crate::db::repo::retention as repo;
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::PersonId;
use crate::domain::job::JobKind;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use chrono::NaiveDate;

/// Due families read per query (each is pseudonymised in its own transaction).
const BATCH: i64 = 50;
/// The prefix of the job's dedupe key; the rest is the cutoff date.
const KEY_PREFIX: &str = "retention:before:";

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub families: usize,
    pub persons: usize,
    /// The SQLite write-ahead log was emptied (always true on PostgreSQL).
    pub log_emptied: bool,
}

/// Queues today's retention job when a period is configured; true when this call queued it.
pub fn queue_daily(conn: &mut DbConnection, settings: &Settings, clock: &Clock) -> AppResult<bool> {
    if settings.retention_closed_case_days == 0 {
        return Ok(false);
    }
    let before = repo::cutoff(clock.today(), settings.retention_closed_case_days).date();
    let ctx = AuditCtx::anonymous("job:retention".into(), clock);
    let reason = format!("retention: cases ended before {before}");
    crate::services::jobs::queue_once(conn, &ctx, JobKind::Retention, &reason, &format!("{KEY_PREFIX}{before}"))
}

/// Runs a queued retention job: the cutoff is the date its key names.
pub fn run_job(
    conn: &mut DbConnection,
    clock: &Clock,
    job: &JobRow,
    progress: impl Fn(&mut DbConnection, i64, i64) -> AppResult<()>,
) -> AppResult<Report> {
    let before = job
        .dedupe_key
        .as_deref()
        .and_then(|k| k.strip_prefix(KEY_PREFIX))
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a retention job without its cutoff")))?;
    let report = run(conn, clock, &format!("job:{}", job.id), before, progress)?;
    if !report.log_emptied {
        // Old pages of the log may still hold what was purged: the job runs again (and finds
        // nothing more to do but the checkpoint).
        return Err(AppError::Busy { retry_after_secs: 60 });
    }
    Ok(report)
}

/// Pseudonymises every family due: their cases all ended before `before`.
pub fn run(
    conn: &mut DbConnection,
    clock: &Clock,
    request_id: &str,
    before: NaiveDate,
    progress: impl Fn(&mut DbConnection, i64, i64) -> AppResult<()>,
) -> AppResult<Report> {
    let cutoff = before.and_hms_opt(0, 0, 0).unwrap_or_default();
    let scopes = each_organisation(conn)?;
    let mut total = 0;
    for scope in &scopes {
        total += repo::count_due(conn, scope, cutoff)?;
    }
    progress(conn, 0, total)?;
    let mut report = Report::default();
    for scope in &scopes {
        let ctx = AuditCtx {
            actor_id: None,
            organisation_id: Some(scope.id().to_string()),
            request_id: request_id.to_string(),
            clock: clock.clone(),
        };
        let mut after = String::new();
        loop {
            let families = repo::due(conn, scope, cutoff, &after, BATCH)?;
            let Some(last) = families.last().cloned() else { break };
            // One family per transaction: the write lock (and on PostgreSQL the audit table's)
            // is held for one family's statements, not for a batch's.
            for family in &families {
                let done = write_tx(conn, |conn| {
                    let Some(persons) = repo::pseudonymise_family(conn, scope, family, cutoff, ctx.now())? else {
                        return Ok::<_, AppError>(None); // no longer due
                    };
                    // The search key and duplicate keys are made from the names: made again
                    // from the pseudonyms, then the duplicate keys dropped (a pseudonym is no
                    // one's name to match). The stored results and the backlog's facts hold
                    // the exact birth dates: evaluated again from the years.
                    let ids = repo::person_ids(conn, scope, family)?
                        .iter()
                        .map(|id| PersonId::parse(id).map_err(|m| AppError::Internal(anyhow::anyhow!(m))))
                        .collect::<AppResult<Vec<_>>>()?;
                    crate::services::derived::refresh(conn, scope, &ids, clock.today())?;
                    repo::forget_match_keys(conn, scope, family)?;
                    crate::services::eligibility::walk::lock_evaluation(conn, false)?;
                    crate::services::eligibility::reevaluate_with_kin(conn, scope, &ids, clock)?;
                    repo::drop_empty_birth_counts(conn, scope)?;
                    audit::record(conn, &ctx, "family.pseudonymised", Some(("family", family)), "retention")?;
                    Ok(Some(persons))
                })?;
                if let Some(persons) = done {
                    report.families += 1;
                    report.persons += persons;
                }
            }
            after = last;
            progress(conn, report.families as i64, total)?;
        }
    }
    if report.families > 0 {
        // What still holds the old values outside the rows: the name-search index's segments
        // (merged, dropping the deleted entries) and the planner's sample keys (analysed again).
        crate::db::compact_after_purge(conn)?;
    }
    report.log_emptied = crate::db::checkpoint(conn)?;
    Ok(report)
}
