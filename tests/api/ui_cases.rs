//! The case pages over real HTTP: a case opened from the family page, moved with the step
//! buttons, a refused step shown on the page with its status, consent recorded by form, the
//! list and the work list on the home page, in English and Arabic.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;

async fn family(app: &TestApp, s: &Session) -> serde_json::Value {
    json(app.post("/api/v1/families", s, intake_body(app, "Pages")).await).await
}

#[actix_web::test]
async fn a_case_is_opened_from_the_family_page_and_moved_with_its_buttons() {
    let app = spawn_app().await;
    let (_, cw) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &cw).await;
    let fid = fam["id"].as_str().unwrap_or_default().to_string();
    let (_, page) = html(&app, &cw, &format!("/families/{fid}")).await;
    assert!(page.contains("data-testid=\"open-case-FR\""), "FR is proposed");
    let members: Vec<String> = fam["members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["nationalities"].as_array().is_some_and(|n| !n.is_empty()))
        .filter_map(|m| m["id"].as_str().map(|i| format!("member-{i}")))
        .collect();
    let mut fields = vec![("family_id".to_string(), fid.clone()), ("destination".into(), "FR".into())];
    fields.extend(members.iter().map(|m| (m.clone(), "on".to_string())));
    let res = form_post(&app, &cw, "/cases", &fields).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert!(to.starts_with("/cases/") && to.ends_with("?saved=1"), "{to}");
    let case_path = to.trim_end_matches("?saved=1").to_string();
    let (status, page) = html(&app, &cw, &to).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"saved\"") && page.contains("data-status=\"intake\""));
    assert!(page.contains("data-testid=\"step-documentation\""));
    assert!(!page.contains("data-testid=\"step-closed\""), "only coordinators close");
    let step = |to: &'static str, version: &'static str| {
        let path = case_path.clone();
        let app = &app;
        let s = cw.clone();
        async move { form_post(app, &s, &path, &[("form", "step"), ("to", to), ("version", version)]).await }
    };
    assert_eq!(step("documentation", "1").await.status(), 303);
    // The same form sent twice (a stale page): the page again with 409 and the current status.
    let res = step("documentation", "1").await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"refusal\"") && page.contains("data-status=\"documentation\""));
    // The coordinator sees the closing button, and a hold without reason is refused on the page.
    let (_, page) = html(&app, &co, &case_path).await;
    assert!(page.contains("data-testid=\"step-closed\"") && page.contains("data-testid=\"assign-form\""));
    let res = form_post(&app, &co, &case_path, &[("form", "step"), ("to", "on_hold"), ("version", "2")]).await;
    assert_eq!(res.status(), 422);
    let person = members[0].trim_start_matches("member-").to_string();
    let consent = [
        ("form", "consent"),
        ("person_id", person.as_str()),
        ("given_by", "person"),
        ("given_on", "2020-01-01"),
        ("to_case", "on"),
        ("to_sharing", "on"),
    ];
    assert_eq!(form_post(&app, &co, &case_path, &consent).await.status(), 303);
    let (_, page) = html(&app, &co, &case_path).await;
    assert!(page.contains("✓"), "consent shown");
    let (_, ar) = html_ar(&app, &co, &case_path).await;
    assert!(ar.contains("dir=\"rtl\"") && ar.contains("التوثيق"), "the status in Arabic");
    let (_, list) = html(&app, &co, "/cases?status=documentation").await;
    assert!(list.contains("data-testid=\"case-row\""));
    assert_eq!(html(&app, &co, "/cases?status=flying").await.0, 422);
}

#[actix_web::test]
async fn the_home_page_lists_what_needs_the_user_now() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &co).await;
    let amira = fam["members"][0]["id"].as_str().unwrap_or_default().to_string();
    let body = serde_json::json!({"family_id": fam["id"], "destination": "FR", "members": [amira],
        "next_action": "call the embassy", "next_action_due": (today() - chrono::Duration::days(1)).to_string()});
    assert_eq!(app.post("/api/v1/cases", &co, body).await.status(), 201);
    let (_, home) = html(&app, &co, "/").await;
    assert!(home.contains("data-testid=\"work-list\"") && home.contains("data-testid=\"work-overdue\""), "{home}");
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (_, home) = html(&app, &admin, "/").await;
    assert!(!home.contains("data-testid=\"work-list\"") && !home.contains("nav-cases"));
}

#[actix_web::test]
async fn the_case_list_exports_what_it_shows_with_a_purpose() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &co).await;
    let body = serde_json::json!({"family_id": fam["id"], "destination": "FR", "members": [fam["members"][0]["id"]]});
    assert_eq!(app.post("/api/v1/cases", &co, body).await.status(), 201);
    let (_, list) = html(&app, &co, "/cases").await;
    assert!(list.contains("data-testid=\"export-form\""));
    let res =
        form_post(&app, &co, "/cases/export", &[("status", "intake"), ("purpose", "weekly review"), ("format", "csv")])
            .await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap_or_default();
    assert!(text.starts_with('\u{feff}') && text.contains("Family of Amira Pages"), "{text}");
    let refused = form_post(&app, &co, "/cases/export", &[("purpose", "")]).await;
    assert_eq!(refused.status(), 422);
    assert_eq!(app.count("exports"), 1);
}

#[actix_web::test]
async fn the_printable_summary_lists_names_in_every_script_claims_consent_and_the_timeline() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &co).await;
    let body = serde_json::json!({"family_id": fam["id"], "destination": "FR", "members": [fam["members"][0]["id"]]});
    let case = json(app.post("/api/v1/cases", &co, body).await).await;
    let (status, page) = html(&app, &co, &format!("/cases/{}/summary", case["id"].as_str().unwrap_or_default())).await;
    assert_eq!(status, 200);
    assert!(page.contains("أميرة") && page.contains("Umm Yusuf"), "names in every script");
    assert!(page.contains("data-testid=\"summary-member\"") && page.contains("FR</span> verified"));
    assert!(page.contains("class=\"timeline\""));
    let css = app
        .client
        .get(format!("{}/static/app.css", app.address))
        .send()
        .await
        .expect("css")
        .text()
        .await
        .unwrap_or_default();
    assert!(css.contains("@media print"), "a print stylesheet");
}

#[actix_web::test]
async fn the_dashboard_shows_each_destination_with_a_chart_and_every_number_drills_down() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = family(&app, &co).await;
    let body = serde_json::json!({"family_id": fam["id"], "destination": "FR", "members": [fam["members"][0]["id"]]});
    assert_eq!(app.post("/api/v1/cases", &co, body).await.status(), 201);
    let (status, page) = html(&app, &co, "/backlog").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"backlog-chart\"") && page.contains("<svg"), "a server-drawn chart");
    assert!(page.contains("data-country=\"FR\""));
    assert!(page.contains("href=\"/cases?destination=FR"), "open cases drill into the case list");
    assert!(!page.contains("/api/v1/"), "links go to pages, not to the API");
    let (status, fr) = html(&app, &co, "/backlog/FR").await;
    assert_eq!(status, 200);
    assert!(fr.contains("data-testid=\"backlog-statuses\"") && fr.contains("data-testid=\"backlog-facilities\""));
    let (_, ar) = html_ar(&app, &co, "/backlog").await;
    assert!(ar.contains("text-anchor=\"end\""), "the chart reads from the right in Arabic");
    assert_eq!(html(&app, &co, "/backlog?as_of=1800-01-01").await.0, 422);
    let (_, cw) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(html(&app, &cw, "/backlog").await.0, 403);
}
