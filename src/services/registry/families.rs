//! Families: the intake of a whole family in one unit of work, adding a member later (a
//! newborn, a father found in a prison), label and notes.

use super::history::{self, Change};
use super::{claims, custody, persons};
use crate::auth::OrgScope;
use crate::db::models::{FamilyRow, PersonRow};
use crate::db::repo::families;
use crate::db::DbConnection;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::person::KinshipKind;
use crate::domain::problems::Problems;
use crate::domain::records::plausibility::Warning;
use crate::domain::records::{
    ClaimFacts, ClaimInput, CustodyFacts, CustodyInput, NameFacts, NameInput, Patch, PersonFacts, PersonInput,
};
use crate::domain::text::{check_name, check_notes};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit::{self, Unit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Most members one intake may hold.
pub const MAX_MEMBERS: usize = 40;

/// A person with everything known at intake.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PersonIntake {
    #[serde(flatten)]
    pub core: PersonInput,
    #[serde(default)]
    pub other_names: Vec<NameInput>,
    #[serde(default)]
    pub nationalities: Vec<ClaimInput>,
    #[serde(default)]
    pub custody: Vec<CustodyInput>,
}

/// A kinship link between two members of an intake, by their positions in `members`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IntakeKinship {
    pub person: usize,
    pub kind: KinshipKind,
    pub relative: usize,
}

/// A link from a new member to someone already in the organisation (any family):
/// `new member <kind> relative`, or, with `reverse`, `relative <kind> new member` (the mother
/// of a newborn is `parent_of` the newborn).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MemberLink {
    #[schema(value_type = String)]
    pub relative_id: PersonId,
    pub kind: KinshipKind,
    #[serde(default)]
    pub reverse: bool,
}

/// Most links one new member may bring.
pub const MAX_LINKS: usize = 40;

/// A whole family as logged at intake.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FamilyIntake {
    pub label: String,
    #[serde(default)]
    pub notes: String,
    #[schema(min_items = 1, max_items = 40)]
    pub members: Vec<PersonIntake>,
    #[serde(default)]
    pub kinship: Vec<IntakeKinship>,
}

/// A member, checked (by the intake, or by an import against the reference data it loaded).
pub(crate) struct Member {
    pub facts: PersonFacts,
    pub names: Vec<NameFacts>,
    pub claims: Vec<ClaimFacts>,
    pub custody: Vec<CustodyFacts>,
}

/// Checks a member's every field (and the database-dependent ones: countries, facilities).
fn check_member(
    conn: &mut DbConnection,
    p: &mut Problems,
    prefix: &str,
    m: PersonIntake,
    today: chrono::NaiveDate,
) -> AppResult<Option<Member>> {
    let facts = m.core.parse(prefix, today).map_err(|e| p.absorb(e)).ok();
    let mut names = Vec::new();
    for (j, n) in m.other_names.into_iter().enumerate() {
        names.extend(n.parse(&format!("{prefix}other_names[{j}].")).map_err(|e| p.absorb(e)).ok());
    }
    let mut claim_facts = Vec::new();
    for (j, c) in m.nationalities.into_iter().enumerate() {
        let at = format!("{prefix}nationalities[{j}].");
        if let Ok(c) = c.parse(&at, today).map_err(|e| p.absorb(e)) {
            claims::check_country(conn, p, &format!("{at}country"), &c)?;
            claim_facts.push(c);
        }
    }
    let mut events = Vec::new();
    for (j, c) in m.custody.into_iter().enumerate() {
        let at = format!("{prefix}custody[{j}].");
        if let Ok(c) = c.parse(&at, today).map_err(|e| p.absorb(e)) {
            custody::check_facility(conn, p, &format!("{at}facility_id"), &c)?;
            events.push(c);
        }
    }
    Ok(facts.map(|facts| Member { facts, names, claims: claim_facts, custody: events }))
}

/// Inserts one checked member with names, claims and custody, in the unit.
pub(crate) fn insert_member(
    conn: &mut DbConnection,
    u: &mut Unit,
    family: &FamilyId,
    m: &Member,
    index: usize,
    warnings: &mut Vec<Warning>,
) -> AppResult<PersonRow> {
    let row = persons::insert(conn, u, Some(family), &m.facts)?;
    for n in &m.names {
        persons::add_name_in(conn, u, &row, n)?;
    }
    for (j, c) in m.claims.iter().enumerate() {
        claims::add_in(conn, u, &row, c, &format!("members[{index}].nationalities[{j}].country"))?;
    }
    for (j, c) in m.custody.iter().enumerate() {
        let (_, w) = custody::add_in(conn, u, &row, c, &format!("members[{index}].custody[{j}].date"))?;
        warnings.extend(w);
    }
    Ok(row)
}

/// A family as saved, with what looked implausible, and how many persons the end of the unit
/// re-evaluated (each touched person and their kin once).
pub struct Saved<T> {
    pub value: T,
    pub warnings: Vec<Warning>,
    pub evaluated: usize,
}

