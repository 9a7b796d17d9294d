//! Creating and changing persons, their other names and their kinship links.

use super::derived::{birth_of, refresh};
use super::history::{self, Change};
use super::input::{check_core, check_name_input, Errors, NameInput, PersonCore};
use crate::db::models::{KinshipRow, PersonNameRow, PersonRow};
use crate::db::repo::{new_id, registry, OrgScope};
use crate::db::DbConnection;
use crate::domain::names::detect_script;
use crate::domain::person::{KinshipKind, Script, Sex, Wish};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};

/// Writes a person's own facts onto a row (derived columns are refreshed separately).
pub fn apply_core(row: &mut PersonRow, c: &PersonCore) {
    row.given_name = c.given_name.trim().to_string();
    row.family_name = c.family_name.trim().to_string();
    row.sex = c.sex.unwrap_or(Sex::Unknown).as_str().to_string();
    let b = c.birth.as_ref();
    row.birth_year = b.map(|b| b.year);
    row.birth_month = b.and_then(|b| b.month).map(|m| m as i32);
    row.birth_day = b.and_then(|b| b.day).map(|d| d as i32);
    row.birth_margin = b.map(|b| b.margin_years as i32).unwrap_or(0);
    row.birth_earliest = b.map(|b| b.earliest());
    row.birth_latest = b.map(|b| b.latest());
    row.place_of_birth = c.place_of_birth.trim().to_string();
    row.left_home = c.left_home.map(|d| d.encode());
    row.left_home_age = c.left_home_age;
    row.wish = c.wish.unwrap_or(Wish::NotAsked).as_str().to_string();
    row.wish_recorded_on = c.wish_recorded_on;
    row.unaccompanied_minor = c.unaccompanied_minor;
    row.orphan = c.orphan;
    row.medical_need = c.medical_need;
    row.disability = c.disability;
    row.date_of_death = c.date_of_death;
    row.notes = c.notes.trim().to_string();
}

/// A new, empty row for the scope's organisation.
pub fn blank_row(ctx: &AuditCtx, scope: &OrgScope, family_id: Option<&str>) -> PersonRow {
    let at = ctx.now();
    PersonRow {
        id: new_id(),
        organisation_id: scope.id().to_string(),
        family_id: family_id.map(str::to_string),
        given_name: String::new(),
        family_name: String::new(),
        sex: "unknown".into(),
        birth_year: None,
        birth_month: None,
        birth_day: None,
        birth_margin: 0,
        birth_earliest: None,
        birth_latest: None,
        place_of_birth: String::new(),
        left_home: None,
        left_home_age: None,
        wish: "not_asked".into(),
        wish_recorded_on: None,
        unaccompanied_minor: false,
        orphan: false,
        medical_need: false,
        disability: false,
        date_of_death: None,
        notes: String::new(),
        search_key: String::new(),
        stateless: true,
        at_risk: true,
        custody_status: "unknown".into(),
        current_facility_id: None,
        created_at: at,
        updated_at: at,
        version: 1,
    }
}

/// Inserts a person (already validated) inside the caller's transaction.
pub fn insert(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, row: &PersonRow) -> AppResult<()> {
    registry::insert_person(conn, row)?;
    let what = Change { family_id: row.family_id.as_deref(), entity_type: "person", entity_id: &row.id };
    history::note(conn, ctx, scope, what, "created", None, Some(format!("{} {}", row.given_name, row.family_name)))?;
    audit::record(conn, ctx, "person.create", Some(("person", &row.id)), "success")?;
    Ok(())
}

/// Replaces a person's own facts if `expected_version` is current (409 otherwise).
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &str,
    expected_version: i64,
    core: PersonCore,
) -> AppResult<PersonRow> {
    let mut errors = Errors::new();
    check_core(&mut errors, "", &core, ctx.today());
    errors.finish()?;
    crate::db::write_tx(conn, |conn| {
        let current = registry::find_person(conn, scope, id)?.ok_or(AppError::NotFound)?;
        if current.version != expected_version {
            return Err(super::conflict("person", current.version));
        }
        let mut next = current.clone();
        apply_core(&mut next, &core);
        next.updated_at = ctx.now();
        next.version = current.version + 1;
        if !registry::update_person(conn, scope, &next, expected_version)? {
            return Err(super::conflict("person", current.version + 1));
        }
        let changes = history::diff(&current, &next);
        let what = Change { family_id: next.family_id.as_deref(), entity_type: "person", entity_id: id };
        history::record(conn, ctx, scope, what, changes)?;
        refresh(conn, ctx, &next)?;
        audit::record(conn, ctx, "person.update", Some(("person", id)), "success")?;
        registry::find_person(conn, scope, id)?.ok_or(AppError::NotFound)
    })
}

