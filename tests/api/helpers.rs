//! Test harness: spawns the app on a fresh database (SQLite file or PostgreSQL database) and
//! offers a small HTTP client that handles the session cookie by hand (so tests can inspect it).

use diesel::{Connection, RunQueryDsl};
use homeward::config::Settings;
use homeward::db::{DbConnection, Pool};
use homeward::domain::role::Role;
use homeward::services::audit::AuditCtx;
use homeward::services::{organisations, users};
use homeward::startup::Application;
use reqwest::{Method, Response};
use serde_json::Value;

/// A running app on its own database.
pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    #[allow(dead_code)]
    pub settings: Settings,
    /// The server's clock (pinned at [`test_start`]; a test may advance it).
    pub clock: homeward::clock::Clock,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
}

/// A signed-in client: the session cookie's value.
#[derive(Clone, Debug)]
pub struct Session(pub String);

/// A test account.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub password: String,
    pub organisation_id: String,
}

/// The moment every test's server clock starts at: tests never read the real calendar, so they
/// pass on any date (`make test` also runs them under `faketime` to prove it).
pub fn test_start() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).and_then(|d| d.and_hms_opt(12, 0, 0)).expect("valid date")
}

/// Today for the tests: the day of [`test_start`].
pub fn today() -> chrono::NaiveDate {
    test_start().date()
}

/// A clock pinned like the servers' (for tests that work on a database without a server).
pub fn test_clock() -> homeward::clock::Clock {
    homeward::clock::Clock::starting_at(test_start())
}

/// Which database the tests run on.
pub fn backend() -> &'static str {
    match std::env::var("HOMEWARD_TEST_BACKEND").as_deref() {
        Ok("postgres") => "postgres",
        _ => "sqlite",
    }
}

/// A fresh database URL: a new SQLite file, or a new PostgreSQL database.
pub fn fresh_database(dir: &tempfile::TempDir) -> String {
    if backend() == "postgres" {
        let admin_url = std::env::var("HOMEWARD_TEST_PG_URL")
            .expect("HOMEWARD_TEST_BACKEND=postgres needs HOMEWARD_TEST_PG_URL (make test starts a server)");
        let name = format!("homeward_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = diesel::PgConnection::establish(&admin_url).expect("connect to the test PostgreSQL server");
        diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create test database");
        let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url);
        format!("{base}/{name}")
    } else {
        dir.path().join("test.db").to_string_lossy().into_owned()
    }
}

/// Starts the app with default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with settings adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut settings = Settings {
        database_url: fresh_database(&dir),
        bind: "127.0.0.1:0".into(),
        cookie_secure: false,
        pool_size: 4,
        workers: 1,
        clock_start: Some(test_start()),
        job_poll_millis: 50,
        // Beside the test's database, whichever the backend (not in the working directory).
        secret_key_file: Some(dir.path().join("server.key").to_string_lossy().into_owned()),
        ..Settings::default()
    };
    adjust(&mut settings);
    let app = Application::build(settings.clone()).expect("build app");
    let address = format!("http://127.0.0.1:{}", app.port());
    let pool = app.pool();
    // Reference data (countries, facilities), as `homeward seed` loads it.
    let clock = app.clock();
    homeward::services::seed::apply(&mut pool.get().expect("conn"), &AuditCtx::cli("test seed", &clock)).expect("seed");
    actix_rt::spawn(app.run_until_stopped());
    let client = client();
    TestApp { address, pool, settings, clock, client, _dir: dir }
}

impl TestApp {
    /// A pooled connection for setting up or inspecting the database directly.
    pub fn conn(&self) -> homeward::db::PooledConn {
        self.pool.get().expect("connection")
    }

    /// Creates an account in `org` (created if missing), as the operator would with the CLI.
    pub fn account(&self, role: Role, org: &str) -> Account {
        let mut conn = self.conn();
        let ctx = self.cli_ctx();
        let (o, scope) = organisations::operator_scope(&mut conn, &ctx, org).expect("organisation");
        let email =
            format!("{}-{}@test.homeward.example", role.as_str(), &uuid::Uuid::new_v4().simple().to_string()[..8]);
        let password = format!("pw-{}-long-enough", uuid::Uuid::new_v4().simple());
        let new = users::NewUser {
            email: email.clone(),
            display_name: format!("Test {} (fictional)", role.as_str()),
            role,
            password: Some(password.clone()),
        };
        let created = users::create(&mut conn, &ctx, &scope, new).expect("create user");
        Account { id: created.user.id.to_string(), email, password, organisation_id: o.id.to_string() }
    }

