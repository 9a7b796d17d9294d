//! Facility pages: a save lands on the facility's page with a translated confirmation, a
//! refusal shows the shared error summary at the top (each message a link to its input), and
//! who is held there comes a page at a time, on any date, the same persons the API lists.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The error summary of a page ("" if none).
fn summary(page: &str) -> &str {
    let Some(at) = page.find("data-testid=\"error-summary\"") else { return "" };
    let rest = &page[page[..at].rfind("<div").unwrap_or(at)..];
    &rest[..rest.find("</div>").unwrap_or(rest.len())]
}

/// The confirmation of a page ("" if none).
fn confirmation(page: &str) -> &str {
    let Some(at) = page.find("data-testid=\"saved\"") else { return "" };
    let rest = &page[at..];
    &rest[..rest.find("</p>").unwrap_or(rest.len())]
}

fn assert_shared_summary(page: &str, links: &[&str]) {
    let s = summary(page);
    for attr in ["class=\"error-summary\"", "role=\"alert\"", "tabindex=\"-1\"", "autofocus"] {
        assert!(s.contains(attr), "{attr} in {s}");
    }
    for l in links {
        assert!(s.contains(&format!("href=\"#{l}\"")), "a link to #{l} in {s}");
    }
    assert!(!page.contains("<div class=\"alert\""), "no alert beside the form");
}

#[actix_web::test]
async fn facility_saves_are_confirmed_on_the_facilitys_page_in_both_languages() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let fields =
        [("name", "Test camp (fictional)"), ("code", ""), ("kind", "camp"), ("country_code", "SY"), ("notes", "")];
    let res = form_post(&app, &admin, "/facilities", &fields).await;
    assert_eq!(res.status(), 303);
    let at = location(&res);
    assert!(at.starts_with("/facilities/") && at.ends_with("?saved=facility-created"), "{at}");
    let (_, page) = html(&app, &admin, &at).await;
    assert!(confirmation(&page).contains("The facility is created."), "{page}");
    assert!(confirmation(&page).contains("role=\"status\"") || page.contains("role=\"status\" data-testid=\"saved\""));
    let (_, arabic) = html_ar(&app, &admin, &at).await;
    assert!(confirmation(&arabic).contains("تم إنشاء المرفق"), "{arabic}");
    let path = at.split('?').next().unwrap_or_default().to_string();
    let (_, plain) = html(&app, &admin, &path).await;
    assert_eq!(confirmation(&plain), "", "no confirmation without a save");

    let edit = [
        ("name", "Test camp (fictional)"),
        ("kind", "prison"),
        ("country_code", "SY"),
        ("notes", "n"),
        ("version", "1"),
    ];
    let res = form_post(&app, &admin, &path, &edit).await;
    assert_eq!((res.status().as_u16(), location(&res)), (303, format!("{path}?saved=facility")));
    let (_, page) = html(&app, &admin, &location(&res)).await;
    assert!(confirmation(&page).contains("The facility is saved."), "{page}");

    let authority = [("authority", "SDF"), ("from_date", "2020-01-01"), ("note", "")];
    let res = form_post(&app, &admin, &format!("{path}/authorities"), &authority).await;
    assert_eq!((res.status().as_u16(), location(&res)), (303, format!("{path}?saved=authority")));
    let (_, page) = html(&app, &admin, &location(&res)).await;
    assert!(confirmation(&page).contains("The change of control is recorded."), "{page}");
    let (_, arabic) = html_ar(&app, &admin, &location(&res)).await;
    assert!(confirmation(&arabic).contains("تم تسجيل تغيّر السيطرة"), "{arabic}");
}

#[actix_web::test]
async fn a_refused_facility_form_shows_the_shared_error_summary_at_the_top() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let bad = [("name", ""), ("code", "Not A Code"), ("kind", "camp"), ("country_code", "SY"), ("notes", "")];
    let res = form_post(&app, &admin, "/facilities", &bad).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert_shared_summary(&page, &["fac-name", "fac-code"]);
    assert!(page.find("data-testid=\"error-summary\"") < page.find("data-testid=\"facility-list\""), "at the top");

    let hol = app.facility("al-Hol");
    let edit = [("name", ""), ("kind", "camp"), ("country_code", "SY"), ("notes", ""), ("version", "1")];
    let res = form_post(&app, &admin, &format!("/facilities/{hol}"), &edit).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert_shared_summary(&page, &["fac-name"]);
    assert!(page.find("data-testid=\"error-summary\"") < page.find("data-testid=\"facility\""), "at the top");
    assert!(page.contains("aria-invalid=\"true\""), "the message also sits beside its input");
    assert_eq!(confirmation(&page), "");

    let authority = [("authority", ""), ("from_date", "2099-01-01"), ("note", "")];
    let res = form_post(&app, &admin, &format!("/facilities/{hol}/authorities"), &authority).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert_shared_summary(&page, &["au-authority", "au-from"]);
    let (_, arabic) = html_ar(&app, &admin, &format!("/facilities/{hol}")).await;
    assert_eq!(summary(&arabic), "", "a fresh page has no summary");

    let stale = [("name", "al-Hol"), ("kind", "camp"), ("country_code", "SY"), ("notes", "x"), ("version", "7")];
    let res = form_post(&app, &admin, &format!("/facilities/{hol}"), &stale).await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(summary(&page).contains("Someone else changed this record"), "{page}");
    assert!(page.contains("data-testid=\"your-change\""));
    assert_eq!(app.count(&format!("facilities WHERE id = '{hol}' AND version = 1")), 1, "nothing saved");
}

