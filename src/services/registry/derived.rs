//! The derived columns of a person (search key, statelessness, whereabouts now), recomputed in
//! the same transaction as any change they derive from, so lists and filters never disagree
//! with the records.

use crate::db::models::{CustodyEventRow, PersonRow};
use crate::db::repo::registry;
use crate::db::schema::persons as p;
use crate::db::DbConnection;
use crate::domain::custody::{self, CustodyKind, Event, Whereabouts};
use crate::domain::names::search_key;
use crate::domain::nationality::{standing, ClaimStatus};
use crate::domain::partial_date::PartialDate;
use crate::services::audit::AuditCtx;
use chrono::NaiveDate;
use diesel::prelude::*;

/// A stored partial date, if its year is known.
pub fn partial(year: Option<i32>, month: Option<i32>, day: Option<i32>, margin: i32) -> Option<PartialDate> {
    let year = year?;
    Some(PartialDate {
        year,
        month: month.map(|m| m as u32),
        day: day.map(|d| d as u32),
        margin_years: margin.max(0) as u32,
    })
}

/// A person's birth date as a partial date.
pub fn birth_of(row: &PersonRow) -> Option<PartialDate> {
    partial(row.birth_year, row.birth_month, row.birth_day, row.birth_margin)
}

/// Custody rows as the domain derivation needs them.
pub fn events(rows: &[CustodyEventRow]) -> Vec<Event> {
    rows.iter()
        .filter_map(|r| {
            Some(Event {
                kind: r.kind.parse::<CustodyKind>().ok()?,
                facility_id: r.facility_id.clone(),
                date: partial(Some(r.event_year), r.event_month, r.event_day, r.event_margin)?,
                recorded_order: r.created_at.and_utc().timestamp_micros(),
            })
        })
        .collect()
}

/// Where a person with these events is on `on`.
pub fn whereabouts_on(rows: &[CustodyEventRow], on: NaiveDate) -> Whereabouts {
    custody::whereabouts(&events(rows), on)
}

/// Recomputes and stores the derived columns of a person, then re-evaluates the person and
/// their relatives against the published policies (a parent's outcome may read a child's age
/// and custody), all in the caller's transaction.
pub fn refresh(conn: &mut DbConnection, ctx: &AuditCtx, person: &PersonRow) -> crate::error::AppResult<()> {
    refresh_columns(conn, person, ctx.today())?;
    let scope = crate::db::repo::OrgScope::new(person.organisation_id.clone());
    let mut ids: Vec<String> = registry::kinships_of(conn, &scope, std::slice::from_ref(&person.id))?
        .into_iter()
        .flat_map(|k| [k.person_id, k.relative_id])
        .collect();
    ids.push(person.id.clone());
    ids.sort();
    ids.dedup();
    crate::services::policy::evaluation::reevaluate_persons(conn, &scope, &ids, &ctx.clock)?;
    Ok(())
}

fn refresh_columns(conn: &mut DbConnection, person: &PersonRow, today: NaiveDate) -> QueryResult<()> {
    let ids = [person.id.clone()];
    let names = registry::names_of(conn, &ids)?;
    let mut key = search_key(&format!("{} {}", person.given_name, person.family_name));
    for n in &names {
        key.push_str(" | ");
        key.push_str(&search_key(&n.name));
    }
    let statuses: Vec<ClaimStatus> =
        registry::claims_of(conn, &ids)?.iter().filter_map(|c| c.status.parse().ok()).collect();
    let st = standing(&statuses);
    let now = whereabouts_on(&registry::custody_of(conn, &ids)?, today);
    diesel::update(p::table.filter(p::id.eq(&person.id)))
        .set((
            p::search_key.eq(key),
            p::stateless.eq(st.stateless),
            p::at_risk.eq(st.at_risk_of_statelessness),
            p::custody_status.eq(now.status),
            p::current_facility_id.eq(now.facility_id),
        ))
        .execute(conn)
        .map(|_| ())
}
