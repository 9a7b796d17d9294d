//! Name search reads an index (SQLite FTS5 trigrams, PostgreSQL pg_trgm) that follows every
//! change of a person's names: three letters or more match anywhere in any name, one or two
//! letters match the start of a word.

use crate::helpers::*;
use crate::registry::urlencode;
use homeward::domain::role::Role;
use serde_json::{json, Value};

async fn total(app: &TestApp, s: &Session, q: &str) -> i64 {
    let res = app.get(&format!("/api/v1/persons?q={}", urlencode(q)), s).await;
    assert_eq!(res.status(), 200, "{q}");
    json(res).await["total"].as_i64().expect("total")
}

fn family(given: &str, family: &str, other: &str) -> Value {
    json!({"label": format!("Family of {given} {family} (fictional)"), "members": [
        {"given_name": given, "family_name": family, "sex": "female", "birth": {"year": 1990},
         "other_names": [{"kind": "other_script", "name": other}]}]})
}

#[actix_web::test]
async fn short_queries_match_word_starts_and_longer_ones_match_anywhere() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    for body in [family("Salima", "al-Qadi", "سليمة القاضي"), family("Khalida", "Nasser", "Халида Насер")]
    {
        assert_eq!(app.post("/api/v1/families", &s, body).await.status(), 201);
    }
    // "al" starts "al-Qadi" (a word of its own after folding), not the "al" inside "Salima"
    // or "Khalida".
    assert_eq!(total(&app, &s, "al").await, 1);
    assert_eq!(total(&app, &s, "Sa").await, 1);
    assert_eq!(total(&app, &s, "s").await, 1, "one letter: a word start too");
    assert_eq!(total(&app, &s, "ali").await, 2, "Salima and Khalida");
    assert_eq!(total(&app, &s, "qadi").await, 1);
    assert_eq!(total(&app, &s, "سليم").await, 1);
    assert_eq!(total(&app, &s, "насер").await, 1);
    assert_eq!(total(&app, &s, "lida nas").await, 1, "across the space between two names");
    assert_eq!(total(&app, &s, "zzz").await, 0);
}

#[actix_web::test]
async fn the_search_index_follows_renames_and_new_names_and_stays_in_the_organisation() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    let res = app.post("/api/v1/families", &s, family("Rukhsana", "Bello", "رخسانة")).await;
    let created = json(res).await;
    let id = created["members"][0]["id"].as_str().expect("id").to_string();
    assert_eq!(total(&app, &s, "rukhsana").await, 1);
    assert_eq!(total(&app, &other, "rukhsana").await, 0, "another organisation's persons are not found");

    let version = created["members"][0]["version"].clone();
    let res =
        app.patch(&format!("/api/v1/persons/{id}"), &s, json!({"given_name": "Roxana", "version": version})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(total(&app, &s, "rukhsana").await, 0, "the old name is gone from the index");
    assert_eq!(total(&app, &s, "roxana").await, 1);
    assert_eq!(total(&app, &s, "رخسانة").await, 1, "other names stay");

    let res = app.post(&format!("/api/v1/persons/{id}/names"), &s, json!({"kind": "alias", "name": "Umm Idris"})).await;
    assert_eq!(res.status(), 201);
    assert_eq!(total(&app, &s, "idris").await, 1, "a new name is found at once");
    assert_eq!(total(&app, &s, "um").await, 1);
}

#[actix_web::test]
async fn a_name_the_dictionary_knows_is_found_in_every_spelling_and_script() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let plain = |given: &str, family: &str| {
        json!({"label": format!("Family of {given} {family} (fictional)"), "members": [
            {"given_name": given, "family_name": family, "sex": "female", "birth": {"year": 1990}}]})
    };
    for (given, family) in [
        ("Khadija", "Benali"),
        ("Khadidja", "Haddad"),
        ("Хадиджа", "Петрова"),
        ("خديجة", "حداد"),
        ("Khalida", "Nasser"),
    ] {
        assert_eq!(app.post("/api/v1/families", &s, plain(given, family)).await.status(), 201);
    }
    for q in ["khadija", "Khadidja", "Хадиджа", "خديجة", "Hatice"] {
        assert_eq!(total(&app, &s, q).await, 4, "{q} finds the four Khadijas, not Khalida");
    }
    // A name the dictionary does not know is searched as written.
    assert_eq!(total(&app, &s, "Khalida").await, 1);
    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_eq!(total(&app, &other, "khadija").await, 0, "still one organisation's");
}

