//! HTML tests of the admin pages (issue 8): users, the audit trail, stewards, the policy change
//! log and jobs, over real HTTP, as a browser without JavaScript would use them.

use crate::helpers::*;
use homeward::domain::role::Role;

/// The text between `start` and the next `end` after it.
fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).map(|i| i + start.len()).unwrap_or(page.len());
    let rest = &page[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

#[actix_web::test]
async fn an_admin_creates_a_user_and_sees_the_generated_password_once() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (status, list) = html(&app, &admin, "/admin/users").await;
    assert_eq!(status, 200);
    assert!(list.contains("data-testid=\"user-create-form\""));

    let email = "rania.saleh@test.homeward.example";
    let res = form_post(
        &app,
        &admin,
        "/admin/users",
        &[("email", email), ("display_name", "Rania Saleh (fictional)"), ("role", "caseworker")],
    )
    .await;
    assert_eq!(res.status(), 201);
    assert!(location(&res).is_empty(), "answered in place: the password is never in a URL");
    assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"saved\""), "a visible confirmation");
    let password = between(&page, "data-testid=\"generated-password\">", "</code>").to_string();
    assert_eq!(password.len(), 23, "the generated password is shown: {password:?}");
    assert_eq!(app.try_login(email, &password).await.status(), 200, "and it works");

    // Never again: not in the list, not on the user's page.
    let (_, list) = html(&app, &admin, "/admin/users").await;
    assert!(list.contains(email) && list.contains("Rania Saleh (fictional)"));
    assert!(!list.contains(&password));
    let id = app.scalar(&format!("SELECT id AS v FROM users WHERE email = '{email}'"));
    let (status, user_page) = html(&app, &admin, &format!("/admin/users/{id}")).await;
    assert_eq!(status, 200);
    assert!(!user_page.contains(&password));
}

#[actix_web::test]
async fn a_refused_new_user_comes_back_with_a_summary_that_links_to_the_fields() {
    let app = spawn_app().await;
    let (account, admin) = app.signed_in(Role::Admin, "Org A").await;
    let res = form_post(
        &app,
        &admin,
        "/admin/users",
        &[("email", "not-an-email"), ("display_name", " "), ("role", "caseworker")],
    )
    .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    let summary = between(&page, "data-testid=\"error-summary\"", "</div>");
    assert!(summary.contains("href=\"#new-email\"") && summary.contains("href=\"#new-name\""), "{summary}");
    assert!(page.find("data-testid=\"error-summary\"") < page.find("data-testid=\"user-list\""), "at the top");
    assert!(page.contains("value=\"not-an-email\""), "what was typed is kept");
    assert!(page.contains("must be a valid email address"));
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"new-email-error\""));
    // An email already registered, in Arabic.
    let res = app
        .client
        .post(format!("{}/admin/users", app.address))
        .header("Cookie", format!("homeward_session={}; homeward_lang=ar", admin.0))
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("email", account.email.as_str()), ("display_name", "Someone"), ("role", "admin")])
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("مسجّل من قبل"), "the message is translated");
}

#[actix_web::test]
async fn an_admin_changes_a_role_and_a_stale_form_shows_the_current_state() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let worker = app.account(Role::Caseworker, "Org A");
    let path = format!("/admin/users/{}", worker.id);
    let (_, page) = html(&app, &admin, &path).await;
    assert!(page.contains("name=\"version\" value=\"1\""));

    let res = form_post(
        &app,
        &admin,
        &path,
        &[("display_name", "Nour Haddad (fictional)"), ("role", "coordinator"), ("version", "1")],
    )
    .await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{path}?saved=1"));
    let (_, page) = html(&app, &admin, &format!("{path}?saved=1")).await;
    assert!(page.contains("data-testid=\"saved\""));
    assert!(page.contains("data-role=\"coordinator\"") && page.contains("Nour Haddad (fictional)"));

    // A form still at version 1: refused, the page shows the account as it is now.
    let res = form_post(&app, &admin, &path, &[("display_name", "Nour H."), ("role", "admin"), ("version", "1")]).await;
    assert_eq!(res.status(), 409);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("data-testid=\"conflict\""));
    assert!(page.contains("value=\"Nour Haddad (fictional)\"") && page.contains("name=\"version\" value=\"2\""));
    assert!(page.contains("Nour H."), "what this admin asked for is shown, to apply again");
    assert_eq!(app.scalar(&format!("SELECT role AS v FROM users WHERE id = '{}'", worker.id)), "coordinator");
}

