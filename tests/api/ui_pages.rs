//! The registry's person and family pages over real HTTP (issue 8): the person page, saves that
//! land with a confirmation, refusals that come back (422, not a redirect) with an error summary
//! at the top, adding a member, linking a relative in another family through the search picker,
//! and one custody event for several members.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use serde_json::Value;

pub(crate) fn id_of<'a>(family: &'a Value, given: &str) -> &'a str {
    family["members"]
        .as_array()
        .and_then(|m| m.iter().find(|p| p["given_name"] == given))
        .and_then(|p| p["id"].as_str())
        .expect("member")
}

/// The text of the error summary at the top of a page ("" if none).
pub(crate) fn error_summary(page: &str) -> &str {
    let Some(at) = page.find("data-testid=\"error-summary\"") else { return "" };
    let rest = &page[page[..at].rfind("<div").unwrap_or(at)..];
    &rest[..rest.find("</div>").unwrap_or(rest.len())]
}

pub(crate) async fn family_of(app: &TestApp, s: &Session, name: &str) -> Value {
    let res = app.post("/api/v1/families", s, intake_body(app, name)).await;
    assert_eq!(res.status(), 201);
    json(res).await
}

#[actix_web::test]
async fn the_person_page_shows_claims_custody_relatives_wishes_and_eligibility() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Person").await;
    let amira = id_of(&family, "Amira");
    let (status, page) = html(&app, &s, &format!("/persons/{amira}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"nationalities\"") && page.contains("passport copy (fictional)"), "claims");
    assert!(page.contains("data-testid=\"claim-status-form\""), "with a form to change a claim's status");
    assert!(page.contains("data-testid=\"custody\"") && page.contains("Roj") && page.contains("2021-06-02"));
    assert!(
        page.contains("data-testid=\"relatives\"") && page.contains("Yusuf Person") && page.contains("Maryam Person")
    );
    let yusuf = id_of(&family, "Yusuf");
    assert!(page.contains(&format!("href=\"/persons/{yusuf}\"")), "each relative links to their page");
    assert!(page.contains("data-testid=\"person-eligibility\"") && page.contains("data-outcome="), "eligibility");
    assert!(page.contains("data-testid=\"wishes\"") && page.contains("2025-10-02"), "wishes over time");
    assert!(page.contains("أميرة"), "other names");
    assert!(page.contains("data-testid=\"history\""));
    assert!(page.contains(&format!("href=\"/families/{}\"", family["id"].as_str().unwrap_or_default())));
}

#[actix_web::test]
async fn another_organisations_person_page_answers_404() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, b) = app.signed_in(Role::Caseworker, "Org B").await;
    let family = family_of(&app, &a, "Scope").await;
    let amira = id_of(&family, "Amira");
    assert_eq!(html(&app, &a, &format!("/persons/{amira}")).await.0, 200);
    assert_eq!(html(&app, &b, &format!("/persons/{amira}")).await.0, 404);
    assert_eq!(html(&app, &b, &format!("/persons/{amira}/relatives?q=amira")).await.0, 404);
    let res =
        form_post(&app, &b, &format!("/persons/{amira}"), &[("form", "name"), ("name", "X"), ("kind", "alias")]).await;
    assert_eq!(res.status(), 404);
    assert_eq!(html(&app, &a, "/persons/not-an-id").await.0, 404);
    // Org B's picker does not offer Org A's persons either.
    let (_, mine) = app.signed_in(Role::Caseworker, "Org B").await;
    let own = family_of(&app, &mine, "Other").await;
    let (_, picker) = html(&app, &mine, &format!("/persons/{}/relatives?q=Scope", id_of(&own, "Amira"))).await;
    assert!(!picker.contains(amira));
}

