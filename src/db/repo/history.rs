//! The field-level change history of an organisation's records.

use super::bulk::{columns, Bulk, Cell};
use super::{outside_scope, OrgScope, Page};
use crate::db::models::RecordChangeRow;
use crate::db::schema::record_changes as rc;
use crate::db::DbConnection;
use crate::domain::ids::FamilyId;
use diesel::prelude::*;

pub fn insert(conn: &mut DbConnection, scope: &OrgScope, rows: &[RecordChangeRow]) -> QueryResult<()> {
    if rows.iter().any(|r| &r.organisation_id != scope.id()) {
        return Err(outside_scope());
    }
    // Multi-row statements: a unit of work writes its history at its end, an import's tens of
    // thousands of rows at once (the multi-backend connection has no batch insert of its own).
    let mut bulk = Bulk::new("record_changes", columns::HISTORY);
    for r in rows {
        bulk.push(vec![
            Cell::Text(r.id.clone()),
            Cell::Text(r.organisation_id.to_string()),
            Cell::OptText(r.family_id.as_ref().map(|f| f.to_string())),
            Cell::Text(r.entity_type.clone()),
            Cell::Text(r.entity_id.clone()),
            Cell::Text(r.field.clone()),
            Cell::OptText(r.old_value.clone()),
            Cell::OptText(r.new_value.clone()),
            Cell::OptText(r.actor_id.clone()),
            Cell::Text(r.request_id.clone()),
            Cell::Stamp(r.changed_at),
        ]);
        if bulk.is_full() {
            bulk.flush(conn)?;
        }
    }
    bulk.flush(conn)
}

/// The change history of a record, or of everything in a family, newest first.
pub fn list(
    conn: &mut DbConnection,
    scope: &OrgScope,
    family_id: Option<&FamilyId>,
    entity_id: Option<&str>,
    page: Page,
) -> QueryResult<Vec<RecordChangeRow>> {
    let mut q = rc::table.filter(rc::organisation_id.eq(scope.id().clone())).into_boxed();
    if let Some(fid) = family_id {
        q = q.filter(rc::family_id.eq(fid.clone()));
    }
    if let Some(eid) = entity_id {
        q = q.filter(rc::entity_id.eq(eid.to_string()));
    }
    q.order((rc::changed_at.desc(), rc::id.desc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(RecordChangeRow::as_select())
        .load(conn)
}
