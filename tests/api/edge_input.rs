//! Input from outside the JSON API, on both databases: control characters in query strings and
//! in posted forms answer 422 naming the parameter (never 500, never a query with a NUL), full
//! days outside 1900–2100 are refused, the language switch never redirects off the site, and the
//! policy pages refuse garbled buttons and versions with a message. A refused request changes
//! nothing.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use reqwest::{Method, Response};
use serde_json::json;

/// A form posted as a browser on one of our pages would, without a session.
async fn anonymous_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Response {
    app.client
        .post(format!("{}{path}", app.address))
        .header("Sec-Fetch-Site", "same-origin")
        .form(fields)
        .send()
        .await
        .expect("sent")
}

/// Asserts an HTML page with this status and returns its text.
async fn html_page(res: Response, status: u16) -> String {
    assert_eq!(res.status().as_u16(), status, "status");
    let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(kind.starts_with("text/html"), "an HTML page, not {kind}");
    res.text().await.unwrap_or_default()
}

#[actix_web::test]
async fn a_control_character_in_the_login_forms_email_answers_422_and_queries_nothing() {
    let app = spawn_app().await;
    let account = app.account(Role::Caseworker, "Org A");
    let before = app.count("audit_events");
    for email in ["a\u{0}@x.org", "a\u{1}b@x.org", &format!("{}\u{0}", account.email)] {
        let res = anonymous_form(&app, "/login", &[("email", email), ("password", &account.password)]).await;
        assert!(session_from(&res).is_none());
        let page = html_page(res, 422).await;
        assert!(page.contains("email") && page.contains("must not contain control characters"), "{page}");
    }
    // Nothing was looked up, so nothing was counted against the account or audited.
    assert_eq!((app.count("login_failures"), app.count("audit_events")), (0, before));
    let res = app
        .request(Method::POST, "/api/v1/auth/login", None, Some(json!({"email": "a\u{0}@x.org", "password": "x"})))
        .await;
    let err = assert_error(res, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["email"].is_array(), "{err}");
}

#[actix_web::test]
async fn a_control_character_in_a_stewards_email_answers_422_and_grants_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.steward("Org A").await;
    let other = app.account(Role::Admin, "Org B");
    let stewards = app.count("policy_stewards");
    let res = form_post(&app, &s, "/admin/stewards", &[("email", format!("{}\u{0}", other.email))]).await;
    let page = html_page(res, 422).await;
    assert!(page.contains("must not contain control characters"), "{page}");
    assert_eq!(app.count("policy_stewards"), stewards);
    // Arabic readers get the message in Arabic.
    let res = app
        .client
        .post(format!("{}/admin/stewards", app.address))
        .header("Cookie", format!("homeward_session={}; homeward_lang=ar", s.0))
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("email", "x\u{7}@y.org")])
        .send()
        .await
        .expect("sent");
    let page = html_page(res, 422).await;
    assert!(page.contains("يجب ألا يحتوي على محارف تحكّم"), "{page}");
}

#[actix_web::test]
async fn control_characters_in_any_query_parameter_answer_422_naming_it() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Admin, "Org A").await;
    for name in ["action", "actor_id", "entity_type", "entity_id", "outcome"] {
        let err =
            assert_error(app.get(&format!("/api/v1/audit?{name}=a%00b"), &s).await, 422, "validation_failed").await;
        assert!(err["error"]["fields"][name].is_array(), "{name}: {err}");
    }
    for name in ["action", "actor", "entity_type", "entity_id", "outcome"] {
        let (status, page) = html(&app, &s, &format!("/admin/audit?{name}=a%00b")).await;
        assert_eq!(status, 422, "{name}");
        assert!(page.contains(&format!("<code dir=\"ltr\">{name}</code>")), "{name}: {page}");
    }
    // Any parameter, known to the endpoint or not, decoded from `+` and `%` alike.
    let err = assert_error(app.get("/api/v1/me?whatever=x%1b", &s).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["whatever"].is_array(), "{err}");
    let err = assert_error(app.get("/api/v1/families?limit=%7f", &s).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["limit"].is_array(), "{err}");
    let res = app.request(Method::GET, "/login?next=%00", None, None).await;
    html_page(res, 422).await;
    // Line breaks and tabs are text, not controls, in a search.
    assert_eq!(app.get("/api/v1/audit?action=a%0Ab", &s).await.status(), 200);
}

#[actix_web::test]
async fn control_characters_in_any_posted_form_answer_422_and_change_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Admin, "Org A").await;
    let users = app.count("users");
    let fields =
        [("email", "new@test.homeward.example"), ("display_name", "New\u{0} (fictional)"), ("role", "caseworker")];
    let page = html_page(form_post(&app, &s, "/admin/users", &fields).await, 422).await;
    assert!(page.contains("<code dir=\"ltr\">display_name</code>"), "{page}");
    assert_eq!(app.count("users"), users);
    // The language switch is a form too.
    let res = anonymous_form(&app, "/lang", &[("lang", "ar"), ("next", "/\u{0}")]).await;
    html_page(res, 422).await;
}

