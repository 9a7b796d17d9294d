//! Synthetic cases: `homeward synth` gives about one family in eight a case in some status of the
//! workflow, with members who belong to the family and hold the destination's nationality; the
//! case list, a case's page and the exports read them like any other.

use crate::helpers::*;
use homeward::domain::role::Role;
use homeward::services::synth::{self, Options};

#[actix_web::test]
async fn synthetic_cases_cover_the_workflow_and_read_like_real_ones() {
    let app = spawn_app().await;
    let (account, s) = app.signed_in(Role::Coordinator, "Synthetic Org (fictional)").await;
    let _ = account;
    let report = synth::run(
        &mut app.conn(),
        &app.clock,
        &Options { persons: 6000, seed: 11, organisation: "Synthetic Org (fictional)".into() },
    )
    .expect("synth");
    assert!(report.cases > 50, "{report:?}");
    assert_eq!(app.count("cases") as usize, report.cases);
    assert!(app.count("(SELECT DISTINCT status FROM cases) s") >= 10, "most statuses present");
    assert_eq!(
        app.count("case_members m JOIN persons p ON p.id = m.person_id JOIN cases c ON c.id = m.case_id WHERE p.family_id <> c.family_id"),
        0,
        "members belong to the case's family"
    );
    assert_eq!(
        app.count("case_members m WHERE NOT EXISTS (SELECT 1 FROM nationality_claims n WHERE n.person_id = m.person_id AND n.country_code = m.destination)"),
        0,
        "members hold the destination's nationality"
    );
    assert_eq!(app.count("case_members m JOIN cases c ON c.id = m.case_id WHERE m.is_open <> (c.status NOT IN ('repatriated', 'withdrawn', 'closed'))"), 0);
    let open = app.count("cases WHERE status NOT IN ('repatriated', 'withdrawn', 'closed')");
    let list = json(app.get("/api/v1/cases", &s).await).await;
    assert_eq!(list["total"].as_i64(), Some(open), "{}", list["total"]);
    for status in ["intake", "submitted", "on_hold", "repatriated"] {
        let page = json(app.get(&format!("/api/v1/cases?status={status}&limit=1"), &s).await).await;
        if let Some(id) = page["items"][0]["id"].as_str() {
            let res = app.get(&format!("/api/v1/cases/{id}"), &s).await;
            assert_eq!(res.status(), 200, "{status}");
        }
    }
    let res = app.post("/api/v1/exports", &s, serde_json::json!({"kind": "persons", "purpose": "load test"})).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap_or_default();
    assert_eq!(text.lines().count() as i64, app.count("persons") + 1, "every person and the header");
}
