//! Registry rules: validation, versions, scope, roles, history, facilities, demo data.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use serde_json::json;

#[actix_web::test]
async fn invalid_input_gets_field_errors_and_changes_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let mut body = intake_body(&app, "Invalid");
    body["members"][0]["given_name"] = json!("  ");
    body["members"][0]["family_name"] = json!("x".repeat(201));
    body["members"][1]["birth"] = json!({"year": 2031});
    body["members"][1]["nationalities"][0]["country"] = json!("ZZ");
    body["members"][2]["birth"] = json!({"year": 2019, "month": 2, "day": 30});
    body["members"][0]["custody"][0]["date"] = json!({"year": 2019, "month": 13});
    body["kinship"][0]["relative"] = json!(7);
    let res = app.post("/api/v1/families", &s, body).await;
    let err = assert_error(res, 422, "validation_failed").await;
    let fields = &err["error"]["fields"];
    for f in [
        "members[0].given_name",
        "members[0].family_name",
        "members[1].birth",
        "members[1].nationalities[0].country",
        "members[2].birth",
        "members[0].custody[0].date",
        "kinship[0].relative",
    ] {
        assert!(fields[f].is_array(), "{f} missing in {fields}");
    }
    assert_eq!(fields["members[1].birth"][0], "must not be in the future");
    assert_eq!(app.count("families"), 0);
    assert_eq!(app.count("persons"), 0);
}

#[actix_web::test]
async fn a_child_born_before_its_parent_is_saved_with_a_warning() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let mut body = intake_body(&app, "Order");
    body["kinship"] = json!([{"person": 1, "kind": "parent_of", "relative": 0}]);
    let res = app.post("/api/v1/families", &s, body).await;
    assert_eq!(res.status(), 201, "birth dates are often estimates: implausible is not refused");
    let saved = json(res).await;
    assert_eq!(saved["warnings"][0]["kind"], "child_older_than_parent", "{saved}");
    assert_eq!(saved["warnings"][0]["field"], "kinship[0]");
    assert_eq!(app.count("families"), 1);
}

#[actix_web::test]
async fn stale_versions_get_409_and_nothing_is_overwritten() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Versions")).await).await;
    let fid = family["id"].as_str().unwrap_or_default();
    let p = &family["members"][0];
    let pid = p["id"].as_str().unwrap_or_default();
    let mut edit = p.clone();
    edit["given_name"] = json!("Amirah");
    edit["version"] = json!(1);
    let first = app.patch(&format!("/api/v1/persons/{pid}"), &s, edit.clone()).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers().get("etag").and_then(|v| v.to_str().ok()), Some("\"2\""));
    edit["given_name"] = json!("Ameera");
    let body =
        assert_error(app.patch(&format!("/api/v1/persons/{pid}"), &s, edit.clone()).await, 409, "conflict").await;
    assert_eq!(body["error"]["current_version"], 2);
    assert_eq!(json(app.get(&format!("/api/v1/persons/{pid}"), &s).await).await["given_name"], "Amirah");
    edit.as_object_mut().map(|o| o.remove("version"));
    assert_error(app.patch(&format!("/api/v1/persons/{pid}"), &s, edit).await, 422, "validation_failed").await;
    let fam = json!({"label": "Renamed (fictional)", "version": 1});
    assert_eq!(app.patch(&format!("/api/v1/families/{fid}"), &s, fam.clone()).await.status(), 200);
    assert_error(app.patch(&format!("/api/v1/families/{fid}"), &s, fam).await, 409, "conflict").await;
    let claim = p["nationalities"][0]["id"].as_str().unwrap_or_default();
    let c = json!({"country": "FR", "status": "unverified", "version": 1});
    assert_eq!(app.patch(&format!("/api/v1/nationalities/{claim}"), &s, c.clone()).await.status(), 200);
    assert_error(app.patch(&format!("/api/v1/nationalities/{claim}"), &s, c).await, 409, "conflict").await;
}

