//! Cases: opening one from a family, the workflow step by step and role by role, consent and
//! wishes gating submission, eligibility kept at submission and flagged when it changes,
//! repatriation recorded in custody, concurrency, scope, lists and the work list.

use crate::helpers::*;
use crate::registry::intake_body;
use chrono::{Datelike, Duration};
use homeward::domain::role::Role;
use serde_json::{json, Value};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

fn member_id(family: &Value, given: &str) -> String {
    family["members"].as_array().and_then(|m| m.iter().find(|p| p["given_name"] == given)).map(id).expect("member")
}

async fn family(app: &TestApp, s: &Session, name: &str) -> Value {
    let res = app.post("/api/v1/families", s, intake_body(app, name)).await;
    assert_eq!(res.status(), 201);
    json(res).await
}

/// A Russian mother and a son who turns 18 in `days` days (Russia takes children only).
async fn russian_family(app: &TestApp, s: &Session, days: i64) -> Value {
    let turns_18 = today() + Duration::days(days);
    let birth = turns_18.with_year(turns_18.year() - 18).expect("not 29 February: the test clock is pinned");
    let roj = app.facility("Roj");
    let body = json!({"label": "Family of Aliya Petrova (fictional)", "members": [
        {"given_name": "Aliya", "family_name": "Petrova", "sex": "female", "birth": {"year": 1990, "month": 2, "day": 1},
         "nationalities": [{"country": "RU", "status": "verified", "basis": "birth"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019, "month": 3}}]},
        {"given_name": "Timur", "family_name": "Petrov", "sex": "male",
         "birth": {"year": birth.year(), "month": birth.month(), "day": birth.day()},
         "nationalities": [{"country": "RU", "status": "verified", "basis": "descent"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019, "month": 3}}]}],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}]});
    let res = app.post("/api/v1/families", s, body).await;
    assert_eq!(res.status(), 201);
    json(res).await
}

async fn open(app: &TestApp, s: &Session, family: &Value, destination: &str, members: &[String]) -> Value {
    let body = json!({"family_id": id(family), "destination": destination, "members": members});
    let res = app.post("/api/v1/cases", s, body).await;
    assert_eq!(res.status(), 201, "open case");
    json(res).await
}

async fn step(app: &TestApp, s: &Session, case: &Value, body: Value) -> reqwest::Response {
    let mut body = body;
    body["version"] = case["version"].clone();
    app.post(&format!("/api/v1/cases/{}/transitions", id(case)), s, body).await
}

async fn step_ok(app: &TestApp, s: &Session, case: &Value, body: Value) -> Value {
    let res = step(app, s, case, body.clone()).await;
    assert_eq!(res.status(), 200, "step {body}");
    json(res).await
}

async fn consent(app: &TestApp, s: &Session, case: &Value, person: &str, by: &str) -> Value {
    let body = json!({"person_id": person, "given_by": by, "given_by_name": if by == "person" { "" } else { "Amira Benali" },
                      "given_on": today().to_string(), "to_case": true, "to_sharing": true});
    let res = app.post(&format!("/api/v1/cases/{}/consents", id(case)), s, body).await;
    assert_eq!(res.status(), 201, "consent");
    json(res).await
}

fn statuses(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect()).unwrap_or_default()
}

