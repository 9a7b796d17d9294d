//! The duplicate review list and merges on both databases: a job builds the organisation's list
//! of likely and possible pairs; "not the same person" is remembered by the list, the person's
//! duplicates and the next build; a merge moves names, claims, custody, kinship and cases to the
//! kept person, keeps what cannot move apart, and an undo puts everything back; stale versions,
//! open cases to one country and other organisations are refused.

use crate::helpers::*;
use homeward::db::repo::backlog_facts;
use homeward::domain::role::Role;
use homeward::services::organisations::operator_scope;
use serde_json::{json, Value};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

async fn family(app: &TestApp, s: &Session, body: Value) -> Value {
    let res = app.post("/api/v1/families", s, body).await;
    assert_eq!(res.status(), 201);
    json(res).await
}

fn person(given: &str, family: &str, year: i32, extra: Value) -> Value {
    let mut p = json!({"given_name": given, "family_name": family, "sex": "female", "birth": {"year": year}});
    if let (Some(p), Some(extra)) = (p.as_object_mut(), extra.as_object()) {
        p.extend(extra.clone());
    }
    p
}

async fn review(app: &TestApp, s: &Session) -> Value {
    let res = app.post("/api/v1/duplicates/review", s, json!({})).await;
    assert_eq!(res.status(), 202);
    app.jobs_done().await;
    json(app.get("/api/v1/duplicates/review", s).await).await
}