#[actix_web::test]
async fn a_disabled_users_session_ends_and_they_can_be_enabled_again() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (worker, session) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(html(&app, &session, "/").await.0, 200);
    let path = format!("/admin/users/{}", worker.id);

    let res = form_post(&app, &admin, &path, &[("disabled", "true"), ("version", "1")]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("{path}?saved=disabled"));
    let (_, page) = html(&app, &admin, &location(&res)).await;
    assert!(page.contains("data-testid=\"saved\"") && page.contains("data-disabled=\"true\""));
    let res = app.get("/", &session).await;
    assert_eq!((res.status().as_u16(), location(&res)), (303, "/login".to_string()), "the session has ended");
    assert_eq!(app.try_login(&worker.email, &worker.password).await.status(), 401);
    let (_, list) = html(&app, &admin, "/admin/users").await;
    assert!(list.contains(&format!("data-email=\"{}\" data-disabled=\"true\"", worker.email)));

    let res = form_post(&app, &admin, &path, &[("disabled", "false"), ("version", "2")]).await;
    assert_eq!(location(&res), format!("{path}?saved=enabled"));
    assert_eq!(app.try_login(&worker.email, &worker.password).await.status(), 200);
}

#[actix_web::test]
async fn an_admin_cannot_disable_or_demote_themself_and_is_told_why() {
    let app = spawn_app().await;
    let (me, admin) = app.signed_in(Role::Admin, "Org A").await;
    let path = format!("/admin/users/{}", me.id);
    let res = form_post(&app, &admin, &path, &[("disabled", "true"), ("version", "1")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    let summary = between(&page, "data-testid=\"error-summary\"", "</div>");
    assert!(summary.contains("href=\"#user-access\"") && summary.contains("you cannot disable your own account"));
    assert!(between(&page, "id=\"user-access-error\">", "</p>").contains("you cannot disable your own account"));
    let res = form_post(&app, &admin, &path, &[("display_name", "Me"), ("role", "caseworker"), ("version", "1")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(between(&page, "id=\"user-role-error\">", "</p>").contains("you cannot change your own role"));
    assert!(page.contains("href=\"#user-role\""));
    assert_eq!(app.count(&format!("users WHERE id = '{}' AND disabled_at IS NULL AND role = 'admin'", me.id)), 1);
    assert_eq!(html(&app, &admin, "/").await.0, 200, "still signed in");
}

#[actix_web::test]
async fn another_organisations_user_answers_404_and_a_caseworker_gets_403() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let other = app.account(Role::Caseworker, "Org B");
    let path = format!("/admin/users/{}", other.id);
    assert_eq!(html(&app, &admin, &path).await.0, 404);
    assert_eq!(form_post(&app, &admin, &path, &[("disabled", "true"), ("version", "1")]).await.status(), 404);
    assert_eq!(html(&app, &admin, "/admin/users/not-an-id").await.0, 404);
    let (_, list) = html(&app, &admin, "/admin/users").await;
    assert!(!list.contains(&other.email));
    assert_eq!(app.count(&format!("users WHERE id = '{}' AND disabled_at IS NULL", other.id)), 1);

    let (_, worker) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(html(&app, &worker, "/admin/users").await.0, 403);
    assert_eq!(
        form_post(&app, &worker, "/admin/users", &[("email", "x@y.example"), ("role", "admin")]).await.status(),
        403
    );
    assert_eq!(html(&app, &worker, "/admin/audit").await.0, 403);
    assert_eq!(html(&app, &worker, "/admin").await.0, 403);
    let (_, home) = html(&app, &worker, "/").await;
    assert!(!home.contains("href=\"/admin"), "no admin link for a caseworker");
}

#[actix_web::test]
async fn the_audit_page_filters_names_the_actors_and_verifies_the_chain() {
    let app = spawn_app().await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let res = form_post(
        &app,
        &admin,
        "/admin/users",
        &[("email", "samir.k@test.homeward.example"), ("display_name", "Samir K (fictional)"), ("role", "coordinator")],
    )
    .await;
    assert_eq!(res.status(), 201);
    let (_, worker) = app.signed_in(Role::Caseworker, "Org A").await;
    assert_eq!(html(&app, &worker, "/admin/audit").await.0, 403, "refused, and audited");

    let (status, page) = html(&app, &admin, "/admin/audit").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-action=\"user.create\"") && page.contains("data-action=\"auth.login\""));
    let (_, page) = html(&app, &admin, "/admin/audit?action=user.create&outcome=success").await;
    assert!(page.contains("data-action=\"user.create\""));
    assert!(!page.contains("data-action=\"auth.login\""), "filtered");
    assert!(page.contains("Test admin (fictional)"), "the actor's name, not their id");
    assert!(page.contains("value=\"user.create\""), "the filter is kept");
    let (_, page) = html(&app, &admin, "/admin/audit?outcome=denied").await;
    assert!(page.contains("data-action=\"access.denied\"") && !page.contains("data-action=\"user.create\""));
    let (_, page) = html(&app, &admin, "/admin/audit?from=2026-11-27").await;
    assert!(!page.contains("data-testid=\"audit-event\""), "nothing after today");
    let (_, page) = html(&app, &admin, "/admin/audit?from=2026-11-26&to=2026-11-26").await;
    assert!(page.contains("data-testid=\"audit-event\""), "the whole of the last day is included");
    let (status, page) = html(&app, &admin, "/admin/audit?from=2026-13-01&to=2026-01-01").await;
    assert_eq!(status, 422);
    assert!(page.contains("href=\"#f-from\""));

    let (status, page) = html(&app, &admin, "/admin/audit/verify").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-ok=\"true\"") && page.contains("data-testid=\"verify-ok\""));
    let checked: i64 = between(&page, "data-testid=\"verify-checked\">", "<").parse().unwrap_or_default();
    assert_eq!(checked, app.count("audit_events"));
    assert_eq!(app.sql("UPDATE audit_events SET outcome = 'failure' WHERE seq = 2"), 1);
    let (_, page) = html(&app, &admin, "/admin/audit/verify").await;
    assert!(page.contains("data-ok=\"false\"") && page.contains("data-testid=\"verify-broken\""));
    assert!(between(&page, "data-testid=\"verify-break\">", "</dd>").contains(">2</span>"));
    let (_, arabic) = html_ar(&app, &admin, "/admin/audit/verify").await;
    assert!(arabic.contains("غُيّر محتواه"), "the break is explained in Arabic");
}

