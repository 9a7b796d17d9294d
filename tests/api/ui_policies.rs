//! HTML tests of the policy editor (issue 8) over real HTTP: the rules built with the form, the
//! messages on the rule they concern, the confirmations of publication and retirement, who may
//! edit, and a coordinator's simulation of a draft.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    Some(unescape(&tag[start..start + tag[start..].find('"')?]))
}

/// The fields of the rule editor's form as a browser would post them (buttons excluded).
fn form_fields(page: &str) -> Vec<(String, String)> {
    let start = page.find("data-testid=\"rule-form\"").expect("the rule form");
    let form = &page[start..start + page[start..].find("</form>").expect("form end")];
    let mut fields = vec![];
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..tag_end];
        if tag.starts_with("<input") {
            let name = attr(tag, "name");
            let kind = attr(tag, "type").unwrap_or_default();
            if let Some(name) = name {
                if kind == "checkbox" {
                    if tag.contains(" checked") {
                        fields.push((name, attr(tag, "value").unwrap_or_else(|| "on".into())));
                    }
                } else {
                    fields.push((name, attr(tag, "value").unwrap_or_default()));
                }
            }
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap_or_default();
            let body = &rest[..rest.find("</select>").unwrap_or(rest.len())];
            let chosen =
                body.split("<option").skip(1).find(|o| o.contains(" selected")).or(body.split("<option").nth(1));
            fields.push((name, chosen.and_then(|o| attr(o, "value")).unwrap_or_default()));
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap_or_default();
            let body = &rest[tag_end + 1..];
            fields.push((name, unescape(&body[..body.find("</textarea>").unwrap_or(0)])));
        }
        rest = &rest[1..];
    }
    fields
}

fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    match fields.iter_mut().find(|(n, _)| n == name) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((name.to_string(), value.to_string())),
    }
}

fn with_action(fields: &[(String, String)], action: &str) -> Vec<(String, String)> {
    let mut f = fields.to_vec();
    f.push(("action".into(), action.into()));
    f
}

/// A new RU draft made by the steward, and its editor page.
async fn new_draft(app: &TestApp, s: &Session) -> (String, String) {
    let res = form_post(app, s, "/policies/RU/drafts", &[] as &[(&str, &str)]).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap_or_default().to_string();
    let id = location.trim_start_matches("/policy-versions/").trim_end_matches("/edit").to_string();
    let (status, page) = html(app, s, &location).await;
    assert_eq!(status, 200);
    (id, page)
}

async fn stored_rules(app: &TestApp, s: &Session, id: &str) -> Value {
    json(app.get(&format!("/api/v1/policy-versions/{id}"), s).await).await["rules"].clone()
}

/// A Russian mother (an adult: not eligible) and her son (eligible with conditions) in Roj.
async fn russian_family(app: &TestApp, s: &Session, given: &str) {
    let roj = app.facility("Roj");
    let body = json!({"label": format!("Family of {given} Ivanova (fictional)"), "members": [
        {"given_name": given, "family_name": "Ivanova", "sex": "female", "birth": {"year": 1991},
         "nationalities": [{"country": "RU", "status": "verified"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019}}]},
        {"given_name": "Ilyas", "family_name": "Ivanov", "sex": "male", "birth": {"year": 2016, "month": 7},
         "nationalities": [{"country": "RU", "status": "verified"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019}}]}],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}]});
    assert_eq!(app.post("/api/v1/families", s, body).await.status(), 201);
}

/// A draft whose default rule says "case by case" instead of "not eligible", saved.
async fn saved_case_by_case_draft(app: &TestApp, s: &Session) -> String {
    let (id, page) = new_draft(app, s).await;
    let mut fields = form_fields(&page);
    set(&mut fields, "rules[1].outcome", "case_by_case");
    let res = form_post(app, s, &format!("/policy-versions/{id}/edit"), &with_action(&fields, "save")).await;
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap_or_default());
    id
}

#[actix_web::test]
async fn a_steward_builds_a_rule_with_the_form_reorders_it_and_saves_what_was_built() {
    let app = spawn_app().await;
    let (_, s) = app.steward("Org A").await;
    let (id, page) = new_draft(&app, &s).await;
    let edit = format!("/policy-versions/{id}/edit");
    assert!(page.contains("name=\"rules[0].when.type\""), "the rules are a form");
    assert!(!page.contains("data-testid=\"unsaved\""), "as stored, nothing to save");

    let res = form_post(&app, &s, &edit, &with_action(&form_fields(&page), "add-rule")).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap_or_default();
    assert_eq!(page.matches("data-testid=\"rule-block\"").count(), 3, "a rule is added before the default");
    let mut fields = form_fields(&page);
    set(&mut fields, "rules[1].when.type", "age_under");
    set(&mut fields, "rules[1].when.years", "12");
    set(&mut fields, "rules[1].outcome", "eligible");
    set(&mut fields, "rules[1].explanation.en", "Young children return (test).");

    let res = form_post(&app, &s, &edit, &with_action(&fields, "move-up:1")).await;
    assert_eq!(res.status(), 200);
    let page = res.text().await.unwrap_or_default();
    let preview = page.split("data-testid=\"rule-preview\"").nth(1).unwrap_or_default();
    assert!(
        preview[..preview.find("</p>").unwrap_or(0)].contains("If under 12: eligible — Young children return (test)."),
        "the first rule's preview follows the edit: {preview:.300}"
    );
    assert!(page.contains("data-testid=\"unsaved\""), "nothing is stored yet");
    assert_eq!(stored_rules(&app, &s, &id).await.as_array().map(Vec::len), Some(2));

    let res = form_post(&app, &s, &edit, &with_action(&form_fields(&page), "save")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], format!("{edit}?saved=1").as_str());
    let rules = stored_rules(&app, &s, &id).await;
    assert_eq!(
        rules[0],
        json!({"when": {"type": "age_under", "years": 12}, "outcome": "eligible", "explanation": "Young children return (test)."})
    );
    assert_eq!(rules[1]["when"], json!({"type": "age_under", "years": 18}));
    assert_eq!(rules[1]["conditions"], json!(["dna_test"]));
    assert_eq!(rules[2]["when"], json!({"type": "always"}));
}

