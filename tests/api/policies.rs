//! Policies: seeded versions, evaluation of persons and families with explanations, stored
//! results kept current, the aging-out watch and the admin workflow.

use crate::helpers::*;
use chrono::{Datelike, Duration};
use homeward::domain::role::Role;
use serde_json::{json, Value};

/// A Russian mother (1990) with a son born on `son_birth` (YYYY-MM-DD), both held in Roj.
async fn russian_family(app: &TestApp, s: &Session, son_birth: &str) -> Value {
    let (y, m, d) = {
        let p: Vec<u32> = son_birth.split('-').filter_map(|x| x.parse().ok()).collect();
        (p[0], p[1], p[2])
    };
    let roj = app.facility("Roj");
    let body = json!({"label": "Family of Aliya Petrova (fictional)", "members": [
        {"given_name": "Aliya", "family_name": "Petrova", "sex": "female", "birth": {"year": 1990, "month": 2, "day": 1},
         "nationalities": [{"country": "RU", "status": "verified", "basis": "birth"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019, "month": 3}}]},
        {"given_name": "Timur", "family_name": "Petrov", "sex": "male", "birth": {"year": y, "month": m, "day": d},
         "nationalities": [{"country": "RU", "status": "verified", "basis": "descent"}],
         "custody": [{"kind": "admitted", "facility_id": roj, "date": {"year": 2019, "month": 3}}]}],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}]});
    let res = app.post("/api/v1/families", s, body).await;
    assert_eq!(res.status(), 201);
    json(res).await
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

#[actix_web::test]
async fn seeded_policies_cover_sixteen_countries_without_overlaps() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let all = json(app.get("/api/v1/policies", &s).await).await;
    let versions = all.as_array().cloned().unwrap_or_default();
    let mut countries: Vec<&str> = versions.iter().filter_map(|v| v["country_code"].as_str()).collect();
    countries.dedup();
    assert!(countries.len() >= 16, "{countries:?}");
    for c in &countries {
        let mut periods: Vec<(String, Option<String>)> = versions
            .iter()
            .filter(|v| v["country_code"] == *c && v["status"] == "published")
            .map(|v| {
                (
                    v["effective_from"].as_str().unwrap_or_default().to_string(),
                    v["effective_to"].as_str().map(str::to_string),
                )
            })
            .collect();
        periods.sort();
        for w in periods.windows(2) {
            assert!(w[0].1.as_deref().is_some_and(|end| end < w[1].0.as_str()), "{c}: {w:?} overlap");
        }
    }
    let ru = json(app.get("/api/v1/policies/RU", &s).await).await;
    assert!(ru[1]["rules_in_words"][0].as_str().is_some_and(|w| w.contains("under 18")), "{}", ru[1]);
    assert!(ru.as_array().is_some_and(|v| v.iter().all(|x| !x["source"].as_str().unwrap_or_default().is_empty())));
}

