//! Input that cannot hurt, on both databases: control characters and out-of-range dates answer
//! 422 (never 500), names are NFC-normalised and refused when they hide something, invisible
//! characters do not hide a person from search, PATCH changes only what it sends, racing
//! duplicates answer 409 or 422, and a refused request changes nothing.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use reqwest::Method;
use serde_json::json;

#[actix_web::test]
async fn control_characters_anywhere_answer_422_even_at_login() {
    let app = spawn_app().await;
    let res = app
        .request(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": "a\u{0}@x.org", "password": "x"})))
        .await;
    let err = assert_error(res, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["email"].is_array(), "{err}");
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let mut body = intake_body(&app, "Nul");
    body["members"][1]["given_name"] = json!("Yu\u{0}suf");
    body["members"][0]["other_names"][0]["name"] = json!("bell\u{7}");
    let err = assert_error(app.post("/api/v1/families", &s, body).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["members[1].given_name"].is_array(), "{err}");
    assert_error(app.get("/api/v1/families?q=a%00b", &s).await, 422, "validation_failed").await;
    assert_eq!(app.count("families"), 0);
}

#[actix_web::test]
async fn dates_out_of_range_and_hidden_names_answer_422_and_change_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    for (field, value, reported) in [
        ("birth", json!({"year": 1850}), "members[0].birth"),
        ("birth", json!({"year": 2012, "month": 2, "day": 30}), "members[0].birth"),
        ("birth", json!({"year": -7, "month": 40}), "members[0].birth"),
        ("left_home", json!("2014-13"), "members[0].left_home"),
        ("given_name", json!("\u{202E}ilA"), "members[0].given_name"),
        ("given_name", json!("\u{200B}\u{200D}"), "members[0].given_name"),
        ("family_name", json!("x".repeat(201)), "members[0].family_name"),
        ("notes", json!("n".repeat(10_001)), "members[0].notes"),
        ("place_of_birth", json!("p".repeat(2001)), "members[0].place_of_birth"),
        // An unknown choice is reported under the member (serde cannot see inside a flattened
        // struct), with the choices in the message.
        ("sex", json!("other"), "members[0]"),
    ] {
        let mut body = intake_body(&app, "Range");
        body["members"][0][field] = value;
        let err = assert_error(app.post("/api/v1/families", &s, body).await, 422, "validation_failed").await;
        assert!(err["error"]["fields"][reported].is_array(), "{field}: {err}");
    }
    assert_eq!((app.count("families"), app.count("persons"), app.count("record_changes")), (0, 0, 0));
}

#[actix_web::test]
async fn names_are_stored_in_one_form_and_invisible_characters_hide_nobody() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let mut body = intake_body(&app, "Norm");
    body["members"][0]["given_name"] = json!("Zayna\u{0301}b");
    body["members"][1]["given_name"] = json!("Fa\u{200B}tima");
    let family = json(app.post("/api/v1/families", &s, body).await).await;
    assert_eq!(family["members"][0]["given_name"], "Zaynáb", "stored composed (NFC)");
    let found = json(app.get("/api/v1/persons?q=fatima", &s).await).await;
    assert_eq!(found["total"], 1, "a zero-width space does not split the name: {found}");
    let found = json(app.get("/api/v1/persons?q=zaynab", &s).await).await;
    assert_eq!(found["total"], 1);
}

#[actix_web::test]
async fn patch_changes_only_the_fields_sent() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Patch")).await).await;
    let amira = &family["members"][0];
    let pid = amira["id"].as_str().expect("id");
    let res = app.patch(&format!("/api/v1/persons/{pid}"), &s, json!({"family_name": "Patch-Ali", "version": 1})).await;
    assert_eq!(res.status(), 200);
    let after = json(res).await;
    assert_eq!(after["family_name"], "Patch-Ali");
    for field in ["sex", "birth", "left_home", "wish", "wish_recorded_on", "place_of_birth", "given_name"] {
        assert_eq!(after[field], amira[field], "{field} was not sent and must not change");
    }
    let res = app.patch(&format!("/api/v1/persons/{pid}"), &s, json!({"left_home": null, "version": 2})).await;
    assert_eq!(json(res).await["left_home"], serde_json::Value::Null, "null clears a field");
    let history = json(app.get(&format!("/api/v1/persons/{pid}/history"), &s).await).await;
    let fields: Vec<&str> =
        history.as_array().map(|h| h.iter().filter_map(|c| c["field"].as_str()).collect()).unwrap_or_default();
    assert!(fields.contains(&"family_name") && fields.contains(&"left_home") && !fields.contains(&"sex"), "{fields:?}");
}

#[actix_web::test]
async fn racing_duplicate_claims_answer_409_or_422_never_500() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Race")).await).await;
    let pid = family["members"][2]["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/persons/{pid}/nationalities");
    let tries = (0..6).map(|_| app.post(&path, &s, json!({"country": "DZ", "status": "claimed"})));
    let statuses: Vec<u16> = futures_util::future::join_all(tries).await.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [201, 409, 422].contains(s)), "{statuses:?}");
    assert_eq!(app.count(&format!("nationality_claims WHERE person_id = '{pid}' AND country_code = 'DZ'")), 1);
}

#[actix_web::test]
async fn a_corrupt_stored_value_is_a_loud_error_not_a_silently_skipped_row() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Corrupt")).await).await;
    let pid = family["members"][0]["id"].as_str().expect("id");
    // Past the constraints that normally stop it (as a bad restore or a manual edit could).
    if backend() == "postgres" {
        app.sql("ALTER TABLE nationality_claims DROP CONSTRAINT nationality_claims_status_check");
    }
    let mut conn = app.conn();
    let c: &mut homeward::db::DbConnection = &mut conn;
    if backend() != "postgres" {
        diesel::connection::SimpleConnection::batch_execute(c, "PRAGMA ignore_check_constraints = ON").expect("pragma");
    }
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!("UPDATE nationality_claims SET status = 'maybe' WHERE person_id = '{pid}'")),
        c,
    )
    .expect("corrupt");
    drop(conn);
    let res = app.get(&format!("/api/v1/persons/{pid}"), &s).await;
    assert_error(res, 500, "internal_error").await;
}