#[actix_web::test]
async fn a_search_lists_the_best_matches_first_in_persons_and_families() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let plain = |given: &str, family: &str| {
        json!({"label": format!("{family} family (fictional)"), "members": [
            {"given_name": given, "family_name": family, "sex": "female", "birth": {"year": 1990}}]})
    };
    // In name order: Abbas (a longer name that starts with the search), Haddad (another
    // script), Mansour (another spelling), Zaid (the name as typed).
    for (given, family) in [("Khadijatou", "Abbas"), ("خديجة", "Haddad"), ("Khadidja", "Mansour"), ("Khadija", "Zaid")]
    {
        assert_eq!(app.post("/api/v1/families", &s, plain(given, family)).await.status(), 201);
    }
    let names = |v: &Value, field: &str| -> Vec<String> {
        v["items"].as_array().into_iter().flatten().filter_map(|p| p[field].as_str().map(String::from)).collect()
    };
    let persons = json(app.get("/api/v1/persons?q=khadija", &s).await).await;
    let order = names(&persons, "family_name");
    assert_eq!(order.len(), 4, "{persons}");
    assert_eq!(order[0], "Zaid", "the name as typed first: {order:?}");
    assert_eq!(order[3], "Abbas", "a longer name that only starts with it last: {order:?}");
    let families = json(app.get("/api/v1/families?q=khadija", &s).await).await;
    let order = names(&families, "label");
    assert_eq!(order.first().map(String::as_str), Some("Zaid family (fictional)"), "{order:?}");
    assert_eq!(order.last().map(String::as_str), Some("Abbas family (fictional)"), "{order:?}");
    // Without a search, name order.
    let all = json(app.get("/api/v1/persons", &s).await).await;
    assert_eq!(names(&all, "family_name").first().map(String::as_str), Some("Abbas"));
}

#[actix_web::test]
async fn a_persons_duplicates_are_found_across_scripts_with_their_reasons_and_stay_in_the_organisation() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let one = |given: &str, family: &str, birth: Value| {
        json!({"label": format!("Family of {given} {family} (fictional)"), "members": [
            {"given_name": given, "family_name": family, "sex": "female", "birth": birth}]})
    };
    let mut ids = Vec::new();
    for (given, family, birth) in [
        ("Aisha", "Makhmudova", json!({"year": 1990, "month": 3, "day": 14})),
        ("عائشة", "محمود", json!({"year": 1990})),
        ("Ayşe", "Mahmud", json!({"year": 1991})),
        ("Fatima", "Hassan", json!({"year": 1990})),
        ("Aisha", "Makhmudova", json!({"year": 1968})),
    ] {
        let family = json(app.post("/api/v1/families", &s, one(given, family, birth)).await).await;
        ids.push(family["members"][0]["id"].as_str().unwrap_or_default().to_string());
    }
    let found = json(app.get(&format!("/api/v1/persons/{}/duplicates", ids[0]), &s).await).await;
    let list = found.as_array().cloned().unwrap_or_default();
    let of = |id: &str| list.iter().find(|d| d["person_id"] == id).cloned();
    let arabic = of(&ids[1]).expect("the Arabic record is found");
    assert_eq!(arabic["band"], "likely", "{arabic}");
    let texts: Vec<&str> =
        arabic["reasons"].as_array().into_iter().flatten().filter_map(|r| r["text"].as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("عائشة") && t.contains("Aisha")), "{texts:?}");
    assert!(of(&ids[2]).is_some_and(|d| d["band"] == "likely"), "Ayşe Mahmud, a year off: {found}");
    assert!(of(&ids[3]).is_none() && of(&ids[4]).is_none(), "not Fatima, not a namesake 22 years older: {found}");
    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_error(app.get(&format!("/api/v1/persons/{}/duplicates", ids[0]), &other).await, 404, "not_found").await;
}

#[actix_web::test]
async fn a_family_search_follows_a_person_into_another_family() {
    // The family search groups matches by the family kept beside each search key
    // (`person_derived.family_id`); a trigger keeps it when `persons.family_id` changes by any
    // path, even one that bypasses the services.
    use diesel::RunQueryDsl;
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let mut ids = Vec::new();
    for body in [family("Zumrad", "Tashkentova", "Зумрад"), family("Olim", "Karimov", "Олим")] {
        let res = app.post("/api/v1/families", &s, body).await;
        assert_eq!(res.status(), 201);
        let v = json(res).await;
        ids.push((
            v["id"].as_str().expect("id").to_string(),
            v["members"][0]["id"].as_str().expect("member").to_string(),
        ));
    }
    let labels = |v: Value| -> Vec<String> {
        v["items"].as_array().into_iter().flatten().filter_map(|f| f["label"].as_str().map(String::from)).collect()
    };
    let found = labels(json(app.get("/api/v1/families?q=zumrad", &s).await).await);
    assert_eq!(found, vec!["Family of Zumrad Tashkentova (fictional)".to_string()]);
    let mut conn = app.conn();
    let c: &mut homeward::db::DbConnection = &mut conn;
    let moved = diesel::sql_query(format!("UPDATE persons SET family_id = '{}' WHERE id = '{}'", ids[1].0, ids[0].1))
        .execute(c)
        .expect("move");
    assert_eq!(moved, 1);
    let found = labels(json(app.get("/api/v1/families?q=zumrad", &s).await).await);
    assert_eq!(found, vec!["Family of Olim Karimov (fictional)".to_string()], "the family she is in now");
}
