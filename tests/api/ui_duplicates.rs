//! The duplicate review pages over real HTTP (issue 11): the list built by a job, the
//! side-by-side comparison, a merge that lands on the kept person's page with its undo, "not the
//! same person", a stale merge and two open cases to one country refused on the comparison, and
//! other organisations kept out.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};

/// Logs a family of one woman; returns her id.
async fn woman(app: &TestApp, s: &Session, given: &str, family: &str, year: i32) -> String {
    let body = json!({"label": format!("Family of {given} {family} (fictional)"), "members": [
        {"given_name": given, "family_name": family, "sex": "female", "birth": {"year": year}}]});
    let res = app.post("/api/v1/families", s, body).await;
    assert_eq!(res.status(), 201);
    json(res).await["members"][0]["id"].as_str().unwrap_or_default().to_string()
}

async fn person(app: &TestApp, s: &Session, id: &str) -> Value {
    json(app.get(&format!("/api/v1/persons/{id}"), s).await).await
}

/// The same woman logged twice, in Latin and in Arabic script, and the review list built.
async fn two_records(app: &TestApp, s: &Session) -> (String, String) {
    let aisha = woman(app, s, "Aisha", "Mahmoud", 1990).await;
    let aysha = woman(app, s, "عائشة", "محمود", 1990).await;
    let res = form_post(app, s, "/duplicates/review", &[("go", "1")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/duplicates?done=queued");
    app.jobs_done().await;
    (aisha, aysha)
}

/// The merge form of the comparison's left column (the left record kept).
fn merge_form<'a>(kept: &'a str, merged: &'a str, versions: (&'a str, &'a str)) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kept", kept),
        ("merged", merged),
        ("kept_version", versions.0),
        ("merged_version", versions.1),
        ("a", kept),
        ("b", merged),
    ]
}

#[actix_web::test]
async fn a_woman_logged_in_two_scripts_is_listed_compared_merged_and_restored_by_the_undo() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (status, before) = html(&app, &s, "/duplicates").await;
    assert_eq!(status, 200);
    assert!(before.contains("data-testid=\"nav-duplicates\" aria-current=\"page\""));
    assert!(before.contains("The review list has not been built yet."));
    let (aisha, aysha) = two_records(&app, &s).await;

    let (status, list) = html(&app, &s, "/duplicates").await;
    assert_eq!(status, 200);
    assert!(list.contains("data-status=\"done\"") && !list.contains("http-equiv=\"refresh\""), "built, not reloading");
    assert_eq!(list.matches("data-testid=\"dup-pair\"").count(), 1);
    for shown in ["Aisha Mahmoud", "عائشة محمود", "born <span dir=\"ltr\">1990</span>", "data-band=\"likely\""]
    {
        assert!(list.contains(shown), "{shown} in the list");
    }
    assert!(list.contains(&format!("logged on <span dir=\"ltr\">{}</span>", today())), "the day each was logged");
    let reason = ["Aisha ↔ عائشة", "عائشة ↔ Aisha"].map(|s| format!("given names are variants of one name: {s}"));
    assert!(reason.iter().any(|r| list.contains(r.as_str())), "with the reasons");
    let (x, y) = if aisha < aysha { (&aisha, &aysha) } else { (&aysha, &aisha) };
    assert!(list.contains(&format!("href=\"/duplicates/compare?a={x}&#38;b={y}\"")), "the compare link");

    let (status, compare) = html(&app, &s, &format!("/duplicates/compare?a={aisha}&b={aysha}")).await;
    assert_eq!(status, 200);
    assert!(compare.contains("Aisha Mahmoud") && compare.contains("عائشة محمود"));
    assert!(compare.contains("Keep the left record, merge the right one into it"));
    assert!(compare.contains("name=\"kept_version\" value=\"1\"") && compare.contains("Not the same person"));
    let (status, arabic) = html_ar(&app, &s, &format!("/duplicates/compare?a={aisha}&b={aysha}")).await;
    assert_eq!(status, 200);
    assert!(arabic.contains("أبقِ السجل الأيسر") && !arabic.contains("Keep the left record"));

    // Keep the Latin record; the Arabic one goes into it.
    let res = form_post(&app, &s, "/duplicates/merge", &merge_form(&aisha, &aysha, ("1", "1"))).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    let merge_id = to.strip_prefix(&format!("/persons/{aisha}?merged=")).expect("the kept person's page").to_string();
    let (status, kept) = html(&app, &s, &to).await;
    assert_eq!(status, 200);
    assert!(kept.contains("data-testid=\"merge-notice\""));
    assert!(kept.contains("عائشة محمود was merged into this record."), "the notice names the merged person");
    assert!(kept.contains(&format!("action=\"/merges/{merge_id}/undo\"")), "with the undo");
    assert!(kept.contains("data-testid=\"merges\"") && kept.contains("data-undone=\"false\""));
    assert!(!to.contains("Aisha") && !to.contains("%D8"), "no name in the address");
    let (_, merged) = html(&app, &s, "/duplicates?status=merged").await;
    assert!(
        merged.contains(&format!("data-testid=\"dup-merge\" data-id=\"{merge_id}\"")),
        "the merged tab lists the merge"
    );
    assert!(merged.contains(&format!("href=\"/persons/{aisha}\"")), "with the kept record");
    assert_eq!(html(&app, &s, &format!("/persons/{aysha}")).await.0, 404, "the merged record is gone");
    let (_, later) = html(&app, &s, &format!("/persons/{aisha}")).await;
    assert!(!later.contains("data-testid=\"merge-notice\""), "the notice only after the merge");
    assert!(later.contains("data-testid=\"merge-undo-form\""), "the list of merges keeps its undo");

    let res = form_post(&app, &s, &format!("/merges/{merge_id}/undo"), &[("go", "1")]).await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert_eq!(to, format!("/persons/{aysha}?restored={merge_id}"));
    let (status, restored) = html(&app, &s, &to).await;
    assert_eq!(status, 200, "the merged person is back");
    assert!(restored.contains("محمود") && restored.contains("data-testid=\"merge-notice\""));
    assert!(restored.contains("The merge was undone"));
    let (_, kept) = html(&app, &s, &format!("/persons/{aisha}")).await;
    assert!(kept.contains("data-undone=\"true\"") && !kept.contains(&format!("action=\"/merges/{merge_id}/undo\"")));

    // Undone twice: the reason, on the merge's page.
    let res = form_post(&app, &s, &format!("/merges/{merge_id}/undo"), &[("go", "1")]).await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"merge-error\"") && page.contains("This merge was undone already."));
    // The pair is open again.
    let (_, list) = html(&app, &s, "/duplicates").await;
    assert_eq!(list.matches("data-testid=\"dup-pair\"").count(), 1);
}

