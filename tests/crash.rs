//! Crash safety (issue 12): the server, a real process, takes intakes from several clients and
//! is killed with SIGKILL at random moments, then started again, over and over. After every
//! kill: SQLite's `integrity_check` is ok, every acknowledged family is there whole, no family
//! is there in part, none lacks its audit event, the audit chain verifies, a retry of a request
//! that got no answer never makes a second family; at the end every background job has run.
//!
//! `HOMEWARD_CRASH_KILLS` (default 20; `make crash-test`: 200), `HOMEWARD_CRASH_BIN` (default
//! the binary cargo built for this test; `make test` passes the release one),
//! `HOMEWARD_CRASH_SEED` (the moments of the kills; printed, to repeat a failing run), and the
//! database as the API tests choose it (`HOMEWARD_TEST_BACKEND`, `HOMEWARD_TEST_PG_URL`).

mod processes;

use diesel::{QueryableByName, RunQueryDsl};
use homeward::db;
use processes::*;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WRITERS: usize = 4;

/// What the clients saw: answered intakes (label, family id) and intakes sent but unanswered.
#[derive(Default)]
struct Seen {
    acknowledged: Vec<(String, String)>,
    unanswered: Vec<String>,
    /// Retries told that the first attempt was carried out but its answer lost.
    lost: Vec<String>,
}

/// Everything the database must say after a kill.
fn check(url: &str, seen: &Seen, kill: usize) {
    let pool = db::connect(url, 1).expect("open after the kill");
    let mut conn = pool.get().expect("connection");
    if db::backend(&conn) == db::Backend::Sqlite {
        let problem = homeward::db::repo::snapshot::sqlite_integrity(&mut conn).expect("integrity_check");
        assert_eq!(problem, None, "kill {kill}: integrity_check");
    }
    let report = homeward::services::audit::verify(&mut conn).expect("verify");
    assert!(report.first_break.is_none(), "kill {kill}: the audit chain breaks: {:?}", report.first_break);
    for (label, id) in &seen.acknowledged {
        let n = count(&mut conn, &format!("SELECT count(*) AS n FROM persons WHERE family_id = '{id}'"));
        assert_eq!(n, 3, "kill {kill}: acknowledged family {label} must be there whole");
    }
    let partial = count(
        &mut conn,
        "SELECT count(*) AS n FROM families f WHERE (SELECT count(*) FROM persons p WHERE p.family_id = f.id) <> 3",
    );
    assert_eq!(partial, 0, "kill {kill}: a family is there in part");
    let unaudited = count(
        &mut conn,
        "SELECT count(*) AS n FROM families f WHERE NOT EXISTS \
         (SELECT 1 FROM audit_events a WHERE a.entity_id = f.id AND a.action = 'family.create')",
    );
    assert_eq!(unaudited, 0, "kill {kill}: a family lacks its audit event");
    for label in &seen.lost {
        let n = count(&mut conn, &format!("SELECT count(*) AS n FROM families WHERE label = '{label}'"));
        assert_eq!(n, 1, "kill {kill}: {label} was said to be carried out");
    }
    let twice =
        count(&mut conn, "SELECT count(*) AS n FROM (SELECT label FROM families GROUP BY label HAVING count(*) > 1) t");
    assert_eq!(twice, 0, "kill {kill}: a retried intake made a second family");
}

