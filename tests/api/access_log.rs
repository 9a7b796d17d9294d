//! The access log: opening a person's or a family's record and a case is audited as
//! `record.view`, at most once per user, record and minute, written in batches beside the
//! answer, and nothing held is lost when the server stops cleanly.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use serde_json::json;
use std::io::{BufRead, Write};
use std::process::{Command, Stdio};

fn views_of(kind: &str, id: &str) -> String {
    format!("audit_events WHERE action = 'record.view' AND entity_type = '{kind}' AND entity_id = '{id}'")
}

#[actix_web::test]
async fn opening_a_record_is_logged_once_per_user_record_and_minute() {
    let app = spawn_app().await;
    let (worker, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let family = json(app.post("/api/v1/families", &s, intake_body(&app, "Viewed")).await).await;
    let (fid, pid) =
        (family["id"].as_str().expect("id").to_string(), family["members"][0]["id"].as_str().expect("id").to_string());
    let members = json!([family["members"][0]["id"], family["members"][1]["id"]]);
    let case =
        json(app.post("/api/v1/cases", &s, json!({"family_id": fid, "destination": "FR", "members": members})).await)
            .await;
    let cid = case["id"].as_str().expect("case id").to_string();

    for _ in 0..3 {
        assert_eq!(app.get(&format!("/api/v1/families/{fid}"), &s).await.status(), 200);
    }
    assert_eq!(app.get(&format!("/families/{fid}"), &s).await.status(), 200, "the page is the same record");
    assert_eq!(app.get(&format!("/api/v1/persons/{pid}"), &s).await.status(), 200);
    assert_eq!(app.get(&format!("/persons/{pid}"), &s).await.status(), 200);
    assert_eq!(app.get(&format!("/api/v1/cases/{cid}"), &s).await.status(), 200);
    assert_eq!(app.get(&format!("/cases/{cid}/summary"), &s).await.status(), 200, "the printable summary");
    assert_eq!(app.settled_count(&views_of("family", &fid)).await, 1);
    assert_eq!(app.count(&views_of("person", &pid)), 1);
    assert_eq!(app.count(&views_of("case", &cid)), 1);
    let actor = app.scalar(&format!("SELECT actor_id AS v FROM {}", views_of("family", &fid)));
    assert_eq!(actor, worker.id, "who opened it");

    // Another minute, another event; another user, their own.
    app.clock.advance(chrono::Duration::seconds(61));
    assert_eq!(app.get(&format!("/families/{fid}"), &s).await.status(), 200);
    let (_, colleague) = app.signed_in(Role::Coordinator, "Org A").await;
    assert_eq!(app.get(&format!("/api/v1/families/{fid}"), &colleague).await.status(), 200);
    assert_eq!(app.settled_count(&views_of("family", &fid)).await, 3);

    // A record that is not the user's to see is not logged as seen.
    let (_, outsider) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_eq!(app.get(&format!("/api/v1/families/{fid}"), &outsider).await.status(), 404);
    assert_eq!(app.settled_count(&views_of("family", &fid)).await, 3);
    // The organisation's admin reads them in its audit trail; the chain still verifies.
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let audit = json(app.get("/api/v1/audit?action=record.view", &admin).await).await;
    assert!(audit["total"].as_i64().unwrap_or_default() >= 5, "{audit}");
    assert_eq!(json(app.get("/api/v1/audit/verify", &admin).await).await["ok"], true);
}

#[actix_web::test]
async fn the_views_held_are_written_when_the_server_stops_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database(&dir);
    let bin = env!("CARGO_BIN_EXE_homeward");
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(bin)
            .args(args)
            .env("HOMEWARD_DATABASE_URL", &url)
            .env("HOMEWARD_CONFIG", "/nonexistent/homeward.toml")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("run");
        child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin");
        assert!(child.wait().expect("wait").success());
    };
    run(&["seed"], "");
    let args = [
        "user",
        "create",
        "--email",
        "view@test.homeward.example",
        "--name",
        "V (fictional)",
        "--role",
        "caseworker",
        "--org",
        "O",
        "--password-stdin",
    ];
    run(&args, "viewing-lantern-river-9\n");
    let mut server = Command::new(bin)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("HOMEWARD_DATABASE_URL", &url)
        .env("HOMEWARD_SECRET_KEY_FILE", dir.path().join("server.key"))
        .env("HOMEWARD_CONFIG", "/nonexistent/homeward.toml")
        .env("HOMEWARD_COOKIE_SECURE", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().expect("stdout")).read_line(&mut line).expect("listening");
    let address = line.trim().rsplit(' ').next().expect("address").to_string();
    let client = reqwest::Client::new();
    let login = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": "view@test.homeward.example", "password": "viewing-lantern-river-9"}))
        .send()
        .await
        .expect("login");
    let cookie = format!("homeward_session={}", session_from(&login).expect("session").0);
    let body = json!({"label": "Family of Amira Stop (fictional)", "members": [{"given_name": "Amira", "family_name": "Stop", "sex": "female"}]});
    let family = client
        .post(format!("{address}/api/v1/families"))
        .header("Cookie", &cookie)
        .json(&body)
        .send()
        .await
        .expect("intake");
    let fid = family.json::<serde_json::Value>().await.expect("family")["id"].as_str().expect("id").to_string();
    let res =
        client.get(format!("{address}/api/v1/families/{fid}")).header("Cookie", &cookie).send().await.expect("view");
    assert_eq!(res.status(), 200);
    // At once, before the writer's next batch: a clean stop (SIGTERM) must still write it.
    let term = Command::new("kill").args(["-TERM", &server.id().to_string()]).status().expect("kill -TERM");
    assert!(term.success());
    server.wait().expect("stopped");
    let pool = homeward::db::connect(&url, 1).expect("open");
    let n = count_in(
        &mut pool.get().expect("conn"),
        &format!("audit_events WHERE action = 'record.view' AND entity_id = '{fid}'"),
    );
    assert_eq!(n, 1, "the view held when the server stopped is in the log");
}
