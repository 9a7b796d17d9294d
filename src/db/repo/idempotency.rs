//! Claimed idempotency keys and the answers kept for them (`services::idempotency`).

use crate::db::schema::audit_events::dsl as a;
use crate::db::schema::idempotency_keys::dsl as k;
use crate::db::DbConnection;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A claimed key as stored.
#[derive(Debug, Clone, Queryable)]
pub struct Claim {
    pub fingerprint: String,
    pub request_id: String,
    pub audit_seq: i64,
    pub state: String,
    pub status: Option<i32>,
    pub headers: Option<String>,
    pub body: Option<Vec<u8>>,
    pub created_at: NaiveDateTime,
}

/// The claim of a user's key, if any.
pub fn find(conn: &mut DbConnection, user_id: &str, key: &str) -> QueryResult<Option<Claim>> {
    k::idempotency_keys
        .filter(k::user_id.eq(user_id).and(k::idem_key.eq(key)))
        .select((k::fingerprint, k::request_id, k::audit_seq, k::state, k::status, k::headers, k::body, k::created_at))
        .first(conn)
        .optional()
}

/// Claims a key for a request about to run. Inside a write transaction after [`find`] found
/// none: the primary key makes a racing second claim fail instead of running twice.
pub fn insert_running(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    fingerprint: &str,
    request_id: &str,
    audit_seq: i64,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(k::idempotency_keys)
        .values((
            k::user_id.eq(user_id),
            k::idem_key.eq(key),
            k::fingerprint.eq(fingerprint),
            k::request_id.eq(request_id),
            k::audit_seq.eq(audit_seq),
            k::state.eq("running"),
            k::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Hands an interrupted claim (of the attempt `from_request`) to a new attempt of the same
/// request. The number of claims taken: 0 when another retry took it first (on PostgreSQL two
/// may read the same stale claim; the update re-checks the attempt and only one wins).
pub fn take_over(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    from_request: &str,
    request_id: &str,
    audit_seq: i64,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let claim = k::user_id.eq(user_id).and(k::idem_key.eq(key)).and(k::state.eq("running"));
    diesel::update(k::idempotency_keys.filter(claim.and(k::request_id.eq(from_request))))
        .set((k::request_id.eq(request_id), k::audit_seq.eq(audit_seq), k::created_at.eq(at)))
        .execute(conn)
}

/// Keeps the answer of the request that holds the claim.
pub fn complete(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    request_id: &str,
    status: i32,
    headers: &str,
    body: &[u8],
) -> QueryResult<usize> {
    diesel::update(
        k::idempotency_keys.filter(k::user_id.eq(user_id).and(k::idem_key.eq(key)).and(k::request_id.eq(request_id))),
    )
    .set((k::state.eq("done"), k::status.eq(Some(status)), k::headers.eq(Some(headers)), k::body.eq(Some(body))))
    .execute(conn)
}

/// Gives a key back (the request failed in a way worth retrying).
pub fn release(conn: &mut DbConnection, user_id: &str, key: &str, request_id: &str) -> QueryResult<usize> {
    diesel::delete(
        k::idempotency_keys.filter(k::user_id.eq(user_id).and(k::idem_key.eq(key)).and(k::request_id.eq(request_id))),
    )
    .execute(conn)
}

/// Whether the request `request_id` changed anything: an audit event of it after `after_seq`
/// other than a refusal (every change writes one in its own transaction). A range of the
/// chain's primary key, the events since the claim, not the whole chain.
pub fn carried_out(conn: &mut DbConnection, request_id: &str, after_seq: i64) -> QueryResult<bool> {
    let n: i64 = a::audit_events
        .filter(a::seq.gt(after_seq).and(a::request_id.eq(request_id)).and(a::action.ne("access.denied")))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The claims still running that were made before `before`: (user, key, request id, audit seq).
pub fn running_before(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> QueryResult<Vec<(String, String, String, i64)>> {
    k::idempotency_keys
        .filter(k::state.eq("running").and(k::created_at.lt(before)))
        .select((k::user_id, k::idem_key, k::request_id, k::audit_seq))
        .load(conn)
}

/// Forgets the claims made before `before`.
pub fn delete_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(k::idempotency_keys.filter(k::created_at.lt(before))).execute(conn)
}
