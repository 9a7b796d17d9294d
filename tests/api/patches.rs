//! `PATCH` changes only the fields sent on claims, families, facilities and policy drafts (a
//! field left out keeps its value, `null` clears it); full days outside the supported years
//! answer 422 naming the field, on both databases.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// A family of one whose British claim was revoked, with a legal note and a source.
async fn revoked_claim(app: &TestApp, session: &Session) -> (Value, String) {
    let body = json!({"label": "Family of Lucy Hale (fictional)", "notes": "Met in Roj, 2024 (fictional)",
        "members": [{"given_name": "Lucy", "family_name": "Hale", "sex": "female", "birth": {"year": 1997},
        "nationalities": [{"country": "GB", "status": "revoked", "basis": "birth", "decision_date": "2019-02-19",
            "legal_note": "s.40(2) order (fictional)", "source": "Home Office letter (fictional)"}]}]});
    let res = app.post("/api/v1/families", session, body).await;
    assert_eq!(res.status(), 201);
    let family = json(res).await;
    let claim = s(&family["members"][0]["nationalities"][0]["id"]);
    (family, claim)
}

/// The person's first claim as stored now.
async fn claim_now(app: &TestApp, session: &Session, person: &str) -> Value {
    json(app.get(&format!("/api/v1/persons/{person}"), session).await).await["nationalities"][0].clone()
}

