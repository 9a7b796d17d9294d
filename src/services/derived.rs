//! The derived columns of persons (search key, statelessness, whereabouts now) and their
//! duplicate keys, recomputed at the end of every write transaction for the persons it touched
//! (see `services::unit`), so lists, filters and the duplicate search never disagree with the
//! records.

use crate::auth::OrgScope;
use crate::db::models::{CustodyEventRow, PersonDerivedRow, PersonRow};
use crate::db::repo::{claims, custody, names, persons};
use crate::db::DbConnection;
use crate::domain::custody::{whereabouts, Event, Whereabouts};
use crate::domain::ids::PersonId;
use crate::domain::names::search_key;
use crate::domain::nationality::{standing, ClaimStatus};
use crate::error::AppResult;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Where a person with these events is on `on`.
pub fn whereabouts_on(rows: &[CustodyEventRow], on: NaiveDate) -> AppResult<Whereabouts> {
    let events = rows.iter().map(CustodyEventRow::event).collect::<Result<Vec<Event>, _>>()?;
    Ok(whereabouts(&events, on))
}

/// Recomputes and stores the derived columns of these persons (a bounded set: the persons one
/// write touched); returns how many.
pub fn refresh(conn: &mut DbConnection, scope: &OrgScope, ids: &[PersonId], today: NaiveDate) -> AppResult<usize> {
    let rows = persons::by_ids(conn, scope, ids)?;
    let mut other_names: HashMap<PersonId, Vec<String>> = HashMap::new();
    for n in names::of(conn, scope, ids)? {
        other_names.entry(n.person_id).or_default().push(n.name);
    }
    let mut statuses: HashMap<PersonId, Vec<_>> = HashMap::new();
    for c in claims::of(conn, scope, ids)? {
        statuses.entry(c.person_id).or_default().push(c.status);
    }
    let mut events: HashMap<PersonId, Vec<CustodyEventRow>> = HashMap::new();
    for e in custody::of(conn, scope, ids)? {
        events.entry(e.person_id.clone()).or_default().push(e);
    }
    let mut derived_rows = Vec::with_capacity(rows.len());
    for p in &rows {
        derived_rows.push(derive(
            p,
            other_names.get(&p.id).map(Vec::as_slice).unwrap_or(&[]),
            statuses.get(&p.id).map(Vec::as_slice).unwrap_or(&[]),
            events.get(&p.id).map(Vec::as_slice).unwrap_or(&[]),
            today,
        )?);
    }
    persons::set_derived_many(conn, scope, &derived_rows)?;
    // The duplicate search's keys read the same names.
    crate::services::registry::match_keys::refresh(conn, scope, &rows, &other_names)?;
    Ok(rows.len())
}

/// A new person's rows as the write that built them holds them: its derived columns and keys
/// are computed from them, without reading them back (an import writes tens of thousands).
pub struct Built {
    pub row: PersonRow,
    /// Its other names (`person_names`).
    pub names: Vec<String>,
    pub statuses: Vec<ClaimStatus>,
    pub events: Vec<CustodyEventRow>,
}

/// Stores the derived columns and keys of these new persons (a bounded set), in the caller's
/// transaction, after their rows; the caller tells the unit of work (`Unit::derived_stored`).
pub fn store_built(conn: &mut DbConnection, scope: &OrgScope, built: &[Built], today: NaiveDate) -> AppResult<()> {
    let mut derived_rows = Vec::with_capacity(built.len());
    let mut other_names: HashMap<PersonId, Vec<String>> = HashMap::with_capacity(built.len());
    for b in built {
        derived_rows.push(derive(&b.row, &b.names, &b.statuses, &b.events, today)?);
        other_names.insert(b.row.id.clone(), b.names.clone());
    }
    persons::set_derived_many(conn, scope, &derived_rows)?;
    let rows: Vec<PersonRow> = built.iter().map(|b| b.row.clone()).collect();
    crate::services::registry::match_keys::refresh(conn, scope, &rows, &other_names)?;
    Ok(())
}

/// The derived columns of one person from its rows.
fn derive(
    p: &PersonRow,
    other_names: &[String],
    statuses: &[ClaimStatus],
    events: &[CustodyEventRow],
    today: NaiveDate,
) -> AppResult<PersonDerivedRow> {
    let mut key = search_key(&p.full_name());
    for n in other_names {
        key.push_str(" | ");
        key.push_str(&search_key(n));
    }
    let st = standing(statuses);
    let now = whereabouts_on(events, today)?;
    Ok(PersonDerivedRow {
        person_id: p.id.clone(),
        organisation_id: p.organisation_id.clone(),
        search_key: key,
        stateless: st.stateless,
        at_risk: st.at_risk_of_statelessness,
        custody_status: now.status,
        current_facility_id: now.facility_id,
        family_id: p.family_id.clone(),
    })
}
