//! Roles, organisations, CSRF, versions: who may do what, and when changes take effect.

use crate::helpers::*;
use homeward::domain::role::Role;
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn a_role_change_takes_effect_on_the_next_request() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (second, second_session) = app.signed_in(Role::Admin, "Org A").await;
    assert_eq!(app.get("/api/v1/users", &second_session).await.status(), 200);
    let res =
        app.patch(&format!("/api/v1/users/{}", second.id), &admin, json!({"role": "caseworker", "version": 1})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["role"], "caseworker");
    // The session taken with the old role ends (issue 12: a token must not change rights).
    assert_error(app.get("/api/v1/users", &second_session).await, 401, "unauthenticated").await;
    // Signed in again: the new role applies, with a new token.
    let again = app.login(&second).await;
    assert_ne!(again.0, second_session.0);
    assert_error(app.get("/api/v1/users", &again).await, 403, "forbidden").await;
    assert_eq!(json(app.get("/api/v1/me", &again).await).await["role"], "caseworker");
}

#[actix_web::test]
async fn disabling_an_account_ends_its_sessions() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (worker, worker_session) = app.signed_in(Role::Caseworker, "Org A").await;
    let res = app.patch(&format!("/api/v1/users/{}", worker.id), &admin, json!({"disabled": true, "version": 1})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(res).await["disabled"], true);
    assert_error(app.get("/api/v1/me", &worker_session).await, 401, "unauthenticated").await;
    // And the right password no longer opens a session, with the usual answer.
    assert_error(app.try_login(&worker.email, &worker.password).await, 401, "invalid_credentials").await;
    assert!(app.audit_actions().iter().any(|(_, a, _)| a == "user.disable"));
}