#[actix_web::test]
async fn another_organisations_families_and_persons_answer_404() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, b) = app.signed_in(Role::Coordinator, "Org B").await;
    let family = json(app.post("/api/v1/families", &a, intake_body(&app, "Scoped")).await).await;
    let fid = family["id"].as_str().unwrap_or_default();
    let pid = family["members"][0]["id"].as_str().unwrap_or_default();
    let claim = family["members"][0]["nationalities"][0]["id"].as_str().unwrap_or_default();
    for path in [
        format!("/api/v1/families/{fid}"),
        format!("/api/v1/families/{fid}/history"),
        format!("/api/v1/persons/{pid}"),
        format!("/api/v1/persons/{pid}/history"),
        format!("/api/v1/persons/{pid}/whereabouts"),
    ] {
        assert_error(app.get(&path, &b).await, 404, "not_found").await;
    }
    assert_error(
        app.patch(&format!("/api/v1/families/{fid}"), &b, json!({"label": "x", "version": 1})).await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.patch(
            &format!("/api/v1/nationalities/{claim}"),
            &b,
            json!({"country": "FR", "status": "denied", "decision_date": "2020-01-01", "version": 1}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.post(&format!("/api/v1/persons/{pid}/custody"), &b, json!({"kind": "released", "date": {"year": 2025}}))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.post(&format!("/api/v1/persons/{pid}/names"), &b, json!({"kind": "alias", "name": "X"})).await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        app.post(&format!("/api/v1/families/{fid}/members"), &b, json!({"given_name": "X", "family_name": "Y"})).await,
        404,
        "not_found",
    )
    .await;
    let own = json(app.post("/api/v1/families", &b, intake_body(&app, "Mine")).await).await;
    let own_pid = own["members"][0]["id"].as_str().unwrap_or_default();
    assert_error(
        app.post("/api/v1/kinships", &b, json!({"person_id": own_pid, "kind": "spouse_of", "relative_id": pid})).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(json(app.get("/api/v1/families", &b).await).await["total"], 1);
    assert_eq!(json(app.get("/api/v1/persons?q=scoped", &b).await).await["total"], 0);
    let hol = app.facility("al-Hol");
    let pop = json(app.get(&format!("/api/v1/facilities/{hol}/population?as_of=2020-01-01"), &b).await).await;
    assert!(
        pop["items"].as_array().is_some_and(|p| !p.is_empty() && p.iter().all(|x| x["family_name"] == "Mine")),
        "{pop}"
    );
    // Org A's record is untouched.
    assert_eq!(json(app.get(&format!("/api/v1/families/{fid}"), &a).await).await["version"], 1);
}

#[actix_web::test]
async fn roles_decide_who_reads_families_and_who_manages_facilities() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (_, worker) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_error(app.get("/api/v1/families", &admin).await, 403, "forbidden").await;
    let facility = json!({"name": "Test camp (fictional)", "kind": "camp", "country_code": "SY"});
    assert_error(app.post("/api/v1/facilities", &worker, facility.clone()).await, 403, "forbidden").await;
    let res = app.post("/api/v1/facilities", &admin, facility).await;
    assert_eq!(res.status(), 201);
    let created = json(res).await;
    let id = created["id"].as_str().unwrap_or_default();
    let res = app
        .post(
            &format!("/api/v1/facilities/{id}/authorities"),
            &admin,
            json!({"authority": "SDF", "from_date": "2020-01-01"}),
        )
        .await;
    assert_eq!(json(res).await["current_authority"], "SDF");
    let bad = json!({"name": "", "kind": "hotel", "country_code": "QQ"});
    let err = assert_error(app.post("/api/v1/facilities", &admin, bad).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["kind"].is_array() && err["error"]["fields"]["country_code"].is_array());
    let upd = json!({"name": "Test camp renamed (fictional)", "kind": "camp", "country_code": "SY", "version": 1});
    assert_eq!(app.patch(&format!("/api/v1/facilities/{id}"), &admin, upd.clone()).await.status(), 200);
    assert_error(app.patch(&format!("/api/v1/facilities/{id}"), &admin, upd).await, 409, "conflict").await;
    // Seeded control over time: al-Hol passed from the SDF to the government on 2026-01-21.
    let hol = json(app.get(&format!("/api/v1/facilities/{}", app.facility("al-Hol")), &worker).await).await;
    assert_eq!(hol["current_authority"], "Syrian government");
    assert_eq!(hol["authorities"][1]["from_date"], "2026-01-21");
}

#[actix_web::test]
async fn every_precision_of_a_departure_date_is_kept() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Dates")).await).await;
    let p = &family["members"][0];
    assert_eq!(p["left_home"], json!({"year": 2014, "month": 9}));
    let pid = p["id"].as_str().unwrap_or_default();
    for (left, version) in [
        (json!({"year": 2014, "month": 9, "day": 3}), 1),
        (json!({"year": 2013, "margin_years": 1}), 2),
        (json!({"year": 2014}), 3),
    ] {
        let mut edit = p.clone();
        edit["left_home"] = left.clone();
        edit["version"] = json!(version);
        let res = app.patch(&format!("/api/v1/persons/{pid}"), &s, edit).await;
        assert_eq!(res.status(), 200);
        assert_eq!(json(res).await["left_home"], left);
    }
}

