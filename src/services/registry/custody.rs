//! Custody events: admissions, transfers, escapes, recaptures, releases, repatriations, deaths;
//! for one person, or for several moved together (a mother and her children).

use super::history::{self, Change};
use crate::auth::OrgScope;
use crate::db::models::{CustodyEventRow, EventRange, PersonRow};
use crate::db::repo::{custody, facilities, persons};
use crate::db::DbConnection;
use crate::domain::ids::{CustodyEventId, PersonId};
use crate::domain::problems::Problems;
use crate::domain::records::plausibility::{check_event, Warning};
use crate::domain::records::{CustodyFacts, CustodyInput};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit::{self, Unit};

/// Most persons one event may move together.
pub const MAX_PERSONS_PER_EVENT: usize = 50;

/// Refuses a facility that does not exist (a problem under `field`).
pub fn check_facility(
    conn: &mut DbConnection,
    problems: &mut Problems,
    field: &str,
    c: &CustodyFacts,
) -> AppResult<()> {
    if let Some(f) = &c.facility {
        if facilities::find(conn, f)?.is_none() {
            problems.add(field, "is not a known facility");
        }
    }
    Ok(())
}

/// Adds an event (already checked) in the unit; a date before the person's birth is a warning.
pub fn add_in(
    conn: &mut DbConnection,
    u: &mut Unit,
    person: &PersonRow,
    c: &CustodyFacts,
    field: &str,
) -> AppResult<(CustodyEventRow, Option<Warning>)> {
    let row = new_row(u, person, c);
    custody::insert(conn, u.scope, &row)?;
    note_added(conn, u, person, &row, c, field)
}

/// A new custody event of a person, not yet written.
pub(crate) fn new_row(u: &Unit, person: &PersonRow, c: &CustodyFacts) -> CustodyEventRow {
    CustodyEventRow {
        id: CustodyEventId::new_random(),
        person_id: person.id.clone(),
        organisation_id: u.scope.id().clone(),
        kind: c.kind,
        facility_id: c.facility.clone(),
        date: EventRange::of(c.date),
        note: c.note.clone(),
        created_at: u.ctx.now(),
    }
}

/// The history, audit and refresh a new event owes (its row written by the caller), and what
/// looks implausible about its date.
pub(crate) fn note_added(
    conn: &mut DbConnection,
    u: &mut Unit,
    person: &PersonRow,
    row: &CustodyEventRow,
    c: &CustodyFacts,
    field: &str,
) -> AppResult<(CustodyEventRow, Option<Warning>)> {
    let summary = format!("{} {}", row.kind, c.date.display());
    history::note(conn, u, Change::person(person), "custody", None, Some(summary))?;
    u.touch(&person.id);
    u.audit("custody.create", "custody_event", row.id.as_str());
    let warning = check_event(field, &person.full_name(), person.birth.get()?.as_ref(), &c.date);
    Ok((row.clone(), warning))
}

/// Adds the same event to one or several persons of the organisation at once (404 if any is
/// not the organisation's; all or nothing).
pub fn add(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_ids: &[PersonId],
    c: CustodyInput,
) -> AppResult<(Vec<CustodyEventRow>, Vec<Warning>)> {
    if person_ids.is_empty() || person_ids.len() > MAX_PERSONS_PER_EVENT {
        return Err(AppError::field("person_ids", format!("list 1 to {MAX_PERSONS_PER_EVENT} persons")));
    }
    let c = c.parse("", ctx.today())?;
    let mut problems = Problems::new();
    check_facility(conn, &mut problems, "facility_id", &c)?;
    if !problems.is_empty() {
        return Err(problems.into());
    }
    unit::run(conn, ctx, scope, |conn, u| {
        let mut rows = Vec::new();
        let mut warnings = Vec::new();
        for id in person_ids {
            let person = persons::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
            let (row, warning) = add_in(conn, u, &person, &c, "date")?;
            rows.push(row);
            warnings.extend(warning);
        }
        Ok((rows, warnings))
    })
}
