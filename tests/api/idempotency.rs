//! Retries that never duplicate: a write sent again with the same `Idempotency-Key` (the API)
//! or the same one-time `form_token` (a page's form) gets the first answer and creates nothing
//! more; a key reused for another request, a copy racing the first, and a request interrupted
//! by a stopped server are told apart.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use reqwest::Method;
use serde_json::{json, Value};

async fn send(app: &TestApp, s: &Session, method: Method, path: &str, key: &str, body: &Value) -> reqwest::Response {
    app.client
        .request(method, format!("{}{path}", app.address))
        .header("Cookie", format!("homeward_session={}", s.0))
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
        .expect("sent")
}

fn replayed(res: &reqwest::Response) -> bool {
    res.headers().get("idempotent-replayed").is_some_and(|v| v == "true")
}

#[actix_web::test]
async fn a_retried_intake_answers_the_first_family_and_creates_nothing_more() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let body = intake_body(&app, "Haddad");
    let first = send(&app, &s, Method::POST, "/api/v1/families", "intake-7f3a", &body).await;
    assert_eq!(first.status(), 201);
    assert!(!replayed(&first));
    let location = location(&first);
    let first = json(first).await;
    let events = app.count("audit_events WHERE action = 'family.create'");
    for _ in 0..2 {
        let again = send(&app, &s, Method::POST, "/api/v1/families", "intake-7f3a", &body).await;
        assert_eq!(again.status(), 201);
        assert!(replayed(&again));
        assert_eq!(crate::helpers::location(&again), location);
        assert_eq!(json(again).await, first, "the first answer, byte for byte");
    }
    assert_eq!(app.count("families"), 1);
    assert_eq!(app.count("persons"), 3);
    assert_eq!(app.count("audit_events WHERE action = 'family.create'"), events);

    // The same key for another request is refused, and changes nothing.
    let other = send(&app, &s, Method::POST, "/api/v1/families", "intake-7f3a", &intake_body(&app, "Karimova")).await;
    let err = assert_error(other, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["Idempotency-Key"].is_array(), "{err}");
    assert_eq!(app.count("families"), 1);
    // A key is the user's own: another user's identical key is another request.
    let (_, colleague) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(send(&app, &colleague, Method::POST, "/api/v1/families", "intake-7f3a", &body).await.status(), 201);
    assert_eq!(app.count("families"), 2);
    // Keys that cannot be one.
    for bad in ["", &"x".repeat(256), "clé"] {
        let res = send(&app, &s, Method::POST, "/api/v1/families", bad, &body).await;
        assert_error(res, 422, "validation_failed").await;
    }
    assert_eq!(app.count("families"), 2);
}

#[actix_web::test]
async fn a_refused_request_is_replayed_as_refused_and_copies_racing_it_create_one_family() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let mut invalid = intake_body(&app, "Haddad");
    invalid["members"][0]["birth"] = json!({"year": 1850});
    let first = send(&app, &s, Method::POST, "/api/v1/families", "bad-1", &invalid).await;
    let first = assert_error(first, 422, "validation_failed").await;
    let again = send(&app, &s, Method::POST, "/api/v1/families", "bad-1", &invalid).await;
    assert!(replayed(&again));
    assert_eq!(assert_error(again, 422, "validation_failed").await["error"]["fields"], first["error"]["fields"]);
    assert_eq!(app.count("families"), 0);

    // Eight copies at once: one family; the others get its answer or are told to wait.
    let body = intake_body(&app, "Karimova");
    let copies = (0..8).map(|_| send(&app, &s, Method::POST, "/api/v1/families", "race-1", &body));
    let statuses: Vec<u16> = futures_util::future::join_all(copies).await.iter().map(|r| r.status().as_u16()).collect();
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    assert!(statuses.contains(&201));
    assert_eq!(app.count("families"), 1, "{statuses:?}");
}