#[actix_web::test]
async fn the_server_killed_at_random_moments_loses_nothing_it_acknowledged() {
    let kills: usize = std::env::var("HOMEWARD_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(20);
    let seed: u64 = std::env::var("HOMEWARD_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    println!("crash test: {kills} kills, HOMEWARD_CRASH_SEED={seed}, binary {}", bin());
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database(&dir);
    homeward(&url, &["seed"], None);
    let create = [
        "user",
        "create",
        "--email",
        EMAIL,
        "--name",
        "Crash (fictional)",
        "--role",
        "caseworker",
        "--org",
        "Crash Org",
        "--password-stdin",
    ];
    homeward(&url, &create, Some(&format!("{PASSWORD}\n")));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
    let mut seen = Seen::default();
    let (mut cut_off, mut retried, mut lost, mut told_to_wait) = (0, 0, 0, 0);
    let sqlite = !url.starts_with("postgres");
    for kill in 1..=kills {
        let (mut server, address) = serve(&url);
        let cookie = sign_in(&client, &address).await;
        // Retries of what got no answer before the last kill: the first answer, or "wait", never a second family.
        for label in std::mem::take(&mut seen.unanswered) {
            cut_off += 1;
            match post_intake(&client, &address, &cookie, &label).await {
                Ok((201, body)) => {
                    retried += 1;
                    seen.acknowledged.push((label, body["id"].as_str().unwrap_or_default().to_string()))
                }
                // Done, its answer lost with the server: the family is there, once.
                Ok((409, body)) if body.to_string().contains("answer was lost") => {
                    lost += 1;
                    seen.lost.push(label);
                }
                // Claimed by the server that died, within the lease (PostgreSQL: another
                // server may still be running it; SQLite settles these at start-up).
                Ok((409, body)) if !sqlite => {
                    assert!(body.to_string().contains("still being carried out"), "{body}");
                    told_to_wait += 1
                }
                Ok((status, body)) => panic!("kill {kill}: retry of {label} answered {status}: {body}"),
                Err(e) => panic!("kill {kill}: retry of {label}: {e}"),
            }
        }
        // A background job running or queued when the kill comes.
        let res = client
            .post(format!("{address}/api/v1/duplicates/review"))
            .header("Cookie", &cookie)
            .send()
            .await
            .expect("queue job");
        assert_eq!(res.status(), 202);
        let shared = Arc::new(Mutex::new(Seen::default()));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (client, address, cookie, shared) =
                    (client.clone(), address.clone(), cookie.clone(), shared.clone());
                actix_rt::spawn(async move {
                    for n in 0.. {
                        let label = format!("Crash {kill}-{w}-{n} (fictional)");
                        match post_intake(&client, &address, &cookie, &label).await {
                            Ok((201, body)) => {
                                let id = body["id"].as_str().unwrap_or_default().to_string();
                                shared.lock().expect("lock").acknowledged.push((label, id));
                            }
                            Ok((status, body)) => panic!("intake {label} answered {status}: {body}"),
                            Err(_) => {
                                shared.lock().expect("lock").unanswered.push(label);
                                return;
                            }
                        }
                    }
                })
            })
            .collect();
        actix_rt::time::sleep(Duration::from_millis(rng.gen_range(20..=600))).await;
        server.kill().expect("SIGKILL");
        server.wait().expect("reaped");
        for w in writers {
            w.await.expect("writer");
        }
        let mut got = Arc::try_unwrap(shared).ok().expect("writers done").into_inner().expect("lock");
        seen.acknowledged.append(&mut got.acknowledged);
        seen.unanswered.append(&mut got.unanswered);
        check(&url, &seen, kill);
    }
    // A last start: the jobs left queued or running by the kills are taken up again and end.
    // One killed with its runner three times is failed on purpose (a job that keeps taking its
    // server down must not do so forever); any other failure is a fault.
    let (mut server, address) = serve(&url);
    let pool = db::connect(&url, 1).expect("open");
    settled(&pool).await;
    #[derive(QueryableByName)]
    struct Failed {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        error: Option<String>,
    }
    let failed: Vec<Failed> = diesel::sql_query("SELECT error FROM jobs WHERE status = 'failed'")
        .load(&mut *pool.get().expect("conn"))
        .expect("failed jobs");
    let faults: Vec<String> =
        failed.into_iter().filter_map(|f| f.error).filter(|e| !e.contains("stopped with its runner")).collect();
    assert!(faults.is_empty(), "jobs failed for another reason than the kills: {faults:?}");
    // And the queue works: a new job runs to the end.
    let cookie = sign_in(&client, &address).await;
    let res = client
        .post(format!("{address}/api/v1/duplicates/review"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("queue job");
    assert_eq!(res.status(), 202);
    let job = res.json::<Value>().await.expect("job")["id"].as_str().expect("job id").to_string();
    settled(&pool).await;
    let done = count(
        &mut pool.get().expect("conn"),
        &format!("SELECT count(*) AS n FROM jobs WHERE id = '{job}' AND status = 'done'"),
    );
    server.kill().expect("stop");
    let _ = server.wait();
    assert_eq!(done, 1, "a job queued after the kills runs to the end");
    println!(
        "crash test: {} intakes acknowledged over {kills} kills, all there whole; {cut_off} cut off by a kill, \
         of which {retried} ran again on retry, {lost} were found done with their answer lost and \
         {told_to_wait} were told to wait (claimed by the server that died, within the lease)",
        seen.acknowledged.len()
    );
}
