//! The `homeward` command line, run as a real process against a fresh database.

use crate::helpers::*;
use homeward::db::repo::users;
use std::io::Write;
use std::process::{Command, Output, Stdio};

struct Cli {
    url: String,
    _dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Cli {
        let dir = tempfile::tempdir().expect("temp dir");
        Cli { url: fresh_database(&dir), _dir: dir }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
            .args(args)
            .env("HOMEWARD_DATABASE_URL", &self.url)
            .env("HOMEWARD_CONFIG", self._dir.path().join("none.toml"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run homeward");
        if let Some(input) = stdin {
            child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("output")
    }

    fn conn(&self) -> homeward::db::PooledConn {
        homeward::db::connect(&self.url, 1).expect("pool").get().expect("conn")
    }

    fn sql(&self, statement: &str) -> usize {
        use diesel::RunQueryDsl;
        let mut conn = self.conn();
        let c: &mut homeward::db::DbConnection = &mut conn;
        diesel::sql_query(statement).execute(c).expect("sql")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn audit_verify_exits_non_zero_with_the_sequence_number_after_an_edit() {
    let cli = Cli::new();
    let fresh = cli.run(&["audit", "verify"], None);
    assert!(fresh.status.success(), "{}", stdout(&fresh));
    for (i, role) in ["admin", "caseworker", "coordinator"].iter().enumerate() {
        let email = format!("cli{i}@test.homeward.example");
        let out = cli.run(
            &["user", "create", "--email", &email, "--name", "CLI (fictional)", "--role", role, "--org", "CLI Org"],
            None,
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(cli.run(&["audit", "verify"], None).status.success());
    assert_eq!(cli.sql("UPDATE audit_events SET action = 'user.disable' WHERE seq = 3"), 1);
    let broken = cli.run(&["audit", "verify"], None);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("sequence 3"), "{}", stdout(&broken));
}

#[test]
fn user_create_makes_the_organisation_and_prints_a_working_generated_password() {
    let cli = Cli::new();
    let out = cli.run(
        &[
            "user",
            "create",
            "--email",
            "Lead@Test.Homeward.Example",
            "--name",
            "Lead (fictional)",
            "--role",
            "admin",
            "--org",
            "New NGO",
        ],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let password =
        text.lines().find_map(|l| l.strip_prefix("password: ")).expect("printed password").trim().to_string();
    let user = users::find_by_email(&mut cli.conn(), "lead@test.homeward.example").expect("query").expect("user");
    assert_eq!(user.role, homeward::domain::role::Role::Admin);
    assert!(homeward::auth::password::verify(&password, &user.password_hash));
    assert!(!user.password_hash.contains(&password));
    // The same email again is refused with a readable reason.
    let again = cli.run(
        &[
            "user",
            "create",
            "--email",
            "lead@test.homeward.example",
            "--name",
            "X",
            "--role",
            "admin",
            "--org",
            "New NGO",
        ],
        None,
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already registered"));
}

#[test]
fn user_create_reads_the_password_from_stdin_and_applies_the_policy() {
    let cli = Cli::new();
    let args = [
        "user",
        "create",
        "--email",
        "s@test.homeward.example",
        "--name",
        "S (fictional)",
        "--role",
        "caseworker",
        "--org",
        "O",
        "--password-stdin",
    ];
    let weak = cli.run(&args, Some("password1234\n"));
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));
    let ok = cli.run(&args, Some("quiet-lantern-by-the-river\n"));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(!stdout(&ok).contains("password:"));
    let user = users::find_by_email(&mut cli.conn(), "s@test.homeward.example").expect("query").expect("user");
    assert!(homeward::auth::password::verify("quiet-lantern-by-the-river", &user.password_hash));
}

#[test]
fn user_disable_disables_the_account() {
    let cli = Cli::new();
    let args = [
        "user",
        "create",
        "--email",
        "d@test.homeward.example",
        "--name",
        "D (fictional)",
        "--role",
        "caseworker",
        "--org",
        "O",
    ];
    assert!(cli.run(&args, None).status.success());
    assert!(cli.run(&["user", "disable", "--email", "d@test.homeward.example"], None).status.success());
    let user = users::find_by_email(&mut cli.conn(), "d@test.homeward.example").expect("query").expect("user");
    assert!(user.disabled_at.is_some());
    assert!(!cli.run(&["user", "disable", "--email", "nobody@test.homeward.example"], None).status.success());
}

#[test]
fn seed_is_idempotent() {
    let cli = Cli::new();
    let first = cli.run(&["seed"], None);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(stdout(&first).contains("countries added: 250"), "{}", stdout(&first));
    let second = cli.run(&["seed"], None);
    assert!(stdout(&second).contains("already up to date"), "{}", stdout(&second));
    let countries = homeward::db::repo::countries::list(&mut cli.conn()).expect("countries");
    assert_eq!(countries.len(), 250);
    assert!(countries.iter().any(|c| c.code == "XK"));
    // Only the first run changed anything, so only it is audited.
    assert_eq!(count_in(&mut cli.conn(), "audit_events WHERE action = 'seed.apply'"), 1);
}

/// Starts `homeward serve` as a real process with JSON logs; returns it and its base URL.
fn serve(cli: &Cli) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_homeward"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("HOMEWARD_DATABASE_URL", &cli.url)
        .env("HOMEWARD_CONFIG", cli._dir.path().join("none.toml"))
        .env("HOMEWARD_SECRET_KEY_FILE", cli._dir.path().join("server.key"))
        .env("HOMEWARD_LOG_FORMAT", "json")
        .env("HOMEWARD_COOKIE_SECURE", "false")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("listening line");
    let url = line.trim().rsplit(' ').next().expect("url").to_string();
    (child, url)
}

#[actix_web::test]
async fn server_logs_hold_no_query_strings_passwords_or_tokens() {
    let cli = Cli::new();
    let args = [
        "user",
        "create",
        "--email",
        "log@test.homeward.example",
        "--name",
        "L (fictional)",
        "--role",
        "admin",
        "--org",
        "O",
        "--password-stdin",
    ];
    assert!(cli.run(&args, Some("secret-lantern-river-9\n")).status.success());
    let (mut child, url) = serve(&cli);
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "log@test.homeward.example", "password": "secret-lantern-river-9"}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    let token = session_from(&res).expect("cookie").0;
    let cookie = format!("homeward_session={token}");
    client
        .get(format!("{url}/api/v1/users?q=Zaynab-Searched-Name"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("get");
    client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": "log@test.homeward.example", "password": "wrong-guess-123456"}))
        .send()
        .await
        .expect("bad login");
    child.kill().expect("stop server");
    let out = child.wait_with_output().expect("output");
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(logs.contains("http_request"), "request spans are logged: {logs}");
    for secret in
        ["secret-lantern-river-9", "wrong-guess-123456", "Zaynab-Searched-Name", &token, "log@test.homeward.example"]
    {
        assert!(!logs.contains(secret), "log contains {secret}");
    }
}

#[test]
fn import_checks_a_list_shows_its_problems_and_writes_it_only_when_it_is_clean() {
    let cli = Cli::new();
    assert!(cli.run(&["seed"], None).status.success());
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import_500.csv");
    let out = cli.run(&["import", fixture, "--org", "CLI Org"], None);
    assert!(!out.status.success(), "a file with problems fails: {}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("500 rows") && text.contains("row 495, birth"), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("checking"), "progress is shown");
    let persons = |cli: &Cli| count_in(&mut cli.conn(), "persons");
    assert_eq!(persons(&cli), 0, "nothing written");
    let dir = tempfile::tempdir().expect("temp dir");
    let clean = dir.path().join("clean.csv");
    let body: String = std::fs::read_to_string(fixture)
        .expect("fixture")
        .lines()
        .filter(|l| !l.contains("Errorova"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&clean, body).expect("write");
    let clean = clean.to_string_lossy().into_owned();
    let dry = cli.run(&["import", &clean, "--org", "CLI Org", "--dry-run"], None);
    assert!(dry.status.success() && stdout(&dry).contains("dry run"), "{}", stdout(&dry));
    assert_eq!(persons(&cli), 0, "a dry run writes nothing");
    let done = cli.run(&["import", &clean, "--org", "CLI Org"], None);
    assert!(done.status.success(), "{}{}", stdout(&done), String::from_utf8_lossy(&done.stderr));
    assert!(stdout(&done).contains("495 persons"), "{}", stdout(&done));
    assert_eq!(persons(&cli), 495);
    let again = cli.run(&["import", &clean, "--org", "CLI Org"], None);
    assert!(stdout(&again).contains("this file was imported on"), "{}", stdout(&again));
    assert_eq!(persons(&cli), 495, "nothing twice");
}
