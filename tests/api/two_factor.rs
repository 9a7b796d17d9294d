//! Two-factor sign-in (issue 12, point 7): enrolment with a server-drawn QR code, codes that work
//! once, ten hashed recovery codes, the requirement per role, throttling like passwords, an
//! admin's reset, and the pages of the sign-in step.

use crate::helpers::*;
use homeward::domain::role::Role;
use homeward::domain::totp;
use serde_json::{json, Value};

/// The code the app would show `steps` steps from the server's now.
fn code(app: &TestApp, secret: &str, steps: i64) -> String {
    let bytes = totp::base32_decode(secret).expect("base32 secret");
    let step = totp::step_of(app.clock.now().and_utc().timestamp()) + steps;
    format!("{:06}", totp::code_at(&bytes, step))
}

/// A six-digit code that is not the current one (nor a neighbour).
fn wrong_code(app: &TestApp, secret: &str) -> String {
    let right: Vec<String> = (-1..=1).map(|s| code(app, secret, s)).collect();
    (0..1_000_000u32).map(|n| format!("{n:06}")).find(|c| !right.contains(c)).expect("a wrong code")
}

fn required_for_managers(s: &mut homeward::config::Settings) {
    s.two_factor_required_for = vec!["admin".into(), "coordinator".into(), "steward".into()];
}

/// Enrols a signed-in account; returns the secret and the recovery codes.
async fn enrol(app: &TestApp, s: &Session) -> (String, Vec<String>) {
    let res = app.post("/api/v1/auth/two-factor/enrolment", s, json!({})).await;
    assert_eq!(res.status(), 200);
    let secret = json(res).await["secret"].as_str().expect("secret").to_string();
    let res = app.post("/api/v1/auth/two-factor/enrolment/confirm", s, json!({"code": code(app, &secret, 0)})).await;
    assert_eq!(res.status(), 200);
    let codes = json(res).await["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().unwrap_or_default().to_string())
        .collect();
    (secret, codes)
}

/// Signs in with the password; the waiting session and what it waits for.
async fn password_step(app: &TestApp, account: &Account) -> (Session, String) {
    let res = app.try_login(&account.email, &account.password).await;
    assert_eq!(res.status(), 202, "the password step");
    let s = session_from(&res).expect("a waiting session");
    (s, json(res).await["second_factor"].as_str().unwrap_or_default().to_string())
}

#[actix_web::test]
async fn a_role_that_requires_it_enrols_at_sign_in_then_signs_in_with_a_code() {
    let app = spawn_app_with(required_for_managers).await;
    let admin = app.account(Role::Admin, "Org A");
    let (waiting, stage) = password_step(&app, &admin).await;
    assert_eq!(stage, "enrol");
    // Half signed in: nothing but the two-factor endpoints.
    for path in ["/api/v1/me", "/api/v1/users", "/api/v1/auth/two-factor"] {
        let res = app.get(path, &waiting).await;
        let want = if path == "/api/v1/auth/two-factor" { "unauthenticated" } else { "second_factor_required" };
        assert_error(res, 401, want).await;
    }
    let res = app.post("/api/v1/auth/two-factor/enrolment", &waiting, json!({})).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    let e = json(res).await;
    let secret = e["secret"].as_str().expect("secret").to_string();
    assert!(e["qr_svg"].as_str().is_some_and(|s| s.contains("<svg")), "a QR code drawn by the server");
    assert!(e["otpauth_uri"]
        .as_str()
        .is_some_and(|u| u.starts_with("otpauth://totp/Homeward:") && u.contains(&secret)));
    // Asking again shows the same secret (a reload does not invalidate the scan).
    let again = json(app.post("/api/v1/auth/two-factor/enrolment", &waiting, json!({})).await).await;
    assert_eq!(again["secret"], e["secret"]);

    let res = app
        .post("/api/v1/auth/two-factor/enrolment/confirm", &waiting, json!({"code": wrong_code(&app, &secret)}))
        .await;
    let body = assert_error(res, 422, "validation_failed").await;
    assert!(body["error"]["fields"]["code"].is_array(), "{body}");
    let first = code(&app, &secret, 0);
    let res = app.post("/api/v1/auth/two-factor/enrolment/confirm", &waiting, json!({"code": first})).await;
    assert_eq!(res.status(), 200);
    let full = session_from(&res).expect("a new session");
    assert_ne!(full.0, waiting.0, "a new token once signed in");
    let codes = json(res).await["recovery_codes"].as_array().expect("codes").clone();
    assert_eq!(codes.len(), 10);
    assert_eq!(app.get("/api/v1/me", &full).await.status(), 200);
    assert_error(app.get("/api/v1/me", &waiting).await, 401, "unauthenticated").await;
    // Stored hashed: no recovery code is in the database.
    assert_eq!(app.count(&format!("recovery_codes WHERE user_id = '{}'", admin.id)), 10);
    for c in &codes {
        let plain = c.as_str().unwrap_or_default().replace('-', "");
        assert_eq!(app.count(&format!("recovery_codes WHERE code_hash LIKE '%{plain}%'")), 0);
    }

    // The next sign-in asks for a code; the code of the enrolment is spent.
    app.post("/api/v1/auth/logout", &full, json!({})).await;
    let (waiting, stage) = password_step(&app, &admin).await;
    assert_eq!(stage, "code");
    assert_error(app.post("/api/v1/auth/two-factor", &waiting, json!({"code": first})).await, 422, "validation_failed")
        .await;
    app.clock.advance(chrono::Duration::seconds(30));
    let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"code": code(&app, &secret, 0)})).await;
    assert_eq!(res.status(), 200);
    let me = session_from(&res).expect("full session");
    assert_eq!(json(app.get("/api/v1/me", &me).await).await["email"], admin.email.as_str());
    let status = json(app.get("/api/v1/auth/two-factor", &me).await).await;
    assert_eq!(status, json!({"enrolled": true, "required": true, "recovery_codes_left": 10}));

    // A role it is not required of signs in with the password alone.
    let caseworker = app.account(Role::Caseworker, "Org A");
    assert_eq!(app.try_login(&caseworker.email, &caseworker.password).await.status(), 200);
    let actions = app.audit_actions();
    for (action, outcome) in [
        ("auth.login", "second_factor_awaited"),
        ("auth.two_factor.enrolment", "confirmed"),
        ("auth.second_factor", "success"),
        ("auth.second_factor", "failure"),
    ] {
        assert!(actions.iter().any(|(_, a, o)| a == action && o == outcome), "{action} {outcome} audited");
    }
}