#[actix_web::test]
async fn a_case_moves_through_every_step_to_repatriation_by_the_roles_that_may_take_them() {
    let app = spawn_app().await;
    let (_, cw) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &cw, "Benali").await;
    let (amira, yusuf) = (member_id(&fam, "Amira"), member_id(&fam, "Yusuf"));
    let proposals = json(app.get(&format!("/api/v1/families/{}/case-proposals", id(&fam)), &cw).await).await;
    assert_eq!(proposals[0]["destination"], "FR", "{proposals}");
    assert_eq!(proposals[0]["members"].as_array().map(Vec::len), Some(2), "Maryam has no claim recorded");
    let mut case = open(&app, &cw, &fam, "FR", &[amira.clone(), yusuf.clone()]).await;
    assert_eq!(case["status"], "intake");
    assert!(case["assignee_id"].is_string(), "a caseworker's case is theirs");
    for to in ["documentation", "verification", "ready_for_submission"] {
        case = step_ok(&app, &cw, &case, json!({"to": to})).await;
    }
    // The caseworker may not approve the submission: 403 with the steps they may take.
    let err = assert_error(step(&app, &cw, &case, json!({"to": "submitted"})).await, 403, "forbidden").await;
    assert_eq!(err["error"]["current_status"], "ready_for_submission");
    assert_eq!(statuses(&err["error"]["allowed_steps"]), vec!["verification", "on_hold"]);
    // Without consent the coordinator cannot submit either.
    let err = assert_error(step(&app, &co, &case, json!({"to": "submitted"})).await, 422, "validation_failed").await;
    assert_eq!(err["error"]["fields"]["members"].as_array().map(Vec::len), Some(2), "{err}");
    let refused = app.post(&format!("/api/v1/cases/{}/consents", id(&case)), &cw,
        json!({"person_id": yusuf, "given_by": "person", "given_on": today().to_string(), "to_case": true, "to_sharing": true})).await;
    assert_error(refused, 422, "validation_failed").await;
    consent(&app, &cw, &case, &amira, "person").await;
    case = consent(&app, &cw, &case, &yusuf, "parent").await;
    assert!(case["submission_blockers"].as_array().is_some_and(Vec::is_empty), "{case}");
    case = step_ok(&app, &co, &case, json!({"to": "submitted"})).await;
    assert_eq!(case["submitted_on"], today().to_string());
    assert!(case["members_detail"].as_array().is_some_and(|m| m.iter().all(|m| m["submitted_outcome"].is_string())));
    case = step_ok(&app, &co, &case, json!({"to": "accepted"})).await;
    assert_error(step(&app, &co, &case, json!({"to": "handover_scheduled"})).await, 422, "validation_failed").await;
    let handover = (today() + Duration::days(14)).to_string();
    case = step_ok(&app, &co, &case, json!({"to": "handover_scheduled", "date": handover})).await;
    assert_eq!(case["handover_on"], handover);
    case = step_ok(&app, &co, &case, json!({"to": "repatriated"})).await;
    assert_eq!(case["status"], "repatriated");
    assert!(case["next_steps"].as_array().is_some_and(Vec::is_empty), "an ended case has no step");
    // The members are recorded as handed over, in the same transaction.
    let person = json(app.get(&format!("/api/v1/persons/{amira}"), &cw).await).await;
    assert_eq!(person["whereabouts"]["status"], "repatriated", "{}", person["whereabouts"]);
    assert_eq!(app.count("custody_events WHERE kind = 'repatriated'"), 2);
    assert_eq!(app.count("case_members WHERE is_open"), 0);
    let timeline = case["timeline"].as_array().cloned().unwrap_or_default();
    let moves: Vec<&str> =
        timeline.iter().filter(|e| e["kind"] == "transition").filter_map(|e| e["to"].as_str()).collect();
    assert_eq!(
        moves,
        [
            "documentation",
            "verification",
            "ready_for_submission",
            "submitted",
            "accepted",
            "handover_scheduled",
            "repatriated"
        ]
    );
    assert!(timeline.iter().all(|e| e["actor_name"].is_string()), "who took each step");
    let audited = app.audit_actions().into_iter().filter(|(_, a, _)| a == "case.transition").count();
    assert_eq!(audited, 7);
}

