//! Changes to what every organisation shares (policy versions, facilities): a write that loses
//! a race to another writer is refused with 409 and leaves nothing behind, and every
//! organisation's admins read facility changes in the policy change log.

use crate::helpers::*;
use diesel::connection::SimpleConnection;
use homeward::domain::role::Role;
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// Makes every update of `policy_versions` matching `when` (SQL over `OLD` and `NEW`) change no
/// row, as if another request had changed the row between the service's read and its write:
/// the optimistic lock's `UPDATE ... WHERE version = <read>` then finds nothing to update.
fn lose_the_race(app: &TestApp, name: &str, when: &str) {
    if backend() == "postgres" {
        app.sql(
            "CREATE OR REPLACE FUNCTION skip_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
        );
        app.sql(&format!(
            "CREATE TRIGGER {name} BEFORE UPDATE ON policy_versions FOR EACH ROW WHEN ({when}) EXECUTE FUNCTION skip_row()"
        ));
    } else {
        app.sql(&format!(
            "CREATE TRIGGER {name} BEFORE UPDATE ON policy_versions WHEN {when} BEGIN SELECT RAISE(IGNORE); END"
        ));
    }
}

/// The version of `country` in force with no end, as the API shows it.
async fn open_version(app: &TestApp, session: &Session, country: &str) -> Value {
    let all = json(app.get(&format!("/api/v1/policies/{country}"), session).await).await;
    all.as_array()
        .and_then(|v| v.iter().find(|x| x["status"] == "published" && x["effective_to"].is_null()).cloned())
        .expect("a published version without an end")
}

#[actix_web::test]
async fn a_publication_whose_closing_of_the_version_in_force_loses_a_race_answers_409_and_saves_nothing() {
    let app = spawn_app().await;
    let (_, steward) = app.steward("Org A").await;
    let in_force = open_version(&app, &steward, "RU").await;
    let draft = json(app.post("/api/v1/policies/RU/drafts", &steward, json!({})).await).await;
    lose_the_race(
        &app,
        "lose_close",
        "OLD.status = 'published' AND OLD.effective_to IS NULL AND NEW.effective_to IS NOT NULL",
    );
    let (jobs, published) = (app.count("jobs"), app.count("audit_events WHERE action = 'policy.publish'"));
    let res = app
        .post(
            &format!("/api/v1/policy-versions/{}/publish", s(&draft["id"])),
            &steward,
            json!({"effective_from": "2026-12-01", "version": 1}),
        )
        .await;
    assert_error(res, 409, "conflict").await;
    let after = json(app.get(&format!("/api/v1/policy-versions/{}", s(&draft["id"])), &steward).await).await;
    assert_eq!((s(&after["status"]), after["version"].as_i64()), ("draft".into(), Some(1)), "{after}");
    assert_eq!(open_version(&app, &steward, "RU").await["id"], in_force["id"], "the version in force still runs");
    assert_eq!(app.count("jobs"), jobs, "no re-evaluation queued");
    assert_eq!(app.count("audit_events WHERE action = 'policy.publish'"), published);
    assert_eq!(app.count("audit_events WHERE action = 'policy.version.close'"), 0);
}

#[actix_web::test]
async fn a_retirement_that_loses_a_race_answers_409_and_saves_nothing() {
    let app = spawn_app().await;
    let (_, steward) = app.steward("Org A").await;
    let in_force = open_version(&app, &steward, "RU").await;
    let path = format!("/api/v1/policy-versions/{}", s(&in_force["id"]));
    lose_the_race(&app, "lose_retire", "NEW.status = 'retired'");
    let jobs = app.count("jobs");
    let version = in_force["version"].clone();
    assert_error(app.post(&format!("{path}/retire"), &steward, json!({"version": version})).await, 409, "conflict")
        .await;
    assert_eq!(json(app.get(&path, &steward).await).await["status"], "published");
    assert_eq!(app.count("jobs"), jobs, "no re-evaluation queued");
    assert_eq!(app.count("audit_events WHERE action = 'policy.retire'"), 0);
}

/// On PostgreSQL the race itself: another transaction holds the row, the retirement reads the
/// old version, waits for the row, and finds it changed once the other commits.
#[actix_web::test]
async fn a_retirement_racing_another_writer_on_postgresql_answers_409() {
    if backend() != "postgres" {
        return; // SQLite takes the write lock before reading (BEGIN IMMEDIATE): no such race.
    }
    let app = spawn_app().await;
    let (_, steward) = app.steward("Org A").await;
    let in_force = open_version(&app, &steward, "RU").await;
    let (id, version) = (s(&in_force["id"]), in_force["version"].as_i64().unwrap_or(1));
    let mut other = app.conn();
    other
        .batch_execute(&format!("BEGIN; UPDATE policy_versions SET version = version + 1 WHERE id = '{id}'"))
        .expect("hold the row");
    let client = app.client.clone();
    let (url, cookie) =
        (format!("{}/api/v1/policy-versions/{id}/retire", app.address), format!("homeward_session={}", steward.0));
    let request = actix_rt::spawn(async move {
        client.post(url).header("Cookie", cookie).json(&json!({"version": version})).send().await.expect("sent")
    });
    // Wait until the retirement is blocked on the held row, then let the other writer commit.
    let mut waited = 0;
    while app.count("pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") == 0 {
        assert!(waited < 500, "the retirement never reached the held row");
        actix_rt::time::sleep(std::time::Duration::from_millis(20)).await;
        waited += 1;
    }
    other.batch_execute("COMMIT").expect("commit");
    let res = request.await.expect("joined");
    assert_error(res, 409, "conflict").await;
    assert_eq!(app.count("audit_events WHERE action = 'policy.retire'"), 0);
    assert_eq!(app.count(&format!("policy_versions WHERE id = '{id}' AND status = 'published'")), 1);
}

#[actix_web::test]
async fn another_organisations_admin_reads_a_facility_authority_change_in_the_policy_change_log() {
    let app = spawn_app().await;
    let (_, a) = app.signed_in(Role::Admin, "Org A").await;
    let (_, b) = app.signed_in(Role::Admin, "Org B").await;
    let hol = app.facility("al-Hol");
    let res = app
        .post(
            &format!("/api/v1/facilities/{hol}/authorities"),
            &a,
            json!({"authority": "UNHCR (fictional)", "from_date": "2026-11-01"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let log = json(app.get("/api/v1/policy-changes", &b).await).await;
    let entries = log.as_array().cloned().unwrap_or_default();
    let change = entries.iter().find(|e| e["action"] == "facility.authority.create").cloned().unwrap_or_default();
    assert_eq!(s(&change["facility_id"]), hol, "the record: {log}");
    assert_eq!(s(&change["facility_name"]), "al-Hol");
    assert_eq!(s(&change["actor_organisation"]), "Org A", "who and for whom: {change}");
    assert!(change["actor_name"].as_str().is_some_and(|n| !n.is_empty()), "{change}");
    assert!(change["at"].is_string());
    // A change of the facility itself shows too.
    let body = json!({"name": "al-Hol", "kind": "camp", "country_code": "SY", "notes": "Annex closed", "version": 1});
    assert_eq!(app.patch(&format!("/api/v1/facilities/{hol}"), &a, body).await.status(), 200);
    let log = json(app.get("/api/v1/policy-changes", &b).await).await;
    let entries = log.as_array().cloned().unwrap_or_default();
    assert!(entries.iter().any(|e| e["action"] == "facility.update" && e["facility_id"] == hol.as_str()), "{log}");
}