#[actix_web::test]
async fn a_merge_with_a_stale_version_answers_409_on_the_comparison_and_changes_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (aisha, aysha) = two_records(&app, &s).await;
    // Someone else edits the Arabic record after the comparison was shown (version 1 -> 2).
    let mut changed = person(&app, &s, &aysha).await;
    changed["place_of_birth"] = json!("Homs");
    assert_eq!(app.patch(&format!("/api/v1/persons/{aysha}"), &s, changed).await.status(), 200);

    let res = form_post(&app, &s, "/duplicates/merge", &merge_form(&aisha, &aysha, ("1", "1"))).await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"dup-error\""));
    assert!(page.contains("One of the two records was changed since this page was shown."));
    assert!(
        page.contains("Homs") && page.contains("name=\"merged_version\" value=\"2\""),
        "the comparison as it is now"
    );
    assert_eq!(app.count("merges"), 0);
    assert_eq!(person(&app, &s, &aysha).await["given_name"], "عائشة");
    assert_eq!(person(&app, &s, &aisha).await["version"], 1);

    // Arabic readers get the reason in Arabic.
    let res = app
        .client
        .post(format!("{}/duplicates/merge", app.address))
        .header("Cookie", format!("homeward_session={}; homeward_lang=ar", s.0))
        .header("Sec-Fetch-Site", "same-origin")
        .form(&merge_form(&aisha, &aysha, ("1", "1")))
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 409);
    assert!(res.text().await.unwrap_or_default().contains("تغيّر أحد السجلين"));
}