#[actix_web::test]
async fn the_language_switch_goes_home_rather_than_to_a_bad_or_foreign_next() {
    let app = spawn_app().await;
    for next in
        ["/\r\n", "/\r\nSet-Cookie: a=b", "/\t/evil.example", "//evil.example", "/\\evil.example", "https://x.org"]
    {
        let res = anonymous_form(&app, "/lang", &[("lang", "ar"), ("next", next)]).await;
        assert_eq!((res.status().as_u16(), location(&res)), (303, "/".to_string()), "{next:?}");
    }
    let res = anonymous_form(&app, "/lang", &[("lang", "ar"), ("next", "/families?q=a%20b")]).await;
    assert_eq!(location(&res), "/families?q=a%20b", "a local path is kept");
}

#[actix_web::test]
async fn a_persons_full_days_outside_1900_to_2100_answer_422_and_change_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Days")).await).await;
    let pid = family["members"][0]["id"].as_str().expect("id");
    let changes = app.count("record_changes");
    for (field, value) in [
        ("date_of_death", "-5000-01-01"),
        ("date_of_death", "1899-12-31"),
        ("wish_recorded_on", "-0001-06-01"),
        ("wish_recorded_on", "0099-01-01"),
    ] {
        let body = json!({"birth": null, field: value, "version": 1});
        let err =
            assert_error(app.patch(&format!("/api/v1/persons/{pid}"), &s, body).await, 422, "validation_failed").await;
        assert_eq!(err["error"]["fields"][field][0], "year must be between 1900 and 2100", "{field}: {err}");
    }
    assert_eq!(app.count("record_changes"), changes);
    let person = json(app.get(&format!("/api/v1/persons/{pid}"), &s).await).await;
    assert_eq!((person["version"].as_i64(), person["date_of_death"].is_null()), (Some(1), true));
}

