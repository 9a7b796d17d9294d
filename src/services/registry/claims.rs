//! Nationality claims: added, then verified, denied or revoked with a date. Never deleted.

use super::history::{self, Change};
use crate::auth::OrgScope;
use crate::db::models::{ClaimRow, DecisionRange, PersonRow};
use crate::db::repo::{claims, countries, persons};
use crate::db::DbConnection;
use crate::domain::ids::{ClaimId, PersonId};
use crate::domain::nationality::ClaimBasis;
use crate::domain::problems::Problems;
use crate::domain::records::claims::ClaimPatch;
use crate::domain::records::{ClaimFacts, ClaimInput};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit::{self, Unit};

/// Refuses a country code that is not in the seeded list (a problem under `field`).
pub fn check_country(conn: &mut DbConnection, problems: &mut Problems, field: &str, c: &ClaimFacts) -> AppResult<()> {
    if !countries::exists(conn, &c.country)? {
        problems.add(field, format!("`{}` is not a known country code", c.country));
    }
    Ok(())
}

/// The refusal of a second claim of one person to one country (the UI translates it by this text).
pub const ALREADY_CLAIMED: &str = "this person already has a claim to this country: change its status instead";

/// Adds a claim (already checked) in the unit.
pub fn add_in(
    conn: &mut DbConnection,
    u: &mut Unit,
    person: &PersonRow,
    c: &ClaimFacts,
    field: &str,
) -> AppResult<ClaimRow> {
    if claims::of(conn, u.scope, std::slice::from_ref(&person.id))?.iter().any(|x| x.country_code == c.country) {
        return Err(AppError::field(field, ALREADY_CLAIMED));
    }
    let row = new_row(u, person, c);
    claims::insert(conn, u.scope, &row)?;
    note_added(conn, u, person, &row)?;
    Ok(row)
}

/// A new claim of a person, not yet written.
pub(crate) fn new_row(u: &Unit, person: &PersonRow, c: &ClaimFacts) -> ClaimRow {
    let at = u.ctx.now();
    ClaimRow {
        id: ClaimId::new_random(),
        person_id: person.id.clone(),
        organisation_id: u.scope.id().clone(),
        country_code: c.country,
        status: c.status,
        basis: c.basis.unwrap_or(ClaimBasis::Unknown),
        decision: DecisionRange::of(c.decision),
        legal_note: c.legal_note.clone(),
        source: c.source.clone(),
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

/// The history, audit and refresh a new claim owes (its row written by the caller).
pub(crate) fn note_added(conn: &mut DbConnection, u: &mut Unit, person: &PersonRow, row: &ClaimRow) -> AppResult<()> {
    let field_name = format!("nationality.{}", row.country_code);
    history::note(conn, u, Change::person(person), &field_name, None, Some(row.status.to_string()))?;
    u.touch(&person.id);
    u.audit("nationality.create", "nationality_claim", row.id.as_str());
    Ok(())
}

/// Adds a claim to a person.
pub fn add(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &PersonId,
    c: ClaimInput,
) -> AppResult<ClaimRow> {
    let c = c.parse("", ctx.today())?;
    let mut problems = Problems::new();
    check_country(conn, &mut problems, "country", &c)?;
    if !problems.is_empty() {
        return Err(problems.into());
    }
    unit::run(conn, ctx, scope, |conn, u| {
        let person = persons::find(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        add_in(conn, u, &person, &c, "country")
    })
}

/// The stored claim as an input (to apply a patch to it and check the result).
fn as_input(row: &ClaimRow) -> AppResult<ClaimInput> {
    Ok(ClaimInput {
        country: row.country_code.to_string(),
        status: row.status,
        basis: Some(row.basis),
        decision_date: row.decision.get()?.map(Into::into),
        legal_note: row.legal_note.clone(),
        source: row.source.clone(),
    })
}

/// Changes the fields of a claim that the patch sends (status, basis, decision date, notes) if
/// `expected_version` is current; the claim after the change is checked as a whole. The
/// country of a claim cannot change: add another claim instead.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &ClaimId,
    expected_version: i64,
    patch: ClaimPatch,
) -> AppResult<ClaimRow> {
    unit::run(conn, ctx, scope, |conn, u| {
        let current = claims::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        let person = persons::find(conn, scope, &current.person_id)?.ok_or(AppError::NotFound)?;
        // Checked against the stored claim: what is not sent keeps its stored value.
        let c = patch.apply(as_input(&current)?).parse("", ctx.today())?;
        if c.country != current.country_code {
            return Err(AppError::field("country", "cannot change: add a claim to the other country instead"));
        }
        if current.version != expected_version {
            return Err(AppError::stale("nationality claim", current.version));
        }
        let mut next = current.clone();
        next.status = c.status;
        next.basis = c.basis.unwrap_or(current.basis);
        next.decision = DecisionRange::of(c.decision);
        next.legal_note = c.legal_note.clone();
        next.source = c.source.clone();
        next.updated_at = ctx.now();
        next.version += 1;
        if !claims::update(conn, scope, &next, expected_version)? {
            return Err(AppError::stale("nationality claim", current.version + 1));
        }
        let prefix = format!("nationality.{}", current.country_code);
        let shown = |r: &ClaimRow| -> AppResult<Vec<(&'static str, Option<String>)>> {
            Ok(vec![
                ("status", Some(r.status.to_string())),
                ("basis", Some(r.basis.to_string())),
                ("decision_date", r.decision.get()?.map(|d| d.display())),
                ("legal_note", Some(r.legal_note.clone()).filter(|s| !s.is_empty())),
                ("source", Some(r.source.clone()).filter(|s| !s.is_empty())),
            ])
        };
        let changes = shown(&current)?
            .into_iter()
            .zip(shown(&next)?)
            .filter(|((_, a), (_, b))| a != b)
            .map(|((f, a), (_, b))| (format!("{prefix}.{f}"), a, b))
            .collect();
        history::record(conn, u, Change::person(&person), changes)?;
        u.touch(&person.id);
        u.audit("nationality.update", "nationality_claim", id.as_str());
        Ok(next)
    })
}