    /// An admin of `org` who also holds the policy stewardship (granted as the operator would,
    /// with `homeward steward grant`), signed in.
    pub async fn steward(&self, org: &str) -> (Account, Session) {
        let account = self.account(Role::Admin, org);
        homeward::services::stewards::grant(&mut self.conn(), &self.cli_ctx(), &account.email).expect("grant");
        let session = self.login(&account).await;
        (account, session)
    }

    /// Waits until no job is queued or running (the server runs them in the background), and
    /// fails the test if one failed or they take more than 30 s.
    pub async fn jobs_done(&self) {
        self.jobs_settled().await;
        assert_eq!(self.count("jobs WHERE status = 'failed'"), 0, "a job failed");
    }

    /// Waits until no job is queued or running, whatever their outcome (at most 60 s).
    pub async fn jobs_settled(&self) {
        for _ in 0..1200 {
            if self.count("jobs WHERE status IN ('queued', 'running')") == 0 {
                return;
            }
            actix_rt::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("jobs did not finish within 60 s");
    }

    /// Another server process on the same database (no seeding): what a restart, or a second
    /// server behind a load balancer, looks like.
    pub async fn second_server(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = Application::build(self.settings.clone()).expect("build second app");
        let address = format!("http://127.0.0.1:{}", app.port());
        let (pool, clock) = (app.pool(), app.clock());
        actix_rt::spawn(app.run_until_stopped());
        let client = client();
        TestApp { address, pool, settings: self.settings.clone(), clock, client, _dir: dir }
    }

    /// A server with this one's settings on another database (a restored copy, say).
    pub async fn server_on(&self, database_url: &str) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let settings = Settings { database_url: database_url.to_string(), ..self.settings.clone() };
        let app = Application::build(settings.clone()).expect("build app on the other database");
        let address = format!("http://127.0.0.1:{}", app.port());
        let (pool, clock) = (app.pool(), app.clock());
        actix_rt::spawn(app.run_until_stopped());
        TestApp { address, pool, settings, clock, client: client(), _dir: dir }
    }

    /// Another server process on the same database with other settings (another key file, say).
    pub async fn server_with(&self, settings: Settings) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = Application::build(settings.clone()).expect("build app with other settings");
        let address = format!("http://127.0.0.1:{}", app.port());
        let (pool, clock) = (app.pool(), app.clock());
        actix_rt::spawn(app.run_until_stopped());
        TestApp { address, pool, settings, clock, client: client(), _dir: dir }
    }

    /// The operator's audit context at the command line, on the server's clock.
    pub fn cli_ctx(&self) -> AuditCtx {
        AuditCtx::cli("test", &self.clock)
    }

    /// Signs in through the API; panics unless it succeeds.
    pub async fn login(&self, account: &Account) -> Session {
        let res = self.try_login(&account.email, &account.password).await;
        assert_eq!(res.status(), 200, "login should succeed");
        session_from(&res).expect("session cookie")
    }

    /// An account of `role` in `org`, signed in.
    pub async fn signed_in(&self, role: Role, org: &str) -> (Account, Session) {
        let account = self.account(role, org);
        let session = self.login(&account).await;
        (account, session)
    }

    pub async fn try_login(&self, email: &str, password: &str) -> Response {
        self.request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"email": email, "password": password})),
        )
        .await
    }

    /// Any request; JSON body if given; the session cookie if given.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        session: Option<&Session>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, format!("{}{}", self.address, path));
        if let Some(Session(token)) = session {
            req = req.header("Cookie", format!("homeward_session={token}"));
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, session: &Session) -> Response {
        self.request(Method::GET, path, Some(session), None).await
    }

    pub async fn post(&self, path: &str, session: &Session, body: Value) -> Response {
        self.request(Method::POST, path, Some(session), Some(body)).await
    }

    pub async fn patch(&self, path: &str, session: &Session, body: Value) -> Response {
        self.request(Method::PATCH, path, Some(session), Some(body)).await
    }

    /// Runs raw SQL against the app's database (to simulate tampering).
    pub fn sql(&self, statement: &str) -> usize {
        let mut conn = self.conn();
        let c: &mut DbConnection = &mut conn;
        diesel::sql_query(statement).execute(c).expect("sql")
    }

    /// Runs raw SQL and returns the database's answer (to show what constraints refuse).
    pub fn try_sql(&self, statement: &str) -> diesel::QueryResult<usize> {
        let mut conn = self.conn();
        let c: &mut DbConnection = &mut conn;
        diesel::sql_query(statement).execute(c)
    }

    /// One text value: `SELECT <expr> AS v ...`.
    pub fn scalar(&self, query: &str) -> String {
        #[derive(diesel::QueryableByName)]
        struct V {
            #[diesel(sql_type = diesel::sql_types::Text)]
            v: String,
        }
        let mut conn = self.conn();
        let c: &mut DbConnection = &mut conn;
        diesel::sql_query(query).get_result::<V>(c).expect("scalar").v
    }

    /// `SELECT COUNT(*) FROM <from_where>` against the app's database.
    pub fn count(&self, from_where: &str) -> i64 {
        count_in(&mut self.conn(), from_where)
    }

    /// The id of a seeded facility by name.
    pub fn facility(&self, name: &str) -> String {
        homeward::db::repo::facilities::find_by_name(&mut self.conn(), name)
            .expect("query")
            .expect("seeded facility")
            .id
            .to_string()
    }

    /// `count(from_where)` once it has stopped changing: refusals and views are audited beside
    /// their answer, views in batches every 500 ms, so read until 800 ms pass without a change
    /// (at most 10 s).
    pub async fn settled_count(&self, from_where: &str) -> i64 {
        let mut last = self.count(from_where);
        let mut unchanged = 0;
        for _ in 0..100 {
            actix_rt::time::sleep(std::time::Duration::from_millis(100)).await;
            let now = self.count(from_where);
            unchanged = if now == last { unchanged + 1 } else { 0 };
            last = now;
            if unchanged >= 8 {
                break;
            }
        }
        last
    }

    /// The audit events of the whole chain, in order: (seq, action, outcome).
    pub fn audit_actions(&self) -> Vec<(i64, String, String)> {
        let mut conn = self.conn();
        homeward::db::repo::audit::chain_after(&mut conn, 0, 10_000)
            .expect("audit rows")
            .into_iter()
            .map(|r| (r.seq, r.action, r.outcome))
            .collect()
    }
}

