//! The registry: logging families as they really are, and finding them again.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};

/// A mother (year-only birth, Arabic other name, French claim, al-Hol then Roj) and two
/// children (one born in al-Hol with an estimated year), linked as parent and children.
pub fn intake_body(app: &TestApp, family_name: &str) -> Value {
    json!({
        "label": format!("Family of Amira {family_name} (fictional)"),
        "members": [
            {"given_name": "Amira", "family_name": family_name, "sex": "female", "birth": {"year": 1994},
             "place_of_birth": "Lyon, France", "left_home": {"year": 2014, "month": 9}, "wish": "go_home",
             "wish_recorded_on": "2025-10-02",
             "other_names": [{"kind": "other_script", "name": "أميرة"}, {"kind": "kunya", "name": "Umm Yusuf"}],
             "nationalities": [{"country": "FR", "status": "verified", "basis": "birth", "source": "passport copy (fictional)"}],
             "custody": [{"kind": "admitted", "facility_id": app.facility("al-Hol"), "date": {"year": 2019, "month": 3}},
                         {"kind": "transferred", "facility_id": app.facility("Roj"), "date": {"year": 2021, "month": 6, "day": 2}}]},
            {"given_name": "Yusuf", "family_name": family_name, "sex": "male", "birth": {"year": 2015, "month": 4},
             "nationalities": [{"country": "FR", "status": "claimed", "basis": "descent"}],
             "custody": [{"kind": "admitted", "facility_id": app.facility("al-Hol"), "date": {"year": 2019, "month": 3}}]},
            {"given_name": "Maryam", "family_name": family_name, "sex": "female", "birth": {"year": 2019, "margin_years": 1},
             "place_of_birth": "al-Hol camp, Syria", "orphan": false, "medical_need": true}
        ],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}, {"person": 0, "kind": "parent_of", "relative": 2}]
    })
}

async fn create_family(app: &TestApp, s: &Session, body: Value) -> Value {
    let res = app.post("/api/v1/families", s, body).await;
    assert_eq!(res.status(), 201, "intake");
    json(res).await
}

fn member<'a>(family: &'a Value, given: &str) -> &'a Value {
    family["members"].as_array().and_then(|m| m.iter().find(|p| p["given_name"] == given)).expect("member")
}