#[actix_web::test]
async fn refused_steps_say_why_and_which_are_allowed_and_change_nothing() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &co, "Haddad").await;
    let case = open(&app, &co, &fam, "FR", &[member_id(&fam, "Amira")]).await;
    let err = assert_error(step(&app, &co, &case, json!({"to": "submitted"})).await, 409, "conflict").await;
    assert_eq!(statuses(&err["error"]["allowed_steps"]), vec!["documentation", "on_hold", "withdrawn", "closed"]);
    let err = assert_error(step(&app, &co, &case, json!({"to": "on_hold"})).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["reason"].is_array());
    let err = assert_error(
        step(&app, &co, &case, json!({"to": "closed", "reason": "other"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(err["error"]["fields"]["note"].is_array());
    assert_error(step(&app, &co, &case, json!({"to": "flying"})).await, 422, "validation_failed").await;
    assert_eq!(app.count("case_events WHERE kind = 'transition'"), 0);
    let held = step_ok(&app, &co, &case, json!({"to": "on_hold", "reason": "no_contact"})).await;
    assert_eq!((held["status_reason"].as_str(), held["held_from"].as_str()), (Some("no_contact"), Some("intake")));
    let resumed = step_ok(&app, &co, &held, json!({"to": "intake"})).await;
    let closed = step_ok(&app, &co, &resumed, json!({"to": "closed", "reason": "duplicate"})).await;
    assert_error(step(&app, &co, &closed, json!({"to": "intake"})).await, 409, "conflict").await;
    // Admins do not work on cases.
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    assert_error(app.get(&format!("/api/v1/cases/{}", id(&case)), &admin).await, 403, "forbidden").await;
}

#[actix_web::test]
async fn of_two_concurrent_steps_one_wins_and_the_other_gets_409_with_the_current_state() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Coordinator, "Org A").await;
    let (_, b) = app.signed_in(Role::Caseworker, "Org A").await;
    let fam = family(&app, &a, "Sayed").await;
    let case = open(&app, &a, &fam, "FR", &[member_id(&fam, "Amira")]).await;
    let (x, y) = futures_util::future::join(
        step(&app, &a, &case, json!({"to": "closed", "reason": "duplicate"})),
        step(&app, &b, &case, json!({"to": "documentation"})),
    )
    .await;
    let mut codes = [x.status().as_u16(), y.status().as_u16()];
    codes.sort();
    assert_eq!(codes, [200, 409]);
    let loser = if x.status() == 409 { x } else { y };
    let err = json(loser).await;
    let now = json(app.get(&format!("/api/v1/cases/{}", id(&case)), &a).await).await;
    assert_eq!(err["error"]["current_status"], now["status"], "{err}");
    assert_eq!(err["error"]["current_version"], 2);
    assert_eq!(app.count("case_events WHERE kind = 'transition'"), 1);
}

#[actix_web::test]
async fn a_person_is_in_one_open_case_per_destination_and_cases_stay_in_their_organisation() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &co, "Khalil").await;
    let amira = member_id(&fam, "Amira");
    let case = open(&app, &co, &fam, "FR", std::slice::from_ref(&amira)).await;
    let body = json!({"family_id": id(&fam), "destination": "FR", "members": [amira]});
    assert_error(app.post("/api/v1/cases", &co, body.clone()).await, 409, "conflict").await;
    let no_route = json!({"family_id": id(&fam), "destination": "DE", "members": [amira]});
    let err = assert_error(app.post("/api/v1/cases", &co, no_route).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["destination"].is_array());
    let (_, other) = app.signed_in(Role::Coordinator, "Org B").await;
    assert_error(app.get(&format!("/api/v1/cases/{}", id(&case)), &other).await, 404, "not_found").await;
    assert_error(step(&app, &other, &case, json!({"to": "documentation"})).await, 404, "not_found").await;
    assert_error(app.post("/api/v1/cases", &other, body.clone()).await, 404, "not_found").await;
    assert_eq!(json(app.get("/api/v1/cases", &other).await).await["total"], 0);
    step_ok(&app, &co, &case, json!({"to": "withdrawn", "note": "the family asked to stop"})).await;
    let again = app.post("/api/v1/cases", &co, body).await;
    assert_eq!(again.status(), 201, "an ended case frees its members");
}

#[actix_web::test]
async fn a_wish_to_stay_blocks_submission_until_a_coordinator_overrides_it_with_a_reason() {
    let app = spawn_app().await;
    let (_, cw) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let mut body = intake_body(&app, "Nasser");
    body["members"][0]["wish"] = json!("stay_in_region");
    let fam = json(app.post("/api/v1/families", &cw, body).await).await;
    let amira = member_id(&fam, "Amira");
    let mut case = open(&app, &cw, &fam, "FR", std::slice::from_ref(&amira)).await;
    for to in ["documentation", "verification", "ready_for_submission"] {
        case = step_ok(&app, &cw, &case, json!({"to": to})).await;
    }
    case = consent(&app, &cw, &case, &amira, "person").await;
    let err = assert_error(step(&app, &co, &case, json!({"to": "submitted"})).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["members"][0].as_str().is_some_and(|m| m.contains("wishes to stay")), "{err}");
    let path = format!("/api/v1/cases/{}/wish-override", id(&case));
    let why =
        json!({"reason": "she asked again on the phone; the region offers no protection", "version": case["version"]});
    assert_error(app.post(&path, &cw, why.clone()).await, 403, "forbidden").await;
    let res = app.post(&path, &co, why).await;
    assert_eq!(res.status(), 200);
    case = json(res).await;
    assert!(case["wish_override"].is_string());
    case = step_ok(&app, &co, &case, json!({"to": "submitted"})).await;
    assert_eq!(case["status"], "submitted");
    assert!(app.audit_actions().iter().any(|(_, a, _)| a == "case.wish_override"));
}

