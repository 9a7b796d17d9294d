//! The audit trail: every change is recorded with it, and tampering is found.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};

async fn verify(app: &TestApp, admin: &Session) -> Value {
    let res = app.get("/api/v1/audit/verify", admin).await;
    assert_eq!(res.status(), 200);
    json(res).await
}

/// An app with an admin and a handful of audited events.
async fn app_with_events() -> (TestApp, Session) {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    for i in 0..3 {
        let body = json!({"email": format!("w{i}@test.homeward.example"), "display_name": "W (fictional)", "role": "caseworker"});
        assert_eq!(app.post("/api/v1/users", &admin, body).await.status(), 201);
    }
    (app, admin)
}

#[actix_web::test]
async fn changes_are_audited_and_the_chain_verifies() {
    let (app, admin) = app_with_events().await;
    let actions: Vec<String> = app.audit_actions().into_iter().map(|(_, a, _)| a).collect();
    assert_eq!(
        actions,
        ["seed.apply", "organisation.create", "user.create", "auth.login", "user.create", "user.create", "user.create"]
    );
    let report = verify(&app, &admin).await;
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["checked"], 7);
    assert_eq!(report["head"].as_str().map(str::len), Some(64));
}

#[actix_web::test]
async fn a_failed_request_changes_nothing_and_records_no_success() {
    let (app, admin) = app_with_events().await;
    let before = app.audit_actions().len();
    let bad = json!({"email": "not-an-email", "display_name": "", "role": "caseworker"});
    assert_eq!(app.post("/api/v1/users", &admin, bad).await.status(), 422);
    assert_eq!(app.audit_actions().len(), before);
    assert_eq!(json(app.get("/api/v1/users", &admin).await).await["total"], 4);
}

#[actix_web::test]
async fn an_edited_row_is_found_at_its_sequence_number() {
    let (app, admin) = app_with_events().await;
    assert_eq!(app.sql("UPDATE audit_events SET outcome = 'failure' WHERE seq = 4"), 1);
    let report = verify(&app, &admin).await;
    assert_eq!(report["ok"], false);
    assert_eq!(report["first_break"]["seq"], 4, "{report}");
    assert_eq!(report["checked"], 3);
}

#[actix_web::test]
async fn a_deleted_row_is_found() {
    let (app, admin) = app_with_events().await;
    assert_eq!(app.sql("DELETE FROM audit_events WHERE seq = 3"), 1);
    let report = verify(&app, &admin).await;
    assert_eq!(report["first_break"]["seq"], 3, "{report}");
}

#[actix_web::test]
async fn reordered_rows_are_found() {
    let (app, admin) = app_with_events().await;
    app.sql("UPDATE audit_events SET seq = -1 WHERE seq = 2");
    app.sql("UPDATE audit_events SET seq = 2 WHERE seq = 5");
    app.sql("UPDATE audit_events SET seq = 5 WHERE seq = -1");
    let report = verify(&app, &admin).await;
    assert_eq!(report["first_break"]["seq"], 2, "{report}");
}

#[actix_web::test]
async fn the_audit_list_shows_only_the_own_organisation() {
    let (app, admin) = app_with_events().await;
    let (_, other_admin) = app.signed_in(Role::Admin, "Org B").await;
    let mine = json(app.get("/api/v1/audit?limit=500", &admin).await).await;
    let theirs = json(app.get("/api/v1/audit?limit=500", &other_admin).await).await;
    let orgs = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["organisation_id"].as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let (mine_orgs, their_orgs) = (orgs(&mine), orgs(&theirs));
    assert!(!mine_orgs.is_empty() && !their_orgs.is_empty());
    assert!(mine_orgs.iter().all(|o| *o == mine_orgs[0]));
    assert!(their_orgs.iter().all(|o| *o == their_orgs[0] && *o != mine_orgs[0]));
    assert_eq!(mine["total"], 5, "{mine}");
    // Filters and pagination: newest first.
    let logins = json(app.get("/api/v1/audit?action=auth.login", &admin).await).await;
    assert_eq!(logins["total"], 1);
    let page = json(app.get("/api/v1/audit?limit=2&offset=1", &admin).await).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(2));
    assert!(page["items"][0]["seq"].as_i64() > page["items"][1]["seq"].as_i64());
    assert_error(app.get("/api/v1/audit?limit=501", &admin).await, 422, "validation_failed").await;
    assert_error(app.get("/api/v1/audit?from=yesterday", &admin).await, 422, "validation_failed").await;
}

#[actix_web::test]
async fn failed_logins_are_audited_without_personal_values() {
    let app = spawn_app().await;
    let account = app.account(Role::Caseworker, "Org A");
    app.try_login(&account.email, "wrong-password-123").await;
    app.try_login("ghost@test.homeward.example", "wrong-password-123").await;
    let failures = app.audit_actions().into_iter().filter(|(_, a, o)| a == "auth.login" && o == "failure").count();
    assert_eq!(failures, 2);
    // Neither the email nor the password appears anywhere in the audit table.
    let leaked = app.count(&format!(
        "audit_events WHERE action LIKE '%{0}%' OR entity_id LIKE '%{0}%' OR request_id LIKE '%{0}%' OR outcome LIKE '%{0}%' OR entity_id LIKE '%ghost%'",
        account.email
    ));
    assert_eq!(leaked, 0);
}
