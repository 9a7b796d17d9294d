//! The smaller changes to a case: its assignee, its next action, a member's consent, and a
//! coordinator's override of members' wishes. Each bumps the case's version when it changes
//! the case row (so two people cannot both win) and leaves a timeline entry and an audit event.

use super::{check_next_action, event};
use crate::auth::OrgScope;
use crate::db::models::{CaseConsentRow, CaseRow};
use crate::db::repo::{cases, new_id, persons, users};
use crate::db::DbConnection;
use crate::domain::case::{CaseEventKind, ConsentBy};
use crate::domain::ids::{CaseId, PersonId, UserId};
use crate::domain::problems::Problems;
use crate::domain::records::Patch;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

/// Adds a problem unless the user is an active caseworker or coordinator of the organisation.
pub(super) fn check_assignee(
    conn: &mut DbConnection,
    scope: &OrgScope,
    id: &UserId,
    p: &mut Problems,
) -> AppResult<()> {
    match users::find(conn, scope, id)? {
        Some(u) if u.disabled_at.is_none() && matches!(u.role, Role::Caseworker | Role::Coordinator) => {}
        Some(_) => p.add("assignee_id", "assign to an active caseworker or coordinator"),
        None => p.add("assignee_id", "no such user in your organisation"),
    }
    Ok(())
}

/// Reads the case and checks the version the user edited.
fn current(conn: &mut DbConnection, scope: &OrgScope, id: &CaseId, expected: i64) -> AppResult<CaseRow> {
    let row = cases::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    if row.version != expected {
        return Err(AppError::stale("case", row.version));
    }
    Ok(row)
}

/// Writes the changed case, or 409 if someone else was first.
fn save(conn: &mut DbConnection, scope: &OrgScope, ctx: &AuditCtx, row: CaseRow, expected: i64) -> AppResult<CaseRow> {
    let next = CaseRow { updated_at: ctx.now(), version: expected + 1, ..row };
    if !cases::update(conn, scope, &next, expected)? {
        return Err(AppError::stale("case", expected + 1));
    }
    Ok(next)
}

/// A change of a case's next action and assignee; what is `Missing` keeps its value.
#[derive(Debug, Clone, Default)]
pub struct CaseChange {
    /// What happens next (empty clears it).
    pub next_action: Option<String>,
    pub next_action_due: Patch<NaiveDate>,
    /// Who works on the case (`Null` unassigns). Only coordinators: the handler checks.
    pub assignee: Patch<UserId>,
}

/// Changes the next action and the assignee of an open case at `expected` version, at once:
/// a refused assignee saves nothing.
pub fn update(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &CaseId,
    expected: i64,
    change: CaseChange,
) -> AppResult<CaseRow> {
    unit::run(conn, ctx, scope, |conn, u| {
        let row = current(conn, scope, id, expected)?;
        if !row.status.is_open() {
            return Err(AppError::Conflict {
                message: "the case has ended".into(),
                current_version: Some(row.version),
            });
        }
        let mut p = Problems::new();
        let action_changes = change.next_action.is_some() || !matches!(change.next_action_due, Patch::Missing);
        let text = change.next_action.clone().unwrap_or_else(|| row.next_action.clone());
        let due = change.next_action_due.apply(row.next_action_due);
        let text = check_next_action(&mut p, &text, due);
        let assignee = change.assignee.clone().apply(row.assignee_id.clone());
        let assignee_changes = !matches!(change.assignee, Patch::Missing) && assignee != row.assignee_id;
        if let (true, Some(a)) = (assignee_changes, &assignee) {
            check_assignee(conn, scope, a, &mut p)?;
        }
        if !p.is_empty() {
            return Err(p.into());
        }
        let next = CaseRow { next_action: text.clone(), next_action_due: due, assignee_id: assignee.clone(), ..row };
        let next = save(conn, scope, ctx, next, expected)?;
        if action_changes {
            let note = match due {
                Some(d) => format!("{text} (due {d})"),
                None => text.clone(),
            };
            event(conn, u, id, CaseEventKind::NextAction, None, None, None, note, None)?;
            u.audit("case.next_action", "case", id.as_str());
        }
        if assignee_changes {
            let name = match &assignee {
                Some(a) => users::find(conn, scope, a)?.map(|u| u.display_name).unwrap_or_default(),
                None => String::new(),
            };
            event(conn, u, id, CaseEventKind::Assigned, None, None, None, name, None)?;
            u.audit("case.assign", "case", id.as_str());
        }
        Ok(next)
    })
}

