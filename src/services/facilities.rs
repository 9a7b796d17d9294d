//! Facilities and who controls them over time (shared reference data that admins manage), their
//! read model, and who of the caller's organisation is held in one on a given date.
//!
//! A facility's code never changes: policy rules name facilities by it, so renaming al-Hol
//! changes nobody's outcome. A new authority period can change outcomes (rules may read who is in
//! control), so it queues a re-evaluation of everyone instead of running it in the request.
//!
//! Facilities are deployment-wide: their changes are audited as `facility.*` events with the
//! facility as the record, and every organisation's admins read them in the policy change log.

use crate::db::models::{FacilityAuthorityRow, FacilityRow};
use crate::db::repo::{countries, facilities as repo, new_id};
use crate::db::{write_tx, DbConnection};
use crate::domain::country::CountryCode;
use crate::domain::facility::{authority_on, check_code, code_from_name, FacilityKind};
use crate::domain::ids::FacilityId;
use crate::domain::partial_date::check_day;
use crate::domain::problems::Problems;
use crate::domain::records::Patch;
use crate::domain::text::{check_name, check_notes};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use crate::services::jobs;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

mod population;
pub use population::population_page;

/// A facility as admins create it (and as the edit form sends it: every field).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FacilityInput {
    pub name: String,
    /// Stable code policy rules use (`al-hol`); made from the name when absent at creation,
    /// and never changed afterwards.
    #[serde(default)]
    pub code: Option<String>,
    /// camp, prison, rehabilitation_centre or other.
    pub kind: String,
    pub country_code: String,
    #[serde(default)]
    pub notes: String,
}

/// A partial change of a facility: only the fields sent change (`"notes": null` empties the
/// notes), then the whole is checked again. `code` may be sent, but only as the facility's own.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct FacilityPatch {
    pub name: Option<String>,
    pub code: Option<String>,
    /// camp, prison, rehabilitation_centre or other.
    pub kind: Option<String>,
    pub country_code: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub notes: Patch<String>,
}

impl FacilityPatch {
    /// A patch that sets every field to the input's (the edit form sends them all).
    pub fn replace_with(f: FacilityInput) -> FacilityPatch {
        FacilityPatch {
            name: Some(f.name),
            code: f.code,
            kind: Some(f.kind),
            country_code: Some(f.country_code),
            notes: Patch::Value(f.notes),
        }
    }

    /// The facility after the patch, as an input to check.
    fn apply(self, current: &FacilityRow) -> FacilityInput {
        FacilityInput {
            name: self.name.unwrap_or_else(|| current.name.clone()),
            code: self.code,
            kind: self.kind.unwrap_or_else(|| current.kind.as_str().to_string()),
            country_code: self.country_code.unwrap_or_else(|| current.country_code.to_string()),
            notes: self.notes.apply(Some(current.notes.clone())).unwrap_or_default(),
        }
    }
}

/// Who controls a facility from a date on.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuthorityInput {
    pub authority: String,
    pub from_date: NaiveDate,
    #[serde(default)]
    pub note: String,
}

/// A period of control.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorityView {
    pub authority: String,
    pub from_date: NaiveDate,
    pub note: String,
}

/// A facility with its authority history and the authority in control today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacilityView {
    pub id: FacilityId,
    pub code: String,
    pub name: String,
    pub kind: FacilityKind,
    pub country_code: CountryCode,
    pub notes: String,
    pub current_authority: Option<String>,
    pub authorities: Vec<AuthorityView>,
    pub version: i64,
}

/// Views of facilities with their authorities (two queries for all of them).
pub fn views(conn: &mut DbConnection, rows: Vec<FacilityRow>, today: NaiveDate) -> AppResult<Vec<FacilityView>> {
    let mut all: BTreeMap<FacilityId, Vec<FacilityAuthorityRow>> = BTreeMap::new();
    for a in repo::all_authorities(conn)? {
        all.entry(a.facility_id.clone()).or_default().push(a);
    }
    Ok(rows
        .into_iter()
        .map(|f| {
            let mine = all.remove(&f.id).unwrap_or_default();
            FacilityView {
                current_authority: authority_on(mine.iter().map(|a| (a.from_date, a.authority.as_str())), today)
                    .map(str::to_string),
                authorities: mine
                    .into_iter()
                    .map(|a| AuthorityView { authority: a.authority, from_date: a.from_date, note: a.note })
                    .collect(),
                id: f.id,
                code: f.code,
                name: f.name,
                kind: f.kind,
                country_code: f.country_code,
                notes: f.notes,
                version: f.version,
            }
        })
        .collect())
}

/// Every facility's view, by name.
pub fn list(conn: &mut DbConnection, today: NaiveDate) -> AppResult<Vec<FacilityView>> {
    let rows = repo::list(conn)?;
    views(conn, rows, today)
}

/// One facility's view (404 if unknown).
pub fn view(conn: &mut DbConnection, id: &FacilityId, today: NaiveDate) -> AppResult<FacilityView> {
    let row = repo::find(conn, id)?.ok_or(AppError::NotFound)?;
    views(conn, vec![row], today)?.pop().ok_or(AppError::NotFound)
}

