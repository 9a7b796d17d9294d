//! Custody events: admissions, transfers, escapes, recaptures, releases, repatriations, deaths.

use super::derived::{birth_of, refresh};
use super::history::{self, Change};
use super::input::{check_custody, CustodyInput, Errors};
use crate::db::models::{CustodyEventRow, PersonRow};
use crate::db::repo::{facilities, new_id, registry, OrgScope};
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};

/// Adds an event inside the caller's transaction; `prefix` names the fields in errors.
pub fn add_in_tx(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person: &PersonRow,
    c: &CustodyInput,
    prefix: &str,
) -> AppResult<CustodyEventRow> {
    let mut errors = Errors::new();
    let date = check_custody(&mut errors, prefix, c, birth_of(person).as_ref(), ctx.today());
    if let Some(fid) = &c.facility_id {
        if facilities::find(conn, fid)?.is_none() {
            errors.add(format!("{prefix}facility_id"), "is not a known facility");
        }
    }
    errors.finish()?;
    let Some(date) = date else { return Err(AppError::field(&format!("{prefix}date"), "is not valid")) };
    let row = CustodyEventRow {
        id: new_id(),
        person_id: person.id.clone(),
        kind: c.kind.as_str().into(),
        facility_id: if c.kind.needs_facility() { c.facility_id.clone() } else { None },
        event_year: date.year,
        event_month: date.month.map(|m| m as i32),
        event_day: date.day.map(|d| d as i32),
        event_margin: date.margin_years as i32,
        event_earliest: date.earliest(),
        note: c.note.trim().into(),
        created_at: ctx.now(),
    };
    registry::insert_custody(conn, &row)?;
    let what = Change { family_id: person.family_id.as_deref(), entity_type: "person", entity_id: &person.id };
    history::note(conn, ctx, scope, what, "custody", None, Some(format!("{} {}", row.kind, date.display())))?;
    audit::record(conn, ctx, "custody.create", Some(("custody_event", &row.id)), "success")?;
    Ok(row)
}

/// Adds an event to a person and refreshes their whereabouts.
pub fn add(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &str,
    c: CustodyInput,
) -> AppResult<CustodyEventRow> {
    crate::db::write_tx(conn, |conn| {
        let person = registry::find_person(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        let row = add_in_tx(conn, ctx, scope, &person, &c, "")?;
        refresh(conn, ctx, &person)?;
        Ok(row)
    })
}
