//! Organisation scope that cannot be forgotten: every id of another organisation's records,
//! child records included, answers 404 and changes nothing; the database itself refuses a
//! family or a kinship link that crosses organisations; requests without a session are refused
//! outside the public paths.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use reqwest::Method;
use serde_json::{json, Value};

fn id_at(v: &Value, path: &[&str]) -> String {
    let mut cur = v;
    for p in path {
        cur = match p.parse::<usize>() {
            Ok(i) => &cur[i],
            Err(_) => &cur[*p],
        };
    }
    cur.as_str().unwrap_or_else(|| panic!("no id at {path:?} in {v}")).to_string()
}

#[actix_web::test]
async fn every_record_and_child_record_of_another_organisation_answers_404() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, b) = app.signed_in(Role::Coordinator, "Org B").await;
    let family = json(app.post("/api/v1/families", &a, intake_body(&app, "Scoped")).await).await;
    let fid = id_at(&family, &["id"]);
    let amira = &family["members"][0];
    let pid = id_at(amira, &["id"]);
    let name = id_at(amira, &["other_names", "0", "id"]);
    let claim = id_at(amira, &["nationalities", "0", "id"]);
    let kinship = id_at(amira, &["relatives", "0", "kinship_id"]);
    let mine = json(app.post("/api/v1/families", &b, intake_body(&app, "Mine")).await).await;
    let my_pid = id_at(&mine["members"][0], &["id"]);
    let successes = || app.count("audit_events WHERE outcome = 'success' AND action NOT LIKE 'auth.%'");
    let successes_before = successes();
    let hol = app.facility("al-Hol");
    let reads = [
        format!("/api/v1/families/{fid}"),
        format!("/api/v1/families/{fid}/history"),
        format!("/api/v1/families/{fid}/eligibility"),
        format!("/api/v1/persons/{pid}"),
        format!("/api/v1/persons/{pid}/history"),
        format!("/api/v1/persons/{pid}/whereabouts"),
        format!("/api/v1/persons/{pid}/eligibility"),
    ];
    for path in &reads {
        assert_error(app.get(path, &b).await, 404, "not_found").await;
    }
    let writes: Vec<(Method, String, Value)> = vec![
        (Method::PATCH, format!("/api/v1/families/{fid}"), json!({"label": "x", "version": 1})),
        (Method::POST, format!("/api/v1/families/{fid}/members"), json!({"given_name": "X", "family_name": "Y"})),
        (Method::PATCH, format!("/api/v1/persons/{pid}"), json!({"given_name": "X", "version": 1})),
        (Method::POST, format!("/api/v1/persons/{pid}/names"), json!({"kind": "alias", "name": "X"})),
        (Method::DELETE, format!("/api/v1/persons/{pid}/names/{name}"), json!({})),
        (Method::POST, format!("/api/v1/persons/{pid}/nationalities"), json!({"country": "DE", "status": "claimed"})),
        (
            Method::PATCH,
            format!("/api/v1/nationalities/{claim}"),
            json!({"country": "FR", "status": "revoked", "decision_date": "2020", "version": 1}),
        ),
        (
            Method::POST,
            format!("/api/v1/persons/{pid}/custody"),
            json!({"kind": "admitted", "facility_id": hol, "date": {"year": 2020}}),
        ),
        (
            Method::POST,
            "/api/v1/custody-events".to_string(),
            json!({"person_ids": [my_pid, pid], "kind": "admitted", "facility_id": hol, "date": {"year": 2020}}),
        ),
        (
            Method::POST,
            "/api/v1/kinships".to_string(),
            json!({"person_id": my_pid, "kind": "parent_of", "relative_id": pid}),
        ),
        (Method::DELETE, format!("/api/v1/kinships/{kinship}"), json!({})),
    ];
    for (method, path, body) in writes {
        let res = app.request(method.clone(), &path, Some(&b), Some(body)).await;
        assert_error(res, 404, "not_found").await;
    }
    // Nothing of Org A changed, nothing of Org B was half-made, and no success was audited.
    let after = json(app.get(&format!("/api/v1/families/{fid}"), &a).await).await;
    assert_eq!(after["version"], 1);
    assert_eq!(after["members"][0]["version"], 1);
    assert_eq!(after["members"][0]["nationalities"][0]["status"], "verified");
    assert_eq!(after["members"].as_array().map(Vec::len), Some(3));
    assert_eq!(app.count("custody_events WHERE person_id IN (SELECT id FROM persons WHERE family_name = 'Mine')"), 3);
    assert_eq!(app.count("kinships"), 4, "two links per family, none across");
    assert_eq!(successes(), successes_before, "no refused request was recorded as a success");
    // Org B's aging-out watch and lists never show Org A's persons.
    let list = json(app.get("/api/v1/persons?limit=500", &b).await).await;
    assert!(list["items"].as_array().is_some_and(|i| !i.is_empty() && i.iter().all(|p| p["family_name"] == "Mine")));
}

