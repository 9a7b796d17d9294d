//! The blocking keys of every person, kept current: the unit of work files the persons it
//! touched (through `services::derived`), and a job rebuilds an organisation's keys, a chunk
//! per transaction, when the rules or the name dictionary changed (the server queues it at
//! start-up, and an admin's change of the dictionary queues it). The duplicate search reads
//! them (`duplicates`).
//!
//! A write files its persons with the dictionary this process uses; the rebuild, and the
//! version it records, use the dictionary of the database (`services::names::dictionary`),
//! so a server that has not yet noticed another server's change never records stale keys as
//! current.

use crate::auth::scope::each_organisation;
use crate::auth::OrgScope;
use crate::clock::Clock;
use crate::db::models::PersonRow;
use crate::db::repo::chunks::Chunk;
use crate::db::repo::match_keys::{self as repo, Persons};
use crate::db::repo::names;
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::PersonId;
use crate::domain::job::JobKind;
use crate::domain::matching::keys::{Keyer, RULES_VERSION};
use crate::domain::matching::{Dictionary, Record};
use crate::error::AppResult;
use crate::services::audit::AuditCtx;
use std::collections::HashMap;
use std::sync::Arc;

/// Persons filed per transaction of a rebuild.
const CHUNK: i64 = 2_000;

/// The version of the keys filed by these rules with this dictionary.
pub fn version_of(dict: &Dictionary) -> String {
    format!("{RULES_VERSION}:{}", dict.fingerprint())
}

/// The version of the keys the running code files with the database's dictionary.
pub fn current_version(conn: &mut DbConnection) -> AppResult<String> {
    let dict = crate::services::names::dictionary(conn)?;
    Ok(version_of(&dict))
}

/// What the matcher reads of a person (nationalities are the caller's: the keys do not use
/// them).
pub fn record(row: &PersonRow, other_names: Vec<String>, nationalities: Vec<String>) -> AppResult<Record> {
    Ok(Record {
        given_name: row.given_name.clone(),
        family_name: row.family_name.clone(),
        other_names,
        sex: Some(row.sex),
        birth: row.birth.get()?.map(|b| (b.earliest(), b.latest())),
        nationalities,
    })
}

/// The keys of these persons, each with its other names.
fn keys_of(
    keyer: &mut Keyer,
    rows: &[PersonRow],
    other: &HashMap<PersonId, Vec<String>>,
) -> AppResult<Vec<(PersonId, String)>> {
    let mut out = Vec::new();
    for row in rows {
        let r = record(row, other.get(&row.id).cloned().unwrap_or_default(), Vec::new())?;
        out.extend(keyer.filed(&r).into_iter().map(|k| (row.id.clone(), k)));
    }
    Ok(out)
}

/// Files these persons (a bounded set: one write's) under their current keys, in the caller's
/// transaction.
pub fn refresh(
    conn: &mut DbConnection,
    scope: &OrgScope,
    rows: &[PersonRow],
    other: &HashMap<PersonId, Vec<String>>,
) -> AppResult<()> {
    let ids: Vec<PersonId> = rows.iter().map(|r| r.id.clone()).collect();
    let keys = keys_of(&mut Keyer::new(&Dictionary::shared()), rows, other)?;
    Ok(repo::replace(conn, scope, Persons::Ids(&ids), &keys)?)
}