/// `count` members held in `facility` since March 2019, named `<prefix> NN`.
fn members(prefix: &str, count: usize, facility: &str) -> Vec<Value> {
    (0..count)
        .map(|i| {
            json!({"given_name": format!("{prefix} {i:02}"), "family_name": "Testfamily", "sex": "female",
                   "custody": [{"kind": "admitted", "facility_id": facility, "date": {"year": 2019, "month": 3}}]})
        })
        .collect()
}

/// The names on every page of the facility's population on `as_of`; checks "Page n of m" and
/// the links to the next and previous pages on each.
async fn held_names(app: &TestApp, s: &Session, facility: &str, as_of: &str, pages: usize) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for n in 1..=pages {
        let at = format!("/facilities/{facility}?as_of={as_of}&offset={}", (n - 1) * 50);
        let (status, page) = html(app, s, &at).await;
        assert_eq!(status, 200);
        let shown = page.matches("data-testid=\"held-person\"").count();
        assert!(shown <= 50, "at most 50 per page, {shown} shown");
        if pages > 1 {
            assert!(page.contains(&format!("Page {n} of {pages}")), "page {n} of {pages}: {at}");
        }
        assert_eq!(page.contains("data-testid=\"page-next\""), n < pages, "a next link before the last page: {at}");
        assert_eq!(page.contains("data-testid=\"page-prev\""), n > 1, "a previous link after the first: {at}");
        for part in page.split("data-testid=\"held-person\"").skip(1) {
            let name = part.split("dir=\"auto\">").nth(1).and_then(|r| r.split('<').next()).unwrap_or_default();
            names.insert(name.to_string());
        }
    }
    names
}

/// The same population from the API (the page and the API share `lists::held_on`; its rule is
/// checked against the whereabouts in population.rs).
async fn api_names(app: &TestApp, s: &Session, facility: &str, as_of: &str) -> BTreeSet<String> {
    // The whole population in one page of the API's largest size.
    let path = format!("/api/v1/facilities/{facility}/population?as_of={as_of}&limit=500");
    let pop = json(app.get(&path, s).await).await;
    let items = pop["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(pop["total"].as_i64(), Some(items.len() as i64), "one page holds everyone");
    items
        .iter()
        .map(|p| format!("{} {}", p["given_name"].as_str().unwrap_or(""), p["family_name"].as_str().unwrap_or("")))
        .collect()
}

#[actix_web::test]
async fn a_facilitys_population_comes_a_page_at_a_time_on_any_date() {
    let app = spawn_app().await;
    let (_, w) = app.signed_in(Role::Caseworker, "Org A").await;
    let (roj, hol) = (app.facility("Roj"), app.facility("al-Hol"));
    let mut ids = Vec::new();
    for (prefix, n) in [("Amal", 40), ("Basma", 11)] {
        let body = json!({"label": format!("{prefix} family (fictional)"), "members": members(prefix, n, &roj)});
        let res = app.post("/api/v1/families", &w, body).await;
        assert_eq!(res.status(), 201);
        let family = json(res).await;
        ids.extend(family["members"].as_array().cloned().unwrap_or_default().into_iter().map(|m| m["id"].clone()));
    }
    // Eleven moved to al-Hol in June 2021; one of them came back the same month.
    let moved: Vec<Value> = ids[40..].to_vec();
    let body =
        json!({"person_ids": moved, "kind": "transferred", "facility_id": hol, "date": {"year": 2021, "month": 6}});
    assert_eq!(app.post("/api/v1/custody-events", &w, body).await.status(), 201);
    let back = json!({"kind": "transferred", "facility_id": roj, "date": {"year": 2021, "month": 6, "day": 20}});
    let first = ids[40].as_str().unwrap_or_default();
    assert_eq!(app.post(&format!("/api/v1/persons/{first}/custody"), &w, back).await.status(), 201);

    let today = today().to_string();
    for (facility, as_of, pages, held) in [
        (&roj, "2020-01-01", 2, 51),
        (&roj, today.as_str(), 1, 41),
        (&hol, "2021-06-15", 1, 11),
        (&hol, today.as_str(), 1, 10),
    ] {
        let names = held_names(&app, &w, facility, as_of, pages).await;
        assert_eq!(names.len(), held, "{facility} on {as_of}");
        assert_eq!(names, api_names(&app, &w, facility, as_of).await, "the page and the API agree on {as_of}");
    }
    let (_, page) = html(&app, &w, &format!("/facilities/{roj}?as_of=2020-01-01&offset=50")).await;
    assert!(page.contains("data-testid=\"held-total\">51<"), "the total on every page");
    assert!(page.contains("data-testid=\"page-prev\""));
    let (_, arabic) = html_ar(&app, &w, &format!("/facilities/{roj}?as_of=2020-01-01")).await;
    assert!(!arabic.contains("list-page"), "the pager is translated");
}