#[actix_web::test]
async fn recovery_codes_work_once_and_wrong_codes_are_throttled_like_passwords() {
    let app = spawn_app_with(|s| {
        required_for_managers(s);
        s.login_max_failures_per_account = 3;
    })
    .await;
    let coordinator = app.account(Role::Coordinator, "Org A");
    let (waiting, _) = password_step(&app, &coordinator).await;
    let (secret, codes) = enrol(&app, &waiting).await;
    let (waiting, stage) = password_step(&app, &coordinator).await;
    assert_eq!(stage, "code");
    let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"recovery_code": codes[3].to_uppercase()})).await;
    assert_eq!(res.status(), 200, "a recovery code, as typed in capitals");
    let (waiting, _) = password_step(&app, &coordinator).await;
    let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"recovery_code": codes[3]})).await;
    let body = assert_error(res, 422, "validation_failed").await;
    assert!(body["error"]["fields"]["recovery_code"].is_array(), "a spent recovery code: {body}");
    let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"code": "123456", "recovery_code": codes[4]})).await;
    assert_error(res, 422, "validation_failed").await;

    // Two more wrong codes make three failures: then even the right code waits.
    for _ in 0..2 {
        let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"code": wrong_code(&app, &secret)})).await;
        assert_error(res, 422, "validation_failed").await;
    }
    app.clock.advance(chrono::Duration::seconds(30));
    for _ in 0..3 {
        let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"code": code(&app, &secret, 0)})).await;
        assert_eq!(res.status(), 429);
        assert!(res.headers().get("retry-after").is_some());
    }
    let throttled =
        app.audit_actions().into_iter().filter(|(_, a, o)| a == "auth.second_factor" && o == "throttled").count();
    assert_eq!(throttled, 1, "one audit event for the window, not one per attempt");
    assert_error(app.get("/api/v1/me", &waiting).await, 401, "second_factor_required").await;
}