/// Files everyone of the organisation again, a chunk per transaction; `progress` hears how
/// many persons are done after each chunk. Returns how many persons were filed.
pub fn rebuild(
    conn: &mut DbConnection,
    scope: &OrgScope,
    clock: &Clock,
    mut progress: impl FnMut(&mut DbConnection, usize) -> AppResult<()>,
) -> AppResult<usize> {
    let mut after: Option<PersonId> = None;
    let mut done = 0;
    let dict: Arc<Dictionary> = crate::services::names::dictionary(conn)?;
    let mut keyer = Keyer::new(&dict);
    loop {
        let filed = write_tx(conn, |conn| -> AppResult<Option<(PersonId, usize)>> {
            let Some((chunk, rows)) = Chunk::next(conn, scope, after.as_ref(), None, CHUNK)? else {
                return Ok(None);
            };
            let from = after.as_ref().map(|a| a.as_str().to_string()).unwrap_or_default();
            let last = chunk.last().clone();
            let mut other: HashMap<PersonId, Vec<String>> = HashMap::new();
            for n in names::in_range(conn, scope, &from, last.as_str())? {
                other.entry(n.person_id).or_default().push(n.name);
            }
            let keys = keys_of(&mut keyer, &rows, &other)?;
            repo::replace(conn, scope, Persons::Range { after: &from, last: last.as_str() }, &keys)?;
            Ok(Some((last, rows.len())))
        })?;
        let Some((last, n)) = filed else { break };
        after = Some(last);
        done += n;
        progress(conn, done)?;
    }
    let version = version_of(&dict);
    write_tx(conn, |conn| AppResult::Ok(repo::set_version(conn, scope, &version, clock.now())?))?;
    Ok(done)
}

/// The organisations whose keys were built by other rules or another dictionary.
fn stale(conn: &mut DbConnection, current: &str) -> AppResult<Vec<OrgScope>> {
    let mut out = Vec::new();
    for scope in each_organisation(conn)? {
        if repo::version(conn, &scope)?.as_deref() != Some(current) {
            out.push(scope);
        }
    }
    Ok(out)
}

/// The job: rebuilds the keys of every organisation whose keys are stale; `progress` hears
/// (done, total) persons.
pub fn rebuild_stale(
    conn: &mut DbConnection,
    clock: &Clock,
    mut progress: impl FnMut(&mut DbConnection, i64, i64) -> AppResult<()>,
) -> AppResult<usize> {
    let current = current_version(conn)?;
    let scopes = stale(conn, &current)?;
    let mut total = 0;
    for scope in &scopes {
        total += crate::db::repo::persons::count(conn, scope)?;
    }
    progress(conn, 0, total)?;
    let mut done = 0;
    for scope in &scopes {
        let before = done;
        done += rebuild(conn, scope, clock, |conn, n| progress(conn, before + n as i64, total.max(before + n as i64)))?
            as i64;
    }
    Ok(done as usize)
}

/// At start-up: queues a rebuild when some organisation's keys are stale (once per version,
/// whoever asks).
pub fn queue_if_stale(conn: &mut DbConnection, clock: &Clock) -> AppResult<bool> {
    let current = current_version(conn)?;
    if stale(conn, &current)?.is_empty() {
        return Ok(false);
    }
    let ctx = AuditCtx::anonymous("job:match_keys".into(), clock);
    let key = format!("match_keys:{current}");
    crate::services::jobs::queue_once(conn, &ctx, JobKind::RebuildMatchKeys, "the duplicate keys are stale", &key)
}

/// After a change of the name dictionary (`change`: the audited action and the entry), in its
/// transaction: queues a rebuild when some organisation's keys are stale. Keyed by the change,
/// not only by the version: removing a name and adding it again comes back to a version
/// whose rebuild ran long ago.
pub fn queue_after_change(conn: &mut DbConnection, ctx: &AuditCtx, change: &str) -> AppResult<bool> {
    let current = current_version(conn)?;
    if stale(conn, &current)?.is_empty() {
        return Ok(false);
    }
    let key = format!("match_keys:{current}:{change}");
    crate::services::jobs::queue_once(conn, ctx, JobKind::RebuildMatchKeys, "the name dictionary changed", &key)
}

/// Records that a new organisation's keys (none yet) are current.
pub fn start(conn: &mut DbConnection, scope: &OrgScope, at: chrono::NaiveDateTime) -> AppResult<()> {
    let version = current_version(conn)?;
    Ok(repo::set_version(conn, scope, &version, at)?)
}
