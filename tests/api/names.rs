//! The dictionary of name variants, extended by admins, on both databases: an added name joins
//! its spellings for search at once, files everyone's duplicate keys again in a background job,
//! reaches a server that did not make the change, and its removal undoes all that; only
//! admins may change it, and a spelling another name already has is refused.
//!
//! The servers of all tests share one process and so one installed dictionary: the tests that
//! add a name take turns (`ONE_AT_A_TIME`), add only names no other test uses (Zubayda,
//! Zumurruda) and remove them before they end.

use crate::helpers::*;
use homeward::domain::role::Role;
use reqwest::Method;
use serde_json::{json, Value};

/// The tests that install a name, one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn log_person(app: &TestApp, s: &Session, given: &str, family: &str) {
    let body = json!({"label": format!("Family of {given} {family} (fictional)"), "members": [
        {"given_name": given, "family_name": family, "sex": "female", "birth": {"year": 1990}}]});
    assert_eq!(app.post("/api/v1/families", s, body).await.status(), 201);
}

/// The names of the persons a search finds, sorted.
async fn search(app: &TestApp, s: &Session, q: &str) -> Vec<String> {
    let found = json(app.get(&format!("/api/v1/persons?q={q}"), s).await).await;
    let mut names: Vec<String> = found["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            format!("{} {}", p["given_name"].as_str().unwrap_or_default(), p["family_name"].as_str().unwrap_or(""))
        })
        .collect();
    names.sort();
    names
}

fn both() -> Vec<String> {
    vec!["Zubayda Karimova".to_string(), "زبيدة حسن".to_string()]
}

fn key_version(app: &TestApp) -> String {
    app.scalar("SELECT version AS v FROM match_key_versions")
}

async fn delete(app: &TestApp, s: &Session, id: &str) -> u16 {
    app.request(Method::DELETE, &format!("/api/v1/names/{id}"), Some(s), None).await.status().as_u16()
}

/// Waits until a search through `app` finds `expected` (a server follows another's change at
/// its next poll of the job queue).
async fn until_found(app: &TestApp, s: &Session, expected: &[String]) {
    for _ in 0..200 {
        if search(app, s, "zubayda").await == expected {
            return;
        }
        actix_rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the server did not follow the change: {:?}", search(app, s, "zubayda").await);
}

#[actix_web::test]
async fn an_added_name_joins_its_spellings_for_search_and_duplicate_keys_on_every_server_until_removed() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    log_person(&app, &s, "Zubayda", "Karimova").await;
    log_person(&app, &s, "زبيدة", "حسن").await;
    app.jobs_done().await;
    assert_eq!(search(&app, &s, "zubayda").await, vec!["Zubayda Karimova"], "the scripts do not meet by themselves");
    let builtin_version = key_version(&app);

    let res = app
        .post("/api/v1/names", &admin, json!({"name": "Zubayda", "variants": ["Zubaida", "زبيدة", "Зубайда"]}))
        .await;
    assert_eq!(res.status(), 201);
    let entry = json(res).await;
    let id = entry["id"].as_str().expect("id").to_string();
    assert_eq!((entry["name"].as_str(), entry["frequency"].as_f64()), (Some("Zubayda"), Some(0.001)));
    assert_eq!(entry["variants"], json!(["Zubaida", "زبيدة", "Зубайда"]));
    assert!(entry["added_at"].is_string());
    let list = json(app.get("/api/v1/names", &admin).await).await;
    assert!(list["builtin_names"].as_u64().is_some_and(|n| n > 50), "{list}");
    assert_eq!(list["entries"].as_array().map(Vec::len), Some(1));
    assert_eq!(list["entries"][0]["id"], id.as_str());
    assert_eq!(search(&app, &s, "zubayda").await, both(), "found in every script at once");
    assert_eq!(search(&app, &s, "%D8%B2%D8%A8%D9%8A%D8%AF%D8%A9").await, both(), "and from the Arabic spelling");

    // Everyone's keys are filed again, in the background, under a new version.
    assert_eq!(app.count("jobs WHERE kind = 'rebuild_match_keys'"), 1);
    app.jobs_done().await;
    let added_version = key_version(&app);
    assert_ne!(added_version, builtin_version);
    let expected = homeward::services::registry::match_keys::current_version(&mut app.conn()).expect("version");
    assert_eq!(added_version, expected);
    assert_eq!(app.count(&format!("audit_events WHERE action = 'names.add' AND entity_id = '{id}'")), 1);

    // Removed: search and keys are as before.
    let second = app.second_server().await;
    assert_eq!(delete(&app, &admin, &id).await, 204);
    assert_eq!(delete(&app, &admin, &id).await, 404);
    assert_eq!(search(&app, &s, "zubayda").await, vec!["Zubayda Karimova"]);
    app.jobs_done().await;
    assert_eq!(app.count("jobs WHERE kind = 'rebuild_match_keys' AND status = 'done'"), 2);
    assert_eq!(key_version(&app), builtin_version);
    assert_eq!(app.count(&format!("audit_events WHERE action = 'names.remove' AND entity_id = '{id}'")), 1);

    // A change this process did not make (another server's, written straight to the
    // database): the servers' job runners notice it and install it.
    let at = test_start().format("%Y-%m-%d %H:%M:%S");
    app.sql(&format!(
        "INSERT INTO name_entries (id, name, frequency, variants, added_at) VALUES ('elsewhere', 'Zubayda', 0.001, \
         '[\"زبيدة\"]', '{at}')"
    ));
    until_found(&second, &s, &both()).await;
    assert_eq!(delete(&second, &admin, "elsewhere").await, 204);
    until_found(&second, &s, &["Zubayda Karimova".to_string()]).await;
    app.jobs_done().await;
}

