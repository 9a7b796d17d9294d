//! The workflow's table, step by step and role by role.

use super::workflow::{all_steps, check, next_steps, MemberReadiness, Refusal, StepRequest, SubmissionGate};
use super::CaseStatus::{self, *};
use crate::domain::role::Role;
use chrono::NaiveDate;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

fn to(s: CaseStatus) -> StepRequest {
    StepRequest { to: Some(s), ..StepRequest::default() }
}

fn targets(from: CaseStatus, role: Role) -> Vec<CaseStatus> {
    next_steps(from, None, role).into_iter().map(|s| s.to).collect()
}

#[test]
fn caseworkers_move_files_through_documentation_and_verification() {
    for (from, next) in [(Intake, Documentation), (Documentation, Verification), (Verification, ReadyForSubmission)] {
        let step = check(from, None, Role::Caseworker, &to(next), today()).expect("allowed");
        assert_eq!((step.from, step.to), (from, next));
    }
}

#[test]
fn only_coordinators_approve_record_answers_schedule_and_close() {
    let refused = [
        (ReadyForSubmission, to(Submitted)),
        (Submitted, to(Accepted)),
        (Accepted, StepRequest { to: Some(HandoverScheduled), date: Some(today()), ..Default::default() }),
        (Intake, StepRequest { to: Some(Closed), reason: Some("duplicate".into()), ..Default::default() }),
    ];
    for (from, req) in refused {
        assert!(matches!(check(from, None, Role::Caseworker, &req, today()), Err(Refusal::NotYourStep { .. })));
        assert!(check(from, None, Role::Coordinator, &req, today()).is_ok(), "{from:?} -> {:?}", req.to);
        assert!(matches!(check(from, None, Role::Admin, &req, today()), Err(Refusal::NotYourStep { .. })));
    }
}

#[test]
fn a_step_that_does_not_exist_lists_the_allowed_ones() {
    let Err(Refusal::NoSuchStep { allowed }) = check(Intake, None, Role::Coordinator, &to(Submitted), today()) else {
        panic!("intake cannot jump to submitted");
    };
    assert_eq!(allowed, vec![Documentation, OnHold, Withdrawn, Closed]);
    assert!(matches!(
        check(Repatriated, None, Role::Coordinator, &to(Intake), today()),
        Err(Refusal::NoSuchStep { .. })
    ));
    assert!(all_steps(Closed, None).is_empty() && all_steps(Withdrawn, None).is_empty());
}

#[test]
fn rejections_holds_closures_and_handovers_need_what_they_need() {
    let incomplete = |from, req: StepRequest| match check(from, None, Role::Coordinator, &req, today()) {
        Err(Refusal::Incomplete { fields, .. }) => fields.into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
        other => panic!("expected incomplete, got {other:?}"),
    };
    assert_eq!(incomplete(Submitted, to(Rejected)), vec!["note"]);
    assert_eq!(incomplete(Intake, to(OnHold)), vec!["reason"]);
    assert_eq!(
        incomplete(Intake, StepRequest { to: Some(OnHold), reason: Some("bored".into()), ..Default::default() }),
        vec!["reason"]
    );
    assert_eq!(
        incomplete(Intake, StepRequest { to: Some(Closed), reason: Some("other".into()), ..Default::default() }),
        vec!["note"]
    );
    assert_eq!(incomplete(Accepted, to(HandoverScheduled)), vec!["date"]);
    let yesterday = today().pred_opt();
    assert_eq!(
        incomplete(Accepted, StepRequest { to: Some(HandoverScheduled), date: yesterday, ..Default::default() }),
        vec!["date"]
    );
    assert_eq!(incomplete(Intake, StepRequest::default()), vec!["to"]);
    let held = check(
        Verification,
        None,
        Role::Caseworker,
        &StepRequest { to: Some(OnHold), reason: Some("no_contact".into()), ..Default::default() },
        today(),
    )
    .expect("hold");
    assert_eq!(held.reason.as_deref(), Some("no_contact"));
}

#[test]
fn a_held_case_resumes_where_it_was() {
    assert_eq!(targets(OnHold, Role::Caseworker), vec![Intake]);
    let steps: Vec<CaseStatus> =
        next_steps(OnHold, Some(Verification), Role::Caseworker).into_iter().map(|s| s.to).collect();
    assert_eq!(steps, vec![Verification]);
    assert!(check(OnHold, Some(Verification), Role::Caseworker, &to(Verification), today()).is_ok());
    assert!(matches!(
        check(OnHold, Some(Verification), Role::Caseworker, &to(Submitted), today()),
        Err(Refusal::NoSuchStep { .. })
    ));
}

#[test]
fn the_buttons_differ_by_role() {
    assert_eq!(targets(ReadyForSubmission, Role::Caseworker), vec![Verification, OnHold]);
    assert_eq!(
        targets(ReadyForSubmission, Role::Coordinator),
        vec![Verification, Submitted, OnHold, Withdrawn, Closed]
    );
    assert!(targets(Intake, Role::Admin).is_empty(), "admins do not work on cases");
}

#[test]
fn every_open_status_can_be_closed_and_no_ended_one_can_move() {
    for s in CaseStatus::ALL {
        let steps = all_steps(*s, None);
        assert_eq!(steps.iter().any(|x| x.to == Closed), s.is_open(), "{s:?}");
        assert_eq!(steps.is_empty(), !s.is_open(), "{s:?}");
    }
}

#[test]
fn submission_needs_consent_and_respects_wishes_unless_overridden() {
    let amira = MemberReadiness { name: "Amira".into(), consented: true, wishes_to_stay: false };
    let yusuf = MemberReadiness { name: "Yusuf".into(), consented: false, wishes_to_stay: false };
    let huda = MemberReadiness { name: "Huda".into(), consented: true, wishes_to_stay: true };
    assert!(SubmissionGate::problems(std::slice::from_ref(&amira), false).is_empty());
    assert_eq!(SubmissionGate::problems(&[amira.clone(), yusuf], false).len(), 1);
    assert_eq!(SubmissionGate::problems(&[amira.clone(), huda.clone()], false).len(), 1);
    assert!(SubmissionGate::problems(&[amira, huda], true).is_empty());
    assert_eq!(SubmissionGate::problems(&[], true).len(), 1);
}