#[actix_web::test]
async fn a_user_may_turn_it_on_and_off_and_an_admin_resets_a_lost_phone_in_their_organisation_only() {
    let app = spawn_app_with(|s| s.two_factor_required_for = vec!["admin".into()]).await;
    let (coordinator, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let (secret, old_codes) = enrol(&app, &s).await;
    let res = app.post("/api/v1/auth/two-factor/enrolment", &s, json!({})).await;
    assert_error(res, 409, "conflict").await;
    // New recovery codes for a code; the old ones no longer work.
    app.clock.advance(chrono::Duration::seconds(30));
    let res = app.post("/api/v1/auth/two-factor/recovery-codes", &s, json!({"code": code(&app, &secret, 0)})).await;
    assert_eq!(res.status(), 200);
    let new_codes: Value = json(res).await["recovery_codes"].clone();
    assert_ne!(new_codes[0].as_str(), Some(old_codes[0].as_str()));
    let (waiting, _) = password_step(&app, &coordinator).await;
    assert_error(
        app.post("/api/v1/auth/two-factor", &waiting, json!({"recovery_code": old_codes[0]})).await,
        422,
        "validation_failed",
    )
    .await;
    let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"recovery_code": new_codes[0]})).await;
    assert_eq!(res.status(), 200);

    // Turned off with a code (not required of coordinators here).
    app.clock.advance(chrono::Duration::seconds(30));
    assert_error(
        app.post("/api/v1/auth/two-factor/disable", &s, json!({"code": wrong_code(&app, &secret)})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        app.post("/api/v1/auth/two-factor/disable", &s, json!({"code": code(&app, &secret, 0)})).await.status(),
        204
    );
    assert_eq!(json(app.get("/api/v1/auth/two-factor", &s).await).await["enrolled"], false);
    assert_eq!(app.try_login(&coordinator.email, &coordinator.password).await.status(), 200);

    // An admin (required) cannot turn it off; another admin resets it, in their organisation only.
    let admin = app.account(Role::Admin, "Org A");
    let (waiting, _) = password_step(&app, &admin).await;
    let (admin_secret, _) = enrol(&app, &waiting).await;
    let admin_session = {
        app.clock.advance(chrono::Duration::seconds(30));
        let (waiting, _) = password_step(&app, &admin).await;
        let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"code": code(&app, &admin_secret, 0)})).await;
        session_from(&res).expect("signed in")
    };
    let res = app
        .post("/api/v1/auth/two-factor/disable", &admin_session, json!({"code": code(&app, &admin_secret, 1)}))
        .await;
    assert_error(res, 409, "conflict").await;
    let other = app.account(Role::Admin, "Org B");
    let (w, _) = password_step(&app, &other).await;
    let (_, other_codes) = enrol(&app, &w).await;
    let (w, _) = password_step(&app, &other).await;
    let other_session =
        session_from(&app.post("/api/v1/auth/two-factor", &w, json!({"recovery_code": other_codes[0]})).await)
            .expect("in");
    let reset = format!("/api/v1/users/{}/two-factor/reset", admin.id);
    assert_error(app.post(&reset, &other_session, json!({})).await, 404, "not_found").await;
    assert_error(app.post(&reset, &s, json!({})).await, 403, "forbidden").await;
    assert_eq!(
        app.count(&format!("totp_secrets WHERE user_id = '{}'", admin.id)),
        1,
        "a refused reset changes nothing"
    );
    let colleague = app.account(Role::Admin, "Org A");
    let (w, _) = password_step(&app, &colleague).await;
    let (_, colleague_codes) = enrol(&app, &w).await;
    let (w, _) = password_step(&app, &colleague).await;
    let colleague_session =
        session_from(&app.post("/api/v1/auth/two-factor", &w, json!({"recovery_code": colleague_codes[0]})).await)
            .expect("in");
    assert_eq!(app.post(&reset, &colleague_session, json!({})).await.status(), 204);
    assert_error(app.get("/api/v1/me", &admin_session).await, 401, "unauthenticated").await;
    let (_, stage) = password_step(&app, &admin).await;
    assert_eq!(stage, "enrol", "the reset admin enrols again");
    assert!(app.audit_actions().iter().any(|(_, a, _)| a == "user.two_factor_reset"));
}