#[actix_web::test]
async fn a_children_only_policy_separates_a_mother_from_her_son_with_explanations() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = russian_family(&app, &s, "2010-05-01").await;
    let timur = id(&family["members"]
        .as_array()
        .and_then(|m| m.iter().find(|p| p["given_name"] == "Timur"))
        .cloned()
        .unwrap_or_default());
    let r = json(app.get(&format!("/api/v1/persons/{timur}/eligibility?as_of=2026-01-01"), &s).await).await;
    assert_eq!(r["results"][0]["outcome"], "eligible_with_conditions", "{r}");
    assert_eq!(
        (r["outcome"].as_str(), r["changes_on"].as_str()),
        (Some("eligible_with_conditions"), Some("2028-05-01")),
        "the summary"
    );
    assert_eq!(r["results"][0]["country"], "RU");
    assert_eq!(r["results"][0]["rule_number"], 1);
    assert!(
        r["results"][0]["facts_text"][0]
            .as_str()
            .is_some_and(|f| f.starts_with("age 15 (born 2010-05-01) is under 18")),
        "{r}"
    );
    assert_eq!(r["results"][0]["facts_used"][0]["code"], "age", "the fact as data: {r}");
    assert_eq!(r["results"][0]["facts_used"][0]["youngest"], 15);
    assert_eq!(r["results"][0]["explanation"]["code"], "rule");
    assert_eq!(r["results"][0]["changes_on"], "2028-05-01");
    assert_eq!(r["results"][0]["change_reason"], "age");
    let fam = json(app.get(&format!("/api/v1/families/{}/eligibility?as_of=2026-01-01", id(&family)), &s).await).await;
    assert_eq!(fam["separation_risk"], true, "{fam}");
    assert_eq!((fam["all_eligible"].as_bool(), fam["none_eligible"].as_bool()), (Some(false), Some(false)));
    // The day before and the day of his 18th birthday.
    let before = json(app.get(&format!("/api/v1/persons/{timur}/eligibility?as_of=2028-04-30"), &s).await).await;
    let on = json(app.get(&format!("/api/v1/persons/{timur}/eligibility?as_of=2028-05-01"), &s).await).await;
    assert_eq!(
        (before["results"][0]["outcome"].as_str(), on["results"][0]["outcome"].as_str()),
        (Some("eligible_with_conditions"), Some("not_eligible"))
    );
    // Before November 2017 Russia took women and children case by case.
    let old = json(app.get(&format!("/api/v1/families/{}/eligibility?as_of=2017-06-01", id(&family)), &s).await).await;
    assert_eq!(old["separation_risk"], false);
}

#[actix_web::test]
async fn an_uncertain_age_is_reported_and_a_revoked_claim_explains_itself() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let body = json!({"label": "Family of two (fictional)", "members": [
        {"given_name": "Danil", "family_name": "Orlov", "sex": "male", "birth": {"year": 2008},
         "nationalities": [{"country": "RU", "status": "verified"}]},
        {"given_name": "Lucy", "family_name": "Hale", "sex": "female", "birth": {"year": 1997},
         "nationalities": [{"country": "GB", "status": "revoked", "decision_date": "2019-02-19"}]}]});
    let family = json(app.post("/api/v1/families", &s, body).await).await;
    let danil = id(&family["members"]
        .as_array()
        .and_then(|m| m.iter().find(|p| p["given_name"] == "Danil"))
        .cloned()
        .unwrap_or_default());
    let lucy = id(&family["members"]
        .as_array()
        .and_then(|m| m.iter().find(|p| p["given_name"] == "Lucy"))
        .cloned()
        .unwrap_or_default());
    let r = json(app.get(&format!("/api/v1/persons/{danil}/eligibility?as_of=2026-06-01"), &s).await).await;
    assert_eq!(
        r["results"][0]["uncertain"],
        json!({"code": "age_uncertain", "youngest": 17, "oldest": 18, "born": "2008"}),
        "{r}"
    );
    assert_eq!(r["results"][0]["uncertain_text"], "age uncertain: 17–18 (born 2008); exact birth date needed");
    assert_eq!(r["results"][0]["possible_outcomes"], json!(["eligible_with_conditions", "not_eligible"]));
    let r = json(app.get(&format!("/api/v1/persons/{lucy}/eligibility"), &s).await).await;
    assert_eq!(
        (r["results"][0]["outcome"].as_str(), r["results"][0]["explanation_text"].as_str()),
        (Some("no_route"), Some("citizenship revoked on 2019-02-19"))
    );
}