#[actix_web::test]
async fn a_claim_patch_keeps_the_legal_note_source_and_decision_date_it_does_not_send() {
    let app = spawn_app().await;
    let (_, w) = app.signed_in(Role::Caseworker, "Org A").await;
    let (family, claim) = revoked_claim(&app, &w).await;
    let person = s(&family["members"][0]["id"]);
    let path = format!("/api/v1/nationalities/{claim}");
    let res = app.patch(&path, &w, json!({"basis": "descent", "version": 1})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let c = claim_now(&app, &w, &person).await;
    assert_eq!((s(&c["status"]), s(&c["basis"])), ("revoked".into(), "descent".into()), "{c}");
    assert_eq!(s(&c["legal_note"]), "s.40(2) order (fictional)");
    assert_eq!(s(&c["source"]), "Home Office letter (fictional)");
    assert_eq!(s(&c["decision_date"]), "2019-02-19");
    // `null` clears what may be empty; the rest stays.
    let res = app.patch(&path, &w, json!({"source": null, "version": 2})).await;
    assert_eq!(res.status(), 200);
    let c = claim_now(&app, &w, &person).await;
    assert_eq!((s(&c["source"]), s(&c["legal_note"])), (String::new(), "s.40(2) order (fictional)".into()));
    // A revoked claim keeps needing its date: clearing it is refused, and nothing changes.
    let body = assert_error(
        app.patch(&path, &w, json!({"decision_date": null, "version": 3})).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(body["error"]["fields"]["decision_date"].is_array(), "{body}");
    let body =
        assert_error(app.patch(&path, &w, json!({"country": "FR", "version": 3})).await, 422, "validation_failed")
            .await;
    assert!(body["error"]["fields"]["country"].is_array(), "{body}");
    let c = claim_now(&app, &w, &person).await;
    assert_eq!((c["version"].as_i64(), s(&c["decision_date"])), (Some(3), "2019-02-19".into()));
    assert_error(app.patch(&path, &w, json!({"status": "verified", "version": 2})).await, 409, "conflict").await;
}

#[actix_web::test]
async fn a_family_patch_keeps_the_notes_it_does_not_send() {
    let app = spawn_app().await;
    let (_, w) = app.signed_in(Role::Caseworker, "Org A").await;
    let (family, _) = revoked_claim(&app, &w).await;
    let path = format!("/api/v1/families/{}", s(&family["id"]));
    let res = app.patch(&path, &w, json!({"label": "Hale family (fictional)", "version": 1})).await;
    assert_eq!(res.status(), 200);
    let v = json(res).await;
    assert_eq!(
        (s(&v["label"]), s(&v["notes"])),
        ("Hale family (fictional)".into(), "Met in Roj, 2024 (fictional)".into())
    );
    let v = json(app.patch(&path, &w, json!({"notes": "Moved to al-Hol (fictional)", "version": 2})).await).await;
    assert_eq!(
        (s(&v["label"]), s(&v["notes"])),
        ("Hale family (fictional)".into(), "Moved to al-Hol (fictional)".into())
    );
    let v = json(app.patch(&path, &w, json!({"notes": null, "version": 3})).await).await;
    assert_eq!((s(&v["notes"]), v["version"].as_i64()), (String::new(), Some(4)));
    let body =
        assert_error(app.patch(&path, &w, json!({"label": " ", "version": 4})).await, 422, "validation_failed").await;
    assert!(body["error"]["fields"]["label"].is_array(), "{body}");
    assert_eq!(json(app.get(&path, &w).await).await["label"], "Hale family (fictional)");
}

#[actix_web::test]
async fn a_facility_patch_changes_only_what_it_sends() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let body =
        json!({"name": "Test camp (fictional)", "kind": "prison", "country_code": "IQ", "notes": "Near the border"});
    let created = json(app.post("/api/v1/facilities", &admin, body).await).await;
    let path = format!("/api/v1/facilities/{}", s(&created["id"]));
    let res = app.patch(&path, &admin, json!({"name": "Test camp renamed (fictional)", "version": 1})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let v = json(app.get(&path, &admin).await).await;
    assert_eq!(s(&v["name"]), "Test camp renamed (fictional)");
    assert_eq!(
        (s(&v["kind"]), s(&v["country_code"]), s(&v["notes"])),
        ("prison".into(), "IQ".into(), "Near the border".into())
    );
    let v = json(app.patch(&path, &admin, json!({"notes": null, "version": 2})).await).await;
    assert_eq!(
        (s(&v["notes"]), s(&v["name"]), v["version"].as_i64()),
        (String::new(), "Test camp renamed (fictional)".into(), Some(3))
    );
    let body =
        assert_error(app.patch(&path, &admin, json!({"kind": "hotel", "version": 3})).await, 422, "validation_failed")
            .await;
    assert!(body["error"]["fields"]["kind"].is_array(), "{body}");
    assert_eq!(json(app.get(&path, &admin).await).await["version"], 3, "a refused patch changes nothing");
}

#[actix_web::test]
async fn a_draft_patch_keeps_the_source_and_note_it_does_not_send() {
    let app = spawn_app().await;
    let (_, steward) = app.steward("Org A").await;
    let draft = json(app.post("/api/v1/policies/RU/drafts", &steward, json!({})).await).await;
    assert!(!s(&draft["source"]).is_empty(), "a draft copies the version in force: {draft}");
    let path = format!("/api/v1/policy-versions/{}", s(&draft["id"]));
    let res = app.patch(&path, &steward, json!({"summary": "Children only, reviewed (fictional)", "version": 1})).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let v = json(res).await;
    assert_eq!(s(&v["summary"]), "Children only, reviewed (fictional)");
    for f in ["source", "source_url", "note", "rules"] {
        assert_eq!(v[f], draft[f], "{f} is kept");
    }
    let v = json(app.patch(&path, &steward, json!({"note": null, "source_url": null, "version": 2})).await).await;
    assert_eq!(
        (s(&v["note"]), s(&v["source_url"]), v["source"].clone()),
        (String::new(), String::new(), draft["source"].clone())
    );
    let bad = json!({"rules": [{"when": {"type": "always"}, "outcome": "maybe"}], "version": 3});
    assert_error(app.patch(&path, &steward, bad).await, 422, "validation_failed").await;
    assert_eq!(json(app.get(&path, &steward).await).await["version"], 3);
}

#[actix_web::test]
async fn full_days_outside_the_supported_years_answer_422_naming_the_field() {
    let app = spawn_app().await;
    let (_, steward) = app.steward("Org A").await;
    let draft = json(app.post("/api/v1/policies/FR/drafts", &steward, json!({})).await).await;
    let publish = format!("/api/v1/policy-versions/{}/publish", s(&draft["id"]));
    for (body, field) in [
        (json!({"effective_from": "-5000-01-01", "version": 1}), "effective_from"),
        (json!({"effective_from": "2027-01-01", "effective_to": "2500-01-01", "version": 1}), "effective_to"),
    ] {
        let err = assert_error(app.post(&publish, &steward, body).await, 422, "validation_failed").await;
        assert!(err["error"]["fields"][field].is_array(), "{err}");
    }
    assert_eq!(
        json(app.get(&format!("/api/v1/policy-versions/{}", s(&draft["id"])), &steward).await).await["status"],
        "draft"
    );
    let hol = app.facility("al-Hol");
    let before = app.count("facility_authorities");
    let err = assert_error(
        app.post(
            &format!("/api/v1/facilities/{hol}/authorities"),
            &steward,
            json!({"authority": "X", "from_date": "-5000-01-01"}),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert!(err["error"]["fields"]["from_date"].is_array(), "{err}");
    assert_eq!(app.count("facility_authorities"), before, "nothing was recorded");
}
