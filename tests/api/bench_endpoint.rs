//! The benchmark baseline `GET /api/v1/bench/point/{person_id}` exists only when the setting
//! `bench_baseline` is on: off (the default) it is an unknown path, behind the session guard
//! like every other; on, it answers a person's id and version without a session.

use crate::helpers::*;
use homeward::domain::role::Role;
use reqwest::Method;

/// Records a family through the API and returns the id of its first member.
async fn a_person(app: &TestApp) -> String {
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let res = app.post("/api/v1/families", &s, crate::registry::intake_body(app, "Benali")).await;
    assert_eq!(res.status(), 201, "intake");
    json(res).await["members"][0]["id"].as_str().expect("member id").to_string()
}

#[actix_web::test]
async fn the_baseline_endpoint_does_not_exist_when_the_setting_is_off() {
    let app = spawn_app().await;
    let id = a_person(&app).await;
    let path = format!("/api/v1/bench/point/{id}");
    // Without a session it is refused like any other non-public path ...
    assert_error(app.request(Method::GET, &path, None, None).await, 401, "unauthenticated").await;
    // ... and with one it is simply unknown.
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_error(app.get(&path, &s).await, 404, "not_found").await;
}

#[actix_web::test]
async fn the_baseline_endpoint_answers_a_bare_point_read_when_the_setting_is_on() {
    let app = spawn_app_with(|s| s.bench_baseline = true).await;
    let id = a_person(&app).await;
    let res = app.request(Method::GET, &format!("/api/v1/bench/point/{id}"), None, None).await;
    assert_eq!(res.status(), 200);
    let body = json(res).await;
    assert_eq!((body["id"].as_str(), body["version"].as_i64()), (Some(id.as_str()), Some(1)));
    let unknown = "/api/v1/bench/point/00000000-0000-4000-8000-000000000000";
    assert_error(app.request(Method::GET, unknown, None, None).await, 404, "not_found").await;
    // Only the baseline is opened: the rest still needs a session.
    assert_error(app.request(Method::GET, &format!("/api/v1/persons/{id}"), None, None).await, 401, "unauthenticated")
        .await;
}
