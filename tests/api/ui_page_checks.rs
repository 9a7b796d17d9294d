//! More of the registry's pages over real HTTP (issue 8): the family page's summary table, a
//! link that is saved but asks to be checked, an intake block refused with a summary, and a
//! stale status change that shows the stored claim beside what was typed.

use crate::helpers::*;
use crate::ui_pages::{error_summary, family_of, id_of};
use homeward::domain::role::Role;

#[actix_web::test]
async fn the_family_page_opens_with_a_summary_of_its_members() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Summary").await;
    let fid = family["id"].as_str().unwrap_or_default();
    let (_, page) = html(&app, &s, &format!("/families/{fid}")).await;
    let summary_at = page.find("data-testid=\"family-summary\"").expect("summary table");
    let details_at = page.find("data-testid=\"member\"").expect("member details");
    assert!(summary_at < details_at, "the summary comes before the details");
    assert_eq!(page.matches("data-testid=\"summary-row\"").count(), 3);
    assert!(page.contains(&format!("href=\"/persons/{}\"", id_of(&family, "Yusuf"))));
    assert!(!page.contains("<details class=\"member\" id=\"member-") || !page.contains("data-testid=\"member\" open"));
    let (_, list) = html(&app, &s, "/families").await;
    assert!(list.contains("data-testid=\"family-nationalities\"") && list.contains(">FR<"));
    assert!(list.contains("data-testid=\"family-outcomes\""));
}

#[actix_web::test]
async fn an_implausible_link_is_saved_and_the_person_page_asks_to_check_it() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Check").await;
    let (yusuf, maryam) = (id_of(&family, "Yusuf").to_string(), id_of(&family, "Maryam").to_string());
    // Yusuf (born 2015) recorded by mistake as Maryam's parent (born 2019).
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{yusuf}/relatives"),
        &[("q", ""), ("relative_id", &maryam), ("kind", "parent_of")],
    )
    .await;
    assert_eq!(res.status(), 303);
    let to = location(&res);
    assert_eq!(to, format!("/persons/{yusuf}?saved=kinship&check=parent_too_young"));
    let (_, page) = html(&app, &s, &to).await;
    assert!(page.contains("data-testid=\"saved\"") && page.contains("data-testid=\"plausibility-warning\""));
    assert!(!to.contains("Maryam") && !to.contains("2019"), "no personal data in the address");
}

#[actix_web::test]
async fn an_intake_child_block_with_data_but_no_name_is_refused_with_a_summary() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let res = form_post(
        &app,
        &s,
        "/families/new",
        &[
            ("label", "Family of Samira Haddou (fictional)"),
            ("members[0].given_name", "Samira"),
            ("members[0].family_name", "Haddou"),
            ("members[4].sex", "male"),
            ("members[4].birth_year", "2021"),
        ],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(error_summary(&page).contains("href=\"#m4-given\""), "the block is named, not dropped");
    assert_eq!(app.count("families"), 0);
}

#[actix_web::test]
async fn a_stale_status_change_shows_the_stored_claim_and_what_was_typed() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = family_of(&app, &s, "Stale").await;
    let yusuf = id_of(&family, "Yusuf").to_string();
    let claim = family["members"]
        .as_array()
        .and_then(|m| m.iter().find(|p| p["given_name"] == "Yusuf"))
        .and_then(|p| p["nationalities"][0]["id"].as_str())
        .expect("claim")
        .to_string();
    let change = |version: &'static str, status: &'static str| {
        let (yusuf, claim) = (yusuf.clone(), claim.clone());
        let app = &app;
        let s = &s;
        async move {
            form_post(
                app,
                s,
                &format!("/persons/{yusuf}"),
                &[
                    ("form", "status"),
                    ("claim_id", &claim),
                    ("version", version),
                    ("country", "FR"),
                    ("status", status),
                ],
            )
            .await
        }
    };
    let res = change("1", "verified").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/persons/{yusuf}?saved=status"));
    // A form loaded before that change.
    let res = change("1", "unverified").await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(error_summary(&page).contains("Someone else changed this record"));
    assert!(page.contains("data-testid=\"your-change\"") && page.contains("<dd><span dir=\"auto\">unverified"));
    // A claim of someone else is not changed from this person's page.
    let amira = id_of(&family, "Amira");
    let res = form_post(
        &app,
        &s,
        &format!("/persons/{amira}"),
        &[("form", "status"), ("claim_id", &claim), ("version", "2"), ("country", "FR"), ("status", "denied")],
    )
    .await;
    assert_eq!(res.status(), 404);
}
