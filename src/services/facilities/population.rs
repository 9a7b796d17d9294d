//! Who of an organisation is held in a facility on a date: the whole list (the API's
//! population) and one page of it (the facility page: al-Hol holds tens of thousands).
//!
//! Whereabouts follow `domain::custody::whereabouts`: the last event that may have happened by
//! the date decides (by earliest possible day, then recording order). Today's (and any later
//! day's) answer is already stored in `person_derived` by the domain derivation, so a page of it
//! is the person list filtered on the facility. An earlier date needs the events:
//! `lists::held_on` says the same rule in SQL, a bounded page at a time (tests compare the two).

use crate::auth::OrgScope;
use crate::db::models::PersonRow;
use crate::db::repo::lists::{self, PersonFilter};
use crate::db::repo::{custody, facilities as repo, persons, Page};
use crate::db::DbConnection;
use crate::domain::ids::{FacilityId, PersonId};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// The organisation's persons held in the facility on `on`, derived from custody events: the
/// persons ever recorded there and their events come in two queries, whatever the camp's size.
pub fn population(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility_id: &FacilityId,
    on: NaiveDate,
) -> AppResult<Vec<PersonRow>> {
    repo::find(conn, facility_id)?.ok_or(AppError::NotFound)?;
    let mut by_person: BTreeMap<PersonId, Vec<_>> = BTreeMap::new();
    for e in custody::of_persons_ever_at(conn, scope, facility_id)? {
        by_person.entry(e.person_id.clone()).or_default().push(e);
    }
    let mut held = BTreeSet::new();
    for (id, evs) in by_person {
        if crate::services::derived::whereabouts_on(&evs, on)?.facility_id.as_ref() == Some(facility_id) {
            held.insert(id);
        }
    }
    let mut rows: Vec<PersonRow> =
        persons::ever_at(conn, scope, facility_id)?.into_iter().filter(|p| held.contains(&p.id)).collect();
    rows.sort_by(|a, b| (&a.family_name, &a.given_name, &a.id).cmp(&(&b.family_name, &b.given_name, &b.id)));
    Ok(rows)
}

/// One page of the organisation's persons held in the facility on `on` (by family name, given
/// name and id), with how many there are in all. `today` is the clock's day.
pub fn population_page(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility_id: &FacilityId,
    on: NaiveDate,
    today: NaiveDate,
    page: Page,
) -> AppResult<(Vec<PersonRow>, i64)> {
    repo::find(conn, facility_id)?.ok_or(AppError::NotFound)?;
    if on >= today {
        // No event is later than today, so the stored whereabouts hold for any later day too.
        let filter = PersonFilter { facility_id: Some(facility_id.clone()), ..PersonFilter::default() };
        return Ok(lists::persons(conn, scope, &filter, page)?);
    }
    Ok(lists::held_on(conn, scope, facility_id, on, page)?)
}
