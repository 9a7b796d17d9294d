//! Large organisations: with 40,000 persons claiming one country (more than SQLite's 32,766
//! bound variables would allow as an id list), simulating a draft, a facility's population and
//! a broad family filter all work, and publishing answers at once.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::json;
use std::time::Instant;

const PERSONS: i64 = 40_000;

/// A UUID-shaped id from a number, with a two-hex-digit prefix per table.
fn uuid_of(prefix: &str, number: &str) -> String {
    if backend() == "postgres" {
        format!("'{prefix}000000-0000-4000-8000-' || lpad(CAST({number} AS TEXT), 12, '0')")
    } else {
        format!("printf('{prefix}000000-0000-4000-8000-%012d', {number})")
    }
}

/// The numbers 1..=n as a subquery `s(i)`.
fn series(n: i64) -> String {
    if backend() == "postgres" {
        format!("(SELECT i FROM generate_series(1, {n}) AS i) AS s")
    } else {
        format!("(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) SELECT i FROM n) AS s")
    }
}

/// Fills an organisation with `PERSONS` fictional Russian claimants held in Roj, four to a
/// family, with set-based SQL (as a bulk import writes them, derived rows included).
fn synthesise(app: &TestApp, org: &str, roj: &str) {
    let stamp = "'2026-01-01 00:00:00'";
    let (person, family) = (uuid_of("00", "i"), uuid_of("ff", "((i - 1) / 4 + 1)"));
    app.sql(&format!(
        "INSERT INTO families (id, organisation_id, label, notes, created_at, updated_at, version) \
         SELECT {}, '{org}', 'Family ' || CAST(i AS TEXT) || ' (fictional)', '', {stamp}, {stamp}, 1 FROM {}",
        uuid_of("ff", "i"),
        series(PERSONS / 4)
    ));
    app.sql(&format!(
        "INSERT INTO persons (id, organisation_id, family_id, given_name, family_name, sex, birth_earliest, \
         birth_latest, place_of_birth, notes, created_at, updated_at, version) \
         SELECT {person}, '{org}', {family}, 'Given' || CAST(i AS TEXT), 'Synthetic', \
         CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END, '2010-01-01', '2010-12-31', '', '', {stamp}, {stamp}, 1 \
         FROM {}",
        series(PERSONS)
    ));
    app.sql(&format!(
        "INSERT INTO person_derived (person_id, organisation_id, search_key, stateless, at_risk, custody_status, \
         current_facility_id, family_id) SELECT {person}, '{org}', 'given' || CAST(i AS TEXT) || ' synthetic', FALSE, \
         TRUE, 'held', '{roj}', {family} FROM {}",
        series(PERSONS)
    ));
    app.sql(&format!(
        "INSERT INTO nationality_claims (id, person_id, organisation_id, country_code, status, basis, legal_note, \
         source, created_at, updated_at, version) SELECT {}, {person}, '{org}', 'RU', 'claimed', 'unknown', '', '', \
         {stamp}, {stamp}, 1 FROM {}",
        uuid_of("cc", "i"),
        series(PERSONS)
    ));
    app.sql(&format!(
        "INSERT INTO custody_events (id, person_id, organisation_id, kind, facility_id, event_earliest, event_latest, \
         note, created_at) SELECT {}, {person}, '{org}', 'admitted', '{roj}', '2019-01-01', '2019-12-31', '', {stamp} \
         FROM {}",
        uuid_of("ee", "i"),
        series(PERSONS)
    ));
}

#[actix_web::test]
async fn forty_thousand_claimants_can_be_simulated_counted_filtered_and_published() {
    let app = spawn_app().await;
    let (coordinator, s) = app.signed_in(Role::Coordinator, "Org A").await;
    let (_, steward) = app.steward("Org B").await;
    let roj = app.facility("Roj");
    synthesise(&app, &coordinator.organisation_id, &roj);
    assert_eq!(app.count("persons"), PERSONS);
    let draft = json(app.post("/api/v1/policies/RU/drafts", &steward, json!({})).await).await;
    let vid = draft["id"].as_str().expect("id").to_string();
    let started = Instant::now();
    let res = app.post(&format!("/api/v1/policy-versions/{vid}/simulate"), &s, json!({})).await;
    assert_eq!(res.status(), 200);
    let sim = json(res).await;
    eprintln!("simulation of {PERSONS} claimants: {:.2} s", started.elapsed().as_secs_f64());
    assert_eq!(sim["evaluated"], PERSONS, "everyone claiming RU, in every organisation");
    let started = Instant::now();
    let pop = json(app.get(&format!("/api/v1/facilities/{roj}/population"), &s).await).await;
    eprintln!("population of {PERSONS}: {:.2} s", started.elapsed().as_secs_f64());
    // Broad lists count up to 1,000 and say "at least"; every page is still reachable.
    let first = (pop["total"].as_i64(), pop["total_exact"].as_bool(), pop["items"].as_array().map(Vec::len));
    assert_eq!(first, (Some(1000), Some(false), Some(50)));
    let last = json(app.get(&format!("/api/v1/facilities/{roj}/population?offset={}", PERSONS - 10), &s).await).await;
    assert_eq!(last["items"].as_array().map(Vec::len), Some(10), "the last page");
    let list = json(app.get("/api/v1/families?nationality=RU&sex=female&limit=10", &s).await).await;
    let found = (list["total"].as_i64(), list["total_exact"].as_bool(), list["items"].as_array().map(Vec::len));
    assert_eq!(found, (Some(1000), Some(false), Some(10)));
    let started = Instant::now();
    let publish = json!({"effective_from": today().to_string(), "version": 1});
    let res = app.post(&format!("/api/v1/policy-versions/{vid}/publish"), &steward, publish).await;
    eprintln!(
        "publish request with {PERSONS} persons: {:.3} s (re-evaluation runs as a job)",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(res.status(), 200);
    let started = Instant::now();
    app.jobs_done().await;
    eprintln!("re-evaluation job over {PERSONS} persons: {:.2} s", started.elapsed().as_secs_f64());
    assert_eq!(app.count("eligibility_results WHERE country_code = 'RU'"), PERSONS);
}
