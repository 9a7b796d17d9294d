//! Duplicates on both databases: the blocking keys follow every write (an intake, a rename, a
//! new name), a rebuild after the rules change files everyone again as a background job, and
//! the intake's search before it creates finds a person across scripts, in the organisation
//! only, with field messages for a probe that cannot be read.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};

fn one(given: &str, family: &str, birth: Value) -> Value {
    json!({"label": format!("Family of {given} {family} (fictional)"), "members": [
        {"given_name": given, "family_name": family, "sex": "female", "birth": birth}]})
}

async fn log(app: &TestApp, s: &Session, given: &str, family: &str, birth: Value) -> (String, i64) {
    let family = json(app.post("/api/v1/families", s, one(given, family, birth)).await).await;
    let m = &family["members"][0];
    (m["id"].as_str().unwrap_or_default().to_string(), m["version"].as_i64().unwrap_or(1))
}

async fn found(app: &TestApp, s: &Session, id: &str) -> Vec<String> {
    let list = json(app.get(&format!("/api/v1/persons/{id}/duplicates"), s).await).await;
    list.as_array().into_iter().flatten().filter_map(|d| d["person_id"].as_str().map(String::from)).collect()
}

#[actix_web::test]
async fn the_duplicate_keys_follow_renames_and_new_names_and_a_rebuild_files_everyone_again() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (aisha, _) = log(&app, &s, "Aisha", "Makhmudova", json!({"year": 1990})).await;
    let (fatima, version) = log(&app, &s, "Fatima", "Hassan", json!({"year": 1990})).await;
    let (nur, _) = log(&app, &s, "Nur", "Qassem", json!({"year": 1990})).await;
    assert!(found(&app, &s, &aisha).await.is_empty(), "no duplicate yet");
    assert!(app.count(&format!("match_keys WHERE person_id = '{aisha}'")) > 0, "filed at intake");

    // A rename files the person under the new name's keys, and no longer under the old.
    let res = app
        .patch(
            &format!("/api/v1/persons/{fatima}"),
            &s,
            json!({"given_name": "عائشة", "family_name": "محمود", "version": version}),
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(found(&app, &s, &aisha).await, vec![fatima.clone()], "the renamed record is a duplicate now");
    // Another name, in another script, is a key too.
    let res =
        app.post(&format!("/api/v1/persons/{nur}/names"), &s, json!({"name": "Айша Махмудова", "kind": "alias"})).await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(found(&app, &s, &aisha).await.contains(&nur), "found through the alias");

    // Keys filed by older rules are filed again by a background job at start-up.
    let before = app.count("match_keys");
    app.sql("DELETE FROM match_keys");
    app.sql("UPDATE match_key_versions SET version = 'keys-0:old'");
    assert!(found(&app, &s, &aisha).await.is_empty(), "no keys, no candidates");
    let second = app.second_server().await;
    // The server queues the job as its job runner starts.
    for _ in 0..200 {
        if app.count("jobs WHERE kind = 'rebuild_match_keys'") > 0 {
            break;
        }
        actix_rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    second.jobs_done().await;
    assert_eq!(app.count("jobs WHERE kind = 'rebuild_match_keys' AND status = 'done'"), 1);
    assert_eq!(app.count("match_keys"), before, "the same keys again");
    assert_eq!(app.count("match_key_versions WHERE version = 'keys-0:old'"), 0);
    assert_eq!(found(&app, &s, &aisha).await.len(), 2);
}

#[actix_web::test]
async fn the_intake_asks_before_it_creates_across_scripts_and_in_the_organisation_only() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (aisha, _) = log(&app, &s, "Aisha", "Makhmudova", json!({"year": 1990, "month": 3})).await;
    log(&app, &s, "Aisha", "Makhmudova", json!({"year": 1962})).await;
    let probe = json!({"given_name": "عائشة", "family_name": "محمود", "sex": "female", "birth": {"year": 1990}});
    let list = json(app.post("/api/v1/duplicates", &s, probe.clone()).await).await;
    let list = list.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "not the namesake born 28 years earlier: {list:?}");
    assert_eq!(list[0]["person_id"], aisha.as_str());
    assert_eq!(list[0]["band"], "likely");
    assert!(list[0]["family_id"].is_string() && list[0]["logged_at"].is_string(), "{}", list[0]);

    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    let elsewhere = json(app.post("/api/v1/duplicates", &other, probe).await).await;
    assert_eq!(elsewhere, json!([]), "another organisation's persons are never proposed");

    let bad =
        json!({"given_name": "", "family_name": " ", "birth": {"year": 1990, "month": 13}, "nationalities": ["R1"]});
    let body = assert_error(app.post("/api/v1/duplicates", &s, bad).await, 422, "validation_failed").await;
    let text = body.to_string();
    for field in ["given_name", "birth", "nationalities[0]"] {
        assert!(text.contains(field), "{field} in {text}");
    }
}
