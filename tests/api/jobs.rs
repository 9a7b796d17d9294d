//! Work over everyone runs as background jobs: the request answers at once, a job left running
//! by a server that died runs again after a restart, two servers on one database run it once,
//! and a failing job never undoes the change that queued it.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use serde_json::json;

/// Puts a job in the queue as a server would have left it: `running`, mid-way, one attempt.
fn orphan_job(app: &TestApp, heartbeat: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    app.sql(&format!(
        "INSERT INTO jobs (id, kind, status, reason, done_count, total_count, attempts, created_at, started_at, \
         heartbeat_at) VALUES ('{id}', 'reevaluate_all', 'running', 'test: left by a dead server', 1, 3, 1, \
         '{heartbeat}', '{heartbeat}', '{heartbeat}')"
    ));
    id
}

#[actix_web::test]
async fn a_job_left_running_by_a_server_that_died_runs_again_after_a_restart() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(app.post("/api/v1/families", &s, intake_body(&app, "Restart")).await.status(), 201);
    app.jobs_done().await;
    app.sql("DELETE FROM eligibility_results");
    // A fresh heartbeat: to the server that is up, the job looks alive.
    let now = app.clock.now().format("%Y-%m-%d %H:%M:%S");
    let job = orphan_job(&app, &now.to_string());
    let restarted = app.second_server().await;
    restarted.jobs_done().await;
    let status = app.scalar(&format!("SELECT status AS v FROM jobs WHERE id = '{job}'"));
    assert_eq!(status, "done");
    assert_eq!(app.count(&format!("jobs WHERE id = '{job}' AND attempts = 2")), 1, "taken up again once");
    assert_eq!(app.count("eligibility_results"), 2, "the stored results (one per claim) were written again");
}

#[actix_web::test]
async fn two_servers_on_one_database_run_a_queued_job_once() {
    let app = spawn_app().await;
    let other = app.second_server().await;
    let (_, steward) = app.steward("Org A").await;
    let (_, s) = other.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(other.post("/api/v1/families", &s, intake_body(&other, "Twice")).await.status(), 201);
    let draft = json(app.post("/api/v1/policies/FR/drafts", &steward, json!({})).await).await;
    let path = format!("/api/v1/policy-versions/{}/publish", draft["id"].as_str().expect("id"));
    let res = app.post(&path, &steward, json!({"effective_from": today().to_string(), "version": 1})).await;
    assert_eq!(res.status(), 200);
    let job = json(res).await["job"]["id"].as_str().expect("job").to_string();
    app.jobs_done().await;
    other.jobs_done().await;
    assert_eq!(app.count(&format!("jobs WHERE id = '{job}' AND status = 'done' AND attempts = 1")), 1, "run once");
}

#[actix_web::test]
async fn a_failing_job_never_undoes_the_change_that_queued_it() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    app.jobs_done().await;
    // A published version whose stored rules cannot be read: every re-evaluation fails.
    app.sql(
        "INSERT INTO policy_versions (id, country_code, number, status, effective_from, summary, source, source_url, \
         note, rules, created_at, updated_at, version) VALUES ('00000000-0000-4000-8000-00000000beef', 'TN', 99, \
         'published', '2030-01-01', 'broken (test)', '', '', '', 'not json', '2026-01-01 00:00:00', \
         '2026-01-01 00:00:00', 1)",
    );
    let hol = app.facility("al-Hol");
    let res = app
        .post(
            &format!("/api/v1/facilities/{hol}/authorities"),
            &admin,
            json!({"authority": "Test authority", "from_date": "2026-11-01"}),
        )
        .await;
    assert_eq!(res.status(), 201, "the change is committed and answered at once");
    app.jobs_settled().await;
    assert_eq!(app.count("facility_authorities WHERE authority = 'Test authority'"), 1, "the change stays");
    assert_eq!(
        app.count("jobs WHERE status = 'failed' AND attempts = 3 AND error LIKE 'internal error: see the server log%'"),
        1,
        "three tries, then failed with the reason"
    );
    let jobs = json(app.get("/api/v1/jobs", &admin).await).await;
    assert_eq!(jobs[0]["status"], "failed", "the admin sees it: {jobs}");
}

#[actix_web::test]
async fn an_intake_of_a_mother_and_six_children_evaluates_each_member_once() {
    use homeward::services::registry::families::{intake, FamilyIntake};
    let app = spawn_app().await;
    let roj = app.facility("Roj");
    let member = |given: &str, year: i32| {
        json!({"given_name": given, "family_name": "Seven", "birth": {"year": year},
               "nationalities": [{"country": "RU", "status": "claimed"}],
               "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019}}]})
    };
    let mut members = vec![member("Mother", 1990)];
    let mut kinship = vec![];
    for i in 1..=6 {
        members.push(member(&format!("Child{i}"), 2012 + i));
        kinship.push(json!({"person": 0, "kind": "parent_of", "relative": i}));
    }
    let body: FamilyIntake =
        serde_json::from_value(json!({"label": "Seven (fictional)", "members": members, "kinship": kinship}))
            .expect("intake");
    let mut conn = app.conn();
    let ctx = app.cli_ctx();
    let (_, scope) = homeward::services::organisations::operator_scope(&mut conn, &ctx, "Org A").expect("org");
    let saved = intake(&mut conn, &ctx, &scope, body).expect("saved");
    assert_eq!(saved.evaluated, 7, "one evaluation per member at the end of the unit (34 before the unit of work)");
    assert_eq!(app.count("eligibility_results"), 7);
}

#[actix_web::test]
async fn moving_several_persons_at_once_is_all_or_nothing_and_warns_of_dates_before_birth() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Group")).await).await;
    let ids: Vec<&str> =
        family["members"].as_array().expect("members").iter().filter_map(|m| m["id"].as_str()).collect();
    let hol = app.facility("al-Hol");
    let before = app.count("custody_events");
    let move_all = json!({"person_ids": ids, "kind": "transferred", "facility_id": hol, "date": "2017-05"});
    let res = app.post("/api/v1/custody-events", &s, move_all).await;
    assert_eq!(res.status(), 201);
    let answer = json(res).await;
    assert_eq!(app.count("custody_events"), before + 3);
    assert_eq!(
        answer["warnings"][0]["kind"], "event_before_birth",
        "Maryam was born about 2019 (2018 at the earliest): {answer}"
    );
    let with_a_stranger =
        json!({"person_ids": [ids[0], "00000000-0000-4000-8000-000000000123"], "kind": "escaped", "date": "2020"});
    assert_error(app.post("/api/v1/custody-events", &s, with_a_stranger).await, 404, "not_found").await;
    assert_eq!(app.count("custody_events"), before + 3, "nothing of a refused group move is kept");
    // A birth date that makes the mother nine at her son's birth: saved, with a warning.
    let yusuf = family["members"][1]["id"].as_str().expect("id");
    let mother = family["members"][0]["id"].as_str().expect("id");
    let res = app.patch(&format!("/api/v1/persons/{mother}"), &s, json!({"birth": {"year": 2006}, "version": 1})).await;
    assert_eq!(res.status(), 200);
    let saved = json(res).await;
    assert_eq!(saved["warnings"][0]["kind"], "parent_too_young", "{saved}");
    assert!(saved["warnings"][0]["subject"].as_str().is_some_and(|s| s.contains("Yusuf")), "{saved} {yusuf}");
}
