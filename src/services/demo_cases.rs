//! Fictional demo cases (`seeds/demo/cases.json`), one or more in every status, opened and moved
//! through the same services coordinators use (consent is recorded before each submission), so
//! the demo's cases, timelines and custody obey every rule.

use crate::auth::OrgScope;
use crate::db::repo::{families, persons};
use crate::db::DbConnection;
use crate::domain::case::workflow::StepRequest;
use crate::domain::case::{CaseStatus, ConsentBy};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::cases::{self, CaseChange, ConsentInput, NewCase};
use serde::Deserialize;

const DEMO_CASES: &str = include_str!("../../seeds/demo/cases.json");

#[derive(Deserialize)]
struct DemoCase {
    family: String,
    destination: String,
    status: CaseStatus,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    next_action: String,
    #[serde(default)]
    due_in_days: Option<i64>,
}

/// The steps from intake to `target` (the main path, then the side step).
fn path(target: CaseStatus) -> Vec<CaseStatus> {
    use CaseStatus::*;
    let main = [Documentation, Verification, ReadyForSubmission, Submitted, Accepted, HandoverScheduled, Repatriated];
    match target {
        Intake => vec![],
        Rejected => vec![Documentation, Verification, ReadyForSubmission, Submitted, Rejected],
        OnHold | Closed => vec![Documentation, target],
        Withdrawn => vec![Withdrawn],
        t => main.iter().copied().take_while(|s| *s != t).chain([t]).collect(),
    }
}

fn bad(what: String) -> AppError {
    AppError::Internal(anyhow::anyhow!("seeds/demo/cases.json: {what}"))
}

/// Opens and moves the demo cases in the scope's organisation (after the demo families).
pub fn load(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope) -> AppResult<usize> {
    let plan: Vec<DemoCase> = serde_json::from_str(DEMO_CASES).map_err(|e| bad(e.to_string()))?;
    let ctx = ctx.within(scope);
    let today = ctx.today();
    let count = plan.len();
    for c in plan {
        let family =
            families::find_by_label(conn, scope, &c.family)?.ok_or_else(|| bad(format!("no family {}", c.family)))?;
        let members = persons::of_family(conn, scope, &family.id)?;
        let live = crate::db::repo::claims::of(conn, scope, &members.iter().map(|m| m.id.clone()).collect::<Vec<_>>())?;
        let chosen: Vec<_> = members
            .iter()
            .filter(|m| m.date_of_death.is_none())
            .filter(|m| {
                live.iter()
                    .any(|k| k.person_id == m.id && k.country_code.as_str() == c.destination && k.status.is_live())
            })
            .collect();
        let new = NewCase {
            family_id: family.id.clone(),
            destination: c.destination.clone(),
            members: chosen.iter().map(|m| m.id.clone()).collect(),
            assignee_id: None,
            next_action: String::new(),
            next_action_due: None,
        };
        let mut row = cases::open(conn, &ctx, scope, Role::Coordinator, new)?;
        for to in path(c.status) {
            if to == CaseStatus::Submitted {
                let adult = chosen.iter().find(|m| {
                    m.birth
                        .get()
                        .ok()
                        .flatten()
                        .is_some_and(|b| crate::domain::partial_date::age_on(b.latest(), today) >= 18)
                });
                let parent = adult.map(|a| a.full_name()).unwrap_or_else(|| "a guardian (fictional)".into());
                for m in &chosen {
                    let minor =
                        m.birth.get()?.is_some_and(|b| crate::domain::partial_date::age_on(b.latest(), today) < 18);
                    let (given_by, name) =
                        if minor { (ConsentBy::Parent, parent.clone()) } else { (ConsentBy::Person, String::new()) };
                    let consent = ConsentInput {
                        person_id: m.id.clone(),
                        given_by,
                        given_by_name: name,
                        given_on: today,
                        to_case: true,
                        to_sharing: true,
                    };
                    cases::record_consent(conn, &ctx, scope, &row.id, consent)?;
                }
            }
            let date = (to == CaseStatus::HandoverScheduled).then(|| today + chrono::Duration::days(21));
            let note = match to {
                CaseStatus::Rejected => "The ministry takes the children only".to_string(),
                t if t == c.status => c.note.clone(),
                _ => String::new(),
            };
            let reason = if to == c.status { c.reason.clone() } else { None };
            let req = StepRequest { to: Some(to), reason, note, date };
            row = cases::step(conn, &ctx, scope, Role::Coordinator, &row.id, row.version, req)?;
        }
        if !c.next_action.is_empty() && row.status.is_open() {
            let due = c.due_in_days.map(|d| today + chrono::Duration::days(d));
            let change =
                CaseChange { next_action: Some(c.next_action), next_action_due: due.into(), ..CaseChange::default() };
            cases::update(conn, &ctx, scope, &row.id, row.version, change)?;
        }
    }
    Ok(count)
}