#[actix_web::test]
async fn a_birthday_that_changes_an_outcome_after_submission_flags_the_case() {
    let app = spawn_app().await;
    let (account, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = russian_family(&app, &co, 30).await;
    let (aliya, timur) = (member_id(&fam, "Aliya"), member_id(&fam, "Timur"));
    let mut case = open(&app, &co, &fam, "RU", &[aliya.clone(), timur.clone()]).await;
    assert!(statuses(&case["flags"]).contains(&"ages_out_soon".to_string()), "{}", case["flags"]);
    for to in ["documentation", "verification", "ready_for_submission"] {
        case = step_ok(&app, &co, &case, json!({"to": to})).await;
    }
    consent(&app, &co, &case, &aliya, "person").await;
    case = consent(&app, &co, &case, &timur, "parent").await;
    case = step_ok(&app, &co, &case, json!({"to": "submitted"})).await;
    assert_eq!(case["eligibility_changed"], false);
    let timur_of = |case: &Value| {
        case["members_detail"]
            .as_array()
            .and_then(|m| m.iter().find(|x| x["name"] == "Timur Petrov"))
            .cloned()
            .unwrap_or_default()
    };
    let timur_at_submission = timur_of(&case)["submitted_outcome"].clone();
    assert_eq!(timur_at_submission, "eligible_with_conditions", "{}", case["members_detail"]);
    // 31 days later Timur is 18; the daily re-evaluation stores his new outcome.
    app.clock.advance(Duration::days(31));
    homeward::services::jobs::queue_daily(&mut app.conn(), &app.clock).expect("queue");
    app.jobs_done().await;
    let co = app.login(&account).await; // a month later the session has long timed out
    let now = json(app.get(&format!("/api/v1/cases/{}", id(&case)), &co).await).await;
    assert_eq!(now["eligibility_changed"], true, "{now}");
    assert_eq!(now["status"], "submitted", "nothing moves by itself");
    let m = &timur_of(&now);
    assert_eq!(
        (m["submitted_outcome"].as_str(), m["outcome"].as_str(), m["outcome_changed"].as_bool()),
        (Some("eligible_with_conditions"), Some("not_eligible"), Some(true))
    );
    let listed = json(app.get("/api/v1/cases?eligibility_changed=true", &co).await).await;
    assert_eq!(listed["total"], 1);
    let work = json(app.get("/api/v1/work-list", &co).await).await;
    assert_eq!(work["eligibility_changed"]["total"], 1);
}

#[actix_web::test]
async fn assignment_next_actions_and_the_work_list() {
    let app = spawn_app().await;
    let (cw_account, cw) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &co, "Yasin").await;
    let case = open(&app, &co, &fam, "FR", &[member_id(&fam, "Amira")]).await;
    assert!(case["assignee_id"].is_null());
    let path = format!("/api/v1/cases/{}", id(&case));
    let assign = json!({"assignee_id": cw_account.id, "version": case["version"]});
    assert_error(app.patch(&path, &cw, assign.clone()).await, 403, "forbidden").await;
    let case = json(app.patch(&path, &co, assign).await).await;
    assert_eq!(case["assignee_id"], cw_account.id.as_str());
    let overdue = (today() - Duration::days(2)).to_string();
    let due = json!({"next_action": "ask the embassy for the birth certificate", "next_action_due": overdue, "version": case["version"]});
    let case = json(app.patch(&path, &cw, due.clone()).await).await;
    assert_eq!(case["overdue"], true);
    assert_error(app.patch(&path, &cw, due).await, 409, "conflict").await;
    let bad = json!({"next_action_due": "2201-01-01", "version": case["version"]});
    assert_error(app.patch(&path, &cw, bad).await, 422, "validation_failed").await;
    let work = json(app.get("/api/v1/work-list", &cw).await).await;
    assert_eq!(work["overdue"]["total"], 1, "{work}");
    let mine = json(app.get("/api/v1/cases?assignee=me&overdue=true", &cw).await).await;
    assert_eq!(mine["total"], 1);
    assert_eq!(json(app.get("/api/v1/cases?assignee=none", &co).await).await["total"], 0);
    assert_error(app.get("/api/v1/cases?status=flying&flag=x", &co).await, 422, "validation_failed").await;
    let flagged = json(app.get("/api/v1/cases?flag=medical_need", &co).await).await;
    assert_eq!(flagged["total"], 0, "Maryam (medical need) is not in the case");
    let risk = json(app.get("/api/v1/cases?flag=separation_risk", &co).await).await;
    assert_eq!(risk["total"], 1, "Amira's children stay behind");
}
