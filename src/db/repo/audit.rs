//! The audit table: appending to the hash chain, listing an organisation's events, and reading
//! the whole chain in order for verification.

use super::bulk::{columns, Bulk, Cell};
use super::{OrgScope, Page};
use crate::db::models::AuditRow;
use crate::db::schema::audit_events::dsl as a;
use crate::db::{backend, Backend, DbConnection};
use crate::domain::audit_chain::{chain_hash, EventContent, GENESIS_HASH};
use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

/// Appends an event at the end of the chain. Must run inside a write transaction: on
/// PostgreSQL the table lock makes concurrent appends take turns (each needs the previous
/// hash); on SQLite the `BEGIN IMMEDIATE` of the transaction already does.
pub fn append(conn: &mut DbConnection, event: EventContent) -> QueryResult<i64> {
    Ok(append_many(conn, vec![event])?.unwrap_or_default())
}

/// Appends events at the end of the chain in order, with one read of the chain's head and
/// multi-row statements (a unit of work that owes thousands of events, an import, pays one
/// lock and one read instead of one of each per event). Same rules as [`append`]: inside a
/// write transaction. Returns the last sequence number written, if any.
pub fn append_many(conn: &mut DbConnection, events: Vec<EventContent>) -> QueryResult<Option<i64>> {
    if events.is_empty() {
        return Ok(None);
    }
    if backend(conn) == Backend::Postgres {
        conn.batch_execute("LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE")?;
    }
    let (mut seq, mut head) = head(conn)?;
    let mut bulk = Bulk::new("audit_events", columns::AUDIT);
    for mut event in events {
        seq += 1;
        event.seq = seq;
        let hash = chain_hash(&event, &head);
        let prev = std::mem::replace(&mut head, hash.clone());
        bulk.push(cells(event, prev, hash));
        if bulk.is_full() {
            bulk.flush(conn)?;
        }
    }
    bulk.flush(conn)?;
    Ok(Some(seq))
}

/// The chain's last sequence number and hash (0 and the genesis hash when it is empty).
pub fn head(conn: &mut DbConnection) -> QueryResult<(i64, String)> {
    let last: Option<(i64, String)> =
        a::audit_events.select((a::seq, a::hash)).order(a::seq.desc()).first(conn).optional()?;
    Ok(last.unwrap_or((0, GENESIS_HASH.to_string())))
}

/// An event as the bulk writers write it, in the order of [`columns::AUDIT`].
pub fn cells(event: EventContent, prev_hash: String, hash: String) -> Vec<Cell> {
    vec![
        Cell::BigInt(event.seq),
        Cell::Stamp(event.occurred_at),
        Cell::OptText(event.actor_id),
        Cell::OptText(event.organisation_id),
        Cell::Text(event.action),
        Cell::OptText(event.entity_type),
        Cell::OptText(event.entity_id),
        Cell::Text(event.request_id),
        Cell::Text(event.outcome),
        Cell::Text(prev_hash),
        Cell::Text(hash),
    ]
}

/// Filters of the audit list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

/// The organisation's events, newest first, with the total count.
pub fn list(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &AuditFilter,
    page: Page,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let query = || {
        let mut q = a::audit_events.filter(a::organisation_id.eq(scope.id().to_string())).into_boxed();
        if let Some(v) = &filter.action {
            q = q.filter(a::action.eq(v.clone()));
        }
        if let Some(v) = &filter.actor_id {
            q = q.filter(a::actor_id.eq(v.clone()));
        }
        if let Some(v) = &filter.entity_type {
            q = q.filter(a::entity_type.eq(v.clone()));
        }
        if let Some(v) = &filter.entity_id {
            q = q.filter(a::entity_id.eq(v.clone()));
        }
        if let Some(v) = &filter.outcome {
            q = q.filter(a::outcome.eq(v.clone()));
        }
        if let Some(v) = filter.from {
            q = q.filter(a::occurred_at.ge(v));
        }
        if let Some(v) = filter.to {
            q = q.filter(a::occurred_at.lt(v));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows =
        query().order(a::seq.desc()).limit(page.limit).offset(page.offset).select(AuditRow::as_select()).load(conn)?;
    Ok((rows, total))
}

/// Events of the whole deployment whose action starts with one of `prefixes` (the policy
/// change log, shared by every organisation), newest first.
pub fn deployment_events(conn: &mut DbConnection, prefixes: &[&str], page: Page) -> QueryResult<Vec<AuditRow>> {
    let mut q = a::audit_events.filter(a::outcome.eq("success")).into_boxed();
    let mut any: Option<
        Box<dyn BoxableExpression<a::audit_events, crate::db::MultiBackend, SqlType = diesel::sql_types::Bool>>,
    > = None;
    for p in prefixes {
        let cond = a::action.like(format!("{p}%"));
        any = Some(match any {
            None => Box::new(cond),
            Some(prev) => Box::new(prev.or(cond)),
        });
    }
    if let Some(cond) = any {
        q = q.filter(cond);
    }
    q.order(a::seq.desc()).limit(page.limit).offset(page.offset).select(AuditRow::as_select()).load(conn)
}

/// Up to `limit` events with a sequence number above `after`, in order (for verification).
pub fn chain_after(conn: &mut DbConnection, after: i64, limit: i64) -> QueryResult<Vec<AuditRow>> {
    a::audit_events.filter(a::seq.gt(after)).order(a::seq.asc()).limit(limit).select(AuditRow::as_select()).load(conn)
}