#[actix_web::test]
async fn date_filters_outside_1900_to_2100_answer_422_on_the_api_and_the_pages() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (_, worker) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &worker, intake_body(&app, "Filter")).await).await;
    let (fid, pid) = (family["id"].as_str().expect("id"), family["members"][0]["id"].as_str().expect("id"));
    // Every read "as of" a day refuses a day no database stores, rather than answering 500.
    let al_hol = app.facility("al-Hol");
    for path in [
        format!("/api/v1/persons/{pid}/whereabouts?as_of=2101-01-01"),
        format!("/api/v1/persons/{pid}/eligibility?as_of=-0044-03-15"),
        format!("/api/v1/families/{fid}/eligibility?as_of=9999-12-31"),
        format!("/api/v1/facilities/{al_hol}/population?as_of=1899-12-31"),
    ] {
        let err = assert_error(app.get(&path, &worker).await, 422, "validation_failed").await;
        assert_eq!(err["error"]["fields"]["as_of"][0], "year must be between 1900 and 2100", "{path}: {err}");
    }
    let (status, page) = html(&app, &worker, &format!("/facilities/{al_hol}?as_of=1899-12-31")).await;
    assert_eq!(status, 422);
    assert!(page.contains("the year must be between 1900 and 2100"));
    for (name, value) in [("from", "-5000-01-01T00:00:00"), ("to", "2101-01-01T00:00:00")] {
        let path = format!("/api/v1/audit?{name}={value}");
        let err = assert_error(app.get(&path, &admin).await, 422, "validation_failed").await;
        assert_eq!(err["error"]["fields"][name][0], "year must be between 1900 and 2100", "{err}");
    }
    for (name, value) in [("from", "-5000-01-01"), ("to", "0001-01-01")] {
        let (status, page) = html(&app, &admin, &format!("/admin/audit?{name}={value}")).await;
        assert_eq!(status, 422, "{name}");
        assert!(page.contains("the year must be between 1900 and 2100"), "{page}");
    }
    for list in ["families", "persons"] {
        let path = format!("/api/v1/{list}?as_of=-5000-01-01&age_min=1&age_max=5");
        let err = assert_error(app.get(&path, &worker).await, 422, "validation_failed").await;
        assert_eq!(err["error"]["fields"]["as_of"][0], "year must be between 1900 and 2100", "{err}");
    }
    let (status, page) = html(&app, &worker, "/families?as_of=2999-01-01&age_min=1").await;
    assert_eq!(status, 422);
    assert!(page.contains("the year must be between 1900 and 2100"));
    // The backlog's drill-down filters: an outcome is for a nationality, and is one of six.
    let choices =
        "must be one of: eligible, eligible_with_conditions, case_by_case, not_eligible, no_route, not_evaluated";
    for (query, field, message, on_page) in [
        ("outcome=eligible", "outcome", "needs a nationality: the outcome is the one for that country", None),
        ("nationality=FR&outcome=maybe", "outcome", choices, Some("is not one of the choices")),
        ("under_age=121", "under_age", "must be between 0 and 120", None),
        ("under_age=-1", "under_age", "must be between 0 and 120", None),
    ] {
        for list in ["families", "persons"] {
            let path = format!("/api/v1/{list}?{query}");
            let err = assert_error(app.get(&path, &worker).await, 422, "validation_failed").await;
            assert_eq!(err["error"]["fields"][field][0], message, "{query}: {err}");
        }
        let (status, page) = html(&app, &worker, &format!("/families?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert!(page.contains(on_page.unwrap_or(message)), "{query}: {page}");
    }
    for query in ["held=maybe", "declining=2", "ages_out=yes"] {
        assert_eq!(app.get(&format!("/api/v1/persons?{query}"), &worker).await.status(), 422, "{query}");
    }
}

/// A new RU draft made by the steward: its id.
async fn new_draft(app: &TestApp, s: &Session) -> String {
    let res = form_post(app, s, "/policies/RU/drafts", &[] as &[(&str, &str)]).await;
    assert_eq!(res.status(), 303);
    location(&res).trim_start_matches("/policy-versions/").trim_end_matches("/edit").to_string()
}

#[actix_web::test]
async fn an_out_of_range_editor_button_changes_nothing_and_does_not_crash() {
    let app = spawn_app().await;
    let (_, s) = app.steward("Org A").await;
    let id = new_draft(&app, &s).await;
    let stored = json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await;
    let edit = format!("/policy-versions/{id}/edit");
    for action in [
        "move-down:18446744073709551615",
        "move-up:18446744073709551615",
        "remove-rule:18446744073709551615",
        "move-up:0",
    ] {
        let fields = [("version", "1"), ("rules[0].when.type", "always"), ("action", action)];
        let res = form_post(&app, &s, &edit, &fields).await;
        assert_eq!(res.status(), 200, "{action}");
    }
    assert_eq!(json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await, stored);
}

#[actix_web::test]
async fn publishing_or_retiring_with_a_missing_or_garbled_version_answers_422_not_a_conflict() {
    let app = spawn_app().await;
    let (_, s) = app.steward("Org A").await;
    let id = new_draft(&app, &s).await;
    let publish = format!("/policy-versions/{id}/publish");
    for version in ["", "x", "1.0", "0", "-3"] {
        let fields = [
            ("version", version),
            ("effective_from", "2026-11-27"),
            ("shown_from", "2026-11-27"),
            ("effective_to", ""),
            ("shown_to", ""),
            ("confirm", "yes"),
        ];
        let page = html_page(form_post(&app, &s, &publish, &fields).await, 422).await;
        assert!(page.contains("no valid version number"), "{version:?}: {page}");
        assert!(!page.contains("Someone changed this version"), "not a conflict");
    }
    assert_eq!(json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await["status"], "draft");
    let retire = format!("/policy-versions/{id}/retire");
    for version in ["", "abc"] {
        let page =
            html_page(form_post(&app, &s, &retire, &[("version", version), ("confirm", "yes")]).await, 422).await;
        assert!(page.contains("no valid version number"), "{version:?}: {page}");
    }
    assert_eq!(json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await["status"], "draft");
}

#[actix_web::test]
async fn the_aging_out_page_refuses_a_window_outside_1_to_3650_days_with_a_message() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    for days in ["0", "3651", "-1", "abc", "99999999999999999999"] {
        let (status, page) = html(&app, &s, &format!("/aging-out?days={days}")).await;
        assert_eq!(status, 422, "{days}");
        assert!(page.contains("<code dir=\"ltr\">days</code>") && page.contains("1 and 3650"), "{days}: {page}");
    }
    let (status, page) = html(&app, &s, "/aging-out?days=30").await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"30\""));
    assert_eq!(html(&app, &s, "/aging-out?days=").await.0, 200, "a blank window is the default");
    assert_eq!(html(&app, &s, "/aging-out").await.0, 200);
}

// Needs `ui/policy_editor/edit.rs` to save with `Editor::checked_lock` (outside this change's
// files; the change is in the hand-over): until then a garbled version still answers 409.
#[actix_web::test]
async fn saving_the_editor_with_a_missing_or_garbled_version_answers_422_not_a_conflict() {
    let app = spawn_app().await;
    let (_, s) = app.steward("Org A").await;
    let id = new_draft(&app, &s).await;
    let stored = json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await;
    let edit = format!("/policy-versions/{id}/edit");
    for version in ["", "x", "0"] {
        let fields = [
            ("version", version),
            ("summary", "changed"),
            ("rules[0].when.type", "always"),
            ("rules[0].outcome", "not_eligible"),
            ("rules[0].explanation.en", "Not eligible."),
            ("action", "save"),
        ];
        let page = html_page(form_post(&app, &s, &edit, &fields).await, 422).await;
        assert!(page.contains("no valid version number"), "{version:?}: {page}");
    }
    assert_eq!(json(app.get(&format!("/api/v1/policy-versions/{id}"), &s).await).await, stored);
}
