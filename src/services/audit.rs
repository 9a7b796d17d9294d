//! Recording audit events (inside the caller's transaction), listing them, verifying the chain.

use crate::clock::Clock;
use crate::db::models::AuditRow;
use crate::db::repo::audit::{self as repo, AuditFilter};
use crate::db::repo::{OrgScope, Page};
use crate::db::{write_tx, DbConnection};
use crate::domain::audit_chain::{ChainBreak, EventContent, Verifier};
use crate::error::AppResult;
use diesel::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

/// Who acts, for which organisation, in which request, and the clock that says when. No
/// personal values.
#[derive(Debug, Clone)]
pub struct AuditCtx {
    pub actor_id: Option<String>,
    pub organisation_id: Option<String>,
    pub request_id: String,
    pub clock: Clock,
}

impl AuditCtx {
    /// The same context, attributed to the scope's organisation when it has none (the CLI
    /// acting on an organisation's records), so the organisation's admins see the event.
    pub fn within(&self, scope: &crate::db::repo::OrgScope) -> AuditCtx {
        let mut ctx = self.clone();
        ctx.organisation_id.get_or_insert_with(|| scope.id().to_string());
        ctx
    }

    /// The operator at the command line (no user, no organisation).
    pub fn cli(command: &str, clock: &Clock) -> AuditCtx {
        AuditCtx::anonymous(format!("cli:{command}"), clock)
    }

    /// Nobody signed in yet (a login attempt, a refused cross-site request), or the server itself.
    pub fn anonymous(request_id: String, clock: &Clock) -> AuditCtx {
        AuditCtx { actor_id: None, organisation_id: None, request_id, clock: clock.clone() }
    }

    /// Now, by the context's clock.
    pub fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    /// Today, by the context's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
}

/// Appends an event. Call inside the transaction of the change it records, so both are
/// committed or neither is.
pub fn record(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    action: &str,
    entity: Option<(&str, &str)>,
    outcome: &str,
) -> QueryResult<i64> {
    repo::append(conn, event(ctx, action, entity, outcome))
}

/// An event of `ctx` as the chain stores it (its sequence number given when appended).
pub fn event(ctx: &AuditCtx, action: &str, entity: Option<(&str, &str)>, outcome: &str) -> EventContent {
    EventContent {
        seq: 0,
        occurred_at: ctx.now(),
        actor_id: ctx.actor_id.clone(),
        organisation_id: ctx.organisation_id.clone(),
        action: action.to_string(),
        entity_type: entity.map(|(t, _)| t.to_string()),
        entity_id: entity.map(|(_, id)| id.to_string()),
        request_id: ctx.request_id.clone(),
        outcome: outcome.to_string(),
    }
}

/// Records an event that has no other change with it (a refusal, a failed login).
pub fn record_alone(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    action: &str,
    entity: Option<(&str, &str)>,
    outcome: &str,
) -> AppResult<i64> {
    write_tx(conn, |conn| Ok(record(conn, ctx, action, entity, outcome)?))
}

/// The result of checking the whole chain.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerifyReport {
    /// True when every stored event is intact and in place.
    pub ok: bool,
    /// Events checked before the first break (all of them when `ok`).
    pub checked: i64,
    /// Hash of the last intact event: keep it elsewhere to detect a truncated tail later.
    pub head: String,
    /// The first break, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_break: Option<ChainBreak>,
}

/// Walks the chain in order, a thousand events at a time.
pub fn verify(conn: &mut DbConnection) -> AppResult<VerifyReport> {
    let mut verifier = Verifier::default();
    let mut after = 0;
    loop {
        let rows = repo::chain_after(conn, after, 1000)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for row in &rows {
            if let Err(first_break) = verifier.check(&content(row), &row.prev_hash, &row.hash) {
                return Ok(VerifyReport {
                    ok: false,
                    checked: verifier.checked(),
                    head: verifier.head().to_string(),
                    first_break: Some(first_break),
                });
            }
        }
    }
    Ok(VerifyReport { ok: true, checked: verifier.checked(), head: verifier.head().to_string(), first_break: None })
}

fn content(row: &AuditRow) -> EventContent {
    EventContent {
        seq: row.seq,
        occurred_at: row.occurred_at,
        actor_id: row.actor_id.clone(),
        organisation_id: row.organisation_id.clone(),
        action: row.action.clone(),
        entity_type: row.entity_type.clone(),
        entity_id: row.entity_id.clone(),
        request_id: row.request_id.clone(),
        outcome: row.outcome.clone(),
    }
}

/// One page of the organisation's events, newest first.
pub fn list(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &AuditFilter,
    page: Page,
) -> AppResult<(Vec<AuditRow>, i64)> {
    Ok(repo::list(conn, scope, filter, page)?)
}
