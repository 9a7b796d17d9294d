//! Cases: opening one for some of a family's members towards a destination, taking the steps
//! of the workflow (`domain::case::workflow` decides; this module gathers the stored facts the
//! gates need and writes), recording consent, the next action and assignments. Every change is
//! one unit of work: the case, its timeline entry and the audit event commit together.

pub mod backlog;
pub mod deployment;
pub mod views;
pub mod work;
mod writes;

pub use writes::{override_wishes, record_consent, update, CaseChange, ConsentInput};

use crate::auth::OrgScope;
use crate::db::models::{CaseEventRow, CaseMemberRow, CaseRow};
use crate::db::repo::{cases, countries, new_id, persons};
use crate::db::DbConnection;
use crate::domain::case::workflow::{self, MemberReadiness, Refusal, StepRequest, SubmissionGate};
use crate::domain::case::{CaseEventKind, CaseStatus, MAX_MEMBERS, MAX_NEXT_ACTION};
use crate::domain::country::CountryCode;
use crate::domain::custody::CustodyKind;
use crate::domain::ids::{CaseId, FamilyId, PersonId, UserId};
use crate::domain::partial_date::PartialDate;
use crate::domain::person::Wish;
use crate::domain::problems::Problems;
use crate::domain::records::CustodyFacts;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit::{self, Unit};
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A case to open.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewCase {
    #[schema(value_type = String)]
    pub family_id: FamilyId,
    /// ISO country code of the destination.
    pub destination: String,
    /// The members the case is for (some or all of the family's living members).
    #[schema(value_type = Vec<String>, min_items = 1, max_items = 40)]
    pub members: Vec<PersonId>,
    /// Coordinators may assign at once; a caseworker's case is assigned to them.
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<UserId>,
    #[serde(default)]
    pub next_action: String,
    pub next_action_due: Option<NaiveDate>,
}

/// Checks a next action's text and due date.
pub(crate) fn check_next_action(p: &mut Problems, text: &str, due: Option<NaiveDate>) -> String {
    let text = text.trim().to_string();
    if text.chars().count() > MAX_NEXT_ACTION {
        p.add("next_action", format!("at most {MAX_NEXT_ACTION} characters"));
    }
    if let Some(d) = due {
        if let Err(m) = crate::domain::partial_date::check_day(d) {
            p.add("next_action_due", m);
        }
    }
    text
}