#[actix_web::test]
async fn a_steward_grants_and_ends_a_stewardship_but_not_their_own() {
    let app = spawn_app().await;
    let (me, steward) = app.steward("Org A").await;
    let other = app.account(Role::Coordinator, "Org B");
    let (status, page) = html(&app, &steward, "/admin/stewards").await;
    assert_eq!(status, 200);
    assert!(!page.contains(&format!("/admin/stewards/{}/end", me.id)), "no button to end one's own");

    let res = form_post(&app, &steward, "/admin/stewards", &[("email", &other.email)]).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/admin/stewards?saved=granted");
    let (_, page) = html(&app, &steward, "/admin/stewards?saved=granted").await;
    assert!(page.contains("data-testid=\"saved\"") && page.contains("Org B"));
    assert!(page.contains(&format!("/admin/stewards/{}/end", other.id)));
    assert_eq!(app.count(&format!("policy_stewards WHERE user_id = '{}'", other.id)), 1);

    let res = form_post(&app, &steward, "/admin/stewards", &[("email", "nobody@test.homeward.example")]).await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap_or_default();
    assert!(page.contains("no user has this email") && page.contains("href=\"#steward-email\""));

    let res = form_post(&app, &steward, &format!("/admin/stewards/{}/end", me.id), &[] as &[(&str, &str)]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap_or_default().contains("You cannot end your own stewardship."));
    let res = form_post(&app, &steward, &format!("/admin/stewards/{}/end", other.id), &[] as &[(&str, &str)]).await;
    assert_eq!(location(&res), "/admin/stewards?saved=ended");
    assert_eq!(app.count(&format!("policy_stewards WHERE user_id = '{}'", other.id)), 0);

    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    assert_eq!(html(&app, &admin, "/admin/stewards").await.0, 403, "an admin is not a steward");
}