#[actix_web::test]
async fn a_retried_case_transition_and_import_commit_take_effect_once() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Benali")).await).await;
    let members: Vec<Value> =
        family["members"].as_array().expect("members")[..2].iter().map(|m| m["id"].clone()).collect();
    let case = json(
        app.post("/api/v1/cases", &s, json!({"family_id": family["id"], "destination": "FR", "members": members}))
            .await,
    )
    .await;
    let path = format!("/api/v1/cases/{}/transitions", case["id"].as_str().expect("case id"));
    let step = json!({"to": "documentation", "version": case["version"]});
    let first = send(&app, &s, Method::POST, &path, "step-1", &step).await;
    assert_eq!(first.status(), 200);
    let first = json(first).await;
    let events = app.count("case_events");
    // The retry carries the old version: without the key it would be a 409; with it, the answer.
    let again = send(&app, &s, Method::POST, &path, "step-1", &step).await;
    assert!(replayed(&again));
    assert_eq!(again.status(), 200);
    assert_eq!(json(again).await, first);
    assert_eq!(app.count("case_events"), events);
    assert_eq!(
        json(app.get(&format!("/api/v1/cases/{}", case["id"].as_str().unwrap_or_default()), &s).await).await["status"],
        "documentation"
    );

    // An import commit sent twice.
    let csv: String = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import_500.csv"))
        .expect("fixture")
        .lines()
        .filter(|l| !l.contains("Errorova"))
        .map(|l| format!("{l}\n"))
        .collect();
    let preview = app
        .client
        .post(format!("{}/api/v1/imports?file_name=list.csv", app.address))
        .header("Cookie", format!("homeward_session={}", s.0))
        .header("Content-Type", "text/csv")
        .body(csv)
        .send()
        .await
        .expect("upload");
    assert_eq!(preview.status(), 201);
    let preview = json(preview).await;
    let commit = format!("/api/v1/imports/{}/commit", preview["id"].as_str().expect("import id"));
    let first = send(&app, &s, Method::POST, &commit, "commit-1", &Value::Null).await;
    assert_eq!(first.status(), 200);
    let first = json(first).await;
    let (families, persons) = (app.count("families"), app.count("persons"));
    let again = send(&app, &s, Method::POST, &commit, "commit-1", &Value::Null).await;
    assert!(replayed(&again));
    assert_eq!(again.status(), 200);
    assert_eq!(json(again).await, first);
    assert_eq!((app.count("families"), app.count("persons")), (families, persons));
}

#[actix_web::test]
async fn a_request_interrupted_by_a_stopped_server_is_run_again_only_if_it_did_nothing() {
    let app = spawn_app().await;
    let (worker, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let body = intake_body(&app, "Haddad");
    // Carried out, then the server "stopped" before keeping the answer: the claim stays running.
    assert_eq!(send(&app, &s, Method::POST, "/api/v1/families", "done-1", &body).await.status(), 201);
    app.sql("UPDATE idempotency_keys SET state = 'running', status = NULL, body = NULL, headers = NULL");
    // Within the lease the first attempt may still be running: wait.
    let res = send(&app, &s, Method::POST, "/api/v1/families", "done-1", &body).await;
    assert_error(res, 409, "conflict").await;
    // After it, the audit trail shows it was done: told so, not done twice.
    app.clock.advance(chrono::Duration::minutes(11));
    let res = send(&app, &s, Method::POST, "/api/v1/families", "done-1", &body).await;
    let err = assert_error(res, 409, "conflict").await;
    assert!(err["error"]["message"].as_str().unwrap_or_default().contains("answer was lost"), "{err}");
    assert_eq!(app.count("families"), 1);

    // Claimed, then the server stopped before anything was written: the retry runs.
    let seq = app.scalar("SELECT CAST(MAX(seq) AS TEXT) AS v FROM audit_events");
    let at = (app.clock.now() - chrono::Duration::minutes(20)).format("%Y-%m-%d %H:%M:%S");
    app.sql(&format!(
        "INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, request_id, audit_seq, state, created_at)
         SELECT user_id, 'lost-1', fingerprint, 'a-request-that-wrote-nothing', {seq}, 'running', '{at}'
         FROM idempotency_keys WHERE idem_key = 'done-1' AND user_id = '{}'",
        worker.id
    ));
    let res = send(&app, &s, Method::POST, "/api/v1/families", "lost-1", &body).await;
    assert_eq!(res.status(), 201);
    assert_eq!(app.count("families"), 2);
}

#[actix_web::test]
async fn a_double_submitted_intake_form_creates_one_family() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let page = app.get("/families/new", &s).await.text().await.expect("intake page");
    let token = page
        .split("name=\"form_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the intake form carries a one-time token")
        .to_string();
    let again = app.get("/families/new", &s).await.text().await.expect("intake page");
    assert!(!again.contains(&token), "each drawing of the form has its own token");
    let form = vec![
        ("form_token", token.as_str()),
        ("label", "Family of Amira Haddad (fictional)"),
        ("members[0].given_name", "Amira"),
        ("members[0].family_name", "Haddad"),
        ("members[0].sex", "female"),
        ("members[0].birth_year", "1994"),
    ];
    let first = form_post(&app, &s, "/families/new", &form).await;
    assert_eq!(first.status(), 303);
    let second = form_post(&app, &s, "/families/new", &form).await;
    assert_eq!(second.status(), 303);
    assert_eq!(location(&second), location(&first), "the second submit lands on the family the first created");
    assert_eq!(app.count("families"), 1);
}
