//! Families: the intake of a whole family in one transaction, label and notes, adding members.

use super::derived::refresh;
use super::history::{self, Change};
use super::input::{check_claim, check_core, check_custody, check_name_input, Errors, PersonIntake};
use super::persons::{apply_core, blank_row};
use super::{claims, custody, persons};
use crate::db::models::FamilyRow;
use crate::db::repo::{new_id, registry, OrgScope};
use crate::db::DbConnection;
use crate::domain::names::check_name;
use crate::domain::person::KinshipKind;
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A kinship link between two members of an intake, by their positions in `members`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IntakeKinship {
    pub person: usize,
    pub kind: KinshipKind,
    pub relative: usize,
}

/// A whole family as logged at intake.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FamilyIntake {
    pub label: String,
    #[serde(default)]
    pub notes: String,
    pub members: Vec<PersonIntake>,
    #[serde(default)]
    pub kinship: Vec<IntakeKinship>,
}

fn check_intake(conn: &mut DbConnection, ctx: &AuditCtx, intake: &FamilyIntake) -> AppResult<()> {
    let mut errors = Errors::new();
    let today = ctx.today();
    if let Err(e) = check_name(&intake.label) {
        errors.add("label", e);
    }
    if intake.members.is_empty() {
        errors.add("members", "a family needs at least one member");
    }
    for (i, m) in intake.members.iter().enumerate() {
        let prefix = format!("members[{i}].");
        check_core(&mut errors, &prefix, &m.core, today);
        for (j, n) in m.other_names.iter().enumerate() {
            check_name_input(&mut errors, &format!("{prefix}other_names[{j}]."), n);
        }
        for (j, c) in m.nationalities.iter().enumerate() {
            let p = format!("{prefix}nationalities[{j}].");
            check_claim(&mut errors, &p, c, today);
            claims::check_country(conn, &mut errors, &format!("{p}country"), &c.country)?;
        }
        for (j, c) in m.custody.iter().enumerate() {
            check_custody(&mut errors, &format!("{prefix}custody[{j}]."), c, m.core.birth.as_ref(), today);
        }
    }
    for (i, k) in intake.kinship.iter().enumerate() {
        for (field, idx) in [("person", k.person), ("relative", k.relative)] {
            if idx >= intake.members.len() {
                errors.add(format!("kinship[{i}].{field}"), "is not a member of this intake");
            }
        }
    }
    errors.finish()
}

/// Logs a family with its members, their names, claims, custody and kinship, all or nothing.
pub fn intake(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, intake: FamilyIntake) -> AppResult<FamilyRow> {
    check_intake(conn, ctx, &intake)?;
    crate::db::write_tx(conn, |conn| {
        let at = ctx.now();
        let family = FamilyRow {
            id: new_id(),
            organisation_id: scope.id().to_string(),
            label: intake.label.trim().to_string(),
            notes: intake.notes.trim().to_string(),
            created_at: at,
            updated_at: at,
            version: 1,
        };
        registry::insert_family(conn, &family)?;
        let what = Change { family_id: Some(&family.id), entity_type: "family", entity_id: &family.id };
        history::note(conn, ctx, scope, what, "created", None, Some(family.label.clone()))?;
        audit::record(conn, ctx, "family.create", Some(("family", &family.id)), "success")?;
        let rows = intake
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| insert_member(conn, ctx, scope, &family.id, m, i))
            .collect::<AppResult<Vec<_>>>()?;
        for (i, k) in intake.kinship.iter().enumerate() {
            let field = format!("kinship[{i}]");
            persons::link_in_tx(conn, ctx, scope, &rows[k.person], &rows[k.relative], k.kind, &field)?;
        }
        Ok(family)
    })
}

/// Adds one person to an existing family.
pub fn add_member(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    family_id: &str,
    member: PersonIntake,
) -> AppResult<crate::db::models::PersonRow> {
    let single = FamilyIntake { label: "member".into(), notes: String::new(), members: vec![member], kinship: vec![] };
    check_intake(conn, ctx, &single)?;
    let m = single.members.into_iter().next().ok_or(AppError::NotFound)?;
    crate::db::write_tx(conn, |conn| {
        let family = registry::find_family(conn, scope, family_id)?.ok_or(AppError::NotFound)?;
        let row = insert_member(conn, ctx, scope, &family.id, &m, 0)?;
        registry::find_person(conn, scope, &row.id)?.ok_or(AppError::NotFound)
    })
}

/// Inserts one (validated) member with names, claims and custody, inside the caller's
/// transaction; `index` names the member's fields in errors (`members[i].custody[j].date`).
fn insert_member(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    family_id: &str,
    m: &PersonIntake,
    index: usize,
) -> AppResult<crate::db::models::PersonRow> {
    let mut row = blank_row(ctx, scope, Some(family_id));
    apply_core(&mut row, &m.core);
    persons::insert(conn, ctx, scope, &row)?;
    for n in &m.other_names {
        persons::add_name_in_tx(conn, ctx, scope, &row, n)?;
    }
    for c in &m.nationalities {
        claims::add_in_tx(conn, ctx, scope, &row, c)?;
    }
    for (j, c) in m.custody.iter().enumerate() {
        custody::add_in_tx(conn, ctx, scope, &row, c, &format!("members[{index}].custody[{j}]."))?;
    }
    refresh(conn, ctx, &row)?;
    Ok(row)
}

/// Changes a family's label and notes if `expected_version` is current.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &str,
    expected_version: i64,
    label: &str,
    notes: &str,
) -> AppResult<FamilyRow> {
    let label = check_name(label).map_err(|e| AppError::field("label", e))?;
    if notes.chars().count() > 10_000 {
        return Err(AppError::field("notes", "must be at most 10000 characters"));
    }
    crate::db::write_tx(conn, |conn| {
        let current = registry::find_family(conn, scope, id)?.ok_or(AppError::NotFound)?;
        if current.version != expected_version {
            return Err(super::conflict("family", current.version));
        }
        let next = FamilyRow {
            label: label.clone(),
            notes: notes.trim().into(),
            updated_at: ctx.now(),
            version: current.version + 1,
            ..current.clone()
        };
        if !registry::update_family(conn, scope, &next, expected_version)? {
            return Err(super::conflict("family", current.version + 1));
        }
        let what = Change { family_id: Some(id), entity_type: "family", entity_id: id };
        history::record(conn, ctx, scope, what, history::diff(&current, &next))?;
        audit::record(conn, ctx, "family.update", Some(("family", id)), "success")?;
        Ok(next)
    })
}