#[actix_web::test]
async fn a_plain_admin_reads_the_policy_change_log_of_every_organisation() {
    let app = spawn_app().await;
    let (_, steward) = app.steward("Org A").await;
    let ru = json(app.get("/api/v1/policies/RU", &steward).await).await;
    let id = ru[0]["id"].as_str().unwrap_or_default().to_string();
    let version = ru[0]["version"].as_i64().unwrap_or(1);
    let res = app
        .post(&format!("/api/v1/policy-versions/{id}/retire"), &steward, serde_json::json!({"version": version}))
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());

    let (_, admin) = app.signed_in(Role::Admin, "Org B").await;
    let (_, home) = html(&app, &admin, "/").await;
    for link in ["/admin/users", "/admin/audit", "/admin/policy-changes", "/admin/jobs"] {
        assert!(home.contains(&format!("href=\"{link}\"")), "the home page links {link}");
    }
    assert!(!home.contains("href=\"/admin/stewards\""), "not a steward");
    let (status, page) = html(&app, &admin, "/admin/policy-changes").await;
    assert_eq!(status, 200);
    assert!(page.contains("data-action=\"policy.retire\""));
    let row = between(&page, "data-action=\"policy.retire\"", "</tr>");
    assert!(row.contains("Test admin (fictional)") && row.contains("Org A") && row.contains("/policies/RU"), "{row}");
    let (_, arabic) = html_ar(&app, &admin, "/admin/policy-changes").await;
    assert!(arabic.contains("سحب إصدار سياسة"));
    let (_, worker) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_eq!(html(&app, &worker, "/admin/policy-changes").await.0, 403);
}

#[actix_web::test]
async fn a_running_jobs_page_reloads_itself_until_the_job_is_finished() {
    // The runner polls once at start, then not for an hour: the jobs stay as inserted.
    let app = spawn_app_with(|s| s.job_poll_millis = 3_600_000).await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    actix_rt::time::sleep(std::time::Duration::from_millis(300)).await;
    let at = app.clock.now().format("%Y-%m-%d %H:%M:%S").to_string();
    let running = uuid::Uuid::new_v4().to_string();
    let done = uuid::Uuid::new_v4().to_string();
    app.sql(&format!(
        "INSERT INTO jobs (id, kind, status, reason, done_count, total_count, attempts, created_at, started_at, \
         heartbeat_at) VALUES ('{running}', 'reevaluate_all', 'running', 'test: policy RU published', 1, 4, 1, \
         '{at}', '{at}', '{at}')"
    ));
    app.sql(&format!(
        "INSERT INTO jobs (id, kind, status, reason, done_count, total_count, attempts, created_at, started_at, \
         heartbeat_at, finished_at) VALUES ('{done}', 'reevaluate_all', 'done', 'daily', 4, 4, 1, \
         '{at}', '{at}', '{at}', '{at}')"
    ));
    let (status, list) = html(&app, &admin, "/admin/jobs").await;
    assert_eq!(status, 200);
    assert!(list.contains(&format!("/admin/jobs/{running}")) && list.contains("25%"));
    let (status, page) = html(&app, &admin, &format!("/admin/jobs/{running}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("<meta http-equiv=\"refresh\" content=\"3\">"));
    assert!(page.contains("data-status=\"running\"") && page.contains("value=\"25\""));
    let (_, stopped) = html(&app, &admin, &format!("/admin/jobs/{running}?refresh=off")).await;
    assert!(!stopped.contains("http-equiv"), "the reader may stop the reloading");
    let (_, finished) = html(&app, &admin, &format!("/admin/jobs/{done}")).await;
    assert!(finished.contains("data-status=\"done\"") && !finished.contains("http-equiv"));
    assert_eq!(html(&app, &admin, &format!("/admin/jobs/{}", uuid::Uuid::new_v4())).await.0, 404);
}