/// The checked fields of a facility input.
struct Checked {
    name: String,
    kind: FacilityKind,
    code: Option<String>,
    country: CountryCode,
    notes: String,
}

fn check(conn: &mut DbConnection, f: &FacilityInput) -> AppResult<Checked> {
    let mut p = Problems::new();
    let name = p.take("name", check_name(&f.name));
    let code = match f.code.as_deref().filter(|c| !c.is_empty()) {
        Some(c) => p.take("code", check_code(c)).map(Some),
        None => Some(None),
    };
    let notes = p.take("notes", check_notes(&f.notes));
    let kind = p.take("kind", f.kind.parse::<FacilityKind>());
    let country = p.take("country_code", CountryCode::parse(&f.country_code));
    if let Some(c) = &country {
        if !countries::exists(conn, c)? {
            p.add("country_code", format!("`{c}` is not a known country code"));
        }
    }
    Ok(p.or(|| Some(Checked { name: name?, kind: kind?, code: code?, country: country?, notes: notes? }))?)
}

/// Creates a facility.
pub fn create(conn: &mut DbConnection, ctx: &AuditCtx, f: FacilityInput) -> AppResult<FacilityRow> {
    let c = check(conn, &f)?;
    write_tx(conn, |conn| {
        if repo::find_by_name(conn, &c.name)?.is_some() {
            return Err(AppError::field("name", "is already taken"));
        }
        let code = c.code.clone().unwrap_or_else(|| code_from_name(&c.name));
        if repo::find_by_code(conn, &code)?.is_some() {
            return Err(AppError::field("code", format!("`{code}` is already taken: choose another code")));
        }
        let at = ctx.now();
        let row = FacilityRow {
            id: FacilityId::new_random(),
            code,
            name: c.name,
            kind: c.kind,
            country_code: c.country,
            notes: c.notes,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        repo::insert(conn, &row)?;
        audit::record(conn, ctx, "facility.create", Some(("facility", row.id.as_str())), "success")?;
        Ok(row)
    })
}

/// Changes the fields of a facility that the patch sends (name, kind, country, notes) if
/// `expected_version` is current. The code cannot change (rules refer to it).
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    id: &FacilityId,
    expected_version: i64,
    patch: FacilityPatch,
) -> AppResult<FacilityRow> {
    write_tx(conn, |conn| {
        let current = repo::find(conn, id)?.ok_or(AppError::NotFound)?;
        // Checked against the stored facility: what is not sent keeps its stored value.
        let c = check(conn, &patch.apply(&current))?;
        if current.version != expected_version {
            return Err(AppError::stale("facility", current.version));
        }
        if c.code.as_ref().is_some_and(|code| *code != current.code) {
            return Err(AppError::field("code", "cannot change: policy rules refer to the facility by it"));
        }
        if let Some(other) = repo::find_by_name(conn, &c.name)? {
            if &other.id != id {
                return Err(AppError::field("name", "is already taken"));
            }
        }
        let next = FacilityRow {
            name: c.name,
            kind: c.kind,
            country_code: c.country,
            notes: c.notes,
            updated_at: ctx.now(),
            version: current.version + 1,
            ..current.clone()
        };
        if !repo::update(conn, &next, expected_version)? {
            return Err(AppError::stale("facility", current.version + 1));
        }
        audit::record(conn, ctx, "facility.update", Some(("facility", id.as_str())), "success")?;
        Ok(next)
    })
}

/// Records who controls a facility from a date on, and queues the re-evaluation of everyone
/// (rules may read the authority) in the same transaction.
pub fn add_authority(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    facility_id: &FacilityId,
    a: AuthorityInput,
) -> AppResult<FacilityAuthorityRow> {
    let mut p = Problems::new();
    let authority = p.take("authority", check_name(&a.authority));
    let note = p.take("note", crate::domain::text::check_short(&a.note));
    // A lower bound too: chrono reads `-5000-01-01`, which PostgreSQL refuses to store.
    match check_day(a.from_date) {
        Err(e) => p.add("from_date", e),
        Ok(d) if d > ctx.today() => p.add("from_date", "must not be in the future"),
        Ok(_) => {}
    }
    let (authority, note) = p.or(|| Some((authority?, note?)))?;
    write_tx(conn, |conn| {
        let facility = repo::find(conn, facility_id)?.ok_or(AppError::NotFound)?;
        if repo::authorities_of(conn, facility_id)?.iter().any(|x| x.from_date == a.from_date) {
            return Err(AppError::field("from_date", "an authority is already recorded from this date"));
        }
        let row = FacilityAuthorityRow {
            id: new_id(),
            facility_id: facility_id.clone(),
            authority,
            from_date: a.from_date,
            note,
            created_at: ctx.now(),
        };
        repo::insert_authority(conn, &row)?;
        audit::record(conn, ctx, "facility.authority.create", Some(("facility", facility_id.as_str())), "success")?;
        jobs::queue_reevaluation(conn, ctx, &format!("facility.authority {}", facility.code))?;
        Ok(row)
    })
}