#[actix_web::test]
async fn not_the_same_person_goes_back_to_the_list_which_no_longer_proposes_the_pair() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (aisha, aysha) = two_records(&app, &s).await;
    let res = form_post(&app, &s, "/duplicates/distinct", &[("a", aisha.as_str()), ("b", aysha.as_str())]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/duplicates?done=distinct");
    let (_, list) = html(&app, &s, "/duplicates?done=distinct").await;
    assert!(list.contains("Noted: these two records are not the same person."));
    assert!(!list.contains("data-testid=\"dup-pair\"") && list.contains("data-testid=\"dup-empty\""));
    let (_, decided) = html(&app, &s, "/duplicates?status=distinct").await;
    assert_eq!(decided.matches("data-testid=\"dup-pair\"").count(), 1);
    assert!(decided.contains("data-testid=\"dup-tab-distinct\" aria-current=\"page\""));
    let (_, compare) = html(&app, &s, &format!("/duplicates/compare?a={aysha}&b={aisha}")).await;
    assert!(compare.contains("data-testid=\"dup-decided\""), "the comparison says what was decided");
    // One person twice is refused on the comparison, not with an error page.
    let res = form_post(&app, &s, "/duplicates/distinct", &[("a", aisha.as_str()), ("b", aisha.as_str())]).await;
    assert_eq!(res.status(), 422);
}

#[actix_web::test]
async fn another_organisation_gets_404_and_an_admin_is_not_offered_the_pages() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (aisha, aysha) = two_records(&app, &s).await;
    let res = form_post(&app, &s, "/duplicates/merge", &merge_form(&aisha, &aysha, ("1", "1"))).await;
    let merge_id = location(&res).rsplit('=').next().unwrap_or_default().to_string();

    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_eq!(html(&app, &other, &format!("/duplicates/compare?a={aisha}&b={aysha}")).await.0, 404);
    assert_eq!(html(&app, &other, &format!("/merges/{merge_id}")).await.0, 404);
    let res = form_post(&app, &other, &format!("/merges/{merge_id}/undo"), &[("go", "1")]).await;
    assert_eq!(res.status(), 404);
    let res = form_post(&app, &other, "/duplicates/merge", &merge_form(&aisha, &aysha, ("1", "1"))).await;
    assert_eq!(res.status(), 404);
    let res = form_post(&app, &other, "/duplicates/distinct", &[("a", aisha.as_str()), ("b", aysha.as_str())]).await;
    assert_eq!(res.status(), 404);
    let (status, list) = html(&app, &other, "/duplicates").await;
    assert_eq!(status, 200);
    assert!(!list.contains("Aisha") && list.contains("The review list has not been built yet."));
    assert_eq!(app.count("merges WHERE undone_at IS NULL"), 1, "Org A's merge stands");

    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    assert_eq!(html(&app, &admin, "/duplicates").await.0, 403);
    let (_, facilities) = html(&app, &admin, "/facilities").await;
    assert!(
        facilities.contains("nav-facilities") && !facilities.contains("nav-duplicates"),
        "no link to a page refused"
    );
}

#[actix_web::test]
async fn two_open_cases_to_one_country_are_refused_on_the_comparison_with_the_reason() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let be = json!([{"country": "BE", "status": "verified", "basis": "birth"}]);
    let mut ids = Vec::new();
    for (given, family) in [("Sara", "Idrissi"), ("Sarah", "Idrisi")] {
        let body = json!({"label": format!("Family of {given} {family} (fictional)"), "members": [
            {"given_name": given, "family_name": family, "sex": "female", "birth": {"year": 1993}, "nationalities": be}]});
        let family = json(app.post("/api/v1/families", &s, body).await).await;
        let (fid, pid) = (family["id"].clone(), family["members"][0]["id"].clone());
        let case = json!({"family_id": fid, "destination": "BE", "members": [pid]});
        assert_eq!(app.post("/api/v1/cases", &s, case).await.status(), 201);
        ids.push(pid.as_str().unwrap_or_default().to_string());
    }
    let mut versions = Vec::new();
    for id in &ids {
        versions.push(person(&app, &s, id).await["version"].to_string());
    }
    let res =
        form_post(&app, &s, "/duplicates/merge", &merge_form(&ids[0], &ids[1], (&versions[0], &versions[1]))).await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("Both persons are in open cases to BE: close or withdraw one of the cases before merging."));
    assert!(page.contains("Nothing was changed.") && page.contains("data-testid=\"dup-compare-table\""));
    assert_eq!(app.count("merges"), 0);
    assert_eq!(app.count(&format!("persons WHERE id = '{}'", ids[1])), 1);
}
