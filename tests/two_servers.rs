//! Two server processes on one PostgreSQL database (issue 12), the way to run several: a
//! session taken on one works on the other, a write on one is read on the other, a job queued
//! through one runs once, and killing one (SIGKILL) while both take intakes loses nothing
//! either acknowledged; the other goes on serving. SQLite has one server per file: skipped there.

mod processes;

use homeward::db;
use processes::*;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn get(client: &reqwest::Client, address: &str, cookie: &str, path: &str) -> (u16, Value) {
    let res = client.get(format!("{address}{path}")).header("Cookie", cookie).send().await.expect("get");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn two_server_processes_share_sessions_writes_and_jobs_and_one_dying_loses_nothing() {
    if std::env::var("HOMEWARD_TEST_BACKEND").as_deref() != Ok("postgres") {
        println!("two servers share a PostgreSQL database only: skipped on SQLite (one server per file)");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database(&dir);
    homeward(&url, &["seed"], None);
    let create = [
        "user",
        "create",
        "--email",
        EMAIL,
        "--name",
        "Pair (fictional)",
        "--role",
        "caseworker",
        "--org",
        "Pair Org",
        "--password-stdin",
    ];
    homeward(&url, &create, Some(&format!("{PASSWORD}\n")));
    let (mut one, at_one) = serve(&url);
    let (mut two, at_two) = serve(&url);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");

    // A session taken on one server works on the other.
    let cookie = sign_in(&client, &at_one).await;
    assert_eq!(get(&client, &at_two, &cookie, "/api/v1/me").await.0, 200);
    // A write on one is read on the other.
    let (status, family) =
        post_intake(&client, &at_one, &cookie, "Pair written on one (fictional)").await.expect("intake");
    assert_eq!(status, 201);
    let fid = family["id"].as_str().expect("id").to_string();
    let (status, read) = get(&client, &at_two, &cookie, &format!("/api/v1/families/{fid}")).await;
    assert_eq!(status, 200);
    assert_eq!(read["label"], family["label"]);
    // A job queued through one runs once, by one of them.
    let res = client
        .post(format!("{at_two}/api/v1/duplicates/review"))
        .header("Cookie", &cookie)
        .send()
        .await
        .expect("queue");
    assert_eq!(res.status(), 202);
    let job = res.json::<Value>().await.expect("job")["id"].as_str().expect("job id").to_string();
    let pool = db::connect(&url, 1).expect("open");
    settled(&pool).await;
    let once = count(
        &mut pool.get().expect("conn"),
        &format!("SELECT count(*) AS n FROM jobs WHERE id = '{job}' AND status = 'done' AND attempts = 1"),
    );
    assert_eq!(once, 1, "the job ran once");

    // Both take intakes; one is killed; nothing either acknowledged is lost.
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let address = if w % 2 == 0 { at_one.clone() } else { at_two.clone() };
            let (client, cookie, acknowledged, stop) =
                (client.clone(), cookie.clone(), acknowledged.clone(), stop.clone());
            actix_rt::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    match post_intake(&client, &address, &cookie, &format!("Pair {w}-{n} (fictional)")).await {
                        Ok((201, body)) => {
                            acknowledged.lock().expect("lock").push(body["id"].as_str().unwrap_or_default().to_string())
                        }
                        Ok((status, body)) => panic!("intake answered {status}: {body}"),
                        Err(_) => return, // its server was killed
                    }
                }
            })
        })
        .collect();
    actix_rt::time::sleep(Duration::from_millis(400)).await;
    one.kill().expect("SIGKILL");
    one.wait().expect("reaped");
    actix_rt::time::sleep(Duration::from_millis(400)).await;
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.expect("writer");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(!acknowledged.is_empty());
    let mut conn = pool.get().expect("conn");
    for id in &acknowledged {
        assert_eq!(
            count(&mut conn, &format!("SELECT count(*) AS n FROM persons WHERE family_id = '{id}'")),
            3,
            "family {id}"
        );
    }
    let partial = count(
        &mut conn,
        "SELECT count(*) AS n FROM families f WHERE (SELECT count(*) FROM persons p WHERE p.family_id = f.id) <> 3",
    );
    assert_eq!(partial, 0, "no family in part");
    // The survivor serves on, with the same session.
    assert_eq!(get(&client, &at_two, &cookie, &format!("/api/v1/families/{fid}")).await.0, 200);
    let report = homeward::services::audit::verify(&mut conn).expect("verify");
    assert!(report.first_break.is_none(), "the audit chain verifies");
    two.kill().expect("stop");
    let _ = two.wait();
    println!("two servers: {} intakes acknowledged by the pair around the kill, all there whole", acknowledged.len());
}