#[actix_web::test]
async fn the_sign_in_pages_walk_through_enrolment_and_the_code() {
    let app = spawn_app_with(required_for_managers).await;
    let admin = app.account(Role::Admin, "Org A");
    let res = form_login(&app, &admin.email, &admin.password).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login/two-factor");
    let waiting = session_from(&res).expect("waiting session");
    let res = app.get("/families", &waiting).await;
    assert_eq!((res.status().as_u16(), location(&res)), (303, "/login/two-factor".to_string()));
    let (status, page) = html(&app, &waiting, "/login/two-factor").await;
    assert_eq!(status, 200);
    assert!(page.contains("<svg"), "the QR code is drawn in the page");
    let secret = page
        .split("data-testid=\"tf-secret\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("secret shown")
        .to_string();
    let (_, arabic) = html_ar(&app, &waiting, "/login/two-factor").await;
    assert!(arabic.contains("dir=\"rtl\"") && arabic.contains("إعداد تسجيل الدخول بخطوتين"));

    let res = form_post(&app, &waiting, "/login/two-factor/confirm", &[("code", wrong_code(&app, &secret))]).await;
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap_or_default().contains("aria-describedby=\"tf-error\""));
    let res = form_post(&app, &waiting, "/login/two-factor/confirm", &[("code", code(&app, &secret, 0))]).await;
    assert_eq!(res.status(), 200);
    let full = session_from(&res).expect("signed in");
    let page = res.text().await.unwrap_or_default();
    assert_eq!(page.matches("<li><code>").count(), 10, "ten recovery codes shown once");
    assert_eq!(html(&app, &full, "/account").await.0, 200);

    // The next sign-in: the code page, a wrong code, then the right one.
    app.clock.advance(chrono::Duration::seconds(30));
    let res = form_login(&app, &admin.email, &admin.password).await;
    let waiting = session_from(&res).expect("waiting");
    let (_, page) = html(&app, &waiting, "/login/two-factor").await;
    assert!(page.contains("autocomplete=\"one-time-code\"") && !page.contains("<svg"));
    let res = form_post(&app, &waiting, "/login/two-factor", &[("code", wrong_code(&app, &secret))]).await;
    assert_eq!(res.status(), 422);
    let res = form_post(&app, &waiting, "/login/two-factor", &[("code", code(&app, &secret, 0))]).await;
    assert_eq!((res.status().as_u16(), location(&res)), (303, "/".to_string()));
    let full = session_from(&res).expect("signed in");
    assert_eq!(html(&app, &full, "/").await.0, 200);
    // Cancelling a waiting sign-in ends it.
    let res = form_login(&app, &admin.email, &admin.password).await;
    let waiting = session_from(&res).expect("waiting");
    let res = form_post(&app, &waiting, "/login/two-factor/cancel", &[("x", "")]).await;
    assert_eq!(location(&res), "/login");
    assert_error(app.get("/api/v1/me", &waiting).await, 401, "unauthenticated").await;
}

#[actix_web::test]
async fn a_waiting_session_reaches_nothing_but_the_two_factor_paths() {
    let app = spawn_app_with(required_for_managers).await;
    let admin = app.account(Role::Admin, "Org A");
    let (waiting, _) = password_step(&app, &admin).await;
    let some_id = uuid::Uuid::new_v4().to_string();
    let paths: Vec<String> =
        homeward::http::registered_paths().into_iter().filter(|p| !p.starts_with("/api/v1/bench/")).collect();
    assert!(paths.len() > 140, "the router's paths ({})", paths.len());
    let mut checked = 0;
    for path in paths
        .iter()
        .filter(|p| !homeward::auth::guard::WAITING.contains(&p.as_str()) && !homeward::auth::guard::is_public(p))
    {
        let concrete: String = path
            .split('/')
            .map(|seg| if seg.starts_with('{') { some_id.as_str() } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        for method in [reqwest::Method::GET, reqwest::Method::POST] {
            let res = app.request(method.clone(), &concrete, Some(&waiting), Some(json!({}))).await;
            let status = res.status().as_u16();
            if concrete.starts_with("/api/") {
                assert_eq!(status, 401, "{method} {concrete}");
                assert_eq!(json(res).await["error"]["code"], "second_factor_required", "{method} {concrete}");
            } else {
                assert_eq!((status, location(&res)), (303, "/login/two-factor".to_string()), "{method} {concrete}");
            }
            checked += 1;
        }
    }
    assert!(checked > 250, "{checked} requests");
}

#[actix_web::test]
async fn racing_copies_of_a_code_or_a_confirmation_give_one_session() {
    let app = spawn_app_with(required_for_managers).await;
    let admin = app.account(Role::Admin, "Org A");
    let (waiting, _) = password_step(&app, &admin).await;
    let secret = json(app.post("/api/v1/auth/two-factor/enrolment", &waiting, json!({})).await).await["secret"]
        .as_str()
        .expect("secret")
        .to_string();
    let body = json!({"code": code(&app, &secret, 0)});
    let path = "/api/v1/auth/two-factor/enrolment/confirm";
    let (a, b) = tokio::join!(app.post(path, &waiting, body.clone()), app.post(path, &waiting, body.clone()));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses[0], 200, "{statuses:?}");
    assert!(statuses[1] == 409 || statuses[1] == 401, "the copy is refused: {statuses:?}");
    assert_eq!(app.count(&format!("recovery_codes WHERE user_id = '{}'", admin.id)), 10);

    app.clock.advance(chrono::Duration::seconds(30));
    let (waiting, _) = password_step(&app, &admin).await;
    let verified =
        |app: &TestApp| app.count(&format!("sessions WHERE user_id = '{}' AND second_factor = 'verified'", admin.id));
    let before = verified(&app);
    let body = json!({"code": code(&app, &secret, 0)});
    let (a, b) = tokio::join!(
        app.post("/api/v1/auth/two-factor", &waiting, body.clone()),
        app.post("/api/v1/auth/two-factor", &waiting, body)
    );
    let full = [&a, &b].iter().filter(|r| r.status() == 200).count();
    assert_eq!(full, 1, "one code, one session: {} {}", a.status(), b.status());
    assert_eq!(verified(&app), before + 1);
}