/// Opens a case: all or nothing. A member already in an open case towards the destination
/// answers 409 naming it.
pub fn open(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope, role: Role, new: NewCase) -> AppResult<CaseRow> {
    let mut p = Problems::new();
    let destination = p.take("destination", CountryCode::parse(&new.destination));
    let next_action = check_next_action(&mut p, &new.next_action, new.next_action_due);
    let mut members = new.members.clone();
    members.sort();
    members.dedup();
    if members.len() != new.members.len() {
        p.add("members", "a person is listed twice");
    }
    if members.is_empty() || members.len() > MAX_MEMBERS {
        p.add("members", format!("list 1 to {MAX_MEMBERS} members of the family"));
    }
    if let Some(d) = &destination {
        if !countries::exists(conn, d)? {
            p.add("destination", "unknown country");
        }
    }
    let assignee = match (&new.assignee_id, role) {
        (Some(a), Role::Coordinator) => Some(a.clone()),
        (Some(a), _) if Some(a.as_str()) == ctx.actor_id.as_deref() => Some(a.clone()),
        (Some(_), _) => {
            p.add("assignee_id", "only a coordinator assigns a case to someone else");
            None
        }
        (None, Role::Caseworker) => ctx.actor_id.as_deref().and_then(|a| UserId::parse(a).ok()),
        (None, _) => None,
    };
    let Some(destination) = destination.filter(|_| p.is_empty()) else { return Err(p.into()) };
    unit::run(conn, ctx, scope, |conn, u| {
        let family = crate::db::repo::families::find(conn, scope, &new.family_id)?.ok_or(AppError::NotFound)?;
        let in_family: HashMap<PersonId, _> =
            persons::of_family(conn, scope, &family.id)?.into_iter().map(|r| (r.id.clone(), r)).collect();
        let mut p = Problems::new();
        for (i, m) in new.members.iter().enumerate() {
            match in_family.get(m) {
                None => p.add(format!("members[{i}]"), "is not a member of this family"),
                Some(r) if r.date_of_death.is_some() => p.add(format!("members[{i}]"), "has died"),
                Some(_) => {}
            }
        }
        if let Some(a) = &assignee {
            writes::check_assignee(conn, scope, a, &mut p)?;
        }
        if !p.is_empty() {
            return Err(p.into());
        }
        let live = crate::db::repo::claims::of(conn, scope, &members)?
            .into_iter()
            .any(|c| c.country_code == destination && c.status.is_live());
        if !live {
            return Err(AppError::field(
                "destination",
                format!("no member has a live nationality of {}: no route there", destination.as_str()),
            ));
        }
        if let Some((person, case)) = cases::open_cases_of(conn, scope, &members, &destination)?.into_iter().next() {
            let name = in_family.get(&person).map(|r| r.full_name()).unwrap_or_default();
            return Err(AppError::Conflict {
                message: format!("{name} is already in an open case towards {} ({case})", destination.as_str()),
                current_version: None,
            });
        }
        let now = ctx.now();
        let row = CaseRow {
            id: CaseId::new_random(),
            organisation_id: scope.id().clone(),
            family_id: family.id.clone(),
            destination,
            status: CaseStatus::Intake,
            held_from: None,
            status_reason: None,
            status_since: now,
            assignee_id: assignee.clone(),
            opened_on: ctx.today(),
            next_action,
            next_action_due: new.next_action_due,
            handover_on: None,
            submitted_on: None,
            wish_override: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let member_rows: Vec<CaseMemberRow> = members
            .iter()
            .map(|m| CaseMemberRow {
                case_id: row.id.clone(),
                person_id: m.clone(),
                organisation_id: scope.id().clone(),
                destination,
                is_open: true,
                submitted_outcome: None,
                submitted_policy_version_id: None,
                added_at: now,
            })
            .collect();
        cases::insert(conn, scope, &row, &member_rows)?;
        event(conn, u, &row.id, CaseEventKind::Opened, None, Some(CaseStatus::Intake), None, String::new(), None)?;
        u.audit("case.open", "case", row.id.as_str());
        Ok(row)
    })
}

/// Appends a timeline entry.
#[allow(clippy::too_many_arguments)]
pub(crate) fn event(
    conn: &mut DbConnection,
    u: &mut Unit,
    case: &CaseId,
    kind: CaseEventKind,
    from: Option<CaseStatus>,
    to: Option<CaseStatus>,
    reason: Option<String>,
    note: String,
    on_date: Option<NaiveDate>,
) -> AppResult<()> {
    let row = CaseEventRow {
        id: new_id(),
        case_id: case.clone(),
        organisation_id: u.scope.id().clone(),
        kind,
        from_status: from,
        to_status: to,
        reason,
        note,
        on_date,
        actor_id: u.ctx.actor_id.as_deref().and_then(|a| UserId::parse(a).ok()),
        at: u.ctx.now(),
    };
    Ok(cases::add_event(conn, u.scope, &row)?)
}

/// The refusal as the API answers it, with the case's state and the user's allowed steps.
fn refused(
    current: &CaseRow,
    status: u16,
    message: String,
    fields: Vec<(String, String)>,
    allowed: &[CaseStatus],
) -> AppError {
    let mut map = crate::error::FieldErrors::new();
    for (f, m) in fields {
        map.entry(f).or_default().push(m);
    }
    AppError::StepRefused {
        status,
        message,
        fields: map,
        current_status: current.status.as_str().to_string(),
        current_version: current.version,
        allowed: allowed.iter().map(|s| s.as_str().to_string()).collect(),
    }
}

/// Each member's consent and wish, for the submission gate.
fn readiness(conn: &mut DbConnection, scope: &OrgScope, case: &CaseRow) -> AppResult<Vec<MemberReadiness>> {
    let members = cases::members(conn, scope, &case.id)?;
    let ids: Vec<PersonId> = members.iter().map(|m| m.person_id.clone()).collect();
    let names: HashMap<PersonId, String> =
        persons::by_ids(conn, scope, &ids)?.into_iter().map(|r| (r.id.clone(), r.full_name())).collect();
    let mut consent: HashMap<PersonId, bool> = HashMap::new();
    for c in cases::consents(conn, scope, &case.id)? {
        consent.insert(c.person_id, c.to_case && c.to_sharing); // the latest row wins
    }
    let mut wish: HashMap<PersonId, (chrono::NaiveDateTime, Wish)> = HashMap::new();
    for w in persons::wishes_of(conn, scope, &ids)? {
        let newer = wish.get(&w.person_id).is_none_or(|(at, _)| *at <= w.recorded_at);
        if newer {
            wish.insert(w.person_id.clone(), (w.recorded_at, w.wish));
        }
    }
    Ok(ids
        .iter()
        .map(|id| MemberReadiness {
            name: names.get(id).cloned().unwrap_or_default(),
            consented: consent.get(id).copied().unwrap_or(false),
            wishes_to_stay: wish.get(id).is_some_and(|(_, w)| matches!(w, Wish::StayInSyria | Wish::StayInRegion)),
        })
        .collect())
}

/// Takes a step of the workflow if the case is still at `expected_version`: checked by the
/// domain (exists, the role's, what it needs), gated by consent and wishes for a submission,
/// with the members' custody for a repatriation, all in one transaction.
pub fn step(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    role: Role,
    id: &CaseId,
    expected_version: i64,
    req: StepRequest,
) -> AppResult<CaseRow> {
    unit::run(conn, ctx, scope, |conn, u| {
        let current = cases::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
        let allowed: Vec<CaseStatus> =
            workflow::next_steps(current.status, current.held_from, role).into_iter().map(|s| s.to).collect();
        if current.version != expected_version {
            let msg = format!("someone else changed the case first: it is now {}", current.status.as_str());
            return Err(refused(&current, 409, msg, vec![], &allowed));
        }
        let today = ctx.today();
        let step = match workflow::check(current.status, current.held_from, role, &req, today) {
            Ok(s) => s,
            Err(Refusal::NoSuchStep { allowed }) => {
                let to = req.to.map(|t| t.as_str()).unwrap_or("?");
                let msg = format!("a case in {} cannot move to {to}", current.status.as_str());
                return Err(refused(&current, 409, msg, vec![], &allowed));
            }
            Err(Refusal::NotYourStep { allowed }) => {
                let msg = format!("only a coordinator may take this step ({})", role.as_str());
                return Err(refused(&current, 403, msg, vec![], &allowed));
            }
            Err(Refusal::Incomplete { fields, allowed }) => {
                let fields = fields.into_iter().map(|(f, m)| (f.to_string(), m)).collect();
                return Err(refused(&current, 422, "the step needs more".into(), fields, &allowed));
            }
        };
        if step.to == CaseStatus::Submitted {
            let problems =
                SubmissionGate::problems(&readiness(conn, scope, &current)?, current.wish_override.is_some());
            if !problems.is_empty() {
                let fields = problems.into_iter().map(|m| ("members".to_string(), m)).collect();
                return Err(refused(&current, 422, "the case is not ready for submission".into(), fields, &allowed));
            }
        }
        let next = CaseRow {
            status: step.to,
            held_from: (step.to == CaseStatus::OnHold).then_some(step.from),
            status_reason: step.reason.clone(),
            status_since: ctx.now(),
            handover_on: if step.to == CaseStatus::HandoverScheduled { step.date } else { current.handover_on },
            submitted_on: if step.to == CaseStatus::Submitted { Some(today) } else { current.submitted_on },
            updated_at: ctx.now(),
            version: current.version + 1,
            ..current.clone()
        };
        if !cases::update(conn, scope, &next, expected_version)? {
            // Someone moved the case between our read and our write (PostgreSQL lets both
            // read): answer with where it is now.
            let now = cases::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
            let allowed: Vec<CaseStatus> =
                workflow::next_steps(now.status, now.held_from, role).into_iter().map(|s| s.to).collect();
            let msg = format!("someone else changed the case first: it is now {}", now.status.as_str());
            return Err(refused(&now, 409, msg, vec![], &allowed));
        }
        if !step.to.is_open() {
            cases::set_members_open(conn, scope, id, false)?;
        }
        if step.to == CaseStatus::Submitted {
            cases::keep_submitted_outcomes(conn, scope, id)?;
        }
        if step.to == CaseStatus::Repatriated {
            hand_over(conn, u, &next, today)?;
        }
        let (from, to, reason, note, date) = (step.from, step.to, step.reason, step.note, step.date);
        event(conn, u, id, CaseEventKind::Transition, Some(from), Some(to), reason, note, date)?;
        u.audit("case.transition", "case", id.as_str());
        Ok(next)
    })
}

/// Records each member's handover to the destination as a custody event, so the registry
/// shows them repatriated from today.
fn hand_over(conn: &mut DbConnection, u: &mut Unit, case: &CaseRow, today: NaiveDate) -> AppResult<()> {
    let members = cases::members(conn, u.scope, &case.id)?;
    let ids: Vec<PersonId> = members.into_iter().map(|m| m.person_id).collect();
    let date = PartialDate::exact(today).ok_or_else(|| AppError::field("date", "not a date"))?;
    for person in persons::by_ids(conn, u.scope, &ids)? {
        let facts = CustodyFacts {
            kind: CustodyKind::Repatriated,
            facility: None,
            date,
            note: format!("handed over to {} (case {})", case.destination.as_str(), case.id),
        };
        crate::services::registry::custody::add_in(conn, u, &person, &facts, "members")?;
    }
    Ok(())
}