#[actix_web::test]
async fn nested_groups_are_built_with_buttons() {
    let app = spawn_app().await;
    let (_, s) = app.steward("Org A").await;
    let (id, page) = new_draft(&app, &s).await;
    let edit = format!("/policy-versions/{id}/edit");
    // The first rule's "under 18" becomes the first sub-condition of an "any" group.
    let mut fields = form_fields(&page);
    set(&mut fields, "rules[0].when.type", "any");
    let res = form_post(&app, &s, &edit, &with_action(&fields, "add-condition:rules[0].when")).await;
    let page = res.text().await.unwrap_or_default();
    let mut fields = form_fields(&page);
    assert!(fields.iter().any(|(n, v)| n == "rules[0].when.of[0].years" && v == "18"));
    set(&mut fields, "rules[0].when.of[1].type", "in_facility");
    let res = form_post(&app, &s, &edit, &with_action(&fields, "refresh")).await;
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("name=\"rules[0].when.of[1].pick.al-hol\""), "the facilities are offered by code");
    let mut fields = form_fields(&page);
    set(&mut fields, "rules[0].when.of[1].pick.al-hol", "on");
    let res = form_post(&app, &s, &edit, &with_action(&fields, "save")).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        stored_rules(&app, &s, &id).await[0]["when"],
        json!({"type": "any", "of": [{"type": "age_under", "years": 18}, {"type": "in_facility", "any_of": ["al-hol"]}]})
    );
}

#[actix_web::test]
async fn a_rule_with_zero_years_comes_back_with_the_message_on_that_rule_and_what_was_typed() {
    let app = spawn_app().await;
    let (_, s) = app.steward("Org A").await;
    let (id, page) = new_draft(&app, &s).await;
    let mut fields = form_fields(&page);
    set(&mut fields, "rules[0].when.years", "0");
    set(&mut fields, "summary", "Typed summary, kept after a refusal");
    let res = form_post(&app, &s, &format!("/policy-versions/{id}/edit"), &with_action(&fields, "save")).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"rule-errors\""), "a summary at the top");
    assert!(
        page.contains(
            "<a href=\"#f-rules-0-when-years\">Rule 1 · Condition · years</a>: must be between 1 and 120 years"
        ),
        "the summary says where, in words, and links to the field"
    );
    assert!(
        page.contains("id=\"f-rules-0-when-years-err\">must be between 1 and 120 years</p>"),
        "on the rule's field"
    );
    assert!(page.contains("name=\"rules[0].when.years\" value=\"0\" data-testid=\"years\" aria-invalid=\"true\""));
    assert!(page.contains("Typed summary, kept after a refusal"));
    assert_eq!(stored_rules(&app, &s, &id).await[0]["when"]["years"], 18, "nothing was stored");
}

#[actix_web::test]
async fn publishing_shows_the_effect_first_and_only_the_confirmation_publishes() {
    let app = spawn_app().await;
    let (_, coordinator) = app.signed_in(Role::Coordinator, "Org A").await;
    russian_family(&app, &coordinator, "Zarina").await;
    let (_, s) = app.steward("Org A").await;
    let id = saved_case_by_case_draft(&app, &s).await;
    let publish = format!("/policy-versions/{id}/publish");

    let (status, page) = html(&app, &s, &format!("{publish}?effective_from=2026-11-27")).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"publish-confirm\""));
    assert!(page.contains("data-testid=\"sim-evaluated\">2<"), "both Russians are evaluated");
    assert!(page.contains("data-testid=\"sim-changed\">1<"), "the mother's outcome changes");
    assert!(page.contains("<td>not eligible</td><td>case by case</td>"), "in words, not codes");
    assert!(page.contains("Version 2 (from 2017-11-01, open-ended) will end on 2026-11-26."));
    assert!(page.contains("data-testid=\"sim-no-names\""), "an admin steward sees counts, not names");
    assert!(!page.contains("Zarina"));

    // Any POST but the confirmation's shows the confirmation again.
    let plain = [("version".to_string(), "2".to_string()), ("effective_from".into(), "2026-11-27".into())];
    let res = form_post(&app, &s, &publish, &plain).await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await["status"], "draft");

    let mut confirm = plain.to_vec();
    confirm.extend([("shown_from".into(), "2026-11-27".into()), ("shown_to".into(), String::new())]);
    confirm.extend([("effective_to".into(), String::new()), ("confirm".into(), "yes".into())]);
    let res = form_post(&app, &s, &publish, &confirm).await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().unwrap_or_default().to_string();
    assert!(location.starts_with("/policies/RU?job="), "{location}");
    assert_eq!(json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await["status"], "published");
    let (_, timeline) = html(&app, &s, &location).await;
    assert!(timeline.contains("data-testid=\"reevaluation\""), "the job's progress is shown");
}

