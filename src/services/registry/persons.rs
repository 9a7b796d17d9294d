//! Creating and changing persons: their own facts (with flags and the wish history), their
//! other names, and kinship links. Every write is a unit of work (`services::unit`).

use super::history::{self, Change};
use crate::auth::OrgScope;
use crate::db::models::{BirthRange, DepartureRange, KinshipRow, PersonNameRow, PersonRow, PersonWishRow};
use crate::db::repo::{kinships, names, new_id, persons};
use crate::db::DbConnection;
use crate::domain::ids::{FamilyId, KinshipId, NameId, PersonId};
use crate::domain::person::{KinshipKind, Wish};
use crate::domain::records::plausibility::{check_parent_child, Warning};
use crate::domain::records::{NameFacts, NameInput, PersonFacts, PersonPatch};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit::{self, Unit};

/// A new row for the unit's organisation with these facts.
pub(crate) fn new_row(u: &Unit, family: Option<&FamilyId>, f: &PersonFacts) -> PersonRow {
    let at = u.ctx.now();
    let mut row = PersonRow {
        id: PersonId::new_random(),
        organisation_id: u.scope.id().clone(),
        family_id: family.cloned(),
        given_name: String::new(),
        family_name: String::new(),
        sex: f.sex,
        birth: BirthRange::default(),
        place_of_birth: String::new(),
        left_home: DepartureRange::default(),
        left_home_age: None,
        date_of_death: None,
        notes: String::new(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    apply(&mut row, f);
    row
}

/// Writes a person's own facts onto a row (flags and wish have their own tables).
fn apply(row: &mut PersonRow, f: &PersonFacts) {
    row.given_name = f.given_name.clone();
    row.family_name = f.family_name.clone();
    row.sex = f.sex;
    row.birth = BirthRange::of(f.birth);
    row.place_of_birth = f.place_of_birth.clone();
    row.left_home = DepartureRange::of(f.left_home);
    row.left_home_age = f.left_home_age;
    row.date_of_death = f.date_of_death;
    row.notes = f.notes.clone();
}

/// A person's current facts, from the row, the flags and the latest wish.
pub fn facts_of(conn: &mut DbConnection, scope: &OrgScope, row: &PersonRow) -> AppResult<PersonFacts> {
    let ids = std::slice::from_ref(&row.id);
    let flags = persons::flags_of(conn, scope, ids)?.into_iter().map(|f| f.flag).collect();
    let wish = persons::wishes_of(conn, scope, ids)?.pop();
    Ok(PersonFacts {
        given_name: row.given_name.clone(),
        family_name: row.family_name.clone(),
        sex: row.sex,
        birth: row.birth.get()?,
        place_of_birth: row.place_of_birth.clone(),
        left_home: row.left_home.get()?,
        left_home_age: row.left_home_age,
        wish: wish.as_ref().map(|w| w.wish).unwrap_or(Wish::NotAsked),
        wish_recorded_on: wish.and_then(|w| w.recorded_on),
        flags,
        date_of_death: row.date_of_death,
        notes: row.notes.clone(),
    })
}

/// Records a wish when it differs from the one on record.
fn record_wish(
    conn: &mut DbConnection,
    u: &Unit,
    person: &PersonId,
    before: Option<&PersonFacts>,
    f: &PersonFacts,
) -> AppResult<()> {
    if let Some(row) = wish_row(u, person, before, f) {
        persons::add_wish(conn, u.scope, &row)?;
    }
    Ok(())
}

/// The wish to record when a person's facts go from `before` to `f`, if it changed.
pub(crate) fn wish_row(
    u: &Unit,
    person: &PersonId,
    before: Option<&PersonFacts>,
    f: &PersonFacts,
) -> Option<PersonWishRow> {
    let unchanged = before.is_some_and(|b| (b.wish, b.wish_recorded_on) == (f.wish, f.wish_recorded_on));
    let nothing = before.is_none() && f.wish == Wish::NotAsked && f.wish_recorded_on.is_none();
    if unchanged || nothing {
        return None;
    }
    Some(PersonWishRow {
        id: new_id(),
        person_id: person.clone(),
        organisation_id: u.scope.id().clone(),
        wish: f.wish,
        recorded_on: f.wish_recorded_on,
        recorded_at: u.ctx.now(),
        actor_id: u.ctx.actor_id.clone(),
    })
}

/// Inserts a person (already checked) in the unit; returns the row.
pub fn insert(
    conn: &mut DbConnection,
    u: &mut Unit,
    family: Option<&FamilyId>,
    f: &PersonFacts,
) -> AppResult<PersonRow> {
    let row = new_row(u, family, f);
    persons::insert(conn, u.scope, &row)?;
    let flags: Vec<_> = f.flags.iter().copied().collect();
    persons::set_flags(conn, u.scope, &row.id, &flags)?;
    record_wish(conn, u, &row.id, None, f)?;
    note_created(conn, u, &row)?;
    Ok(row)
}

/// The history, audit and refresh a new person owes (its rows written by the caller).
pub(crate) fn note_created(conn: &mut DbConnection, u: &mut Unit, row: &PersonRow) -> AppResult<()> {
    history::note(conn, u, Change::person(row), "created", None, Some(row.full_name()))?;
    u.touch(&row.id);
    u.audit("person.create", "person", row.id.as_str());
    Ok(())
}

/// Changes the fields of a person that the patch sends, if `expected_version` is current
/// (409 otherwise); the result is checked whole.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &PersonId,
    expected_version: i64,
    patch: PersonPatch,
) -> AppResult<PersonRow> {
    update_with_warnings(conn, ctx, scope, id, expected_version, patch).map(|(row, _)| row)
}

/// [`update`], also saying what now looks implausible (a new birth date that makes a parent
/// too young, or a child older than its parent).
pub fn update_with_warnings(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &PersonId,
    expected_version: i64,
    patch: PersonPatch,
) -> AppResult<(PersonRow, Vec<Warning>)> {
    unit::run(conn, ctx, scope, |conn, u| {
        let current = persons::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        if current.version != expected_version {
            return Err(AppError::stale("person", current.version));
        }
        let before = facts_of(conn, scope, &current)?;
        let after = patch.apply(&before).parse("", ctx.today())?;
        let mut next = current.clone();
        apply(&mut next, &after);
        next.updated_at = ctx.now();
        next.version = current.version + 1;
        if !persons::update(conn, scope, &next, expected_version)? {
            return Err(AppError::stale("person", current.version + 1));
        }
        if before.flags != after.flags {
            let flags: Vec<_> = after.flags.iter().copied().collect();
            persons::set_flags(conn, scope, id, &flags)?;
        }
        record_wish(conn, u, id, Some(&before), &after)?;
        history::record(conn, u, Change::person(&next), history::facts_diff(&before, &after))?;
        u.touch(id);
        u.audit("person.update", "person", id.as_str());
        let warnings = if before.birth == after.birth { Vec::new() } else { kin_warnings(conn, scope, &next)? };
        Ok((next, warnings))
    })
}

/// Plausibility of every parent-child link of a person, after their birth date changed.
fn kin_warnings(conn: &mut DbConnection, scope: &OrgScope, person: &PersonRow) -> AppResult<Vec<Warning>> {
    let links = kinships::of(conn, scope, std::slice::from_ref(&person.id))?;
    let others: Vec<PersonId> = links
        .iter()
        .map(|k| if k.person_id == person.id { k.relative_id.clone() } else { k.person_id.clone() })
        .collect();
    let others: std::collections::HashMap<PersonId, PersonRow> =
        persons::by_ids(conn, scope, &others)?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let mut out = Vec::new();
    for k in links.iter().filter(|k| k.kind == KinshipKind::ParentOf) {
        let (parent, child) = if k.person_id == person.id {
            (Some(person), others.get(&k.relative_id))
        } else {
            (others.get(&k.person_id), Some(person))
        };
        if let (Some(parent), Some(child)) = (parent, child) {
            out.extend(check_parent_child(
                "birth",
                &parent.full_name(),
                parent.birth.get()?.as_ref(),
                &child.full_name(),
                child.birth.get()?.as_ref(),
            ));
        }
    }
    Ok(out)
}

/// Adds another name (already checked) in the unit.
pub fn add_name_in(
    conn: &mut DbConnection,
    u: &mut Unit,
    person: &PersonRow,
    n: &NameFacts,
) -> AppResult<PersonNameRow> {
    let row = name_row(u, person, n);
    names::insert(conn, u.scope, &row)?;
    note_name_added(conn, u, person, &row)?;
    Ok(row)
}

/// A new name of a person, not yet written.
pub(crate) fn name_row(u: &Unit, person: &PersonRow, n: &NameFacts) -> PersonNameRow {
    PersonNameRow {
        id: NameId::new_random(),
        person_id: person.id.clone(),
        organisation_id: u.scope.id().clone(),
        kind: n.kind,
        script: n.script,
        name: n.name.clone(),
        created_at: u.ctx.now(),
    }
}

/// The history, audit and refresh a new name owes (its row written by the caller).
pub(crate) fn note_name_added(
    conn: &mut DbConnection,
    u: &mut Unit,
    person: &PersonRow,
    row: &PersonNameRow,
) -> AppResult<()> {
    history::note(conn, u, Change::person(person), &format!("name.{}", row.kind), None, Some(row.name.clone()))?;
    u.touch(&person.id);
    u.audit("person.name.add", "person", person.id.as_str());
    Ok(())
}

/// Adds another name to a person.
pub fn add_name(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &PersonId,
    n: NameInput,
) -> AppResult<PersonNameRow> {
    let n = n.parse("")?;
    unit::run(conn, ctx, scope, |conn, u| {
        let person = persons::find(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        add_name_in(conn, u, &person, &n)
    })
}

/// Removes another name (kept in the change history).
pub fn remove_name(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &PersonId,
    name_id: &NameId,
) -> AppResult<()> {
    unit::run(conn, ctx, scope, |conn, u| {
        let person = persons::find(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        let name = names::find(conn, scope, person_id, name_id)?.ok_or(AppError::NotFound)?;
        names::delete(conn, scope, person_id, name_id)?;
        history::note(conn, u, Change::person(&person), &format!("name.{}", name.kind), Some(name.name), None)?;
        u.touch(person_id);
        u.audit("person.name.remove", "person", person_id.as_str());
        Ok(())
    })
}

/// The refusals of a link to oneself and of a link made twice (the UI translates them by these
/// texts).
pub const OWN_RELATIVE: &str = "a person cannot be their own relative";
pub const ALREADY_LINKED: &str = "these two persons are already linked this way";

/// Links two persons of the organisation in the unit. Implausible birth dates give a warning,
/// not a refusal.
pub fn link_in(
    conn: &mut DbConnection,
    u: &mut Unit,
    person: &PersonRow,
    relative: &PersonRow,
    kind: KinshipKind,
    field: &str,
) -> AppResult<(KinshipRow, Option<Warning>)> {
    if person.id == relative.id {
        return Err(AppError::field(field, OWN_RELATIVE));
    }
    let existing = kinships::of(conn, u.scope, std::slice::from_ref(&person.id))?;
    if existing.iter().any(|k| k.person_id == person.id && k.relative_id == relative.id && k.kind == kind) {
        return Err(AppError::field(field, ALREADY_LINKED));
    }
    let warning = match kind {
        KinshipKind::ParentOf => check_parent_child(
            field,
            &person.full_name(),
            person.birth.get()?.as_ref(),
            &relative.full_name(),
            relative.birth.get()?.as_ref(),
        ),
        _ => None,
    };
    let row = kinship_row(u, person, relative, kind);
    kinships::insert(conn, u.scope, &row)?;
    note_linked(conn, u, person, relative, &row)?;
    Ok((row, warning))
}

/// A new kinship link, not yet written.
pub(crate) fn kinship_row(u: &Unit, person: &PersonRow, relative: &PersonRow, kind: KinshipKind) -> KinshipRow {
    KinshipRow {
        id: KinshipId::new_random(),
        organisation_id: u.scope.id().clone(),
        person_id: person.id.clone(),
        relative_id: relative.id.clone(),
        kind,
        created_at: u.ctx.now(),
    }
}

/// The history, audit and refresh a new link owes (its row written by the caller).
pub(crate) fn note_linked(
    conn: &mut DbConnection,
    u: &mut Unit,
    person: &PersonRow,
    relative: &PersonRow,
    row: &KinshipRow,
) -> AppResult<()> {
    let summary = format!("{} {}", row.kind, relative.full_name());
    history::note(conn, u, Change::person(person), "kinship", None, Some(summary))?;
    u.touch_kin(&person.id);
    u.touch_kin(&relative.id);
    u.audit("kinship.create", "kinship", row.id.as_str());
    Ok(())
}

/// Links two persons (both must be in the organisation; otherwise 404).
pub fn link(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &PersonId,
    relative_id: &PersonId,
    kind: KinshipKind,
) -> AppResult<(KinshipRow, Option<Warning>)> {
    unit::run(conn, ctx, scope, |conn, u| {
        let person = persons::find(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        let relative = persons::find(conn, scope, relative_id)?.ok_or(AppError::NotFound)?;
        link_in(conn, u, &person, &relative, kind, "relative_id")
    })
}

/// Removes a kinship link (kept in the change history); both sides are re-evaluated.
pub fn unlink(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, id: &KinshipId) -> AppResult<()> {
    unit::run(conn, ctx, scope, |conn, u| {
        let link = kinships::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        let person = persons::find(conn, scope, &link.person_id)?.ok_or(AppError::NotFound)?;
        kinships::delete(conn, scope, id)?;
        let old = format!("{} {}", link.kind, link.relative_id);
        history::note(conn, u, Change::person(&person), "kinship", Some(old), None)?;
        u.touch_kin(&link.person_id);
        u.touch_kin(&link.relative_id);
        u.audit("kinship.delete", "kinship", id.as_str());
        Ok(())
    })
}