/// Logs a family with its members, their names, claims, custody and kinship: all or nothing.
pub fn intake(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    intake: FamilyIntake,
) -> AppResult<Saved<FamilyRow>> {
    let today = ctx.today();
    let mut p = Problems::new();
    let label = p.take("label", check_name(&intake.label));
    let notes = p.take("notes", check_notes(&intake.notes));
    if intake.members.is_empty() {
        p.add("members", "a family needs at least one member");
    }
    if intake.members.len() > MAX_MEMBERS {
        p.add("members", format!("at most {MAX_MEMBERS} members at once"));
    }
    let count = intake.members.len();
    for (i, k) in intake.kinship.iter().enumerate() {
        for (field, idx) in [("person", k.person), ("relative", k.relative)] {
            if idx >= count {
                p.add(format!("kinship[{i}].{field}"), "is not a member of this intake");
            }
        }
    }
    let mut members = Vec::new();
    for (i, m) in intake.members.into_iter().enumerate() {
        members.push(check_member(conn, &mut p, &format!("members[{i}]."), m, today)?);
    }
    let (Some(label), Some(notes), true) = (label, notes, p.is_empty()) else {
        return Err(p.into());
    };
    let members: Vec<Member> = members.into_iter().flatten().collect();
    let (saved, flushed) = unit::run_counted(conn, ctx, scope, |conn, u| {
        let family = create_in(conn, u, label, notes)?;
        let mut warnings = Vec::new();
        let mut rows = Vec::new();
        for (i, m) in members.iter().enumerate() {
            rows.push(insert_member(conn, u, &family.id, m, i, &mut warnings)?);
        }
        for (i, k) in intake.kinship.iter().enumerate() {
            let (_, w) =
                persons::link_in(conn, u, &rows[k.person], &rows[k.relative], k.kind, &format!("kinship[{i}]"))?;
            warnings.extend(w);
        }
        Ok((family, warnings))
    })?;
    Ok(Saved { value: saved.0, warnings: saved.1, evaluated: flushed.evaluated })
}

/// Creates a family (label and notes checked) in the unit, with its history and audit event.
pub(crate) fn create_in(conn: &mut DbConnection, u: &mut Unit, label: String, notes: String) -> AppResult<FamilyRow> {
    let family = new_row(u, label, notes);
    families::insert(conn, u.scope, &family)?;
    note_created(conn, u, &family)?;
    Ok(family)
}

/// A new family, not yet written.
pub(crate) fn new_row(u: &Unit, label: String, notes: String) -> FamilyRow {
    let at = u.ctx.now();
    FamilyRow {
        id: FamilyId::new_random(),
        organisation_id: u.scope.id().clone(),
        label,
        notes,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

/// The history and audit a new family owes (its row written by the caller).
pub(crate) fn note_created(conn: &mut DbConnection, u: &mut Unit, family: &FamilyRow) -> AppResult<()> {
    history::note(conn, u, Change::family(family), "created", None, Some(family.label.clone()))?;
    u.audit("family.create", "family", family.id.as_str());
    Ok(())
}

/// Adds one person (with names, claims, custody) to an existing family and links them to
/// relatives already recorded, all in one unit of work: a refused link saves nothing.
pub fn add_member(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    family_id: &FamilyId,
    member: PersonIntake,
    links: &[MemberLink],
) -> AppResult<Saved<PersonRow>> {
    let mut p = Problems::new();
    if links.len() > MAX_LINKS {
        p.add("links", format!("at most {MAX_LINKS} links at once"));
    }
    let m = check_member(conn, &mut p, "", member, ctx.today())?;
    let Some(m) = m.filter(|_| p.is_empty()) else { return Err(p.into()) };
    let ((row, warnings), flushed) = unit::run_counted(conn, ctx, scope, |conn, u| {
        let family = families::find(conn, scope, family_id)?.ok_or(AppError::NotFound)?;
        let mut warnings = Vec::new();
        let row = insert_member(conn, u, &family.id, &m, 0, &mut warnings)?;
        history::note(conn, u, Change::family(&family), "member", None, Some(row.full_name()))?;
        for (i, link) in links.iter().enumerate() {
            let field = format!("links[{i}].relative_id");
            let relative = crate::db::repo::persons::find(conn, scope, &link.relative_id)?
                .ok_or_else(|| AppError::field(&field, "no such person in your organisation"))?;
            let (a, b) = if link.reverse { (&relative, &row) } else { (&row, &relative) };
            let (_, w) = persons::link_in(conn, u, a, b, link.kind, &field)?;
            warnings.extend(w);
        }
        Ok((row, warnings))
    })?;
    Ok(Saved { value: row, warnings, evaluated: flushed.evaluated })
}

/// Changes a family's label (`Some`) and notes (a value sets them, `Null` empties them,
/// `Missing` keeps them) if `expected_version` is current.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &FamilyId,
    expected_version: i64,
    label: Option<String>,
    notes: Patch<String>,
) -> AppResult<FamilyRow> {
    unit::run(conn, ctx, scope, |conn, u| {
        let current = families::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        // What is not sent keeps its stored value; the result is checked as a whole.
        let label = label.unwrap_or_else(|| current.label.clone());
        let notes = notes.apply(Some(current.notes.clone())).unwrap_or_default();
        let mut p = Problems::new();
        let label = p.take("label", check_name(&label));
        let notes = p.take("notes", check_notes(&notes));
        let (Some(label), Some(notes), true) = (label, notes, p.is_empty()) else { return Err(p.into()) };
        if current.version != expected_version {
            return Err(AppError::stale("family", current.version));
        }
        let next = FamilyRow { label, notes, updated_at: ctx.now(), version: current.version + 1, ..current.clone() };
        if !families::update(conn, scope, &next, expected_version)? {
            return Err(AppError::stale("family", current.version + 1));
        }
        let changes = [("label", &current.label, &next.label), ("notes", &current.notes, &next.notes)]
            .into_iter()
            .filter(|(_, a, b)| a != b)
            .map(|(f, a, b)| {
                (f.to_string(), Some(a.clone()).filter(|s| !s.is_empty()), Some(b.clone()).filter(|s| !s.is_empty()))
            })
            .collect();
        history::record(conn, u, Change::family(&next), changes)?;
        u.audit("family.update", "family", id.as_str());
        Ok(next)
    })
}