#[actix_web::test]
async fn only_admins_read_and_change_the_name_variants() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_error(app.get("/api/v1/names", &s).await, 403, "forbidden").await;
    assert_error(app.post("/api/v1/names", &s, json!({"name": "Zubayda"})).await, 403, "forbidden").await;
    let res = app.request(Method::DELETE, "/api/v1/names/anything", Some(&s), None).await;
    assert_error(res, 403, "forbidden").await;
    assert_eq!(app.count("name_entries"), 0);
    assert_eq!(app.count("audit_events WHERE action LIKE 'names.%'"), 0);
}

#[actix_web::test]
async fn a_name_is_refused_with_a_message_on_each_field_and_a_spelling_of_another_name_is_refused() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let many: Vec<String> = (0..31).map(|i| format!("Zubayda{}", char::from(b'a' + (i % 26) as u8))).collect();
    let body = assert_error(
        app.post("/api/v1/names", &admin, json!({"name": " ", "variants": many, "frequency": 2})).await,
        422,
        "validation_failed",
    )
    .await;
    let fields = &body["error"]["fields"];
    for field in ["name", "variants", "frequency"] {
        assert!(fields[field].is_array(), "{field} in {body}");
    }
    let res = app
        .post(
            "/api/v1/names",
            &admin,
            json!({"name": "Zubayda", "variants": ["Zubaida", "Muhammad", ""], "frequency": 0}),
        )
        .await;
    let body = assert_error(res, 422, "validation_failed").await;
    let fields = &body["error"]["fields"];
    assert!(fields["variants[1]"][0].as_str().is_some_and(|m| m.contains("Muhammad")), "{body}");
    assert!(fields["variants[2]"].is_array() && fields["frequency"].is_array(), "{body}");
    assert!(fields["variants[0]"].is_null() && fields["name"].is_null(), "{body}");
    let res = app.post("/api/v1/names", &admin, json!({"name": "Mohamed"})).await;
    let body = assert_error(res, 422, "validation_failed").await;
    let message: &Value = &body["error"]["fields"]["name"][0];
    assert!(message.as_str().is_some_and(|m| m.contains("already a spelling of Muhammad")), "{body}");
    assert_eq!(app.count("name_entries"), 0);
    assert_error(app.request(Method::DELETE, "/api/v1/names/no-such-name", Some(&admin), None).await, 404, "not_found")
        .await;
}

#[actix_web::test]
async fn the_admin_page_lists_an_added_name_and_shows_why_one_is_refused() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (status, page) = html(&app, &admin, "/admin/names").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"name-add-form\"") && page.contains("href=\"/admin/names\""));
    assert!(page.contains("names are built in"), "the built-in count is said");

    let added = [("name", "Zumurruda"), ("variants", "Zumurrud, Zoumouroud\nزمردة"), ("frequency", "")];
    let res = form_post(&app, &admin, "/admin/names", &added).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/names?saved=added");
    let (_, page) = html(&app, &admin, "/admin/names?saved=added").await;
    assert!(page.contains("data-testid=\"saved\""));
    assert!(page.contains("data-testid=\"name-row\"") && page.contains("Zumurruda") && page.contains("زمردة"));

    let refused = [("name", "Zumurrudah"), ("variants", "Mohammed"), ("frequency", "often")];
    let res = form_post(&app, &admin, "/admin/names", &refused).await;
    assert_eq!(res.status(), 422);
    let res = form_post(&app, &admin, "/admin/names", &[("name", "Zumurrudah"), ("variants", "Mohammed")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"error-summary\""));
    assert!(page.contains("already a spelling of Zumurruda"), "the name, beside its input");
    assert!(page.contains("«Mohammed»: is already a spelling of Muhammad"), "the variant, beside the box");
    assert!(page.contains(">Mohammed</textarea>"), "what was typed stays");

    let id = app.scalar("SELECT id AS v FROM name_entries");
    let res = form_post(&app, &admin, &format!("/admin/names/{id}/remove"), &[("x", "")]).await;
    assert_eq!(location(&res), "/admin/names?saved=removed");
    let (_, page) = html(&app, &admin, "/admin/names").await;
    assert!(!page.contains("data-testid=\"name-row\""));
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(html(&app, &s, "/admin/names").await.0, 403);
    app.jobs_done().await;
}
