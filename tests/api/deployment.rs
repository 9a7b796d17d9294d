//! The deployment-wide backlog: counts summed over organisations, no personal data, every count
//! from 1 to 4 published as "fewer than 5", and no row or column in which a single hidden cell
//! could be recovered from its total by subtraction.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use serde_json::Value;

fn hidden(v: &Value) -> bool {
    v == "fewer than 5"
}

/// True when exactly one cell of a group (total first) is hidden.
fn recoverable(cells: &[&Value]) -> bool {
    cells.iter().filter(|c| hidden(c)).count() == 1
}

#[actix_web::test]
async fn deployment_counts_hide_small_numbers_and_cannot_be_recovered_by_subtraction() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Coordinator, "Org A").await;
    let (_, b) = app.signed_in(Role::Coordinator, "Org B").await;
    let mut names = Vec::new();
    for (s, name) in [(&a, "Deploy"), (&a, "Deploy Two"), (&a, "Deploy Three"), (&b, "Other")] {
        let fam = json(app.post("/api/v1/families", s, intake_body(&app, name)).await).await;
        names.push(fam["members"][0]["given_name"].as_str().unwrap_or_default().to_string());
        let body =
            serde_json::json!({"family_id": fam["id"], "destination": "FR", "members": [fam["members"][0]["id"]]});
        assert_eq!(app.post("/api/v1/cases", s, body).await.status(), 201);
    }
    let res = app.get("/api/v1/deployment/backlog", &b).await;
    assert_eq!(res.status(), 200);
    let text = res.text().await.unwrap_or_default();
    let v: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["organisations"], 2);
    for n in &names {
        assert!(!text.contains(n.as_str()), "no names");
    }
    assert!(!text.contains("/api/v1/"), "no links to lists");
    let fr = v["countries"].as_array().and_then(|c| c.iter().find(|r| r["country"] == "FR")).cloned().expect("FR");
    // Two FR claimants per family, four families: 8 held, shown; 4 open cases, hidden.
    assert_eq!(fr["counts"]["held"], 8, "{fr}");
    assert!(hidden(&fr["counts"]["open_cases"]), "{fr}");
    let mut rows: Vec<Value> = v["countries"].as_array().cloned().unwrap_or_default();
    rows.push(v["total"].clone());
    for r in &rows {
        let outcomes: Vec<&Value> = std::iter::once(&r["counts"]["held"])
            .chain(r["outcomes"].as_object().into_iter().flat_map(|o| o.values()))
            .collect();
        assert!(!recoverable(&outcomes), "outcomes of {}: {outcomes:?}", r["country"]);
        let statuses: Vec<&Value> = std::iter::once(&r["counts"]["open_cases"])
            .chain(r["open_by_status"].as_object().into_iter().flat_map(|o| o.values()))
            .collect();
        assert!(!recoverable(&statuses), "statuses of {}", r["country"]);
    }
    let countries = v["countries"].as_array().cloned().unwrap_or_default();
    for measure in ["held", "families", "open_cases", "children_under_18"] {
        let column: Vec<&Value> = std::iter::once(&v["total"]["counts"][measure])
            .chain(countries.iter().map(|c| &c["counts"][measure]))
            .collect();
        assert!(!recoverable(&column), "{measure}: {column:?}");
    }
    let (_, cw) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_error(app.get("/api/v1/deployment/backlog", &cw).await, 403, "forbidden").await;
    assert_error(app.get("/api/v1/deployment/backlog?as_of=2200-01-01", &a).await, 422, "validation_failed").await;
}

#[actix_web::test]
async fn the_deployment_page_reads_fewer_than_5() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = json(app.post("/api/v1/families", &a, intake_body(&app, "Few")).await).await;
    let body = serde_json::json!({"family_id": fam["id"], "destination": "FR", "members": [fam["members"][0]["id"]]});
    assert_eq!(app.post("/api/v1/cases", &a, body).await.status(), 201);
    let (status, page) = html(&app, &a, "/deployment/backlog").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-country=\"FR\"") && page.contains("fewer than 5"), "{page}");
    assert!(!page.contains("Amira"));
    let (_, ar) = html_ar(&app, &a, "/deployment/backlog").await;
    assert!(ar.contains("أقل من 5"));
}

#[actix_web::test]
async fn the_stuck_thresholds_come_from_the_configuration() {
    let app = spawn_app_with(|s| s.case_stuck_days.intake = 1).await;
    let (_, a) = app.signed_in(Role::Coordinator, "Org A").await;
    let fam = json(app.post("/api/v1/families", &a, intake_body(&app, "Stuck")).await).await;
    let body = serde_json::json!({"family_id": fam["id"], "destination": "FR", "members": [fam["members"][0]["id"]]});
    assert_eq!(app.post("/api/v1/cases", &a, body).await.status(), 201);
    let v = json(app.get("/api/v1/backlog", &a).await).await;
    assert_eq!(v["stuck_after_days"]["intake"], 1, "{}", v["stuck_after_days"]);
    app.clock.advance(chrono::Duration::days(3));
    let (_, a) = app.signed_in(Role::Coordinator, "Org A").await; // the old session timed out
    let v = json(app.get("/api/v1/backlog/FR", &a).await).await;
    assert_eq!(v["backlog"]["cases"]["stuck"]["n"], 1, "{}", v["backlog"]["cases"]);
}