#[actix_web::test]
async fn a_refused_edit_answers_422_with_an_error_summary_naming_each_field() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Refused").await;
    let amira = id_of(&family, "Amira");
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{amira}/edit"),
        &[("given_name", ""), ("family_name", ""), ("birth_year", "2030"), ("sex", "female"), ("version", "1")],
    )
    .await;
    assert_eq!(res.status(), 422, "answered from the same route, not redirected");
    let page = res.text().await.unwrap_or_default();
    let summary = error_summary(&page);
    assert!(summary.contains("role=\"alert\"") && summary.contains("autofocus"), "{summary}");
    assert!(summary.contains("href=\"#given_name\"") && summary.contains("href=\"#birth_year\""), "{summary}");
    assert!(summary.contains("is required") && summary.contains("must not be in the future"), "{summary}");
    assert!(page.contains("aria-describedby=\"given_name-error\""), "the message is tied to its field");
    // The person page's custody form: refused without a facility, at the page's own address.
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{amira}"),
        &[("form", "custody"), ("kind", "transferred"), ("facility_id", ""), ("date_year", "2026")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    let summary = error_summary(&page);
    assert!(summary.contains("href=\"#cu-facility\"") && summary.contains("a facility is required"), "{summary}");
    assert!(page.contains("id=\"add-custody\" open"), "the form is open with its values");
    assert!(page.contains("value=\"2026\""));
    assert!(!page.contains("data-testid=\"saved\""));
    assert_eq!(app.count("custody_events WHERE kind = 'transferred' AND facility_id IS NULL"), 0);
}