fn pairs_of(list: &Value) -> Vec<(String, String)> {
    list["pairs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| (p["a"]["id"].as_str().unwrap_or("").to_string(), p["b"]["id"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn same_pair(pair: &(String, String), x: &str, y: &str) -> bool {
    (pair.0 == x && pair.1 == y) || (pair.0 == y && pair.1 == x)
}

#[actix_web::test]
async fn the_review_list_is_built_by_a_job_and_not_the_same_person_is_remembered() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let a = family(
        &app,
        &s,
        json!({"label": "Family A (fictional)", "members": [person("Aisha", "Mahmoud", 1990, json!({}))]}),
    )
    .await;
    let b = family(
        &app,
        &s,
        json!({"label": "Family B (fictional)", "members": [person("عائشة", "محمود", 1990, json!({}))]}),
    )
    .await;
    let c = family(
        &app,
        &s,
        json!({"label": "Family C (fictional)", "members": [person("Layla", "Saleh", 1985, json!({}))]}),
    )
    .await;
    let (aisha, aysha, layla) = (id(&a["members"][0]), id(&b["members"][0]), id(&c["members"][0]));

    let list = review(&app, &s).await;
    let pairs = pairs_of(&list);
    assert_eq!(pairs.len(), 1, "{list}");
    assert!(same_pair(&pairs[0], &aisha, &aysha));
    assert!(!pairs.iter().any(|p| p.0 == layla || p.1 == layla));
    assert_eq!(list["total"], 1);
    assert_eq!(list["job"]["status"], "done");
    assert_eq!(list["pairs"][0]["band"], "likely");
    assert!(list["pairs"][0]["reasons"].as_array().is_some_and(|r| !r.is_empty()));

    let cmp = json(app.get(&format!("/api/v1/duplicates/compare?a={aisha}&b={aysha}"), &s).await).await;
    assert_eq!(cmp["a"]["given_name"], "Aisha");
    assert_eq!(cmp["b"]["given_name"], "عائشة");
    assert_eq!(cmp["status"], "open");

    let res = app.post("/api/v1/duplicates/distinct", &s, json!({"a": aysha, "b": aisha})).await;
    assert_eq!(res.status(), 204);
    assert_eq!(pairs_of(&json(app.get("/api/v1/duplicates/review", &s).await).await).len(), 0);
    let dups = json(app.get(&format!("/api/v1/persons/{aisha}/duplicates"), &s).await).await;
    assert_eq!(dups, json!([]), "not proposed on the person's page either");
    // Built again, the decided pair stays decided.
    assert_eq!(pairs_of(&review(&app, &s).await).len(), 0);
    let distinct = json(app.get("/api/v1/duplicates/review?status=distinct", &s).await).await;
    assert_eq!(pairs_of(&distinct).len(), 1);
    assert!(app.audit_actions().iter().any(|(_, action, _)| action == "duplicates.distinct"));

    // Bad input and another organisation.
    assert_error(app.get("/api/v1/duplicates/review?status=maybe", &s).await, 422, "validation_failed").await;
    assert_error(
        app.get(&format!("/api/v1/duplicates/compare?a={aisha}&b={aisha}"), &s).await,
        422,
        "validation_failed",
    )
    .await;
    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_error(app.get(&format!("/api/v1/duplicates/compare?a={aisha}&b={aysha}"), &other).await, 404, "not_found")
        .await;
    assert_error(
        app.post("/api/v1/duplicates/distinct", &other, json!({"a": aisha, "b": layla})).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(pairs_of(&review(&app, &other).await).len(), 0, "another organisation's list is its own");
}

fn prepared_counts_agree(app: &TestApp) -> bool {
    let mut conn = app.conn();
    let (_, scope) = operator_scope(&mut conn, &app.cli_ctx(), "Org A").expect("scope");
    backlog_facts::consistent(&mut conn, &scope).expect("reading the prepared counts")
}

fn names_of(p: &Value) -> Vec<String> {
    p["other_names"].as_array().into_iter().flatten().filter_map(|n| n["name"].as_str().map(String::from)).collect()
}

fn countries_of(p: &Value) -> Vec<String> {
    let mut c: Vec<String> = p["nationalities"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["country_code"].as_str().map(String::from))
        .collect();
    c.sort();
    c
}

#[actix_web::test]
async fn a_merge_moves_everything_to_the_kept_person_and_an_undo_puts_it_back() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let roj = app.facility("Roj");
    let fr = json!([{"country": "FR", "status": "claimed", "basis": "birth"}]);
    let kept_family = family(
        &app,
        &s,
        json!({"label": "Family of Mariam Haddad (fictional)", "members": [
        person("Mariam", "Haddad", 1991, json!({"nationalities": fr}))]}),
    )
    .await;
    let other_family = family(&app, &s, json!({"label": "Family of Maryam Hadad (fictional)", "members": [
        person("Maryam", "Hadad", 1991, json!({
            "other_names": [{"kind": "other_script", "name": "مريم حداد"}],
            "nationalities": [{"country": "FR", "status": "verified", "basis": "birth"}, {"country": "BE", "status": "claimed", "basis": "marriage"}],
            "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019, "month": 3}}]})),
        {"given_name": "Yusuf", "family_name": "Hadad", "sex": "male", "birth": {"year": 2016},
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019, "month": 3}}]}],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}]})).await;
    let kept = id(&kept_family["members"][0]);
    let gone = id(&other_family["members"][0]);
    let yusuf = id(&other_family["members"][1]);
    let res = app
        .post(
            "/api/v1/cases",
            &s,
            json!({"family_id": id(&other_family), "destination": "BE", "members": [gone.clone(), yusuf.clone()]}),
        )
        .await;
    assert_eq!(res.status(), 201, "a case to Belgium for the merged person and her son");
    let case = json(res).await;
    assert!(prepared_counts_agree(&app));
    let before_kept = json(app.get(&format!("/api/v1/persons/{kept}"), &s).await).await;
    let before_gone = json(app.get(&format!("/api/v1/persons/{gone}"), &s).await).await;

    // A stale version is refused and changes nothing.
    let stale = json!({"merged_id": gone, "kept_version": 99, "merged_version": before_gone["version"]});
    assert_error(app.post(&format!("/api/v1/persons/{kept}/merge"), &s, stale).await, 409, "conflict").await;
    assert_error(
        app.post(
            &format!("/api/v1/persons/{kept}/merge"),
            &s,
            json!({"merged_id": kept, "kept_version": 1, "merged_version": 1}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    let body =
        json!({"merged_id": gone, "kept_version": before_kept["version"], "merged_version": before_gone["version"]});
    assert_error(app.post(&format!("/api/v1/persons/{kept}/merge"), &other, body.clone()).await, 404, "not_found")
        .await;
    assert_eq!(app.count(&format!("persons WHERE id = '{gone}'")), 1);

    let res = app.post(&format!("/api/v1/persons/{kept}/merge"), &s, body).await;
    assert_eq!(res.status(), 201);
    let merge = json(res).await;
    assert!(merge["kept_apart"].to_string().contains("FR"), "the second FR claim is kept apart: {merge}");
    assert_error(app.get(&format!("/api/v1/persons/{gone}"), &s).await, 404, "not_found").await;
    let after = json(app.get(&format!("/api/v1/persons/{kept}"), &s).await).await;
    let names = names_of(&after);
    assert!(names.contains(&"مريم حداد".to_string()) && names.contains(&"Maryam Hadad".to_string()), "{names:?}");
    assert_eq!(countries_of(&after), vec!["BE", "FR"]);
    assert_eq!(after["whereabouts"]["facility_name"], "Roj", "{}", after["whereabouts"]);
    assert!(after["relatives"].to_string().contains(&yusuf), "her son is now the kept person's");
    let case_now = json(app.get(&format!("/api/v1/cases/{}", id(&case)), &s).await).await;
    assert!(
        case_now.to_string().contains(&kept) && !case_now.to_string().contains(&gone),
        "the case names the kept person"
    );
    assert!(prepared_counts_agree(&app), "the backlog's counts follow the merge");
    let merges = json(app.get(&format!("/api/v1/persons/{kept}/merges"), &s).await).await;
    assert_eq!(merges.as_array().map(Vec::len), Some(1));
    let all = json(app.get("/api/v1/merges", &s).await).await;
    assert_eq!((all[0]["id"].clone(), all[0]["kept_name"].as_str()), (merge["id"].clone(), Some("Mariam Haddad")));
    assert_eq!(json(app.get("/api/v1/merges", &other).await).await, json!([]), "another organisation's are its own");
    let history = json(app.get(&format!("/api/v1/persons/{kept}/history"), &s).await).await;
    assert!(history.to_string().contains("merged"), "{history}");
    assert!(
        app.count(&format!("record_changes WHERE entity_id = '{gone}'")) > 0,
        "the merged person's history is kept"
    );
    assert!(app.audit_actions().iter().any(|(_, action, _)| action == "person.merge"));

    let res = app.post(&format!("/api/v1/merges/{}/undo", id(&merge)), &s, json!({})).await;
    assert_eq!(res.status(), 200);
    let back = json(app.get(&format!("/api/v1/persons/{gone}"), &s).await).await;
    assert_eq!(countries_of(&back), vec!["BE", "FR"]);
    assert!(back["nationalities"].to_string().contains("verified"), "her own verified claim is back");
    assert_eq!(names_of(&back), vec!["مريم حداد".to_string()]);
    assert!(back["relatives"].to_string().contains(&yusuf));
    let kept_now = json(app.get(&format!("/api/v1/persons/{kept}"), &s).await).await;
    assert_eq!(countries_of(&kept_now), vec!["FR"]);
    assert!(names_of(&kept_now).is_empty(), "{:?}", names_of(&kept_now));
    assert!(!kept_now["relatives"].to_string().contains(&yusuf));
    let case_now = json(app.get(&format!("/api/v1/cases/{}", id(&case)), &s).await).await;
    assert!(case_now.to_string().contains(&gone) && !case_now.to_string().contains(&kept));
    assert!(prepared_counts_agree(&app), "and the undo");
    assert_error(app.post(&format!("/api/v1/merges/{}/undo", id(&merge)), &s, json!({})).await, 409, "conflict").await;
    assert!(app.audit_actions().iter().any(|(_, action, _)| action == "person.merge.undo"));
}

#[actix_web::test]
async fn two_open_cases_to_one_country_are_not_merged() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let be = json!([{"country": "BE", "status": "verified", "basis": "birth"}]);
    let f1 = family(
        &app,
        &s,
        json!({"label": "F1 (fictional)", "members": [person("Sara", "Idrissi", 1993, json!({"nationalities": be}))]}),
    )
    .await;
    let f2 = family(
        &app,
        &s,
        json!({"label": "F2 (fictional)", "members": [person("Sarah", "Idrisi", 1993, json!({"nationalities": be}))]}),
    )
    .await;
    let (x, y) = (id(&f1["members"][0]), id(&f2["members"][0]));
    for (f, p) in [(&f1, &x), (&f2, &y)] {
        let res = app.post("/api/v1/cases", &s, json!({"family_id": id(f), "destination": "BE", "members": [p]})).await;
        assert_eq!(res.status(), 201);
    }
    let body = json!({"merged_id": y, "kept_version": f1["members"][0]["version"], "merged_version": f2["members"][0]["version"]});
    let err = assert_error(app.post(&format!("/api/v1/persons/{x}/merge"), &s, body).await, 409, "conflict").await;
    assert!(err.to_string().contains("open cases"), "{err}");
    assert_eq!(app.count(&format!("persons WHERE id = '{y}'")), 1, "nothing changed");
    assert_eq!(app.count("merges"), 0);
}

#[actix_web::test]
async fn an_undo_survives_what_was_recorded_since_and_not_the_same_person_carries_over() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let be = json!([{"country": "BE", "status": "claimed", "basis": "birth"}]);
    let kept_family = family(
        &app,
        &s,
        json!({"label": "Family of Hind Saleh (fictional)", "members": [
        person("Hind", "Saleh", 1994, json!({}))]}),
    )
    .await;
    let other_family = family(
        &app,
        &s,
        json!({"label": "Family of Hend Salih (fictional)", "members": [
        person("Hend", "Salih", 1994, json!({"nationalities": be, "place_of_birth": "Liège"}))]}),
    )
    .await;
    let namesake = family(
        &app,
        &s,
        json!({"label": "Family of Hind Saleh the elder (fictional)", "members": [
        person("Hind", "Saleh", 1995, json!({}))]}),
    )
    .await;
    let (kept, gone, zahra) =
        (id(&kept_family["members"][0]), id(&other_family["members"][0]), id(&namesake["members"][0]));
    // Someone decided the merged person is not the namesake.
    assert_eq!(app.post("/api/v1/duplicates/distinct", &s, json!({"a": gone, "b": zahra})).await.status(), 204);
    let res = app
        .post(
            "/api/v1/cases",
            &s,
            json!({"family_id": id(&other_family), "destination": "BE", "members": [gone.clone()]}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let case = json(res).await;

    let body = json!({"merged_id": gone, "kept_version": kept_family["members"][0]["version"], "merged_version": other_family["members"][0]["version"]});
    let res = app.post(&format!("/api/v1/persons/{kept}/merge"), &s, body.clone()).await;
    assert_eq!(res.status(), 201);
    let merge = json(res).await;
    assert!(
        merge["kept_apart"].to_string().contains("place of birth Liège"),
        "the merged person's own facts are listed: {merge}"
    );
    // A second merge of the same person, as another user would send it: nothing to merge.
    let again = app.post(&format!("/api/v1/persons/{zahra}/merge"), &s, json!({"merged_id": gone, "kept_version": namesake["members"][0]["version"], "merged_version": other_family["members"][0]["version"]})).await;
    assert!(matches!(again.status().as_u16(), 404 | 409), "{}", again.status());
    let kept_now = json(app.get(&format!("/api/v1/persons/{kept}"), &s).await).await;
    assert_eq!(
        kept_now["version"],
        kept_family["members"][0]["version"].as_i64().unwrap_or(0) + 1,
        "the merge changed the kept record"
    );
    // The decision about the namesake holds for the kept person now.
    let dups = json(app.get(&format!("/api/v1/persons/{kept}/duplicates"), &s).await).await;
    assert!(!dups.to_string().contains(&zahra), "the namesake is not proposed again: {dups}");

    // A consent recorded for the kept person in the case the merged person brought.
    let consent = json!({"person_id": kept, "given_by": "person", "given_on": today().to_string(), "to_case": true, "to_sharing": true});
    assert_eq!(app.post(&format!("/api/v1/cases/{}/consents", id(&case)), &s, consent).await.status(), 201);

    let res = app.post(&format!("/api/v1/merges/{}/undo", id(&merge)), &s, json!({})).await;
    assert_eq!(res.status(), 200, "the consent recorded since goes back with the member");
    let case_now = json(app.get(&format!("/api/v1/cases/{}", id(&case)), &s).await).await;
    assert!(case_now.to_string().contains(&gone) && !case_now.to_string().contains(&kept), "{case_now}");
    assert_eq!(app.count(&format!("case_consents WHERE person_id = '{gone}'")), 1);
    // The carried-over decision goes with the undo; the merged person's own stays.
    assert_eq!(
        app.count(&format!(
            "duplicate_pairs WHERE status = 'distinct' AND (person_a = '{kept}' OR person_b = '{kept}')"
        )),
        0
    );
    assert_eq!(
        app.count(&format!(
            "duplicate_pairs WHERE status = 'distinct' AND (person_a = '{gone}' OR person_b = '{gone}')"
        )),
        1
    );
}

#[actix_web::test]
async fn an_organisations_jobs_are_its_own() {
    // The runner polls once a day here, so the first build is still queued when the second
    // request comes (with the usual 50 ms it could finish in between and a new one be queued).
    let app = spawn_app_with(|s| s.job_poll_millis = 86_400_000).await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let (_, other) = app.signed_in(Role::Coordinator, "Org B").await;
    let job = json(app.post("/api/v1/duplicates/review", &s, json!({})).await).await;
    let again = json(app.post("/api/v1/duplicates/review", &s, json!({})).await).await;
    assert_eq!(again["id"], job["id"], "a second request joins the first");
    let mine = json(app.get("/api/v1/jobs", &s).await).await;
    assert!(mine.to_string().contains(job["id"].as_str().unwrap_or("-")));
    let theirs = json(app.get("/api/v1/jobs", &other).await).await;
    assert!(!theirs.to_string().contains(job["id"].as_str().unwrap_or("-")), "{theirs}");
    let path = format!("/api/v1/jobs/{}", job["id"].as_str().unwrap_or_default());
    assert_eq!(app.get(&path, &s).await.status(), 200);
    assert_error(app.get(&path, &other).await, 404, "not_found").await;
}
