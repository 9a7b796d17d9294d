//! The workflow of a case as a state machine: which steps exist, who may take each, and what
//! each needs. The services ask [`check`] before they write; the pages ask [`next_steps`] which
//! buttons to show. Nothing here reads the database: consent and wishes, which need stored
//! facts, are gated by the service with [`SubmissionGate`].

use super::{CaseStatus, CloseReason, HoldReason};
use crate::domain::role::Role;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

/// Who may take a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// Caseworkers and coordinators: the everyday work on a file.
    Team,
    /// Coordinators only: decisions that commit the organisation.
    Coordinator,
}

impl Who {
    fn allows(self, role: Role) -> bool {
        match self {
            Who::Team => matches!(role, Role::Caseworker | Role::Coordinator),
            Who::Coordinator => role == Role::Coordinator,
        }
    }
}

/// What a step needs besides the move itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nothing,
    /// A free-text note saying why (a rejection, a withdrawal, sending a file back).
    Note,
    /// A reason from [`HoldReason`] (and a note for `other`).
    HoldReason,
    /// A reason from [`CloseReason`] (and a note for `other`).
    CloseReason,
    /// A date (the handover).
    Date,
}

use CaseStatus::*;

/// The steps between statuses of the main path, with who takes them and what they need.
/// `on_hold`, `withdrawn` and `closed` are reachable from every open status (see [`edges_from`]).
const PATH: &[(CaseStatus, CaseStatus, Who, Needs)] = &[
    (Intake, Documentation, Who::Team, Needs::Nothing),
    (Documentation, Verification, Who::Team, Needs::Nothing),
    (Verification, Documentation, Who::Team, Needs::Note),
    (Verification, ReadyForSubmission, Who::Team, Needs::Nothing),
    (ReadyForSubmission, Verification, Who::Team, Needs::Note),
    (ReadyForSubmission, Submitted, Who::Coordinator, Needs::Nothing),
    (Submitted, Accepted, Who::Coordinator, Needs::Nothing),
    (Submitted, Rejected, Who::Coordinator, Needs::Note),
    (Rejected, Documentation, Who::Coordinator, Needs::Note),
    (Accepted, HandoverScheduled, Who::Coordinator, Needs::Date),
    (HandoverScheduled, HandoverScheduled, Who::Coordinator, Needs::Date),
    (HandoverScheduled, Accepted, Who::Coordinator, Needs::Note),
    (HandoverScheduled, Repatriated, Who::Coordinator, Needs::Nothing),
];

/// Every step out of `from`; `held_from` is the status a held case returns to.
fn edges_from(from: CaseStatus, held_from: Option<CaseStatus>) -> Vec<(CaseStatus, Who, Needs)> {
    let mut out: Vec<(CaseStatus, Who, Needs)> =
        PATH.iter().filter(|(f, ..)| *f == from).map(|(_, to, who, needs)| (*to, *who, *needs)).collect();
    if from == OnHold {
        // Resuming goes back to where the case was; a case held before this was recorded
        // resumes at intake (the safest place to look at it again).
        out.push((held_from.unwrap_or(Intake), Who::Team, Needs::Nothing));
    } else if from.is_open() {
        // A handover that is scheduled is not put on hold: it is moved back to accepted first.
        if from != HandoverScheduled {
            out.push((OnHold, Who::Team, Needs::HoldReason));
        }
    }
    if from.is_open() {
        out.push((Withdrawn, Who::Coordinator, Needs::Note));
        out.push((Closed, Who::Coordinator, Needs::CloseReason));
    }
    out
}

/// A step as the pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NextStep {
    pub to: CaseStatus,
    /// True when only a coordinator may take it.
    pub coordinator_only: bool,
    /// What the step asks for: `note`, `hold_reason`, `close_reason`, `date`, or nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<&'static str>,
}

fn needs_name(n: Needs) -> Option<&'static str> {
    match n {
        Needs::Nothing => None,
        Needs::Note => Some("note"),
        Needs::HoldReason => Some("hold_reason"),
        Needs::CloseReason => Some("close_reason"),
        Needs::Date => Some("date"),
    }
}

/// Every step out of a status, whoever may take it.
pub fn all_steps(from: CaseStatus, held_from: Option<CaseStatus>) -> Vec<NextStep> {
    edges_from(from, held_from)
        .into_iter()
        .map(|(to, who, needs)| NextStep { to, coordinator_only: who == Who::Coordinator, needs: needs_name(needs) })
        .collect()
}

/// The steps out of a status that a role may take (the buttons a user sees).
pub fn next_steps(from: CaseStatus, held_from: Option<CaseStatus>, role: Role) -> Vec<NextStep> {
    edges_from(from, held_from)
        .into_iter()
        .filter(|(_, who, _)| who.allows(role))
        .map(|(to, who, needs)| NextStep { to, coordinator_only: who == Who::Coordinator, needs: needs_name(needs) })
        .collect()
}

