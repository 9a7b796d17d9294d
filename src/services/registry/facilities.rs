//! Facilities and their controlling authority over time (admins manage them), and who is held
//! in one on a given date (scoped to the caller's organisation).

use super::derived::whereabouts_on;
use super::input::Errors;
use crate::db::models::{FacilityAuthorityRow, FacilityRow, PersonRow};
use crate::db::repo::{facilities as repo, new_id, registry, OrgScope};
use crate::db::{write_tx, DbConnection};
use crate::domain::names::check_name;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Kinds of facility.
pub const KINDS: &[&str] = &["camp", "prison", "rehabilitation_centre", "other"];

/// A facility as admins create or change it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FacilityInput {
    pub name: String,
    /// camp, prison, rehabilitation_centre or other.
    pub kind: String,
    pub country_code: String,
    #[serde(default)]
    pub notes: String,
}

/// Who controls a facility from a date on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthorityInput {
    pub authority: String,
    pub from_date: NaiveDate,
    #[serde(default)]
    pub note: String,
}

fn check(conn: &mut DbConnection, f: &FacilityInput) -> AppResult<()> {
    let mut errors = Errors::new();
    if let Err(e) = check_name(&f.name) {
        errors.add("name", e);
    }
    if !KINDS.contains(&f.kind.as_str()) {
        errors.add("kind", format!("must be one of: {}", KINDS.join(", ")));
    }
    super::claims::check_country(conn, &mut errors, "country_code", &f.country_code)?;
    if f.country_code.len() != 2 {
        errors.add("country_code", "must be an ISO 3166-1 alpha-2 code such as SY");
    }
    errors.finish()
}

/// Creates a facility.
pub fn create(conn: &mut DbConnection, ctx: &AuditCtx, f: FacilityInput) -> AppResult<FacilityRow> {
    check(conn, &f)?;
    write_tx(conn, |conn| {
        if repo::find_by_name(conn, f.name.trim())?.is_some() {
            return Err(AppError::field("name", "is already taken"));
        }
        let at = ctx.now();
        let row = FacilityRow {
            id: new_id(),
            name: f.name.trim().into(),
            kind: f.kind.clone(),
            country_code: f.country_code.clone(),
            notes: f.notes.trim().into(),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        repo::insert(conn, &row)?;
        audit::record(conn, ctx, "facility.create", Some(("facility", &row.id)), "success")?;
        Ok(row)
    })
}

/// Changes a facility if `expected_version` is current.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &str,
    expected_version: i64,
    f: FacilityInput,
) -> AppResult<FacilityRow> {
    check(conn, &f)?;
    write_tx(conn, |conn| {
        let current = repo::find(conn, id)?.ok_or(AppError::NotFound)?;
        if current.version != expected_version {
            return Err(super::conflict("facility", current.version));
        }
        if let Some(other) = repo::find_by_name(conn, f.name.trim())? {
            if other.id != id {
                return Err(AppError::field("name", "is already taken"));
            }
        }
        let next = FacilityRow {
            name: f.name.trim().into(),
            kind: f.kind.clone(),
            country_code: f.country_code.clone(),
            notes: f.notes.trim().into(),
            updated_at: ctx.now(),
            version: current.version + 1,
            ..current.clone()
        };
        if !repo::update(conn, &next, expected_version)? {
            return Err(super::conflict("facility", current.version + 1));
        }
        audit::record(conn, ctx, "facility.update", Some(("facility", id)), "success")?;
        Ok(next)
    })
    .and_then(|row| {
        // Rules may read a facility's name: outcomes follow at once.
        crate::services::policy::evaluation::reevaluate_all(conn, &ctx.clock)?;
        Ok(row)
    })
}

/// Records who controls a facility from a date on.
pub fn add_authority(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    facility_id: &str,
    a: AuthorityInput,
) -> AppResult<FacilityAuthorityRow> {
    let mut errors = Errors::new();
    if let Err(e) = check_name(&a.authority) {
        errors.add("authority", e);
    }
    if a.from_date > ctx.today() {
        errors.add("from_date", "must not be in the future");
    }
    errors.finish()?;
    write_tx(conn, |conn| {
        repo::find(conn, facility_id)?.ok_or(AppError::NotFound)?;
        if repo::authorities(conn, &[facility_id.to_string()])?.iter().any(|x| x.from_date == a.from_date) {
            return Err(AppError::field("from_date", "an authority is already recorded from this date"));
        }
        let row = FacilityAuthorityRow {
            id: new_id(),
            facility_id: facility_id.into(),
            authority: a.authority.trim().into(),
            from_date: a.from_date,
            note: a.note.trim().into(),
            created_at: ctx.now(),
        };
        repo::insert_authority(conn, &row)?;
        audit::record(conn, ctx, "facility.authority.create", Some(("facility", facility_id)), "success")?;
        Ok(row)
    })
    .and_then(|row| {
        // Rules may read who controls a facility: outcomes follow at once.
        crate::services::policy::evaluation::reevaluate_all(conn, &ctx.clock)?;
        Ok(row)
    })
}

/// The authority in control on `on` (the latest period that started by then).
pub fn authority_on(periods: &[FacilityAuthorityRow], on: NaiveDate) -> Option<&FacilityAuthorityRow> {
    periods.iter().filter(|p| p.from_date <= on).max_by_key(|p| p.from_date)
}

/// The organisation's persons held in the facility on `on`, derived from custody events.
pub fn population(
    conn: &mut DbConnection,
    scope: &OrgScope,
    facility_id: &str,
    on: NaiveDate,
) -> AppResult<Vec<PersonRow>> {
    repo::find(conn, facility_id)?.ok_or(AppError::NotFound)?;
    let events = registry::custody_touching_facility(conn, scope, facility_id)?;
    let mut by_person: std::collections::BTreeMap<String, Vec<_>> = Default::default();
    for e in events {
        by_person.entry(e.person_id.clone()).or_default().push(e);
    }
    let held: Vec<String> = by_person
        .into_iter()
        .filter(|(_, evs)| whereabouts_on(evs, on).facility_id.as_deref() == Some(facility_id))
        .map(|(id, _)| id)
        .collect();
    let mut rows = registry::persons_by_ids(conn, scope, &held)?;
    rows.sort_by(|a, b| (&a.family_name, &a.given_name, &a.id).cmp(&(&b.family_name, &b.given_name, &b.id)));
    Ok(rows)
}