#[actix_web::test]
async fn stored_results_follow_the_facts_and_feed_the_aging_out_watch() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    // The son turns 18 in 30 days: his birth date is the day 30 days ahead, 18 years back.
    let today = today();
    let turns_18 = today + Duration::days(30);
    // The year comes from the birthday, not from today: 30 days ahead may be next year.
    let birth = turns_18.with_year(turns_18.year() - 18).expect("not 29 February: the test clock is pinned");
    let family = russian_family(&app, &s, &birth.format("%Y-%m-%d").to_string()).await;
    let watch = json(app.get("/api/v1/eligibility/aging-out", &s).await).await;
    let items = watch["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        (items.len(), watch["total"].as_i64(), watch["total_exact"].as_bool()),
        (1, Some(1), Some(true)),
        "{watch}"
    );
    assert_eq!(items[0]["name"], "Timur Petrov");
    assert_eq!(items[0]["changes_on"], (today + Duration::days(30)).format("%Y-%m-%d").to_string());
    assert_eq!(
        (items[0]["outcome"].as_str(), items[0]["changes_to"].as_str()),
        (Some("eligible_with_conditions"), Some("not_eligible"))
    );
    assert_eq!(
        json(app.get("/api/v1/eligibility/aging-out?days=10", &s).await).await["items"].as_array().map(Vec::len),
        Some(0)
    );
    assert_error(app.get("/api/v1/eligibility/aging-out?days=0", &s).await, 422, "validation_failed").await;
    // A fact a rule reads changes: the claim is revoked; the stored result follows at once.
    let timur = family["members"]
        .as_array()
        .and_then(|m| m.iter().find(|p| p["given_name"] == "Timur"))
        .cloned()
        .unwrap_or_default();
    let claim = id(&timur["nationalities"][0]);
    let res = app
        .patch(
            &format!("/api/v1/nationalities/{claim}"),
            &s,
            json!({"country": "RU", "status": "revoked", "decision_date": "2025-01-01", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(json(app.get("/api/v1/eligibility/aging-out", &s).await).await["total"], 0);
    let stored = app.count(&format!("eligibility_results WHERE person_id = '{}' AND outcome = 'no_route'", id(&timur)));
    assert_eq!(stored, 1);
}

#[actix_web::test]
async fn stewards_draft_simulate_publish_and_retire_a_version() {
    let app = spawn_app().await;
    let (_, admin) = app.steward("Org A").await;
    let (_, worker) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, plain_admin) = app.signed_in(Role::Admin, "Org B").await;
    let (_, coordinator) = app.signed_in(Role::Coordinator, "Org A").await;
    assert_error(app.post("/api/v1/policies/RU/drafts", &plain_admin, json!({})).await, 403, "forbidden").await;
    let family = russian_family(&app, &worker, "2012-03-03").await;
    let mother = family["members"]
        .as_array()
        .and_then(|m| m.iter().find(|p| p["given_name"] == "Aliya"))
        .cloned()
        .unwrap_or_default();
    assert_error(app.post("/api/v1/policies/RU/drafts", &worker, json!({})).await, 403, "forbidden").await;
    let res = app.post("/api/v1/policies/RU/drafts", &admin, json!({})).await;
    assert_eq!(res.status(), 201);
    let draft = json(res).await;
    assert_eq!((draft["status"].as_str(), draft["number"].as_i64()), (Some("draft"), Some(3)));
    let path = format!("/api/v1/policy-versions/{}", id(&draft));
    let bad = json!({"summary": "x", "rules": [{"when": {"type": "age_under", "years": 0}, "outcome": "eligible", "explanation": "x"}], "version": 1});
    let err = assert_error(app.patch(&path, &admin, bad).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["rules[0].when.years"].is_array(), "{err}");
    assert!(err["error"]["fields"]["rules[0].when"].is_array(), "the default rule is missing: {err}");
    let unknown = json!({"summary": "x", "rules": [{"when": {"type": "age_below", "years": 3}, "outcome": "eligible", "explanation": "x"}], "version": 1});
    assert_error(app.patch(&path, &admin, unknown).await, 422, "validation_failed").await;
    let rules = json!([
        {"when": {"type": "age_under", "years": 18}, "outcome": "eligible_with_conditions", "conditions": ["dna_test"], "explanation": "Children are received by relatives."},
        {"when": {"type": "all", "of": [{"type": "sex", "is": "female"}, {"type": "has_child_under18_in_custody"}]},
         "outcome": "case_by_case", "explanation": "Mothers with children held are considered case by case (fictional test change)."},
        {"when": {"type": "always"}, "outcome": "not_eligible", "explanation": "Other adults are not repatriated."}]);
    let res = app.patch(&path, &admin, json!({"summary": "Mothers with children case by case (test)", "source": "test", "rules": rules, "version": 1})).await;
    assert_eq!(res.status(), 200);
    assert_error(
        app.patch(&path, &admin, json!({"summary": "stale", "rules": rules, "version": 1})).await,
        409,
        "conflict",
    )
    .await;
    let today = today();
    let sim = json(app.post(&format!("{path}/simulate"), &admin, json!({})).await).await;
    assert_eq!(sim["changed"], 1, "{sim}");
    assert_eq!(sim["transitions"]["not_eligible -> case_by_case"], 1);
    assert_eq!(sim["by_facility"]["Roj"], 1);
    assert_eq!(sim["affected"].as_array().map(Vec::len), Some(0), "admins see counts, not persons");
    let sim = json(app.post(&format!("{path}/simulate"), &coordinator, json!({})).await).await;
    assert_eq!(
        sim["affected"][0]["name"], "Aliya Petrova",
        "a coordinator sees the names of their organisation: {sim}"
    );
    assert_error(app.post(&format!("{path}/simulate"), &worker, json!({})).await, 403, "forbidden").await;
    let res =
        app.post(&format!("{path}/publish"), &admin, json!({"effective_from": today.to_string(), "version": 2})).await;
    assert_eq!(res.status(), 200);
    let published = json(res).await;
    assert_eq!(published["job"]["kind"], "reevaluate_all", "the answer comes at once with the job: {published}");
    app.jobs_done().await;
    let job = json(app.get(&format!("/api/v1/jobs/{}", id(&published["job"])), &admin).await).await;
    assert_eq!((job["status"].as_str(), job["percent"].as_i64()), (Some("done"), Some(100)), "{job}");
    let ru = json(app.get("/api/v1/policies/RU", &admin).await).await;
    assert_eq!(ru[1]["effective_to"], (today - Duration::days(1)).to_string(), "the previous period was closed");
    assert_eq!(ru[2]["status"], "published");
    // Stored results were re-evaluated by the job the publication queued.
    let stored = app.count(&format!(
        "eligibility_results WHERE person_id = '{}' AND outcome = 'case_by_case' AND country_code = 'RU'",
        id(&mother)
    ));
    assert_eq!(stored, 1);
    let r = json(app.get(&format!("/api/v1/persons/{}/eligibility", id(&mother)), &worker).await).await;
    assert_eq!(
        (r["results"][0]["outcome"].as_str(), r["results"][0]["version_number"].as_i64()),
        (Some("case_by_case"), Some(3))
    );
    // Published versions are never edited in place.
    assert_error(
        app.patch(&path, &admin, json!({"summary": "x", "rules": rules, "version": 3})).await,
        422,
        "validation_failed",
    )
    .await;
    let res = app.post(&format!("{path}/retire"), &admin, json!({"version": 3})).await;
    assert_eq!(json(res).await["status"], "retired");
    app.jobs_done().await;
    let r = json(app.get(&format!("/api/v1/persons/{}/eligibility", id(&mother)), &worker).await).await;
    assert_eq!(r["results"][0]["explanation"]["code"], "not_in_force", "{r}");
    assert!(
        r["results"][0]["explanation_text"].as_str().is_some_and(|e| e.contains("no RU policy is in force")),
        "{r}"
    );
    let actions: Vec<String> = app.audit_actions().into_iter().map(|(_, a, _)| a).collect();
    for a in ["policy.draft.create", "policy.draft.update", "policy.publish", "policy.version.close", "policy.retire"] {
        assert!(actions.iter().any(|x| x == a), "{a} audited");
    }
    // Another organisation's admin sees who changed the shared policies.
    let log = json(app.get("/api/v1/policy-changes", &plain_admin).await).await;
    let entries = log.as_array().cloned().unwrap_or_default();
    assert!(
        entries.iter().any(|e| e["action"] == "policy.publish" && e["actor_organisation"] == "Org A"),
        "the publication shows in every organisation's change log: {log}"
    );
}

#[test]
fn a_changed_seed_adds_a_draft_and_never_rewrites_a_published_version() {
    use homeward::services::policy::seed::{apply_text, PolicySeedReport};
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database(&dir);
    let pool = homeward::db::connect(&url, 1).expect("pool");
    let mut conn = pool.get().expect("conn");
    homeward::db::migrate(&mut conn).expect("migrate");
    let clock = test_clock();
    homeward::services::seed::apply(&mut conn, &homeward::services::audit::AuditCtx::cli("test", &clock))
        .expect("seed");
    let before = count_in(&mut conn, "policy_versions WHERE country_code = 'RU'");
    let text = include_str!("../../seeds/policies/ru.toml");
    let mut report = PolicySeedReport::default();
    apply_text(&mut conn, &homeward::services::audit::AuditCtx::cli("test", &clock), "ru.toml", text, &mut report)
        .expect("same text");
    assert_eq!(report, PolicySeedReport::default(), "unchanged seed: nothing happens");
    let changed = text.replacen("explanation = \"", "explanation = \"(revised) ", 1);
    apply_text(&mut conn, &homeward::services::audit::AuditCtx::cli("test", &clock), "ru.toml", &changed, &mut report)
        .expect("changed text");
    assert_eq!((report.published, report.drafts), (0, 1));
    assert_eq!(count_in(&mut conn, "policy_versions WHERE country_code = 'RU'"), before + 1);
    assert_eq!(count_in(&mut conn, "policy_versions WHERE country_code = 'RU' AND status = 'draft'"), 1);
    assert_eq!(
        count_in(
            &mut conn,
            "policy_versions WHERE country_code = 'RU' AND status = 'published' AND rules LIKE '%(revised)%'"
        ),
        0
    );
}

#[actix_web::test]
async fn renaming_a_facility_changes_no_outcome_and_a_transfer_changes_it_at_once() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (_, worker) = app.signed_in(Role::Caseworker, "Org A").await;
    let hol = app.facility("al-Hol");
    let roj = app.facility("Roj");
    let body = json!({"label": "Family of Noor Jabbar (fictional)", "members": [
        {"given_name": "Noor", "family_name": "Jabbar", "sex": "female", "birth": {"year": 1995, "month": 6},
         "nationalities": [{"country": "IQ", "status": "verified"}],
         "custody": [{"kind": "admitted", "facility_id": hol, "date": {"year": 2019, "month": 4}}]}]});
    let family = json(app.post("/api/v1/families", &worker, body).await).await;
    let noor = id(&family["members"][0]);
    let stored = |outcome: &str| format!("eligibility_results WHERE person_id = '{noor}' AND outcome = '{outcome}'");
    assert_eq!(app.count(&stored("eligible_with_conditions")), 1, "Iraq takes its nationals back from al-Hol");
    let rename = json!({"name": "al-Hol (renamed, fictional)", "kind": "camp", "country_code": "SY", "version": 1});
    assert_eq!(app.patch(&format!("/api/v1/facilities/{hol}"), &admin, rename).await.status(), 200);
    app.jobs_done().await;
    assert_eq!(
        app.count(&stored("eligible_with_conditions")),
        1,
        "rules name facilities by their stable code: renaming al-Hol changes nobody's outcome"
    );
    let code_change = json!({"name": "al-Hol", "code": "hol", "kind": "camp", "country_code": "SY", "version": 2});
    assert_error(app.patch(&format!("/api/v1/facilities/{hol}"), &admin, code_change).await, 422, "validation_failed")
        .await;
    // A transfer out of al-Hol is a fact the rule reads: the stored result follows at once.
    let transfer = json!({"kind": "transferred", "facility_id": roj, "date": {"year": 2025, "month": 5}});
    assert_eq!(app.post(&format!("/api/v1/persons/{noor}/custody"), &worker, transfer).await.status(), 201);
    assert_eq!(app.count(&stored("case_by_case")), 1);
}
