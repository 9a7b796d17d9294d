//! The unit of work of a registry write: one transaction that records which persons it
//! touched and which audit events it owes, and at its end, once, refreshes what derives from
//! them: each touched person's derived columns, then the stored eligibility of the touched
//! persons and their kin (a parent's outcome reads a child's age and custody), then the change
//! history and the audit events in multi-row statements, last, so that on PostgreSQL the
//! chain's lock is held only for the final moment.
//!
//! A family intake of a mother and six children is thus evaluated seven times, once per member,
//! instead of once per member and once more per kinship link.

use crate::auth::OrgScope;
use crate::db::models::RecordChangeRow;
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::PersonId;
use crate::error::AppResult;
use crate::services::audit::{self, AuditCtx};
use std::cell::RefCell;
use std::collections::BTreeSet;

/// Touched persons refreshed per query.
const TOUCHED_PER_QUERY: usize = 500;

/// Owed audit events built and appended at a time (the chain continues from one to the next).
const AUDIT_PER_CHUNK: usize = 5_000;

/// An audit event owed by the unit (an import owes hundreds of thousands: the action and kind
/// are the callers' constants, not copies).
struct Owed {
    action: &'static str,
    entity: Option<(&'static str, String)>,
}

/// What a write has done so far, inside its transaction.
pub struct Unit<'a> {
    pub ctx: &'a AuditCtx,
    pub scope: &'a OrgScope,
    touched: BTreeSet<PersonId>,
    /// Touched persons whose derived columns the write stored itself from the rows it built
    /// (`services::derived::store_built`): evaluated at the end, not refreshed again.
    stored: BTreeSet<PersonId>,
    owed: Vec<Owed>,
    /// Change history rows, written at the end in multi-row statements (nothing reads the
    /// history of a record while changing it).
    history: RefCell<Vec<RecordChangeRow>>,
}

/// What the end of a unit refreshed (for logs and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flushed {
    /// Persons whose derived columns were refreshed (or stored by the write itself).
    pub refreshed: usize,
    /// Persons re-evaluated against the published policies.
    pub evaluated: usize,
}

impl<'a> Unit<'a> {
    fn new(ctx: &'a AuditCtx, scope: &'a OrgScope) -> Unit<'a> {
        Unit {
            ctx,
            scope,
            touched: BTreeSet::new(),
            stored: BTreeSet::new(),
            owed: Vec::new(),
            history: RefCell::new(Vec::new()),
        }
    }

    /// Marks a person whose derived data must be refreshed at the end (its names, claims or
    /// custody changed: derived columns stored earlier in the unit are stale again).
    pub fn touch(&mut self, person: &PersonId) {
        self.touched.insert(person.clone());
        self.stored.remove(person);
    }

    /// Marks a person whose kinship changed: evaluated at the end (a parent's outcome reads a
    /// child), while its derived columns, which read no kinship, stay as they are.
    pub fn touch_kin(&mut self, person: &PersonId) {
        self.touched.insert(person.clone());
    }

    /// Marks a new person whose derived columns and keys the write stored from the rows it
    /// built, complete (an import writes each member whole). It is still evaluated at the end,
    /// and refreshed after all if a later change of its facts touches it.
    pub fn derived_stored(&mut self, person: &PersonId) {
        self.touched.insert(person.clone());
        self.stored.insert(person.clone());
    }

    /// Owes change history rows, written at the end of the unit.
    pub fn note_history(&self, rows: Vec<RecordChangeRow>) {
        self.history.borrow_mut().extend(rows);
    }

    /// Writes the change history owed so far: a long unit (an import) keeps its memory bounded
    /// by writing it as it goes. The audit events wait for the end: appending them takes the
    /// chain's lock (PostgreSQL), which every audited write of the deployment waits for and
    /// which every other write takes after its organisation's lock; taken early by a long
    /// import, it would stall logins and could deadlock with a write finishing meanwhile.
    pub fn write_history(&self, conn: &mut DbConnection) -> AppResult<()> {
        let rows = std::mem::take(&mut *self.history.borrow_mut());
        crate::db::repo::history::insert(conn, self.scope, &rows)?;
        Ok(())
    }

    /// Owes a `success` audit event, appended at the end of the unit.
    pub fn audit(&mut self, action: &'static str, entity_type: &'static str, entity_id: &str) {
        self.owed.push(Owed { action, entity: Some((entity_type, entity_id.into())) });
    }

    fn flush(self, conn: &mut DbConnection) -> AppResult<Flushed> {
        let stale: Vec<PersonId> = self.touched.difference(&self.stored).cloned().collect();
        let touched: Vec<PersonId> = self.touched.into_iter().collect();
        let mut flushed = Flushed::default();
        let started = std::time::Instant::now();
        let mut refresh_ms = 0;
        if !touched.is_empty() {
            flushed.refreshed = self.stored.len();
            // In chunks: an import touches tens of thousands, and no query binds more than a
            // chunk of ids.
            for chunk in stale.chunks(TOUCHED_PER_QUERY) {
                flushed.refreshed += crate::services::derived::refresh(conn, self.scope, chunk, self.ctx.today())?;
            }
            refresh_ms = started.elapsed().as_millis();
            // Waits for a chunk of a re-evaluation of everyone that may have read older facts.
            crate::services::eligibility::walk::lock_evaluation(conn, false)?;
            flushed.evaluated =
                crate::services::eligibility::reevaluate_with_kin(conn, self.scope, &touched, &self.ctx.clock)?;
        }
        let evaluate_ms = started.elapsed().as_millis() - refresh_ms;
        let owed = self.owed.len();
        crate::db::repo::history::insert(conn, self.scope, &self.history.into_inner())?;
        let history_ms = started.elapsed().as_millis() - refresh_ms - evaluate_ms;
        append_audit(self.ctx, conn, &self.owed)?;
        tracing::debug!(
            audited = owed,
            refreshed = flushed.refreshed,
            evaluated = flushed.evaluated,
            refresh_ms,
            evaluate_ms,
            history_ms,
            total_ms = started.elapsed().as_millis(),
            "unit of work flushed"
        );
        Ok(flushed)
    }
}

/// Appends these audit events, a chunk at a time: each built whole is several hundred bytes
/// (84 MB at the end of a 100,000-row import when built all at once).
fn append_audit(ctx: &AuditCtx, conn: &mut DbConnection, owed: &[Owed]) -> AppResult<()> {
    for chunk in owed.chunks(AUDIT_PER_CHUNK) {
        let events = chunk
            .iter()
            .map(|e| audit::event(ctx, e.action, e.entity.as_ref().map(|(t, id)| (*t, id.as_str())), "success"))
            .collect();
        crate::db::repo::audit::append_many(conn, events)?;
    }
    Ok(())
}

/// Runs `f` as one unit of work: all or nothing, derived data and audit at the end.
pub fn run<T>(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    f: impl FnOnce(&mut DbConnection, &mut Unit) -> AppResult<T>,
) -> AppResult<T> {
    run_counted(conn, ctx, scope, f).map(|(value, _)| value)
}

/// [`run`], also saying what the end of the unit refreshed.
pub fn run_counted<T>(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    f: impl FnOnce(&mut DbConnection, &mut Unit) -> AppResult<T>,
) -> AppResult<(T, Flushed)> {
    write_tx(conn, |conn| {
        let mut unit = Unit::new(ctx, scope);
        let value = f(conn, &mut unit)?;
        let flushed = unit.flush(conn)?;
        Ok((value, flushed))
    })
}