#[actix_web::test]
async fn another_session_cannot_see_or_confirm_an_enrolment_in_progress() {
    let app = spawn_app_with(required_for_managers).await;
    let admin = app.account(Role::Admin, "Org A");
    let (owner, _) = password_step(&app, &admin).await;
    let (other, _) = password_step(&app, &admin).await;
    let mine = json(app.post("/api/v1/auth/two-factor/enrolment", &owner, json!({})).await).await["secret"].clone();
    let theirs = json(app.post("/api/v1/auth/two-factor/enrolment", &other, json!({})).await).await["secret"].clone();
    assert_ne!(mine, theirs, "another session never sees the secret being scanned");
    let res = app
        .post(
            "/api/v1/auth/two-factor/enrolment/confirm",
            &owner,
            json!({"code": code(&app, mine.as_str().unwrap_or_default(), 0)}),
        )
        .await;
    assert_error(res, 409, "conflict").await;
    // Fifty wrong codes in a row lock the second factor, whatever the window; an admin resets it.
    let res = app
        .post(
            "/api/v1/auth/two-factor/enrolment/confirm",
            &other,
            json!({"code": code(&app, theirs.as_str().unwrap_or_default(), 0)}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let secret = theirs.as_str().unwrap_or_default().to_string();
    app.sql(&format!("UPDATE totp_secrets SET failures = 49 WHERE user_id = '{}'", admin.id));
    let (waiting, _) = password_step(&app, &admin).await;
    assert_error(
        app.post("/api/v1/auth/two-factor", &waiting, json!({"code": wrong_code(&app, &secret)})).await,
        422,
        "validation_failed",
    )
    .await;
    app.clock.advance(chrono::Duration::seconds(30));
    let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"code": code(&app, &secret, 0)})).await;
    let body = assert_error(res, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("locked")), "{body}");
}

#[actix_web::test]
async fn a_password_only_session_ends_when_its_user_must_give_a_second_factor() {
    let app = spawn_app_with(|s| s.two_factor_required_for = vec!["steward".into()]).await;
    let (account, s) = app.signed_in(Role::Coordinator, "Org A").await;
    assert_eq!(app.get("/api/v1/me", &s).await.status(), 200);
    homeward::services::stewards::grant(&mut app.conn(), &app.cli_ctx(), &account.email).expect("grant");
    assert_error(app.get("/api/v1/me", &s).await, 401, "unauthenticated").await;
    let (_, stage) = password_step(&app, &account).await;
    assert_eq!(stage, "enrol");
}