/// Adds another name, inside the caller's transaction.
pub fn add_name_in_tx(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person: &PersonRow,
    n: &NameInput,
) -> AppResult<PersonNameRow> {
    let name = n.name.trim().to_string();
    let script = n.script.unwrap_or_else(|| detect_script(&name).parse().unwrap_or(Script::Other));
    let row = PersonNameRow {
        id: new_id(),
        person_id: person.id.clone(),
        kind: n.kind.as_str().into(),
        script: script.as_str().into(),
        name,
        created_at: ctx.now(),
    };
    registry::insert_name(conn, &row)?;
    let what = Change { family_id: person.family_id.as_deref(), entity_type: "person", entity_id: &person.id };
    history::note(conn, ctx, scope, what, &format!("name.{}", row.kind), None, Some(row.name.clone()))?;
    Ok(row)
}

/// Adds another name to a person.
pub fn add_name(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &str,
    n: NameInput,
) -> AppResult<PersonNameRow> {
    let mut errors = Errors::new();
    check_name_input(&mut errors, "", &n);
    errors.finish()?;
    crate::db::write_tx(conn, |conn| {
        let person = registry::find_person(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        let row = add_name_in_tx(conn, ctx, scope, &person, &n)?;
        refresh(conn, ctx, &person)?;
        audit::record(conn, ctx, "person.name.add", Some(("person", person_id)), "success")?;
        Ok(row)
    })
}

/// Removes another name (kept in the change history).
pub fn remove_name(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &str,
    name_id: &str,
) -> AppResult<()> {
    crate::db::write_tx(conn, |conn| {
        let person = registry::find_person(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        let ids = [person.id.clone()];
        let name = registry::names_of(conn, &ids)?.into_iter().find(|n| n.id == name_id).ok_or(AppError::NotFound)?;
        registry::delete_name(conn, person_id, name_id)?;
        let what = Change { family_id: person.family_id.as_deref(), entity_type: "person", entity_id: person_id };
        history::note(conn, ctx, scope, what, &format!("name.{}", name.kind), Some(name.name), None)?;
        refresh(conn, ctx, &person)?;
        audit::record(conn, ctx, "person.name.remove", Some(("person", person_id)), "success")?;
        Ok(())
    })
}

/// Links two persons of the organisation, inside the caller's transaction. A child must be
/// born after its parent (checked when both birth dates are known).
pub fn link_in_tx(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person: &PersonRow,
    relative: &PersonRow,
    kind: KinshipKind,
    field: &str,
) -> AppResult<KinshipRow> {
    if person.id == relative.id {
        return Err(AppError::field(field, "a person cannot be their own relative"));
    }
    if kind == KinshipKind::ParentOf {
        if let (Some(parent), Some(child)) = (birth_of(person), birth_of(relative)) {
            if child.latest() <= parent.earliest() {
                return Err(AppError::field(field, "a child must be born after its parent"));
            }
        }
    }
    let existing = registry::kinships_of(conn, scope, std::slice::from_ref(&person.id))?;
    if existing.iter().any(|k| k.person_id == person.id && k.relative_id == relative.id && k.kind == kind.as_str()) {
        return Err(AppError::field(field, "these two persons are already linked this way"));
    }
    let row = KinshipRow {
        id: new_id(),
        organisation_id: scope.id().to_string(),
        person_id: person.id.clone(),
        relative_id: relative.id.clone(),
        kind: kind.as_str().into(),
        created_at: ctx.now(),
    };
    registry::insert_kinship(conn, &row)?;
    super::derived::refresh(conn, ctx, person)?;
    let what = Change { family_id: person.family_id.as_deref(), entity_type: "person", entity_id: &person.id };
    let summary = format!("{} {} {}", kind, relative.given_name, relative.family_name);
    history::note(conn, ctx, scope, what, "kinship", None, Some(summary))?;
    audit::record(conn, ctx, "kinship.create", Some(("kinship", &row.id)), "success")?;
    Ok(row)
}

/// Links two persons (both must be in the organisation; otherwise 404).
pub fn link(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    person_id: &str,
    relative_id: &str,
    kind: KinshipKind,
) -> AppResult<KinshipRow> {
    crate::db::write_tx(conn, |conn| {
        let person = registry::find_person(conn, scope, person_id)?.ok_or(AppError::NotFound)?;
        let relative = registry::find_person(conn, scope, relative_id)?.ok_or(AppError::NotFound)?;
        link_in_tx(conn, ctx, scope, &person, &relative, kind, "relative_id")
    })
}

/// Removes a kinship link (kept in the change history).
pub fn unlink(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, id: &str) -> AppResult<()> {
    crate::db::write_tx(conn, |conn| {
        let link = registry::find_kinship(conn, scope, id)?.ok_or(AppError::NotFound)?;
        let person = registry::find_person(conn, scope, &link.person_id)?.ok_or(AppError::NotFound)?;
        registry::delete_kinship(conn, scope, id)?;
        super::derived::refresh(conn, ctx, &person)?;
        if let Some(relative) = registry::find_person(conn, scope, &link.relative_id)? {
            super::derived::refresh(conn, ctx, &relative)?;
        }
        let what = Change { family_id: person.family_id.as_deref(), entity_type: "person", entity_id: &person.id };
        history::note(conn, ctx, scope, what, "kinship", Some(format!("{} {}", link.kind, link.relative_id)), None)?;
        audit::record(conn, ctx, "kinship.delete", Some(("kinship", id)), "success")?;
        Ok(())
    })
}