#[actix_web::test]
async fn an_admin_cannot_demote_or_disable_themselves() {
    let app = spawn_app().await;
    let (me, admin) = app.signed_in(Role::Admin, "Org A").await;
    let body = assert_error(
        app.patch(
            &format!("/api/v1/users/{}", me.id),
            &admin,
            json!({"role": "caseworker", "disabled": true, "version": 1}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["error"]["fields"]["role"].is_array() && body["error"]["fields"]["disabled"].is_array());
}

#[actix_web::test]
async fn cross_origin_state_changing_requests_are_refused_and_audited() {
    let app = spawn_app().await;
    let account = app.account(Role::Caseworker, "Org A");
    let login = json!({"email": account.email, "password": account.password});
    let url = format!("{}/api/v1/auth/login", app.address);
    let cross_site =
        app.client.post(&url).header("Sec-Fetch-Site", "cross-site").json(&login).send().await.expect("sent");
    assert_error(cross_site, 403, "cross_origin_request").await;
    let evil_origin =
        app.client.post(&url).header("Origin", "https://evil.example").json(&login).send().await.expect("sent");
    assert_error(evil_origin, 403, "cross_origin_request").await;
    let same_origin = app
        .client
        .post(&url)
        .header("Sec-Fetch-Site", "same-origin")
        .header("Origin", &app.address)
        .json(&login)
        .send()
        .await
        .expect("sent");
    assert_eq!(same_origin.status(), 200);
    let actions = app.audit_actions();
    assert_eq!(actions.iter().filter(|(_, a, o)| a == "access.denied" && o == "cross_origin").count(), 2);
    // A refused login did not count as a login attempt.
    assert_eq!(actions.iter().filter(|(_, a, _)| a == "auth.login").count(), 1);
}

#[actix_web::test]
async fn another_organisations_user_answers_404() {
    let app = spawn_app().await;
    let (_, admin_a) = app.signed_in(Role::Admin, "Org A").await;
    let other = app.account(Role::Caseworker, "Org B");
    let res = app.get(&format!("/api/v1/users/{}", other.id), &admin_a).await;
    assert_error(res, 404, "not_found").await;
    let res =
        app.patch(&format!("/api/v1/users/{}", other.id), &admin_a, json!({"disabled": true, "version": 1})).await;
    assert_error(res, 404, "not_found").await;
    // The same answer as for an id that does not exist at all, or is not even a UUID.
    assert_error(app.get(&format!("/api/v1/users/{}", uuid::Uuid::new_v4()), &admin_a).await, 404, "not_found").await;
    assert_error(app.get("/api/v1/users/not-a-uuid", &admin_a).await, 404, "not_found").await;
    let list = json(app.get("/api/v1/users", &admin_a).await).await;
    assert_eq!(list["total"], 1);
    assert!(list["items"].as_array().is_some_and(|items| items.iter().all(|u| u["id"] != other.id.as_str())));
    // Nothing changed for the other organisation's user.
    let other_session = app.login(&other).await;
    assert_eq!(app.get("/api/v1/me", &other_session).await.status(), 200);
}

#[actix_web::test]
async fn non_admins_cannot_manage_users_and_the_refusal_is_audited() {
    let app = spawn_app().await;
    for role in [Role::Caseworker, Role::Coordinator] {
        let (_, session) = app.signed_in(role, "Org A").await;
        assert_error(app.get("/api/v1/users", &session).await, 403, "forbidden").await;
        let body = json!({"email": "new@test.homeward.example", "display_name": "N (fictional)", "role": "admin"});
        assert_error(app.post("/api/v1/users", &session, body).await, 403, "forbidden").await;
        assert_error(app.post("/api/v1/organisations", &session, json!({"name": "Mine"})).await, 403, "forbidden")
            .await;
        assert_error(app.get("/api/v1/audit", &session).await, 403, "forbidden").await;
    }
    // One event per user and refused action (listing and creating users are one action).
    let denied = "audit_events WHERE action = 'access.denied' AND outcome = 'denied'";
    assert_eq!(app.settled_count(denied).await, 6);
    assert_eq!(app.count("organisations WHERE name = 'Mine'"), 0);
}

#[actix_web::test]
async fn a_flood_of_refused_requests_is_audited_once_per_action_and_window() {
    let app = spawn_app().await;
    let (_, session) = app.signed_in(Role::Caseworker, "Org A").await;
    let denied = "audit_events WHERE action = 'access.denied' AND outcome = 'denied'";
    for _ in 0..30 {
        assert_error(app.get("/api/v1/users", &session).await, 403, "forbidden").await;
    }
    assert_eq!(app.settled_count(denied).await, 1, "thirty refusals, one event");
    // A refusal answers 403 even when the body would not parse (never a 422 that tells more).
    let res = app.request(Method::POST, "/api/v1/users", Some(&session), Some(json!({"email": 5}))).await;
    assert_error(res, 403, "forbidden").await;
    app.clock.advance(chrono::Duration::minutes(16));
    let session = app.login(&app.account(Role::Caseworker, "Org A")).await;
    assert_error(app.get("/api/v1/users", &session).await, 403, "forbidden").await;
    assert_eq!(app.settled_count(denied).await, 2, "a new window, a new event");
}

#[actix_web::test]
async fn attempts_on_another_organisations_records_answer_404_and_are_audited_once_per_window() {
    let app = spawn_app().await;
    let (_, theirs) = app.signed_in(Role::Caseworker, "Org B").await;
    let family = json(app.post("/api/v1/families", &theirs, crate::registry::intake_body(&app, "Farrow")).await).await;
    let family_id = family["id"].as_str().expect("id").to_string();
    let (me, mine) = app.signed_in(Role::Caseworker, "Org A").await;
    let cross = "audit_events WHERE action = 'access.cross_organisation'";
    for path in [
        format!("/api/v1/families/{family_id}"),
        format!("/families/{family_id}"),
        format!("/api/v1/families/{family_id}/history"),
    ] {
        for _ in 0..5 {
            assert_eq!(app.get(&path, &mine).await.status(), 404, "{path}");
        }
    }
    assert_eq!(app.settled_count(cross).await, 1, "fifteen attempts, one event");
    let ours = app.scalar("SELECT organisation_id AS v FROM audit_events WHERE action = 'access.cross_organisation'");
    assert_eq!(ours, me.organisation_id, "in the prober's organisation's audit list");
    assert_eq!(
        app.scalar("SELECT entity_id AS v FROM audit_events WHERE action = 'access.cross_organisation'"),
        family_id
    );
    // A missing id is not an attempt on anyone's record.
    let (_, other) = app.signed_in(Role::Caseworker, "Org C").await;
    assert_eq!(app.get(&format!("/api/v1/families/{}", uuid::Uuid::new_v4()), &other).await.status(), 404);
    // The owner reads it as before; a new window, a new event.
    assert_eq!(app.get(&format!("/api/v1/families/{family_id}"), &theirs).await.status(), 200);
    app.clock.advance(chrono::Duration::minutes(16));
    let mine = app.login(&me).await;
    assert_eq!(
        app.get(&format!("/api/v1/persons/{}", family["members"][0]["id"].as_str().unwrap_or_default()), &mine)
            .await
            .status(),
        404
    );
    assert_eq!(app.settled_count(cross).await, 2);
}

#[actix_web::test]
async fn organisation_id_in_a_body_is_accepted_only_for_the_own_organisation() {
    let app = spawn_app().await;
    let (me, admin) = app.signed_in(Role::Admin, "Org A").await;
    let other = app.account(Role::Admin, "Org B");
    let mut body = json!({"email": "x1@test.homeward.example", "display_name": "X (fictional)", "role": "caseworker",
                          "organisation_id": other.organisation_id});
    assert_error(app.post("/api/v1/users", &admin, body.clone()).await, 403, "forbidden").await;
    body["organisation_id"] = json!(me.organisation_id);
    let res = app.post("/api/v1/users", &admin, body).await;
    assert_eq!(res.status(), 201);
    let created = json(res).await;
    assert_eq!(created["user"]["organisation_id"], me.organisation_id.as_str());
    // Without a password, one is generated, returned once, and works.
    let generated = created["generated_password"].as_str().unwrap_or_default().to_string();
    assert!(generated.len() >= 20);
    assert_eq!(app.try_login("x1@test.homeward.example", &generated).await.status(), 200);
    // Moving a user to another organisation is refused.
    let id = created["user"]["id"].as_str().unwrap_or_default().to_string();
    let res = app
        .patch(&format!("/api/v1/users/{id}"), &admin, json!({"organisation_id": other.organisation_id, "version": 1}))
        .await;
    assert_error(res, 403, "forbidden").await;
}

#[actix_web::test]
async fn a_stale_version_gets_409_with_the_current_version() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let worker = app.account(Role::Caseworker, "Org A");
    let path = format!("/api/v1/users/{}", worker.id);
    let res = app.get(&path, &admin).await;
    assert_eq!(res.headers().get("etag").and_then(|v| v.to_str().ok()), Some("\"1\""));
    assert_eq!(
        app.patch(&path, &admin, json!({"display_name": "First edit (fictional)", "version": 1})).await.status(),
        200
    );
    let body = assert_error(
        app.patch(&path, &admin, json!({"display_name": "Second edit", "version": 1})).await,
        409,
        "conflict",
    )
    .await;
    assert_eq!(body["error"]["current_version"], 2);
    // If-Match works as well as the body field, and a missing version is a validation error.
    let res = app
        .client
        .patch(format!("{}{}", app.address, path))
        .header("Cookie", format!("homeward_session={}", admin.0))
        .header("If-Match", "\"2\"")
        .json(&json!({"display_name": "Third edit (fictional)"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 200);
    assert_error(app.patch(&path, &admin, json!({"display_name": "No version"})).await, 422, "validation_failed").await;
    let current = json(app.get(&path, &admin).await).await;
    assert_eq!(current["display_name"], "Third edit (fictional)");
    assert_eq!(current["version"], 3);
}

#[actix_web::test]
async fn admins_create_organisations_with_unique_names() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let res = app.post("/api/v1/organisations", &admin, json!({"name": "Relief North (fictional)"})).await;
    assert_eq!(res.status(), 201);
    let dup = app.post("/api/v1/organisations", &admin, json!({"name": "Relief North (fictional)"})).await;
    let body = assert_error(dup, 422, "validation_failed").await;
    assert!(body["error"]["fields"]["name"].is_array());
    assert_error(app.post("/api/v1/organisations", &admin, json!({"name": "  "})).await, 422, "validation_failed")
        .await;
    let list = json(app.request(Method::GET, "/api/v1/organisations", Some(&admin), None).await).await;
    let names: Vec<&str> =
        list.as_array().map(|a| a.iter().filter_map(|o| o["name"].as_str()).collect()).unwrap_or_default();
    assert_eq!(names, vec!["Org A", "Relief North (fictional)"]);
}
