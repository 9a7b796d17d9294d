//! The HTML shell: login form, per-role home, language switch (English and Arabic, RTL).

use crate::helpers::*;
use homeward::domain::role::Role;

#[actix_web::test]
async fn the_login_form_signs_in_and_the_home_page_fits_the_role() {
    let app = spawn_app().await;
    let account = app.account(Role::Coordinator, "Org A");
    let res = form_login(&app, &account.email, &account.password).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/"));
    let session = session_from(&res).expect("cookie");
    let home = app.get("/", &session).await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap_or_default();
    assert!(html.contains("data-role=\"coordinator\""));
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
}

#[actix_web::test]
async fn a_wrong_password_shows_an_alert_and_keeps_the_email() {
    let app = spawn_app().await;
    let account = app.account(Role::Caseworker, "Org A");
    let res = form_login(&app, &account.email, "wrong-password-123").await;
    assert_eq!(res.status(), 401);
    assert!(session_from(&res).is_none());
    let html = res.text().await.unwrap_or_default();
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains(&format!("value=\"{}\"", account.email)));
}

#[actix_web::test]
async fn pages_need_a_session_and_redirect_to_login() {
    let app = spawn_app().await;
    let res = app.request(reqwest::Method::GET, "/", None, None).await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/login"));
}

#[actix_web::test]
async fn arabic_pages_render_right_to_left() {
    let app = spawn_app().await;
    let res = app
        .client
        .post(format!("{}/lang", app.address))
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("lang", "ar"), ("next", "/login")])
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/login"));
    let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(cookie.starts_with("homeward_lang=ar"));
    let page = app
        .client
        .get(format!("{}/login", app.address))
        .header("Cookie", "homeward_lang=ar")
        .send()
        .await
        .expect("sent");
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(html.contains("تسجيل الدخول"));
    // An open redirect through `next` is not possible.
    let res = app
        .client
        .post(format!("{}/lang", app.address))
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("lang", "en"), ("next", "//evil.example/")])
        .send()
        .await
        .expect("sent");
    assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/"));
}