#[actix_web::test]
async fn an_intake_logs_a_whole_family_with_names_claims_custody_and_kinship() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = create_family(&app, &s, intake_body(&app, "Benali")).await;
    assert_eq!(family["members"].as_array().map(Vec::len), Some(3));
    let amira = member(&family, "Amira");
    assert_eq!(amira["birth_display"], "1994");
    assert_eq!(amira["whereabouts"]["status"], "held");
    assert_eq!(amira["whereabouts"]["facility_name"], "Roj");
    assert_eq!(amira["other_names"][0]["script"], "arabic");
    assert_eq!(amira["nationalities"][0]["country_name"], "France");
    assert_eq!(amira["stateless"], false);
    let relations: Vec<&str> = amira["relatives"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["relation"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(relations, ["child", "child"]);
    let maryam = member(&family, "Maryam");
    assert_eq!(maryam["birth_display"], "~2019 (±1)");
    assert_eq!(maryam["whereabouts"]["status"], "unknown");
    assert_eq!(maryam["relatives"][0]["relation"], "parent");
    assert_eq!(maryam["relatives"][0]["whereabouts"]["facility_name"], "Roj");
    // Yusuf's only claim is a disputed one: at risk, not stateless.
    let yusuf = member(&family, "Yusuf");
    assert_eq!((yusuf["stateless"].as_bool(), yusuf["at_risk_of_statelessness"].as_bool()), (Some(false), Some(true)));
    assert_eq!(yusuf["age_range"][0].as_i64().map(|a| a >= 10), Some(true));
    // Maryam has no claim at all: stateless until one is recorded.
    assert_eq!(maryam["stateless"], true);
    let actions = app.audit_actions();
    assert_eq!(actions.iter().filter(|(_, a, _)| a == "person.create").count(), 3);
    assert_eq!(actions.iter().filter(|(_, a, _)| a == "kinship.create").count(), 2);
}

#[actix_web::test]
async fn relatives_in_other_families_and_facilities_show_where_they_are_held() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = create_family(&app, &s, intake_body(&app, "Haddad")).await;
    let husband_family = create_family(&app, &s, json!({"label": "Husband of Amira Haddad (fictional)", "members": [
        {"given_name": "Karim", "family_name": "Haddad", "sex": "male", "birth": {"year": 1990},
         "custody": [{"kind": "admitted", "facility_id": app.facility("al-Shaddadi"), "date": {"year": 2019, "month": 4}}]}]})).await;
    let amira = member(&family, "Amira")["id"].as_str().unwrap_or_default().to_string();
    let karim = husband_family["members"][0]["id"].as_str().unwrap_or_default().to_string();
    let res =
        app.post("/api/v1/kinships", &s, json!({"person_id": amira, "kind": "spouse_of", "relative_id": karim})).await;
    assert_eq!(res.status(), 201);
    let person = json(res).await;
    let spouse = person["relatives"]
        .as_array()
        .and_then(|r| r.iter().find(|x| x["relation"] == "spouse"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(spouse["whereabouts"]["facility_name"], "al-Shaddadi");
    assert_eq!(spouse["family_id"], husband_family["id"]);
    // The link shows from the husband's side too.
    let karim_view = json(app.get(&format!("/api/v1/persons/{karim}"), &s).await).await;
    assert_eq!(karim_view["relatives"][0]["relation"], "spouse");
    assert_eq!(karim_view["relatives"][0]["whereabouts"]["facility_name"], "Roj");
}

#[actix_web::test]
async fn a_revoked_citizenship_is_kept_and_leaves_the_person_stateless() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = create_family(
        &app,
        &s,
        json!({"label": "Family of Sophie Carter (fictional)", "members": [
        {"given_name": "Sophie", "family_name": "Carter", "sex": "female", "birth": {"year": 1999, "month": 5},
         "nationalities": [{"country": "GB", "status": "verified", "basis": "birth"}]}]}),
    )
    .await;
    let person = &family["members"][0];
    let claim = &person["nationalities"][0];
    let path = format!("/api/v1/nationalities/{}", claim["id"].as_str().unwrap_or_default());
    // Revoking needs a decision date.
    let res = app.patch(&path, &s, json!({"country": "GB", "status": "revoked", "version": 1})).await;
    let body = assert_error(res, 422, "validation_failed").await;
    assert!(body["error"]["fields"]["decision_date"].is_array());
    let res = app
        .patch(
            &path,
            &s,
            json!({"country": "GB", "status": "revoked", "decision_date": "2019-02-19",
        "legal_note": "Deprivation order under s.40(2) BNA 1981 (fictional case)", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let after = json(res).await;
    assert_eq!((after["stateless"].as_bool(), after["at_risk_of_statelessness"].as_bool()), (Some(true), Some(true)));
    assert_eq!(after["nationalities"][0]["status"], "revoked");
    assert_eq!(after["nationalities"][0]["decision_date"], "2019-02-19");
    // A second, disputed claim: no longer stateless, still at risk.
    let id = person["id"].as_str().unwrap_or_default();
    let res = app
        .post(
            &format!("/api/v1/persons/{id}/nationalities"),
            &s,
            json!({"country": "BD", "status": "claimed", "basis": "descent"}),
        )
        .await;
    let now = json(res).await;
    assert_eq!((now["stateless"].as_bool(), now["at_risk_of_statelessness"].as_bool()), (Some(false), Some(true)));
    assert_eq!(now["nationalities"].as_array().map(Vec::len), Some(2));
    // The history tells the story.
    let history = json(app.get(&format!("/api/v1/persons/{id}/history"), &s).await).await;
    let change = history
        .as_array()
        .and_then(|h| h.iter().find(|c| c["field"] == "nationality.GB.status"))
        .cloned()
        .unwrap_or_default();
    assert_eq!((change["old_value"].as_str(), change["new_value"].as_str()), (Some("verified"), Some("revoked")));
    let stateless = json(app.get("/api/v1/persons?stateless=true", &s).await).await;
    assert_eq!(stateless["total"], 0);
    let at_risk = json(app.get("/api/v1/persons?at_risk=true", &s).await).await;
    assert_eq!(at_risk["total"], 1);
}

#[actix_web::test]
async fn whereabouts_and_facility_populations_are_derived_for_any_date() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = create_family(&app, &s, intake_body(&app, "Nasser")).await;
    let yusuf = member(&family, "Yusuf")["id"].as_str().unwrap_or_default().to_string();
    let res = app
        .post(
            &format!("/api/v1/persons/{yusuf}/custody"),
            &s,
            json!({"kind": "escaped", "date": {"year": 2026, "month": 1, "day": 22}, "note": "during the offensive"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(json(res).await["whereabouts"]["status"], "escaped");
    let past = json(app.get(&format!("/api/v1/persons/{yusuf}/whereabouts?as_of=2020-01-01"), &s).await).await;
    assert_eq!(
        (past["status"].as_str(), past["facility_id"].as_str()),
        (Some("held"), Some(app.facility("al-Hol").as_str()))
    );
    let before = json(app.get(&format!("/api/v1/persons/{yusuf}/whereabouts?as_of=2018-01-01"), &s).await).await;
    assert_eq!(before["status"], "unknown");
    let hol = app.facility("al-Hol");
    let pop_2020 = json(app.get(&format!("/api/v1/facilities/{hol}/population?as_of=2020-01-01"), &s).await).await;
    assert_eq!(pop_2020["total"], 2, "Amira and Yusuf were in al-Hol in 2020");
    assert_eq!(pop_2020["items"].as_array().map(Vec::len), Some(2));
    let pop_now = json(app.get(&format!("/api/v1/facilities/{hol}/population"), &s).await).await;
    assert_eq!(pop_now["total"], 0, "Amira moved to Roj, Yusuf escaped");
    let roj = app.facility("Roj");
    let in_roj = json(app.get(&format!("/api/v1/persons?facility_id={roj}"), &s).await).await;
    assert_eq!(in_roj["total"], 1);
}

#[actix_web::test]
async fn search_finds_names_in_any_script_ignoring_case_accents_and_diacritics() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    create_family(&app, &s, json!({"label": "Family of Zaynab al-Hāshimī (fictional)", "members": [
        {"given_name": "Zaynab", "family_name": "al-Hāshimī", "sex": "female", "birth": {"year": 1996},
         "other_names": [{"kind": "other_script", "name": "زَيْنَب الهاشمي"}, {"kind": "other_script", "name": "Зайнаб Хашими"},
                         {"kind": "kunya", "name": "Umm Ali"}]}]})).await;
    create_family(&app, &s, intake_body(&app, "Other")).await;
    for q in ["zaynab", "ZAYNAB", "hashimi", "زينب", "الهاشمي", "зайнаб", "ХАШИМИ", "umm ali"] {
        let res = json(app.get(&format!("/api/v1/families?q={}", urlencode(q)), &s).await).await;
        assert_eq!(res["total"], 1, "{q}");
        assert!(res["items"][0]["label"].as_str().is_some_and(|l| l.contains("Zaynab")), "{q}");
    }
    let none = json(app.get("/api/v1/persons?q=nobody-like-this", &s).await).await;
    assert_eq!(none["total"], 0);
    // Punctuation is folded away, so SQL wildcards never reach the query: "%" alone searches
    // for nothing and lists everyone (4 persons), "_" does not stand for any letter.
    assert_eq!(json(app.get("/api/v1/persons?q=%25", &s).await).await["total"], 4);
    assert_eq!(json(app.get("/api/v1/persons?q=zayn_b", &s).await).await["total"], 0);
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

#[actix_web::test]
async fn filters_and_pagination_narrow_the_lists_with_totals() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    for name in ["Aoun", "Bakri", "Chahine"] {
        create_family(&app, &s, intake_body(&app, name)).await;
    }
    let count = |q: &'static str| {
        let (app, s) = (&app, &s);
        async move { json(app.get(&format!("/api/v1/persons?{q}"), s).await).await["total"].as_i64().unwrap_or(-1) }
    };
    assert_eq!(count("").await, 9);
    assert_eq!(count("nationality=FR").await, 6);
    assert_eq!(count("sex=male").await, 3);
    assert_eq!(count("medical_need=true").await, 3);
    // Children: born 2015-04 (Yusuf) and ~2019±1 (Maryam); mothers born 1994.
    assert_eq!(count("age_max=17&as_of=2026-06-01").await, 6);
    assert_eq!(count("age_min=18&as_of=2026-06-01").await, 3);
    // On 2033-05-01 Yusuf is 18; Maryam (2018-2020) may be 12 to 15.
    assert_eq!(count("age_min=18&age_max=18&as_of=2033-05-01").await, 3);
    assert_eq!(count("age_min=14&age_max=14&as_of=2033-05-01").await, 3);
    assert_eq!(count("stateless=true").await, 3);
    let page = json(app.get("/api/v1/families?limit=2&offset=0", &s).await).await;
    assert_eq!((page["total"].as_i64(), page["items"].as_array().map(Vec::len)), (Some(3), Some(2)));
    assert!(page["items"][0]["label"].as_str() < page["items"][1]["label"].as_str());
    let last = json(app.get("/api/v1/families?limit=2&offset=2", &s).await).await;
    assert_eq!(last["items"].as_array().map(Vec::len), Some(1));
    let by_nationality = json(app.get("/api/v1/families?nationality=GB", &s).await).await;
    assert_eq!(by_nationality["total"], 0);
    for bad in ["limit=501", "age_min=5&age_max=3", "nationality=France", "sex=x", "as_of=tomorrow"] {
        assert_error(app.get(&format!("/api/v1/families?{bad}"), &s).await, 422, "validation_failed").await;
    }
}
