//! Who of an organisation was held in a facility on a day, from the custody events (today's
//! answer is stored in `person_derived` and listed with the facility filter).

use super::super::sql::Sql;
use super::super::{OrgScope, Page};
use super::{Shape, Total, COUNT_CAP, SELECTIVE};
use crate::db::models::PersonRow;
use crate::db::DbConnection;
use crate::domain::custody::CustodyKind;
use crate::domain::ids::FacilityId;
use chrono::NaiveDate;
use diesel::QueryResult;

/// One page of the organisation's persons whose deciding custody event on `on` places them in
/// the facility, by name, and how many there are: an event there of a kind that holds, with no
/// later one (by earliest day, then recording time, then id: the order
/// `domain::custody::whereabouts` reads them in) that may have happened by `on`. Driven from
/// the facility's events when it had few by then, else a scan in name order (see the module).
pub fn held_on(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility: &FacilityId,
    on: NaiveDate,
    page: Page,
) -> QueryResult<(Vec<PersonRow>, Total)> {
    let mut estimate = Sql::new(conn);
    estimate
        .push("SELECT COUNT(*) AS n FROM (SELECT 1 FROM custody_events e WHERE e.facility_id = ")
        .bind(facility.as_str())
        .push(" AND e.event_earliest <= ")
        .bind(on)
        .push(" LIMIT ")
        .bind(SELECTIVE + 1)
        .push(") c");
    let shape = if estimate.count(conn)? <= SELECTIVE { Shape::Driven } else { Shape::Scan };
    held_on_as(conn, scope, facility, on, page, shape)
}

/// `held_on` in the given shape (of the page; the total is counted from the events, up to
/// `COUNT_CAP`).
pub fn held_on_as(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility: &FacilityId,
    on: NaiveDate,
    page: Page,
    shape: Shape,
) -> QueryResult<(Vec<PersonRow>, Total)> {
    // The count reads the facility's deciding events themselves (a person has at most one:
    // the latest by then), from the index on facility and day, up to `COUNT_CAP`.
    let mut count = Sql::new(conn);
    count.push("SELECT 1 FROM custody_events e WHERE e.organisation_id = ").bind(scope.id().as_str());
    push_deciding(&mut count, facility, on);
    let total = Total::of(conn, count, Some(COUNT_CAP))?;
    let mut rows = Sql::new(conn);
    rows.push("SELECT p.* FROM persons p WHERE p.organisation_id = ").bind(scope.id().as_str());
    if shape == Shape::Driven {
        // Not correlated: the set of held persons is built once from the facility's events.
        rows.push(" AND p.id IN (SELECT e.person_id FROM custody_events e WHERE e.organisation_id = ")
            .bind(scope.id().as_str());
    } else {
        rows.push(
            " AND EXISTS (SELECT 1 FROM custody_events e WHERE e.person_id = p.id \
             AND e.organisation_id = p.organisation_id",
        );
    }
    push_deciding(&mut rows, facility, on);
    rows.push(")");
    rows.push(" ORDER BY p.family_name, p.given_name, p.id LIMIT ").bind(page.limit).push(" OFFSET ").bind(page.offset);
    let rows: Vec<_> = rows.load(conn)?;
    let total = total.seen(page, rows.len() as i64);
    Ok((rows, total))
}

/// ` AND` the event `e` is at the facility, of a kind that holds, and the last of its person's
/// that may have happened by `on`.
fn push_deciding(sql: &mut Sql, facility: &FacilityId, on: NaiveDate) {
    sql.push(" AND e.facility_id = ").bind(facility.as_str()).push(" AND e.kind IN (");
    let holding: Vec<_> = CustodyKind::ALL.iter().filter(|k| k.needs_facility()).collect();
    for (i, k) in holding.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(k.as_str());
    }
    sql.push(") AND e.event_earliest <= ").bind(on).push(
        " AND NOT EXISTS (SELECT 1 FROM custody_events l WHERE l.person_id = e.person_id \
         AND l.organisation_id = e.organisation_id AND l.event_earliest <= ",
    );
    sql.bind(on).push(
        " AND (l.event_earliest > e.event_earliest OR (l.event_earliest = e.event_earliest \
         AND (l.created_at > e.created_at OR (l.created_at = e.created_at AND l.id > e.id)))))",
    );
}
