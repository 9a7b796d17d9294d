//! Evaluating everyone set-wise: each organisation's persons are walked in chunks of ids, each
//! chunk's facts loaded with one range scan per table ([`facts::load_chunk`]), evaluated on
//! both cores, compared with the stored results, and only the results that changed written, in
//! multi-row statements. A chunk is one transaction, so a crash loses at most one chunk's work
//! and a registry write waits at most one chunk (see [`lock_evaluation`]).
//!
//! The same walk, narrowed to the claimants of a country, serves simulations.

use super::facts::{self, Batch, Places};
use super::{published, to_row};
use crate::auth::scope::each_organisation;
use crate::auth::OrgScope;
use crate::clock::Clock;
use crate::db::models::{EligibilityRow, PersonRow};
use crate::db::repo::chunks::{self, Chunk};
use crate::db::repo::{backlog_facts, policies};
use crate::db::{backend, write_tx, Backend, DbConnection};
use crate::domain::country::CountryCode;
use crate::domain::policy::{evaluate_claim, ClaimResult, PolicyVersion};
use crate::error::AppResult;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use std::collections::HashMap;
use std::sync::Arc;

/// Persons per chunk: large enough that the per-query cost vanishes, small enough that a
/// chunk's transaction stays short and its memory small.
pub const CHUNK: i64 = 5_000;

/// The PostgreSQL advisory lock between registry writes (shared) and a chunk of the walk
/// (exclusive): a chunk reads the facts committed before it and no write's results are
/// overwritten by a chunk that read older facts. SQLite's `BEGIN IMMEDIATE` already serializes.
const EVALUATION_LOCK: i64 = 0x6576_616c_7561_7465; // "evaluate"

/// Takes the evaluation lock for the transaction: `exclusive` for a chunk of the walk, shared
/// for a registry write's own re-evaluation. Nothing on SQLite.
pub fn lock_evaluation(conn: &mut DbConnection, exclusive: bool) -> AppResult<()> {
    if backend(conn) == Backend::Postgres {
        let f = if exclusive { "pg_advisory_xact_lock" } else { "pg_advisory_xact_lock_shared" };
        conn.batch_execute(&format!("SELECT {f}({EVALUATION_LOCK})"))?;
    }
    Ok(())
}

/// Takes, on PostgreSQL, the organisation's lock for the rest of the transaction: registry
/// writes of one organisation replace stored results and prepared counts one at a time.
pub fn lock_organisation(conn: &mut DbConnection, scope: &OrgScope) -> AppResult<()> {
    if backend(conn) == Backend::Postgres {
        let mut q = crate::db::repo::sql::Sql::new(conn);
        q.push("SELECT pg_advisory_xact_lock(hashtext(")
            .bind(format!("homeward-evaluate:{}", scope.id().as_str()))
            .push("))");
        q.execute(conn)?;
    }
    Ok(())
}

/// What a walk did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Walked {
    pub persons: i64,
    /// Claims evaluated.
    pub results: i64,
    /// Stored results written (new or changed) and deleted (their claim gone).
    pub written: i64,
    pub deleted: i64,
}

/// Evaluates the members of a loaded batch, on both cores: one result per claim (per claim to
/// `only` when given), in member order.
pub fn evaluate_members(
    batch: &Batch,
    members: &[PersonRow],
    versions: &[PolicyVersion],
    on: NaiveDate,
    only: Option<CountryCode>,
) -> AppResult<Vec<(usize, ClaimResult)>> {
    let one = |from: usize, part: &[PersonRow]| -> AppResult<Vec<(usize, ClaimResult)>> {
        let mut out = Vec::new();
        for (i, p) in part.iter().enumerate() {
            let Some(claims) = batch.claims.get(&p.id) else { continue };
            let f = batch.facts(p, on)?;
            for c in claims.iter().filter(|c| only.is_none_or(|o| c.country_code == o)) {
                let decision = c.decision.get()?;
                out.push((from + i, evaluate_claim(versions, c.country_code.as_str(), c.status, decision, &f, on)));
            }
        }
        Ok(out)
    };
    if members.len() < 256 {
        return one(0, members);
    }
    let half = members.len() / 2;
    let (a, b) = members.split_at(half);
    let (first, second) = std::thread::scope(|s| {
        let other = s.spawn(|| one(half, b));
        let first = one(0, a);
        (first, other.join())
    });
    let mut out = first?;
    out.extend(second.unwrap_or_else(|p| std::panic::resume_unwind(p))?);
    Ok(out)
}

