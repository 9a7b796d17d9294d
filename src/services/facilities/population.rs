//! Who of an organisation is held in a facility on a date, a page at a time (the API's
//! population and the facility page: al-Hol holds tens of thousands).
//!
//! Whereabouts follow `domain::custody::whereabouts`: the last event that may have happened by
//! the date decides (by earliest possible day, then recording order). Today's (and any later
//! day's) answer is already stored in `person_derived` by the domain derivation, so a page of it
//! is the person list filtered on the facility. An earlier date needs the events:
//! `lists::held_on` says the same rule in SQL, a bounded page at a time (tests/api/population.rs
//! compares it with each person's whereabouts).

use crate::auth::OrgScope;
use crate::db::models::PersonRow;
use crate::db::repo::lists::{self, PersonFilter, Total};
use crate::db::repo::{facilities as repo, Page};
use crate::db::DbConnection;
use crate::domain::ids::FacilityId;
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;

/// One page of the organisation's persons held in the facility on `on` (by family name, given
/// name and id), with how many there are in all. `today` is the clock's day.
pub fn population_page(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility_id: &FacilityId,
    on: NaiveDate,
    today: NaiveDate,
    page: Page,
) -> AppResult<(Vec<PersonRow>, Total)> {
    repo::find(conn, facility_id)?.ok_or(AppError::NotFound)?;
    if on >= today {
        // No event is later than today, so the stored whereabouts hold for any later day too.
        let filter = PersonFilter { facility_id: Some(facility_id.clone()), ..PersonFilter::default() };
        return Ok(lists::persons(conn, scope, &filter, page)?);
    }
    Ok(lists::held_on(conn, scope, facility_id, on, page)?)
}