/// A step asked for: where to, and what came with it.
#[derive(Debug, Clone, Default)]
pub struct StepRequest {
    pub to: Option<CaseStatus>,
    /// `hold_reason` or `close_reason` as text (checked here).
    pub reason: Option<String>,
    pub note: String,
    pub date: Option<NaiveDate>,
}

/// A step that may be taken, with its checked reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub from: CaseStatus,
    pub to: CaseStatus,
    /// The stored reason code (hold or closure), if the step takes one.
    pub reason: Option<String>,
    pub note: String,
    pub date: Option<NaiveDate>,
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such step from the current status (409).
    NoSuchStep { allowed: Vec<CaseStatus> },
    /// The step exists, but the role may not take it (403).
    NotYourStep { allowed: Vec<CaseStatus> },
    /// Something the step needs is missing or wrong (422): field -> message.
    Incomplete { fields: Vec<(&'static str, String)>, allowed: Vec<CaseStatus> },
}

/// Longest note kept with a step.
pub const MAX_NOTE: usize = 2000;

/// Checks a step from `from` asked by `role`. `today` bounds the handover date (not in the past).
pub fn check(
    from: CaseStatus,
    held_from: Option<CaseStatus>,
    role: Role,
    req: &StepRequest,
    today: NaiveDate,
) -> Result<Step, Refusal> {
    let edges = edges_from(from, held_from);
    let allowed: Vec<CaseStatus> = edges.iter().filter(|(_, w, _)| w.allows(role)).map(|(to, ..)| *to).collect();
    let Some(to) = req.to else {
        return Err(Refusal::Incomplete { fields: vec![("to", "say which status to move to".into())], allowed });
    };
    let Some((_, who, needs)) = edges.iter().find(|(t, ..)| *t == to) else {
        return Err(Refusal::NoSuchStep { allowed });
    };
    if !who.allows(role) {
        return Err(Refusal::NotYourStep { allowed });
    }
    let note = req.note.trim().to_string();
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    if note.chars().count() > MAX_NOTE {
        fields.push(("note", format!("at most {MAX_NOTE} characters")));
    }
    let mut reason = None;
    match needs {
        Needs::Nothing => {}
        Needs::Note => {
            if note.is_empty() {
                fields.push(("note", format!("say why the case moves to {}", to.as_str())));
            }
        }
        Needs::HoldReason => match req.reason.as_deref().map(str::parse::<HoldReason>) {
            Some(Ok(r)) => {
                if r == HoldReason::Other && note.is_empty() {
                    fields.push(("note", "say why: the reason is `other`".into()));
                }
                reason = Some(r.as_str().to_string());
            }
            Some(Err(m)) => fields.push(("reason", m)),
            None => fields.push(("reason", "a case on hold needs a reason".into())),
        },
        Needs::CloseReason => match req.reason.as_deref().map(str::parse::<CloseReason>) {
            Some(Ok(r)) => {
                if r == CloseReason::Other && note.is_empty() {
                    fields.push(("note", "say why: the reason is `other`".into()));
                }
                reason = Some(r.as_str().to_string());
            }
            Some(Err(m)) => fields.push(("reason", m)),
            None => fields.push(("reason", "closing a case needs a reason".into())),
        },
        Needs::Date => match req.date {
            Some(d) if d < today => fields.push(("date", "a handover is scheduled for today or later".into())),
            Some(d) if crate::domain::partial_date::check_day(d).is_err() => {
                fields.push(("date", "year must be between 1900 and 2100".into()))
            }
            Some(_) => {}
            None => fields.push(("date", "a handover needs a date".into())),
        },
    }
    if !fields.is_empty() {
        return Err(Refusal::Incomplete { fields, allowed });
    }
    Ok(Step { from, to, reason, note, date: if *needs == Needs::Date { req.date } else { None } })
}

/// What the registry says about one member when a case is submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberReadiness {
    pub name: String,
    /// Consent to the case and to sharing with the destination's government, both recorded.
    pub consented: bool,
    /// The member's recorded wish is to stay in Syria or in the region.
    pub wishes_to_stay: bool,
}

/// Consent and wishes, checked before a case may reach `submitted`.
pub struct SubmissionGate;

impl SubmissionGate {
    /// Problems that stop a submission, one message per member (field `members`), unless the
    /// wishes were overridden by a coordinator with a reason.
    pub fn problems(members: &[MemberReadiness], wishes_overridden: bool) -> Vec<String> {
        let mut out = Vec::new();
        for m in members {
            if !m.consented {
                out.push(format!(
                    "{}: no consent recorded to the case and to sharing with the destination's government",
                    m.name
                ));
            }
            if m.wishes_to_stay && !wishes_overridden {
                out.push(format!("{}: wishes to stay; a coordinator must override with a reason", m.name));
            }
        }
        if members.is_empty() {
            out.push("the case has no members".into());
        }
        out
    }
}
