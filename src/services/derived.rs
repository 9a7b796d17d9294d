//! The derived columns of persons (search key, statelessness, whereabouts now) and their
//! duplicate keys, recomputed at the end of every write transaction for the persons it touched
//! (see `services::unit`), so lists, filters and the duplicate search never disagree with the
//! records.

use crate::auth::OrgScope;
use crate::db::models::{CustodyEventRow, PersonDerivedRow};
use crate::db::repo::{claims, custody, names, persons};
use crate::db::DbConnection;
use crate::domain::custody::{whereabouts, Event, Whereabouts};
use crate::domain::ids::PersonId;
use crate::domain::names::search_key;
use crate::domain::nationality::standing;
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
        let mut key = search_key(&p.full_name());
        for n in other_names.get(&p.id).map(Vec::as_slice).unwrap_or(&[]) {
            key.push_str(" | ");
            key.push_str(&search_key(n));
        }
        let st = standing(statuses.get(&p.id).map(Vec::as_slice).unwrap_or(&[]));
        let now = whereabouts_on(events.get(&p.id).map(Vec::as_slice).unwrap_or(&[]), today)?;
        let derived = PersonDerivedRow {
            person_id: p.id.clone(),
            organisation_id: p.organisation_id.clone(),
            search_key: key,
            stateless: st.stateless,
            at_risk: st.at_risk_of_statelessness,
            custody_status: now.status,
            current_facility_id: now.facility_id,
        };
        derived_rows.push(derived);
    }
    persons::set_derived_many(conn, scope, &derived_rows)?;
    // The duplicate search's keys read the same names.
    crate::services::registry::match_keys::refresh(conn, scope, &rows, &other_names)?;
    Ok(rows.len())
}