#[actix_web::test]
async fn the_database_refuses_a_family_or_a_kinship_that_crosses_organisations() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, b) = app.signed_in(Role::Caseworker, "Org B").await;
    let fa = json(app.post("/api/v1/families", &a, intake_body(&app, "Alpha")).await).await;
    let fb = json(app.post("/api/v1/families", &b, intake_body(&app, "Beta")).await).await;
    let (pa, pb) = (id_at(&fa["members"][0], &["id"]), id_at(&fb["members"][0], &["id"]));
    let org_a = app.scalar(&format!("SELECT organisation_id AS v FROM persons WHERE id = '{pa}'"));
    let fam_b = id_at(&fb, &["id"]);
    // Bypassing every service: the constraints alone must refuse.
    let cross_kin = format!(
        "INSERT INTO kinships (id, organisation_id, person_id, relative_id, kind, created_at) \
         VALUES ('00000000-0000-4000-8000-000000000001', '{org_a}', '{pa}', '{pb}', 'spouse_of', '2026-01-01 00:00:00')"
    );
    assert!(app.try_sql(&cross_kin).is_err(), "a kinship whose relative is another organisation's");
    let cross_family = format!("UPDATE persons SET family_id = '{fam_b}' WHERE id = '{pa}'");
    assert!(app.try_sql(&cross_family).is_err(), "a person in another organisation's family");
    let cross_claim = format!("UPDATE nationality_claims SET organisation_id = (SELECT organisation_id FROM persons WHERE id = '{pb}') WHERE person_id = '{pa}'");
    assert!(app.try_sql(&cross_claim).is_err(), "a claim filed under another organisation");
    assert_eq!(app.count("kinships"), 4);
}

#[actix_web::test]
async fn without_a_session_only_the_public_paths_answer() {
    let app = spawn_app().await;
    for path in ["/api/v1/families", "/api/v1/jobs", "/api/v1/policy-changes", "/api/v1/no-such-thing"] {
        let res = app.request(Method::GET, path, None, None).await;
        assert_error(res, 401, "unauthenticated").await;
    }
    for path in ["/families", "/policies", "/no-such-page"] {
        let res = app.request(Method::GET, path, None, None).await;
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/login"));
    }
    for path in ["/login", "/healthz", "/api/openapi.json", "/static/app.css"] {
        assert_eq!(app.request(Method::GET, path, None, None).await.status(), 200, "{path}");
    }
}

#[actix_web::test]
async fn an_admin_is_not_a_steward_until_granted_and_stewards_grant_and_end_stewardships() {
    let app = spawn_app().await;
    let (admin, admin_s) = app.signed_in(Role::Admin, "Org A").await;
    let (_, steward) = app.steward("Org B").await;
    assert_error(app.post("/api/v1/policies/FR/drafts", &admin_s, json!({})).await, 403, "forbidden").await;
    assert_error(app.get("/api/v1/stewards", &admin_s).await, 403, "forbidden").await;
    let me = json(app.get("/api/v1/me", &admin_s).await).await;
    assert_eq!(me["steward"], false);
    let res = app.post("/api/v1/stewards", &steward, json!({"email": admin.email})).await;
    assert_eq!(res.status(), 201);
    assert_eq!(app.post("/api/v1/policies/FR/drafts", &admin_s, json!({})).await.status(), 201);
    let uid = admin.id.clone();
    assert_eq!(
        app.request(Method::DELETE, &format!("/api/v1/stewards/{uid}"), Some(&steward), None).await.status(),
        204
    );
    assert_error(app.post("/api/v1/policies/FR/drafts", &admin_s, json!({})).await, 403, "forbidden").await;
    let log = json(app.get("/api/v1/policy-changes", &admin_s).await).await;
    let actions: Vec<&str> =
        log.as_array().map(|l| l.iter().filter_map(|e| e["action"].as_str()).collect()).unwrap_or_default();
    for a in ["steward.grant", "steward.revoke", "policy.draft.create"] {
        assert!(actions.contains(&a), "{a} in the log every admin reads: {actions:?}");
    }
}

#[actix_web::test]
async fn a_new_member_is_linked_across_families_at_once_or_not_saved_at_all() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, b) = app.signed_in(Role::Caseworker, "Org B").await;
    let home = json(app.post("/api/v1/families", &a, intake_body(&app, "Home")).await).await;
    let other = json(app.post("/api/v1/families", &a, intake_body(&app, "Other")).await).await;
    let theirs = json(app.post("/api/v1/families", &b, intake_body(&app, "Theirs")).await).await;
    let fid = id_at(&home, &["id"]);
    let mother = id_at(&home["members"][0], &["id"]);
    let uncle = id_at(&other["members"][0], &["id"]);
    let foreign = id_at(&theirs["members"][0], &["id"]);
    let persons_before = app.count("persons");
    let kin_before = app.count("kinships");
    // One link to another organisation's person: nothing is saved, the link is named.
    let refused = json!({"given_name": "Newborn", "family_name": "Home", "links": [
        {"relative_id": mother, "kind": "parent_of", "reverse": true},
        {"relative_id": foreign, "kind": "sibling_of"},
    ]});
    let res = app.post(&format!("/api/v1/families/{fid}/members"), &a, refused).await;
    let err = assert_error(res, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["links[1].relative_id"].is_array(), "{err}");
    assert_eq!((app.count("persons"), app.count("kinships")), (persons_before, kin_before), "nothing half-saved");
    // Links to the mother (read the other way) and to a person in another family of the same organisation.
    let ok = json!({"given_name": "Newborn", "family_name": "Home", "links": [
        {"relative_id": mother, "kind": "parent_of", "reverse": true},
        {"relative_id": uncle, "kind": "sibling_of"},
    ]});
    let res = app.post(&format!("/api/v1/families/{fid}/members"), &a, ok).await;
    assert_eq!(res.status(), 201);
    let born = json(res).await;
    let relatives = born["relatives"].as_array().cloned().unwrap_or_default();
    assert_eq!(relatives.len(), 2, "{born}");
    assert_eq!(app.count("kinships"), kin_before + 2);
    let mothers = app.count(&format!(
        "kinships WHERE person_id = '{mother}' AND relative_id = '{}' AND kind = 'parent_of'",
        id_at(&born, &["id"])
    ));
    assert_eq!(mothers, 1, "the mother is the newborn's parent");
}
