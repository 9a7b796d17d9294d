//! Nationality claims: added, then verified, denied or revoked with a date. Never deleted.

use super::derived::refresh;
use super::history::{self, Change};
use super::input::{check_claim, ClaimInput, Errors};
use crate::db::models::{ClaimRow, PersonRow};
use crate::db::repo::{countries, new_id, registry, OrgScope};
use crate::db::DbConnection;
use crate::domain::nationality::ClaimBasis;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};

/// Refuses country codes that are not in the seeded list.
pub fn check_country(conn: &mut DbConnection, errors: &mut Errors, field: &str, code: &str) -> AppResult<()> {
    if code.len() == 2 && !countries::exists(conn, code)? {
        errors.add(field, format!("`{code}` is not a known country code"));
    }
    Ok(())
}

/// Adds a claim inside the caller's transaction (already validated).
pub fn add_in_tx(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person: &PersonRow,
    c: &ClaimInput,
) -> AppResult<ClaimRow> {
    if registry::claims_of(conn, std::slice::from_ref(&person.id))?.iter().any(|x| x.country_code == c.country) {
        return Err(AppError::field(
            "country",
            "this person already has a claim to this country: change its status instead",
        ));
    }
    let at = ctx.now();
    let row = ClaimRow {
        id: new_id(),
        person_id: person.id.clone(),
        country_code: c.country.clone(),
        status: c.status.as_str().into(),
        basis: c.basis.unwrap_or(ClaimBasis::Unknown).as_str().into(),
        decision_date: c.decision_date,
        legal_note: c.legal_note.trim().into(),
        source: c.source.trim().into(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    registry::insert_claim(conn, &row)?;
    let what = Change { family_id: person.family_id.as_deref(), entity_type: "person", entity_id: &person.id };
    history::note(
        conn,
        ctx,
        scope,
        what,
        &format!("nationality.{}", row.country_code),
        None,
        Some(row.status.clone()),
    )?;
    audit::record(conn, ctx, "nationality.create", Some(("nationality_claim", &row.id)), "success")?;
    Ok(row)
}

/// Adds a claim to a person.
pub fn add(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &str,
    c: ClaimInput,
) -> AppResult<ClaimRow> {
    let mut errors = Errors::new();
    check_claim(&mut errors, "", &c, ctx.today());
    check_country(conn, &mut errors, "country", &c.country)?;
    errors.finish()?;
    crate::db::write_tx(conn, |conn| {
        let person = registry::find_person(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        let row = add_in_tx(conn, ctx, scope, &person, &c)?;
        refresh(conn, ctx, &person)?;
        Ok(row)
    })
}

/// Changes a claim (status, basis, decision date, notes) if `expected_version` is current.
/// The country of a claim cannot change: add another claim instead.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &str,
    expected_version: i64,
    c: ClaimInput,
) -> AppResult<ClaimRow> {
    let mut errors = Errors::new();
    check_claim(&mut errors, "", &c, ctx.today());
    errors.finish()?;
    crate::db::write_tx(conn, |conn| {
        let current = registry::find_claim(conn, id)?.ok_or(AppError::NotFound)?;
        // Scope: the claim's person must be in the caller's organisation.
        let person = registry::find_person(conn, scope, &current.person_id)?.ok_or(AppError::NotFound)?;
        if c.country != current.country_code {
            return Err(AppError::field("country", "cannot change: add a claim to the other country instead"));
        }
        if current.version != expected_version {
            return Err(super::conflict("nationality claim", current.version));
        }
        let mut next = current.clone();
        next.status = c.status.as_str().into();
        next.basis = c.basis.map(|b| b.as_str().to_string()).unwrap_or(current.basis.clone());
        next.decision_date = c.decision_date;
        next.legal_note = c.legal_note.trim().into();
        next.source = c.source.trim().into();
        next.updated_at = ctx.now();
        next.version += 1;
        if !registry::update_claim(conn, &next, expected_version)? {
            return Err(super::conflict("nationality claim", current.version + 1));
        }
        let changes = history::diff(&current, &next)
            .into_iter()
            .map(|(f, o, n)| (format!("nationality.{}.{f}", current.country_code), o, n))
            .collect();
        let what = Change { family_id: person.family_id.as_deref(), entity_type: "person", entity_id: &person.id };
        history::record(conn, ctx, scope, what, changes)?;
        refresh(conn, ctx, &person)?;
        audit::record(conn, ctx, "nationality.update", Some(("nationality_claim", id)), "success")?;
        Ok(next)
    })
}