/// The authenticator secret is stored sealed with the server's key, which lives in a file and
/// never in the database: a copy of the database shows neither the secret nor a recovery code's
/// unkeyed hash. A secret stored in clear by an earlier version is sealed at the next start and
/// still works; a server given another key cannot use it and refuses the code (no 500), until
/// an admin resets the user's second factor.
#[actix_web::test]
async fn the_secret_is_sealed_with_a_key_kept_outside_the_database() {
    let app = spawn_app_with(required_for_managers).await;
    let coordinator = app.account(Role::Coordinator, "Org A");
    let (waiting, _) = password_step(&app, &coordinator).await;
    let (secret, codes) = enrol(&app, &waiting).await;
    let where_user = format!("FROM totp_secrets WHERE user_id = '{}'", coordinator.id);
    let stored = app.scalar(&format!("SELECT secret AS v {where_user}"));
    assert!(stored.starts_with("k1:") && !stored.contains(&secret), "sealed, not in clear: {stored}");
    let normalised = totp::normalise_recovery(&codes[0]).expect("a recovery code");
    let unkeyed = homeward::auth::token::keyed_hash("recovery-code", &format!("{}:{normalised}", coordinator.id));
    assert_eq!(app.count(&format!("recovery_codes WHERE code_hash = '{unkeyed}'")), 0, "recovery codes keyed");
    assert_eq!(app.count(&format!("recovery_codes WHERE user_id = '{}'", coordinator.id)), 10);
    app.clock.advance(chrono::Duration::seconds(30));
    let (waiting, _) = password_step(&app, &coordinator).await;
    let res = app.post("/api/v1/auth/two-factor", &waiting, json!({"code": code(&app, &secret, 0)})).await;
    assert_eq!(res.status(), 200, "the sealed secret works");

    // An earlier version's secret in clear (and an unkeyed recovery code): sealed at the next
    // start, and both still work.
    app.sql(&format!(
        "UPDATE totp_secrets SET secret = '{secret}', last_step = 0 WHERE user_id = '{}'",
        coordinator.id
    ));
    let key_file = app.settings.secret_key_file.clone().expect("the test's key file");
    let (key, _) =
        homeward::services::server_key::ServerKey::load_or_create(std::path::Path::new(&key_file)).expect("key");
    let keyed = key.tag("recovery-code", &format!("{}:{normalised}", coordinator.id));
    assert_eq!(app.sql(&format!("UPDATE recovery_codes SET code_hash = '{unkeyed}' WHERE code_hash = '{keyed}'")), 1);
    let restarted = app.second_server().await;
    let stored = restarted.scalar(&format!("SELECT secret AS v {where_user}"));
    assert!(stored.starts_with("k1:"), "sealed at start-up");
    assert_eq!(restarted.count("audit_events WHERE action = 'auth.two_factor.secret' AND outcome = 'sealed'"), 1);
    restarted.clock.advance(chrono::Duration::seconds(60));
    let (waiting, _) = password_step(&restarted, &coordinator).await;
    let res = restarted.post("/api/v1/auth/two-factor", &waiting, json!({"code": code(&restarted, &secret, 0)})).await;
    assert_eq!(res.status(), 200, "the secret sealed at start-up works");
    let (waiting, _) = password_step(&restarted, &coordinator).await;
    let res = restarted.post("/api/v1/auth/two-factor", &waiting, json!({"recovery_code": codes[0]})).await;
    assert_eq!(res.status(), 200, "an unkeyed recovery code from before still works once");

    // A server without the key file (a restore on another machine) does not start, and leaves
    // no new key behind: a new key would make every sealed secret unusable.
    let dir = tempfile::tempdir().expect("temp dir");
    let other_key = dir.path().join("other.key");
    let mut settings = restarted.settings.clone();
    settings.secret_key_file = Some(other_key.to_string_lossy().into_owned());
    let refused = homeward::startup::Application::build(settings.clone()).err().expect("no start without the key");
    assert!(format!("{refused:#}").contains("secret_key_file"), "{refused:#}");
    assert!(!other_key.exists(), "no new key left behind");

    // Given another key file that exists: the secret does not open; the code is refused like a
    // wrong one, not a 500.
    homeward::services::server_key::ServerKey::load_or_create(&other_key).expect("another key");
    let other = restarted.server_with(settings).await;
    other.clock.advance(chrono::Duration::seconds(120));
    let (waiting, _) = password_step(&other, &coordinator).await;
    let res = other.post("/api/v1/auth/two-factor", &waiting, json!({"code": code(&other, &secret, 0)})).await;
    assert_error(res, 422, "validation_failed").await;
}
