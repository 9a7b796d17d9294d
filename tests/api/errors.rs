//! The error envelope for every kind of bad request, and the headers on every answer.

use crate::helpers::*;
use homeward::domain::role::Role;
use reqwest::Method;

#[actix_web::test]
async fn every_error_has_the_same_shape_and_status() {
    let app = spawn_app_with(|s| s.max_body_bytes = 1024).await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let url = |p: &str| format!("{}{}", app.address, p);
    let cookie = format!("homeward_session={}", admin.0);
    let send =
        |req: reqwest::RequestBuilder| async { req.header("Cookie", cookie.clone()).send().await.expect("sent") };

    let malformed =
        send(app.client.post(url("/api/v1/users")).header("content-type", "application/json").body("{\"email\": "))
            .await;
    assert_error(malformed, 400, "malformed_json").await;
    let wrong_type = send(app.client.post(url("/api/v1/users")).header("content-type", "text/plain").body("{}")).await;
    assert_error(wrong_type, 415, "unsupported_media_type").await;
    let too_large = send(
        app.client
            .post(url("/api/v1/users"))
            .header("content-type", "application/json")
            .body(format!("{{\"email\": \"{}\"}}", "a".repeat(4096))),
    )
    .await;
    assert_error(too_large, 413, "payload_too_large").await;
    let missing = send(app.client.post(url("/api/v1/users")).json(&serde_json::json!({"email": 5}))).await;
    assert_error(missing, 422, "validation_failed").await;
    let bad_role = send(
        app.client
            .post(url("/api/v1/users"))
            .json(&serde_json::json!({"email": "a@b.org", "display_name": "A", "role": "root"})),
    )
    .await;
    assert_error(bad_role, 422, "validation_failed").await;
    let fields = send(
        app.client
            .post(url("/api/v1/users"))
            .json(&serde_json::json!({"email": "nope", "display_name": "A", "role": "admin"})),
    )
    .await;
    let body = assert_error(fields, 422, "validation_failed").await;
    assert_eq!(body["error"]["fields"]["email"][0], "must be a valid email address");
    assert_error(send(app.client.get(url("/api/v1/no-such-thing"))).await, 404, "not_found").await;
    assert_error(send(app.client.delete(url("/api/v1/users"))).await, 405, "method_not_allowed").await;
    assert_error(send(app.client.put(url("/api/v1/auth/login"))).await, 405, "method_not_allowed").await;
    assert_error(send(app.client.get(url("/api/v1/users?limit=abc"))).await, 422, "validation_failed").await;
    assert_error(send(app.client.get(url("/api/v1/users?limit=0"))).await, 422, "validation_failed").await;
    // Nothing was created by any of these.
    assert_eq!(json(app.get("/api/v1/users", &admin).await).await["total"], 1);
}

#[actix_web::test]
async fn security_headers_are_on_every_response() {
    let app = spawn_app().await;
    for path in ["/healthz", "/api/v1/me", "/login", "/no-such-page", "/static/app.css"] {
        let res = app.request(Method::GET, path, None, None).await;
        let h = |name: &str| res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let csp = h("content-security-policy");
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "no-referrer", "{path}");
        if path != "/static/app.css" {
            assert_eq!(h("cache-control"), "no-store", "{path}");
        }
        assert!(!h("x-request-id").is_empty(), "{path}");
    }
}

#[actix_web::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    assert_eq!(json(app.request(Method::GET, "/healthz", None, None).await).await["status"], "ok");
    assert_eq!(json(app.request(Method::GET, "/readyz", None, None).await).await["status"], "ready");
}

#[actix_web::test]
async fn the_openapi_document_covers_every_endpoint_and_the_docs_are_served_locally() {
    let app = spawn_app().await;
    let doc = json(app.request(Method::GET, "/api/openapi.json", None, None).await).await;
    let paths = doc["paths"].as_object().map(|p| p.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    for expected in [
        "/healthz",
        "/readyz",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/me",
        "/api/v1/organisations",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/audit",
        "/api/v1/audit/verify",
    ] {
        assert!(paths.iter().any(|p| p == expected), "{expected} missing from {paths:?}");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let login_responses = &doc["paths"]["/api/v1/auth/login"]["post"]["responses"];
    for status in ["200", "401", "422", "429"] {
        assert!(login_responses[status].is_object(), "login {status}");
    }
    let ui = app.request(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(ui.status(), 200);
    let html = ui.text().await.unwrap_or_default();
    assert!(html.contains("swagger-ui-bundle.js") && !html.contains("http://") && !html.contains("https://"));
    let bundle = app.request(Method::GET, "/api/docs/swagger-ui-bundle.js", None, None).await;
    assert_eq!(bundle.status(), 200);
}