#[actix_web::test]
async fn a_save_redirects_to_the_page_with_a_confirmation() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Saved").await;
    let amira = id_of(&family, "Amira");
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{amira}"),
        &[
            ("form", "custody"),
            ("kind", "transferred"),
            ("facility_id", &app.facility("al-Hol")),
            ("date_year", "2026"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert_eq!(to, format!("/persons/{amira}?saved=custody"), "no personal data in the address");
    let (_, page) = html(&app, &s, &to).await;
    assert!(page.contains("data-testid=\"saved\"") && page.contains("The custody event is saved."));
    assert!(page.contains("al-Hol"));
    // The edit form lands on the person page too.
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{amira}/edit"),
        &[
            ("given_name", "Amirah"),
            ("family_name", "Saved"),
            ("sex", "female"),
            ("birth_year", "1994"),
            ("version", "1"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/persons/{amira}?saved=person"));
    // And the family's label.
    let fid = family["id"].as_str().unwrap_or_default();
    let res =
        form_post(&app, &s, &format!("/families/{fid}"), &[("label", "Renamed (fictional)"), ("version", "1")]).await;
    assert_eq!(location(&res), format!("/families/{fid}?saved=family"));
    let (_, page) = html(&app, &s, &location(&res)).await;
    assert!(
        page.contains("The family&#x27;s label and notes are saved.") || page.contains("label and notes are saved")
    );
}

#[actix_web::test]
async fn a_member_is_added_to_an_existing_family_and_linked() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Added").await;
    let fid = family["id"].as_str().unwrap_or_default();
    let amira = id_of(&family, "Amira").to_string();
    let rel = format!("rel.{amira}");
    // Refused first: a facility without a year, and no family name.
    let res = form_post(
        &app,
        &s,
        &format!("/families/{fid}"),
        &[("form", "member"), ("given_name", "Nur"), ("family_name", ""), ("facility_id", &app.facility("Roj"))],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    let summary = error_summary(&page);
    assert!(summary.contains("href=\"#am-family\"") && summary.contains("href=\"#am-adm-y\""), "{summary}");
    assert!(page.contains("value=\"Nur\""), "what was typed is kept");
    let res = form_post(
        &app,
        &s,
        &format!("/families/{fid}"),
        &[
            ("form", "member"),
            ("given_name", "Nur"),
            ("family_name", "Added"),
            ("sex", "female"),
            ("birth_year", "2024"),
            ("birth_month", "2"),
            ("nationality", "FR"),
            ("nationality_status", "claimed"),
            ("facility_id", &app.facility("Roj")),
            ("admitted_year", "2024"),
            (&rel, "child_of"),
        ],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/families/{fid}?saved=member"));
    let after = json(app.get(&format!("/api/v1/families/{fid}"), &s).await).await;
    assert_eq!(after["members"].as_array().map(Vec::len), Some(4));
    let nur = after["members"].as_array().and_then(|m| m.iter().find(|p| p["given_name"] == "Nur")).expect("Nur");
    assert_eq!(nur["whereabouts"]["facility_name"], "Roj");
    assert!(nur["relatives"]
        .as_array()
        .is_some_and(|r| r.iter().any(|r| r["relation"] == "parent" && r["person_id"] == amira.as_str())));
    let (_, page) = html(&app, &s, &location(&res)).await;
    assert!(page.contains("The new member is saved.") && page.contains("Nur Added"));
}

#[actix_web::test]
async fn a_relative_in_another_family_is_linked_through_the_search_picker() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Picker").await;
    let amira = id_of(&family, "Amira").to_string();
    // A husband logged alone, in a prison: a one-person family.
    let body = serde_json::json!({"label": "Karim Picker (fictional)", "members": [
        {"given_name": "Karim", "family_name": "Haddad", "sex": "male", "birth": {"year": 1988},
         "custody": [{"kind": "admitted", "facility_id": app.facility("al-Shaddadi"), "date": {"year": 2019}}]}]});
    let alone = json(app.post("/api/v1/families", &s, body).await).await;
    let karim = id_of(&alone, "Karim").to_string();
    let (_, person) = html(&app, &s, &format!("/persons/{karim}")).await;
    assert!(person.contains(&format!("href=\"/persons/{karim}/relatives\"")), "the one-person family can link");
    let (status, picker) = html(&app, &s, &format!("/persons/{karim}/relatives?q=amira")).await;
    assert_eq!(status, 200);
    assert!(picker.contains(&format!("value=\"{amira}\"")) && picker.contains("type=\"radio\""), "Amira is offered");
    // Refused without a choice: the search comes back with the message.
    let res =
        form_post(&app, &s, &format!("/persons/{karim}/relatives"), &[("q", "amira"), ("kind", "spouse_of")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(error_summary(&page).contains("href=\"#kn-relative\""));
    assert!(page.contains(&format!("value=\"{amira}\"")), "the matches are listed again");
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{karim}/relatives"),
        &[("q", "amira"), ("relative_id", &amira), ("kind", "spouse_of")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/persons/{karim}?saved=kinship"));
    let (_, person) = html(&app, &s, &location(&res)).await;
    assert!(person.contains("The relative is linked.") && person.contains("Amira Picker"));
    let (_, hers) = html(&app, &s, &format!("/persons/{amira}")).await;
    assert!(hers.contains("Karim Haddad") && hers.contains("al-Shaddadi"), "her page shows him where he is held");
    // The same link again is refused, with the reason.
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{karim}/relatives"),
        &[("q", "amira"), ("relative_id", &amira), ("kind", "spouse_of")],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(error_summary(&res.text().await.unwrap_or_default()).contains("already linked"));
}

#[actix_web::test]
async fn three_members_move_in_one_custody_event_or_none_does() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Moved").await;
    let fid = family["id"].as_str().unwrap_or_default();
    let ids: Vec<String> = ["Amira", "Yusuf", "Maryam"].iter().map(|n| id_of(&family, n).to_string()).collect();
    let boxes: Vec<String> = ids.iter().map(|id| format!("move.{id}")).collect();
    let before = app.count("custody_events");
    // Without a facility: nothing is saved, the summary names the facility.
    let mut fields: Vec<(&str, &str)> = boxes.iter().map(|b| (b.as_str(), "true")).collect();
    fields.extend([("form", "move"), ("kind", "transferred"), ("date_year", "2026"), ("date_month", "10")]);
    let res = form_post(&app, &s, &format!("/families/{fid}"), &fields).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(error_summary(&page).contains("href=\"#mv-facility\""));
    assert!(page.contains("id=\"move\" open"));
    assert_eq!(app.count("custody_events"), before, "all or nothing");
    let hol = app.facility("al-Hol");
    fields.push(("facility_id", &hol));
    let res = form_post(&app, &s, &format!("/families/{fid}"), &fields).await;
    assert_eq!(res.status(), 303);
    assert!(location(&res).starts_with(&format!("/families/{fid}?saved=moved")));
    assert_eq!(app.count("custody_events"), before + 3);
    let after = json(app.get(&format!("/api/v1/families/{fid}"), &s).await).await;
    for m in after["members"].as_array().into_iter().flatten() {
        assert_eq!(m["whereabouts"]["facility_name"], "al-Hol", "{}", m["given_name"]);
    }
    let (_, page) = html(&app, &s, &location(&res)).await;
    assert!(page.contains("data-testid=\"saved\""));
    // Nobody ticked: refused.
    let res = form_post(
        &app,
        &s,
        &format!("/families/{fid}"),
        &[("form", "move"), ("kind", "released"), ("date_year", "2026")],
    )
    .await;
    assert_eq!(res.status(), 422);
    assert!(error_summary(&res.text().await.unwrap_or_default()).contains("href=\"#mv-members\""));
}