#[actix_web::test]
async fn the_change_history_shows_who_changed_which_field_from_what_to_what() {
    let app = spawn_app().await;
    let (me, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "History")).await).await;
    let mut p = family["members"][1].clone();
    p["birth"] = json!({"year": 2015, "month": 4, "day": 9});
    p["version"] = json!(1);
    let pid = p["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(app.patch(&format!("/api/v1/persons/{pid}"), &s, p).await.status(), 200);
    let fid = family["id"].as_str().unwrap_or_default();
    let history = json(app.get(&format!("/api/v1/families/{fid}/history"), &s).await).await;
    let birth = history.as_array().and_then(|h| h.iter().find(|c| c["field"] == "birth")).cloned().unwrap_or_default();
    assert_eq!((birth["old_value"].as_str(), birth["new_value"].as_str()), (Some("2015-04"), Some("2015-04-09")));
    assert_eq!(birth["actor_name"], "Test caseworker (fictional)");
    assert_eq!(birth["actor_id"], me.id.as_str());
    assert_eq!(birth["entity_id"], pid.as_str());
    assert!(history.as_array().is_some_and(|h| h.iter().any(|c| c["field"] == "created")));
}

#[test]
fn the_demo_data_is_large_varied_and_valid() {
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database(&dir);
    let pool = homeward::db::connect(&url, 2).expect("pool");
    let mut conn = pool.get().expect("conn");
    homeward::db::migrate(&mut conn).expect("migrate");
    let clock = test_clock();
    homeward::services::seed::apply(&mut conn, &homeward::services::audit::AuditCtx::cli("test", &clock))
        .expect("seed");
    homeward::services::demo::load(&mut conn, &clock).expect("demo loads through the intake validation");
    assert!(count_in(&mut conn, "families") >= 40);
    assert!(count_in(&mut conn, "persons") >= 150);
    assert!(count_in(&mut conn, "(SELECT DISTINCT country_code FROM nationality_claims) c") >= 12);
    assert!(
        count_in(
            &mut conn,
            "(SELECT DISTINCT current_facility_id FROM person_derived WHERE current_facility_id IS NOT NULL) f"
        ) >= 4
    );
    assert!(count_in(&mut conn, "person_names WHERE script = 'arabic'") >= 10);
    assert!(count_in(&mut conn, "person_names WHERE script = 'cyrillic'") >= 10);
    assert!(count_in(&mut conn, "persons WHERE birth_earliest <> birth_latest") >= 20, "partial birth dates");
    assert!(count_in(&mut conn, "nationality_claims WHERE status = 'revoked'") >= 1);
    assert!(count_in(&mut conn, "person_derived WHERE stateless = TRUE") >= 1);
    assert!(count_in(&mut conn, "custody_events WHERE kind = 'escaped'") >= 1);
    assert!(count_in(&mut conn, "custody_events WHERE kind = 'transferred'") >= 1);
    assert!(count_in(&mut conn, "kinships k JOIN person_derived a ON a.person_id = k.person_id JOIN person_derived b ON b.person_id = k.relative_id WHERE a.current_facility_id <> b.current_facility_id") >= 1, "split families");
    // Cases in every status, moved through the workflow's services.
    assert_eq!(count_in(&mut conn, "(SELECT DISTINCT status FROM cases) s"), 12, "every case status");
    assert!(count_in(&mut conn, "case_events WHERE kind = 'transition'") >= 30);
    assert!(count_in(&mut conn, "custody_events WHERE kind = 'repatriated'") >= 1);
    // Loading again adds nothing.
    let (families, persons) = (count_in(&mut conn, "families"), count_in(&mut conn, "persons"));
    homeward::services::demo::load(&mut conn, &clock).expect("second load");
    assert_eq!((count_in(&mut conn, "families"), count_in(&mut conn, "persons")), (families, persons));
    assert_eq!(count_in(&mut conn, "cases"), 16);
}