#[actix_web::test]
async fn retiring_shows_what_changes_and_only_current_versions_offer_it() {
    let app = spawn_app().await;
    let (_, coordinator) = app.signed_in(Role::Coordinator, "Org A").await;
    russian_family(&app, &coordinator, "Zarina").await;
    let (_, s) = app.steward("Org A").await;
    let ru = json(app.get("/api/v1/policies/RU", &s).await).await;
    let (old, current) = (ru[0]["id"].as_str().unwrap_or_default(), ru[1]["id"].as_str().unwrap_or_default());
    let (_, timeline) = html(&app, &s, "/policies/RU").await;
    assert!(timeline.contains(&format!("/policy-versions/{current}/retire")));
    assert!(!timeline.contains(&format!("/policy-versions/{old}/retire")), "history is not offered for retirement");
    assert!(timeline.contains("badge policy-published") && timeline.contains("data-testid=\"in-force\""));

    let (status, page) = html(&app, &s, &format!("/policy-versions/{current}/retire")).await;
    assert_eq!(status, 200);
    assert!(page.contains("This version applies from 2017-11-01, open-ended."));
    assert!(page.contains("Persons claiming this nationality (every organisation): 2."));
    assert!(page.contains("data-testid=\"sim-changed\">2<"), "without a policy both become case by case");
    let res = form_post(&app, &s, &format!("/policy-versions/{current}/retire"), &[("version", "1")]).await;
    assert_eq!(res.status(), 200, "no confirmation, no retirement");
    let confirm = [("version".to_string(), "1".to_string()), ("confirm".into(), "yes".into())];
    let res = form_post(&app, &s, &format!("/policy-versions/{current}/retire"), &confirm).await;
    assert_eq!(res.status(), 303);
    let (_, timeline) = html(&app, &s, "/policies/RU").await;
    assert!(timeline.contains("badge policy-retired"), "the retired badge has its own look");
}

#[actix_web::test]
async fn a_plain_admin_or_a_coordinator_gets_403_on_the_editor() {
    let app = spawn_app().await;
    let (_, steward) = app.steward("Org A").await;
    let (id, _) = new_draft(&app, &steward).await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (_, coordinator) = app.signed_in(Role::Coordinator, "Org A").await;
    for s in [&admin, &coordinator] {
        for path in ["edit", "publish", "retire"] {
            assert_eq!(html(&app, s, &format!("/policy-versions/{id}/{path}")).await.0, 403, "{path}");
        }
        let res = form_post(&app, s, &format!("/policy-versions/{id}/edit"), &[("action", "save")]).await;
        assert_eq!(res.status(), 403);
    }
    assert_eq!(html(&app, &admin, &format!("/policy-versions/{id}/simulate")).await.0, 403, "admins do not simulate");
}

#[actix_web::test]
async fn a_coordinator_simulates_a_draft_from_the_timeline_and_sees_only_their_organisations_names() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Coordinator, "Org A").await;
    let (_, b) = app.signed_in(Role::Coordinator, "Org B").await;
    russian_family(&app, &a, "Zarina").await;
    russian_family(&app, &b, "Madina").await;
    let (_, steward) = app.steward("Org A").await;
    let id = saved_case_by_case_draft(&app, &steward).await;

    let (_, timeline) = html(&app, &a, "/policies/RU").await;
    let link = format!("/policy-versions/{id}/simulate");
    assert!(timeline.contains(&link), "a Simulate button on the draft");
    assert!(!timeline.contains(&format!("/policy-versions/{id}/edit")), "but no editor");
    let (status, page) = html(&app, &a, &format!("{link}?as_of=2026-12-01")).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"simulate-page\""));
    assert!(page.contains("<span dir=\"ltr\">2026-12-01</span>"), "as of the date asked");
    assert!(page.contains("data-testid=\"sim-changed\">2<"), "counts cover every organisation");
    assert!(page.contains("Zarina Ivanova") && !page.contains("Madina"), "names of the reader's organisation only");
    assert!(page.contains("<td>not eligible</td><td>case by case</td>"));
    let (status, page) = html(&app, &a, &format!("{link}?as_of=someday")).await;
    assert_eq!(status, 422);
    assert!(page.contains("must be a date"));
}
