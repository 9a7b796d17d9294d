//! Running the real `homeward` binary as a server process, for the tests that kill or pair
//! servers (`crash.rs`, `two_servers.rs`): a fresh database, the CLI, a server on a free port,
//! signing in, intakes, counts.

#![allow(dead_code)]

use diesel::{Connection, QueryableByName, RunQueryDsl};
use homeward::db::{self, DbConnection};
use serde_json::{json, Value};
use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const EMAIL: &str = "crash@test.homeward.example";
pub const PASSWORD: &str = "kill-nine-lantern-river";

pub fn bin() -> String {
    std::env::var("HOMEWARD_CRASH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_homeward").to_string())
}

pub fn fresh_database(dir: &tempfile::TempDir) -> String {
    if std::env::var("HOMEWARD_TEST_BACKEND").as_deref() == Ok("postgres") {
        let admin_url = std::env::var("HOMEWARD_TEST_PG_URL").expect("HOMEWARD_TEST_PG_URL");
        let name = format!("homeward_crash_{}", uuid::Uuid::new_v4().simple());
        let mut admin = diesel::PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create database");
        format!("{}/{name}", admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url))
    } else {
        dir.path().join("crash.db").to_string_lossy().into_owned()
    }
}

/// The server key's file for a database: beside a SQLite file (the default), or in the temp
/// directory for a PostgreSQL database (not the working directory, the repository).
fn key_file(url: &str) -> String {
    match url.rsplit_once('/') {
        Some((_, name)) if url.starts_with("postgres") => {
            std::env::temp_dir().join(format!("{name}.key")).to_string_lossy().into_owned()
        }
        _ => format!("{url}.key"),
    }
}

pub fn homeward(url: &str, args: &[&str], stdin: Option<&str>) {
    let mut child = Command::new(bin())
        .args(args)
        .env("HOMEWARD_DATABASE_URL", url)
        .env("HOMEWARD_SECRET_KEY_FILE", key_file(url))
        .env("HOMEWARD_CONFIG", "/nonexistent/homeward.toml")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("run homeward");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("stdin");
    }
    drop(child.stdin.take());
    assert!(child.wait().expect("wait").success(), "homeward {args:?}");
}

/// Starts the server and waits for its "listening" line; its address.
pub fn serve(url: &str) -> (Child, String) {
    let mut child = Command::new(bin())
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("HOMEWARD_DATABASE_URL", url)
        .env("HOMEWARD_SECRET_KEY_FILE", key_file(url))
        .env("HOMEWARD_CONFIG", "/nonexistent/homeward.toml")
        .env("HOMEWARD_COOKIE_SECURE", "false")
        .env("HOMEWARD_JOB_POLL_MILLIS", "100")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("listening line");
    // Keep the pipe drained: a full pipe would stall the server.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, line.trim().rsplit(' ').next().expect("address").to_string())
}

pub async fn sign_in(client: &reqwest::Client, address: &str) -> String {
    let res = client
        .post(format!("{address}/api/v1/auth/login"))
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "sign in after a restart");
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("homeward_session="));
    cookie.and_then(|c| c.split(';').next()).expect("session cookie").to_string()
}

pub fn intake(label: &str) -> Value {
    json!({"label": label, "members": [
        {"given_name": "Amira", "family_name": "Crash", "sex": "female", "birth": {"year": 1994}},
        {"given_name": "Yusuf", "family_name": "Crash", "sex": "male", "birth": {"year": 2015}},
        {"given_name": "Maryam", "family_name": "Crash", "sex": "female", "birth": {"year": 2019}}],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}, {"person": 0, "kind": "parent_of", "relative": 2}]})
}

pub async fn post_intake(
    client: &reqwest::Client,
    address: &str,
    cookie: &str,
    label: &str,
) -> Result<(u16, Value), reqwest::Error> {
    let res = client
        .post(format!("{address}/api/v1/families"))
        .header("Cookie", cookie)
        .header("Idempotency-Key", label.replace(' ', "-"))
        .json(&intake(label))
        .send()
        .await?;
    let status = res.status().as_u16();
    Ok((status, res.json().await.unwrap_or(Value::Null)))
}

#[derive(QueryableByName)]
pub struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

pub fn count(conn: &mut DbConnection, sql: &str) -> i64 {
    diesel::sql_query(sql).get_result::<N>(conn).expect(sql).n
}

/// Waits until no job is queued or running (at most a minute).
pub async fn settled(pool: &db::Pool) {
    for _ in 0..600 {
        let open = count(
            &mut pool.get().expect("conn"),
            "SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running')",
        );
        if open == 0 {
            return;
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("jobs still queued or running a minute after the last restart");
}
