//! Benchmark: family search through the whole HTTP stack vs the same search as one raw SQL
//! query, and policy re-evaluation of everyone vs reading the same persons. Ratios are measured
//! in the same run on the same SQLite file loaded with the demo data.
//!
//! Run: `cargo bench --bench registry` (prints a table; no pass/fail).

use diesel::RunQueryDsl;
use homeward::config::Settings;
use homeward::services::audit::AuditCtx;
use std::time::{Duration, Instant};

fn time<F: FnMut()>(runs: u32, mut f: F) -> Duration {
    f(); // warm-up
    let start = Instant::now();
    for _ in 0..runs {
        f();
    }
    start.elapsed() / runs
}

#[derive(diesel::QueryableByName)]
struct Id {
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[allow(dead_code)]
    id: String,
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let settings = Settings {
        database_url: dir.path().join("bench.db").to_string_lossy().into_owned(),
        bind: "127.0.0.1:0".into(),
        cookie_secure: false,
        workers: 1,
        ..Settings::default()
    };
    let pool = homeward::startup::open_database(&settings)?;
    let mut conn = pool.get()?;
    let clock = settings.clock();
    homeward::services::seed::apply(&mut conn, &AuditCtx::cli("bench", &clock))?;
    let load_start = Instant::now();
    let logins = homeward::services::demo::load(&mut conn, &clock)?;
    let load = load_start.elapsed();
    let caseworker = logins.iter().find(|l| l.role.as_str() == "caseworker").expect("demo caseworker");
    let org_id = homeward::db::repo::users::find_by_email(&mut conn, &caseworker.email)?.expect("user").organisation_id;
    let org = org_id.to_string();
    let (_, scope) = homeward::services::organisations::operator_scope_of(&mut conn, &org_id)?;

    let rt = actix_rt::System::new();
    rt.block_on(async move {
        let app = homeward::startup::Application::build(settings).expect("app");
        let base = format!("http://127.0.0.1:{}", app.port());
        actix_rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::new();
        let login = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"email": caseworker.email, "password": caseworker.password}))
            .send()
            .await
            .expect("login");
        let cookie = login
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .to_string();
        let runs = 200u32;
        let url = format!("{base}/api/v1/families?q=umm&limit=50");
        let _ = client.get(&url).header("Cookie", &cookie).send().await;
        let start = Instant::now();
        for _ in 0..runs {
            let res = client.get(&url).header("Cookie", &cookie).send().await.expect("search");
            assert!(res.status().is_success());
            let _ = res.bytes().await;
        }
        let http = start.elapsed() / runs;

        let mut conn = pool.get().expect("conn");
        let sql = format!(
            "SELECT f.id FROM families f WHERE f.organisation_id = '{org}' AND f.id IN \
             (SELECT p.family_id FROM persons p WHERE p.organisation_id = '{org}' AND p.search_key LIKE '%umm%') \
             ORDER BY f.label, f.id LIMIT 50"
        );
        let raw = time(runs, || {
            let c: &mut homeward::db::DbConnection = &mut conn;
            let _: Vec<Id> = diesel::sql_query(&sql).load(c).expect("raw");
        });

        let persons = homeward::db::repo::lists::persons(
            &mut conn,
            &scope,
            &Default::default(),
            homeward::db::repo::Page { limit: 1000, offset: 0 },
        )
        .expect("persons")
        .1;
        let read_all = time(5, || {
            let _ = homeward::db::repo::lists::persons(
                &mut conn,
                &scope,
                &Default::default(),
                homeward::db::repo::Page { limit: 1000, offset: 0 },
            );
        });
        let reevaluate = time(3, || {
            homeward::services::eligibility::reevaluate_all(&mut conn, &clock, |_, _, _| Ok(())).expect("reevaluate");
        });

        println!("demo data: {persons} persons loaded through the intake service in {:.2} s", load.as_secs_f64());
        println!("{:<58} {:>12} {:>10}", "measure", "mean", "ratio");
        println!("{:<58} {:>10.0}µs {:>10}", "raw SQL: family search (baseline)", raw.as_secs_f64() * 1e6, "1.0");
        println!(
            "{:<58} {:>10.0}µs {:>9.1}x",
            "GET /api/v1/families?q=umm (HTTP, auth, JSON, members)",
            http.as_secs_f64() * 1e6,
            http.as_secs_f64() / raw.as_secs_f64()
        );
        println!(
            "{:<58} {:>10.0}µs {:>10}",
            "read every person of the organisation (baseline)",
            read_all.as_secs_f64() * 1e6,
            "1.0"
        );
        println!(
            "{:<58} {:>10.0}µs {:>9.1}x",
            "re-evaluate everyone against every policy, stored",
            reevaluate.as_secs_f64() * 1e6,
            reevaluate.as_secs_f64() / read_all.as_secs_f64()
        );
        actix_rt::System::current().stop();
    });
    Ok(())
}