/// The session cookie set by a response, if any.
pub fn session_from(res: &Response) -> Option<Session> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("homeward_session="))
        .map(|rest| Session(rest.split(';').next().unwrap_or_default().to_string()))
        .filter(|s| !s.0.is_empty())
}

/// The body as JSON.
pub async fn json(res: Response) -> Value {
    res.json().await.expect("JSON body")
}

/// Asserts the error envelope with a code, and returns the body.
pub async fn assert_error(res: Response, status: u16, code: &str) -> Value {
    assert_eq!(res.status().as_u16(), status, "status for {code}");
    let header_id = res.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = json(res).await;
    assert_eq!(body["error"]["code"], code, "error body: {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    let rid = body["error"]["request_id"].as_str().unwrap_or_default().to_string();
    assert!(!rid.is_empty(), "request id in body");
    assert_eq!(Some(rid), header_id, "body request id matches X-Request-Id");
    body
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// `SELECT COUNT(*) FROM <from_where>` on any connection.
pub fn count_in(conn: &mut DbConnection, from_where: &str) -> i64 {
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {from_where}")).get_result::<Count>(conn).expect("count").n
}

/// Signs in through the login page, as a browser would.
pub async fn form_login(app: &TestApp, email: &str, password: &str) -> Response {
    app.client
        .post(format!("{}/login", app.address))
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("sent")
}

/// Posts a form as a browser on one of our pages would (urlencoded, same-origin).
pub async fn form_post<T: serde::Serialize + ?Sized>(app: &TestApp, s: &Session, path: &str, fields: &T) -> Response {
    app.client
        .post(format!("{}{}", app.address, path))
        .header("Cookie", format!("homeward_session={}", s.0))
        .header("Sec-Fetch-Site", "same-origin")
        .form(fields)
        .send()
        .await
        .expect("sent")
}

/// A page's status and HTML.
pub async fn html(app: &TestApp, s: &Session, path: &str) -> (u16, String) {
    let res = app.get(path, s).await;
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

/// A page's status and HTML in Arabic.
pub async fn html_ar(app: &TestApp, s: &Session, path: &str) -> (u16, String) {
    let res = app
        .client
        .get(format!("{}{}", app.address, path))
        .header("Cookie", format!("homeward_session={}; homeward_lang=ar", s.0))
        .send()
        .await
        .expect("sent");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

/// Where a redirect points.
pub fn location(res: &Response) -> String {
    res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

/// An HTTP client that drops idle connections before the server's keep-alive (5 s) does: a
/// test that spends seconds setting up data never reuses a connection the server has closed.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(2))
        .build()
        .expect("client")
}