/// A member's consent as given.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ConsentInput {
    #[schema(value_type = String)]
    pub person_id: PersonId,
    pub given_by: ConsentBy,
    /// The parent's or guardian's name, when they gave it.
    #[serde(default)]
    pub given_by_name: String,
    pub given_on: NaiveDate,
    /// Consent to the case itself.
    pub to_case: bool,
    /// Consent to sharing the file with the destination's government.
    pub to_sharing: bool,
}

/// Records a member's consent (a later record replaces it; both are kept).
pub fn record_consent(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &CaseId,
    c: ConsentInput,
) -> AppResult<CaseConsentRow> {
    let mut p = Problems::new();
    let today = ctx.today();
    if let Err(m) = crate::domain::partial_date::check_day(c.given_on) {
        p.add("given_on", m);
    } else if c.given_on > today {
        p.add("given_on", "must not be in the future");
    }
    let name = c.given_by_name.trim().to_string();
    if name.chars().count() > 200 {
        p.add("given_by_name", "at most 200 characters");
    }
    if c.given_by != ConsentBy::Person && name.is_empty() {
        p.add("given_by_name", "name the parent or guardian who gave it");
    }
    if !p.is_empty() {
        return Err(p.into());
    }
    unit::run(conn, ctx, scope, |conn, u| {
        let case = cases::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        if !case.status.is_open() {
            return Err(AppError::Conflict {
                message: "the case has ended".into(),
                current_version: Some(case.version),
            });
        }
        if !cases::members(conn, scope, id)?.iter().any(|m| m.person_id == c.person_id) {
            return Err(AppError::field("person_id", "is not a member of this case"));
        }
        let person = persons::find(conn, scope, &c.person_id)?.ok_or(AppError::NotFound)?;
        // A child cannot consent alone; an adult's consent is their own unless a guardian acts.
        let minor = person.birth.get()?.is_some_and(|b| crate::domain::partial_date::age_on(b.latest(), today) < 18);
        let adult = person.birth.get()?.is_some_and(|b| crate::domain::partial_date::age_on(b.earliest(), today) >= 18);
        if minor && c.given_by == ConsentBy::Person {
            return Err(AppError::field("given_by", "a child's consent is given by a parent or guardian"));
        }
        if adult && c.given_by == ConsentBy::Parent {
            return Err(AppError::field("given_by", "an adult gives their own consent (or a guardian)"));
        }
        let row = CaseConsentRow {
            id: new_id(),
            case_id: id.clone(),
            person_id: c.person_id.clone(),
            organisation_id: scope.id().clone(),
            given_by: c.given_by,
            given_by_name: name,
            given_on: c.given_on,
            to_case: c.to_case,
            to_sharing: c.to_sharing,
            recorded_at: ctx.now(),
            actor_id: ctx.actor_id.as_deref().and_then(|a| UserId::parse(a).ok()),
        };
        cases::add_consent(conn, scope, &row)?;
        let what = match (c.to_case, c.to_sharing) {
            (true, true) => "to the case and to sharing",
            (true, false) => "to the case, not to sharing",
            (false, true) => "to sharing, not to the case",
            (false, false) => "withdrawn",
        };
        let note = format!("{}: {what} ({}, {})", person.full_name(), c.given_by.as_str(), c.given_on);
        event(conn, u, id, CaseEventKind::Consent, None, None, None, note, None)?;
        u.audit("case.consent", "case", id.as_str());
        Ok(row)
    })
}

/// A coordinator's decision to submit although a member wishes to stay, with the reason (an
/// empty reason removes the override).
pub fn override_wishes(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &CaseId,
    expected: i64,
    reason: &str,
) -> AppResult<CaseRow> {
    let reason = reason.trim().to_string();
    if reason.chars().count() > 2000 {
        return Err(AppError::field("reason", "at most 2000 characters"));
    }
    unit::run(conn, ctx, scope, |conn, u| {
        let row = current(conn, scope, id, expected)?;
        let value = Some(reason.clone()).filter(|r| !r.is_empty());
        let next = save(conn, scope, ctx, CaseRow { wish_override: value, ..row }, expected)?;
        let note = if reason.is_empty() { "override removed".to_string() } else { reason };
        event(conn, u, id, CaseEventKind::WishOverride, None, None, None, note, None)?;
        u.audit("case.wish_override", "case", id.as_str());
        Ok(next)
    })
}