/// One chunk of the re-evaluation of everyone, in its own transaction; `None` at the end.
fn reevaluate_chunk(
    conn: &mut DbConnection,
    scope: &OrgScope,
    after: Option<&crate::domain::ids::PersonId>,
    ctx: (&[PolicyVersion], &Arc<Places>, NaiveDate, NaiveDateTime),
) -> AppResult<Option<(crate::domain::ids::PersonId, Walked)>> {
    let (versions, places, on, at) = ctx;
    write_tx(conn, |conn| {
        lock_evaluation(conn, true)?;
        let Some((chunk, members)) = Chunk::next(conn, scope, after, None, CHUNK)? else { return Ok(None) };
        let batch = facts::load_chunk(conn, scope, &chunk, &members, places.clone())?;
        let evaluated = evaluate_members(&batch, &members, versions, on, None)?;
        let stored: HashMap<(String, String), EligibilityRow> = chunks::results(conn, scope, &chunk)?
            .into_iter()
            .map(|r| ((r.person_id.to_string(), r.country_code.to_string()), r))
            .collect();
        let mut changed = Vec::new();
        let mut walked = Walked { persons: members.len() as i64, results: evaluated.len() as i64, ..Walked::default() };
        let mut orphans = stored.len();
        for (i, result) in evaluated {
            let row = to_row(&members[i], &result, on, at)?;
            let key = (row.person_id.to_string(), row.country_code.to_string());
            orphans -= usize::from(stored.contains_key(&key));
            let same = stored.get(&key).is_some_and(|s| {
                // The day and moment of evaluation do not count: an unchanged result is not rewritten.
                s.outcome == row.outcome
                    && s.uncertain == row.uncertain
                    && s.policy_version_id == row.policy_version_id
                    && s.changes_on == row.changes_on
                    && s.changes_to == row.changes_to
                    && s.change_reason == row.change_reason
                    && s.result == row.result
            });
            if !same {
                changed.push(row);
            }
        }
        walked.written = policies::upsert_results(conn, scope, &changed)? as i64;
        if orphans > 0 {
            walked.deleted = chunks::delete_orphan_results(conn, scope, &chunk)? as i64;
        }
        if walked.written + walked.deleted > 0 {
            let (after, last) = chunk.bounds();
            backlog_facts::refresh(conn, scope, backlog_facts::Persons::Range { after, last })?;
        }
        Ok(Some((chunk.last().clone(), walked)))
    })
}

/// Re-evaluates everyone, organisation by organisation, a chunk per transaction; `progress`
/// hears (done, total) after each chunk.
pub fn reevaluate_all(
    conn: &mut DbConnection,
    clock: &Clock,
    mut progress: impl FnMut(&mut DbConnection, i64, i64) -> AppResult<()>,
) -> AppResult<Walked> {
    let versions = published(conn)?;
    let places = Places::load(conn)?;
    let on = clock.today();
    let scopes = each_organisation(conn)?;
    let mut total = 0;
    for scope in &scopes {
        total += crate::db::repo::persons::count(conn, scope)?;
    }
    let mut done = Walked::default();
    progress(conn, 0, total)?;
    map_file(conn, true)?;
    let walked = (|| {
        for scope in &scopes {
            let mut after = None;
            while let Some((last, w)) =
                reevaluate_chunk(conn, scope, after.as_ref(), (&versions, &places, on, clock.now()))?
            {
                after = Some(last);
                done.persons += w.persons;
                done.results += w.results;
                done.written += w.written;
                done.deleted += w.deleted;
                progress(conn, done.persons, total.max(done.persons))?;
            }
        }
        Ok(done)
    })();
    map_file(conn, false)?;
    walked
}

/// On SQLite, reads the file through a memory map while walking everyone: the walk touches
/// every page of the tables it reads, and a map saves a system call and a copy per page. The
/// map is dropped after the walk (its pages would otherwise count as the server's memory).
fn map_file(conn: &mut DbConnection, on: bool) -> AppResult<()> {
    if backend(conn) == Backend::Sqlite {
        conn.batch_execute(if on { "PRAGMA mmap_size = 4294967296" } else { "PRAGMA mmap_size = 0" })?;
    }
    Ok(())
}

/// Walks the claimants of `country` in one organisation, a loaded chunk at a time (through
/// the memory map on SQLite, like `reevaluate_all`).
pub fn for_each_claimant_chunk(
    conn: &mut DbConnection,
    scope: &OrgScope,
    country: CountryCode,
    mut f: impl FnMut(&mut DbConnection, &Batch, &[PersonRow]) -> AppResult<()>,
) -> AppResult<()> {
    let places = Places::load(conn)?;
    map_file(conn, true)?;
    let walked = (|| {
        let mut after = None;
        while let Some((chunk, members)) = Chunk::next(conn, scope, after.as_ref(), Some(country), CHUNK)? {
            let batch = facts::load_chunk(conn, scope, &chunk, &members, places.clone())?;
            f(conn, &batch, &members)?;
            after = Some(chunk.last().clone());
        }
        Ok(())
    })();
    map_file(conn, false)?;
    walked
}
