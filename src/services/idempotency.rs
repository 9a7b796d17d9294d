//! Retries that never duplicate: a write carries a key (the API's `Idempotency-Key` header, a
//! page form's one-time `form_token`); the first request with a key claims it and its answer is
//! kept for a day; a retry with the same key and the same request gets that answer again and
//! changes nothing. Keys belong to the user who sent them.
//!
//! A claim is written before the request runs, in its own transaction, so two copies racing
//! each other cannot both run (the second is told to retry in a moment). If the server stops
//! while a request runs, its claim stays `running`: after [`LEASE_SECS`] a retry looks for the
//! audit events of the first attempt (every change writes one in its own transaction): none
//! means nothing was done and the retry runs; some means it was done and only its answer was
//! lost, which the retry is told instead of doing it twice.

use crate::db::repo::{audit as audit_repo, idempotency as repo};
use crate::db::{backend, write_tx, Backend, DbConnection};
use crate::error::{AppError, AppResult};
use chrono::{Duration, NaiveDateTime};
use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// How long a kept answer can be replayed, and its claim kept.
pub const KEEP_HOURS: i64 = 24;
/// How long a running claim is taken to be alive: longer than any request runs (an import of
/// 100,000 rows commits in under a minute at 500,000 persons).
pub const LEASE_SECS: i64 = 600;

/// A kept answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What to do with a request that carries a key.
#[derive(Debug)]
pub enum Begin {
    /// The key is claimed for this request: run it, then [`finish`] or [`release`].
    Run,
    /// The same request ran before: answer this.
    Replay(Answer),
    /// The same request is running now.
    Running,
    /// The key was used for another request.
    Mismatch,
    /// The same request was carried out but the server stopped before its answer was kept.
    AnswerLost,
}

/// The key as the client sent it, checked: 1 to 255 visible ASCII characters.
pub fn check_key(key: &str) -> AppResult<()> {
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::field("Idempotency-Key", "must be 1 to 255 visible ASCII characters (a UUID, say)"));
    }
    Ok(())
}

/// Claims `key` of `user_id` for a request with this fingerprint, or says why not.
pub fn begin(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    fingerprint: &str,
    request_id: &str,
    at: NaiveDateTime,
) -> AppResult<Begin> {
    let outcome = write_tx(conn, |conn| -> Result<Begin, DieselError> {
        let Some(claim) = repo::find(conn, user_id, key)? else {
            let (seq, _) = audit_repo::head(conn)?;
            repo::insert_running(conn, user_id, key, fingerprint, request_id, seq, at)?;
            return Ok(Begin::Run);
        };
        if claim.fingerprint != fingerprint {
            return Ok(Begin::Mismatch);
        }
        if claim.state == "done" {
            return Ok(Begin::Replay(answer(claim)));
        }
        if at - claim.created_at < Duration::seconds(LEASE_SECS) {
            return Ok(Begin::Running);
        }
        if repo::carried_out(conn, &claim.request_id, claim.audit_seq)? {
            return Ok(Begin::AnswerLost);
        }
        let (seq, _) = audit_repo::head(conn)?;
        if repo::take_over(conn, user_id, key, &claim.request_id, request_id, seq, at)? == 1 {
            Ok(Begin::Run)
        } else {
            Ok(Begin::Running) // another retry took it over a moment ago
        }
    });
    match outcome {
        // PostgreSQL: another copy claimed the key between the read and the insert.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(Begin::Running),
        other => Ok(other?),
    }
}

fn answer(claim: repo::Claim) -> Answer {
    Answer {
        status: claim.status.and_then(|s| u16::try_from(s).ok()).unwrap_or(200),
        headers: claim.headers.and_then(|h| serde_json::from_str(&h).ok()).unwrap_or_default(),
        body: claim.body.unwrap_or_default(),
    }
}

/// Keeps the answer of the request that claimed the key.
pub fn finish(conn: &mut DbConnection, user_id: &str, key: &str, request_id: &str, answer: &Answer) -> AppResult<()> {
    let headers = serde_json::to_string(&answer.headers).unwrap_or_else(|_| "[]".into());
    repo::complete(conn, user_id, key, request_id, i32::from(answer.status), &headers, &answer.body)?;
    Ok(())
}

/// Gives the key back: the request failed in a way a retry may fix (a 5xx, 429, 503), or its
/// answer is a download not worth keeping. If the audit chain shows it changed something
/// anyway (an error after its commit), the key is kept with [`ANSWER_LOST`] instead, so that a
/// retry does not do it twice.
pub fn release(conn: &mut DbConnection, user_id: &str, key: &str, request_id: &str, download: bool) -> AppResult<()> {
    write_tx(conn, |conn| -> Result<(), DieselError> {
        let claim = repo::find(conn, user_id, key)?.filter(|c| c.request_id == request_id && c.state == "running");
        let Some(claim) = claim else { return Ok(()) };
        if !download && repo::carried_out(conn, request_id, claim.audit_seq)? {
            keep_answer_lost(conn, user_id, key, request_id)?;
        } else {
            repo::release(conn, user_id, key, request_id)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// What a retry of a request that was carried out, but whose answer was lost, is told.
pub const ANSWER_LOST: &str = "the request with this key was carried out, but its answer was lost when the server \
                               stopped: open the record to see it instead of sending it again";

/// At start-up, SQLite (one server per file): the claims a previous run left running are
/// settled at once instead of after the lease. One whose request left no audit event did
/// nothing and is given back (its retry runs); one that did is kept with the answer
/// [`ANSWER_LOST`]. PostgreSQL may have other servers running requests: there the lease
/// decides. Returns (given back, answer lost).
pub fn recover_after_restart(conn: &mut DbConnection, started_at: NaiveDateTime) -> AppResult<(usize, usize)> {
    if backend(conn) == Backend::Postgres {
        return Ok((0, 0));
    }
    let outcome = write_tx(conn, |conn| -> Result<(usize, usize), DieselError> {
        let (mut given_back, mut lost) = (0, 0);
        for (user, key, rid, seq) in repo::running_before(conn, started_at)? {
            if repo::carried_out(conn, &rid, seq)? {
                keep_answer_lost(conn, &user, &key, &rid)?;
                lost += 1;
            } else {
                repo::release(conn, &user, &key, &rid)?;
                given_back += 1;
            }
        }
        Ok((given_back, lost))
    })?;
    Ok(outcome)
}

/// Keeps, as the answer of a request that was carried out but whose own answer is gone, the
/// 409 [`ANSWER_LOST`] (its request id is replaced by the retry's when replayed).
fn keep_answer_lost(conn: &mut DbConnection, user_id: &str, key: &str, request_id: &str) -> Result<(), DieselError> {
    let body = serde_json::json!({"error": {"code": "conflict", "message": ANSWER_LOST, "request_id": request_id}});
    repo::complete(
        conn,
        user_id,
        key,
        request_id,
        409,
        r#"[["content-type","application/json"]]"#,
        body.to_string().as_bytes(),
    )?;
    Ok(())
}

/// Forgets claims older than [`KEEP_HOURS`] (the server's sweeper).
pub fn sweep(conn: &mut DbConnection, at: NaiveDateTime) -> diesel::QueryResult<usize> {
    repo::delete_before(conn, at - Duration::hours(KEEP_HOURS))
}
