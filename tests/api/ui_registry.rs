//! The registry's HTML pages over real HTTP: scope, kept values on invalid input, the intake
//! form that asks before it logs someone who may be logged already, and a stale edit that
//! shows the other person's change instead of overwriting it.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;

#[actix_web::test]
async fn another_organisations_family_page_answers_404() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, b) = app.signed_in(Role::Caseworker, "Org B").await;
    let family = json(app.post("/api/v1/families", &a, intake_body(&app, "Pages")).await).await;
    let fid = family["id"].as_str().unwrap_or_default();
    let pid = family["members"][0]["id"].as_str().unwrap_or_default();
    let (status, page) = html(&app, &a, &format!("/families/{fid}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Amira") && page.contains("أميرة") && page.contains("Roj"));
    assert_eq!(html(&app, &b, &format!("/families/{fid}")).await.0, 404);
    assert_eq!(html(&app, &b, &format!("/persons/{pid}/edit")).await.0, 404);
    let (status, list) = html(&app, &b, "/families?q=amira").await;
    assert_eq!(status, 200);
    assert!(!list.contains("Pages"));
    let res = form_post(
        &app,
        &b,
        &format!("/persons/{pid}/edit"),
        &[("given_name", "X"), ("family_name", "Y"), ("version", "1")],
    )
    .await;
    assert_eq!(res.status(), 404);
    assert_eq!(json(app.get(&format!("/api/v1/persons/{pid}"), &a).await).await["given_name"], "Amira");
}

#[actix_web::test]
async fn an_invalid_intake_comes_back_with_what_was_typed_and_the_messages() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let res = form_post(
        &app,
        &s,
        "/families/new",
        &[
            ("label", "Family of Hiba Saleh (fictional)"),
            ("members[0].given_name", "Hiba"),
            ("members[0].family_name", "Saleh"),
            ("members[0].birth_year", "2091"),
            ("members[0].other_name", "هبة صالح"),
            ("members[1].given_name", "Omar"),
            ("members[1].family_name", ""),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    for kept in ["Family of Hiba Saleh (fictional)", "value=\"Hiba\"", "value=\"2091\"", "هبة صالح", "value=\"Omar\""]
    {
        assert!(page.contains(kept), "{kept} kept");
    }
    assert!(page.contains("aria-invalid=\"true\""));
    assert_eq!(app.count("families"), 0);
}

/// The intake form as a browser sends it: a label, then `(block, field, value)`.
fn intake_form(label: &str, members: &[(usize, &str, &str)]) -> Vec<(String, String)> {
    let mut fields = vec![("label".to_string(), label.to_string())];
    fields.extend(members.iter().map(|(b, f, v)| (format!("members[{b}].{f}"), v.to_string())));
    fields
}

#[actix_web::test]
async fn the_intake_form_asks_before_it_logs_a_mother_already_logged_in_another_script() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let roj = app.facility("Roj");
    let first = intake_form(
        "Family of Aisha Mahmoud (fictional)",
        &[
            (0, "given_name", "Aisha"),
            (0, "family_name", "Mahmoud"),
            (0, "sex", "female"),
            (0, "birth_year", "1990"),
            (0, "facility_id", &roj),
            (0, "admitted_year", "2019"),
        ],
    );
    let res = form_post(&app, &s, "/families/new", &first).await;
    assert_eq!(res.status(), 303, "nobody to ask about yet");
    let fid = location(&res).trim_start_matches("/families/").split('?').next().unwrap_or_default().to_string();
    let family = json(app.get(&format!("/api/v1/families/{fid}"), &s).await).await;
    let aisha = family["members"][0]["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(app.count("families"), 1);

    // The same mother again, in Arabic script, with a child nobody has logged.
    let again = intake_form(
        "Family of عائشة محمود (fictional)",
        &[
            (0, "given_name", "عائشة"),
            (0, "family_name", "محمود"),
            (0, "sex", "female"),
            (0, "birth_year", "1990"),
            (1, "given_name", "Yusuf"),
            (1, "family_name", "Haddad"),
            (1, "sex", "male"),
            (1, "birth_year", "2016"),
            (1, "child_of_first", "true"),
        ],
    );
    let res = form_post(&app, &s, "/families/new", &again).await;
    assert_eq!(res.status(), 200, "asked, not refused");
    let page = res.text().await.unwrap_or_default();
    assert_eq!(app.count("families"), 1, "nothing is written before the answer");
    assert!(page.contains("data-testid=\"intake-duplicates-summary\""));
    assert!(page.contains("data-testid=\"intake-duplicates\" data-block=\"0\""), "above the mother's block");
    assert!(!page.contains("data-block=\"1\""), "the child is nobody's duplicate");
    let sentence = format!(
        "This may be <a href=\"/persons/{aisha}\"><bdi>Aisha Mahmoud</bdi></a>, born 1990, logged on {}.",
        today()
    );
    assert!(page.contains(&sentence), "{sentence} in the notice");
    assert!(page.contains("Held in Roj now."), "and where she is held");
    assert!(page.contains(&format!("href=\"/families/{fid}\"")), "and her family");
    assert!(page.contains("data-band=\"likely\"") && page.contains("likely match"));
    assert!(page.contains("given names are variants of one name: عائشة ↔ Aisha"), "with the reasons");
    for kept in
        ["value=\"عائشة\"", "value=\"محمود\"", "value=\"Yusuf\"", "value=\"2016\"", "Family of عائشة محمود (fictional)"]
    {
        assert!(page.contains(kept), "{kept} kept");
    }
    assert!(page.contains("name=\"confirm_new\" value=\"1\""), "the button that answers");

    // Posting again unchanged asks again; the answer "none of these" logs the family.
    assert_eq!(form_post(&app, &s, "/families/new", &again).await.status(), 200);
    assert_eq!(app.count("families"), 1);
    let mut confirmed = again.clone();
    confirmed.push(("confirm_new".into(), "1".into()));
    let res = form_post(&app, &s, "/families/new", &confirmed).await;
    assert_eq!(res.status(), 303);
    assert_eq!(app.count("families"), 2);
    assert_eq!(app.count("persons WHERE given_name = 'Yusuf'"), 1);

    // Another organisation's caseworker is never told about Org A's persons.
    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_eq!(form_post(&app, &other, "/families/new", &again).await.status(), 303);
    assert_eq!(app.count("families"), 3);
}

#[actix_web::test]
async fn a_stale_edit_shows_the_other_change_instead_of_overwriting_it() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Stale")).await).await;
    let p = &family["members"][0];
    let pid = p["id"].as_str().unwrap_or_default();
    // Someone else renames her first (version 1 -> 2).
    let mut other = p.clone();
    other["given_name"] = serde_json::json!("Amirah");
    other["version"] = serde_json::json!(1);
    assert_eq!(app.patch(&format!("/api/v1/persons/{pid}"), &s, other).await.status(), 200);
    // This form was loaded at version 1.
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{pid}/edit"),
        &[
            ("given_name", "Ameera"),
            ("family_name", "Stale"),
            ("sex", "female"),
            ("birth_year", "1994"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"conflict\""));
    assert!(page.contains("value=\"Amirah\""), "the form shows the stored change");
    assert!(page.contains("Ameera"), "and what this user typed, to apply again");
    assert_eq!(json(app.get(&format!("/api/v1/persons/{pid}"), &s).await).await["given_name"], "Amirah");
}

