//! The field-level change history of an organisation's records.

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
    // One statement per row: the multi-backend connection has no batch insert (and a prepared
    // statement is reused, so this costs little).
    for row in rows {
        diesel::insert_into(rc::table).values(row).execute(conn)?;
    }
    Ok(())
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