#[actix_web::test]
async fn the_family_page_shows_each_members_outcome_and_the_separation_risk() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let roj = app.facility("Roj");
    let body = serde_json::json!({"label": "Family of Zarina Ivanova (fictional)", "members": [
        {"given_name": "Zarina", "family_name": "Ivanova", "sex": "female", "birth": {"year": 1991},
         "nationalities": [{"country": "RU", "status": "verified"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019}}]},
        {"given_name": "Ilyas", "family_name": "Ivanov", "sex": "male", "birth": {"year": 2016, "month": 7},
         "nationalities": [{"country": "RU", "status": "verified"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019}}]}],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}]});
    let family = json(app.post("/api/v1/families", &s, body).await).await;
    let (status, page) = html(&app, &s, &format!("/families/{}", family["id"].as_str().unwrap_or_default())).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"separation-risk\""));
    assert!(page.contains("data-outcome=\"eligible_with_conditions\""));
    assert!(page.contains("data-outcome=\"not_eligible\""));
    assert!(page.contains("Children under 18"), "the rule's explanation is shown");
    assert!(page.contains("Test coordinator (fictional)"), "the history names who made each change");
    let (_, aging) = html(&app, &s, "/aging-out?days=3650").await;
    assert!(aging.contains("Ilyas Ivanov"), "he will age out of the children-only policy");
}

#[actix_web::test]
async fn a_steward_retires_a_version_from_the_timeline() {
    let app = spawn_app().await;
    let (_, admin) = app.steward("Org A").await;
    let ru = json(app.get("/api/v1/policies/RU", &admin).await).await;
    let id = ru[1]["id"].as_str().unwrap_or_default().to_string();
    let (_, timeline) = html(&app, &admin, "/policies/RU").await;
    assert!(timeline.contains(&format!("/policy-versions/{id}/retire")));
    // The button leads to a confirmation; only its own button retires.
    let (status, confirm) = html(&app, &admin, &format!("/policy-versions/{id}/retire")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("data-testid=\"confirm-retire\""));
    let res =
        form_post(&app, &admin, &format!("/policy-versions/{id}/retire"), &[("version", "1"), ("confirm", "yes")])
            .await;
    assert_eq!(res.status(), 303);
    assert_eq!(json(app.get(&format!("/api/v1/policy-versions/{id}"), &admin).await).await["status"], "retired");
    let (_, worker) = app.signed_in(Role::Caseworker, "Org A").await;
    let (status, read_only) = html(&app, &worker, "/policies/RU").await;
    assert_eq!(status, 200);
    assert!(read_only.contains("data-testid") && !read_only.contains("/retire"), "only stewards get the button");
    assert_eq!(
        form_post(
            &app,
            &worker,
            &format!("/policy-versions/{}/retire", ru[0]["id"].as_str().unwrap_or_default()),
            &[("version", "1")]
        )
        .await
        .status(),
        403
    );
}

#[actix_web::test]
async fn an_arabic_family_page_explains_eligibility_in_arabic() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let mut body = crate::registry::intake_body(&app, "Arabic");
    body["members"][1]["nationalities"] = serde_json::json!([{"country": "MA", "status": "claimed"}]);
    let family = json(app.post("/api/v1/families", &s, body).await).await;
    let fid = family["id"].as_str().expect("id");
    let res = app
        .client
        .get(format!("{}/families/{fid}", app.address))
        .header("Cookie", format!("homeward_session={}; homeward_lang=ar", s.0))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("html");
    assert!(page.contains("لا توجد سياسة مسجلة لهذه الدولة"), "Morocco has no policy: said, not shown as case by case");
    assert!(!page.contains("no policy recorded"), "no English explanation on an Arabic page");
    assert!(page.contains("\u{2066}2026-11-26\u{2069}"), "dates are isolated left-to-right inside Arabic text");
}
