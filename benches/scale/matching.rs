//! The duplicate paths (issue 11): the duplicates of recorded persons (twenty, taken in turn)
//! and the intake's search before it creates, for a new person with the most common given
//! name, and with an Arabic-script and a Cyrillic-script name; each against the run's point
//! read (target: under 50 ms at 500,000 persons).

use super::db::{quote, Db, Picks};
use super::http::{measure, Http, Plan, Req};
use super::paths::PathResult;
use super::server::Sessions;
use reqwest::Method;
use serde_json::{json, Value};

/// Measures the duplicate paths.
pub fn measure_duplicates(
    http: &Http,
    plan: Plan,
    base: &str,
    p: &Picks,
    s: &Sessions,
    baseline_ms: f64,
    url: &str,
) -> anyhow::Result<Vec<PathResult>> {
    let mut db = Db::open(url)?;
    // Twenty persons spread over the id order (ids are random: any slice is a sample).
    let ids = db.texts(&format!(
        "SELECT id AS v FROM persons WHERE organisation_id = {} ORDER BY id LIMIT 20 OFFSET {}",
        quote(&p.organisation_id),
        p.persons / 2
    ))?;
    anyhow::ensure!(!ids.is_empty(), "no persons to look up");
    let mut out = Vec::new();
    let mut run = |key: &str, label: &str, make: &dyn Fn(usize) -> Req| {
        let stats = measure(http, plan, make);
        let ratio = if baseline_ms > 0.0 { stats.median_ms / baseline_ms } else { 0.0 };
        let r = PathResult { key: key.into(), label: label.into(), stats, ratio };
        super::report::print_row(&r);
        out.push(r);
    };
    run("duplicates", "GET /persons/{id}/duplicates (20 persons in turn)", &|i| Req {
        method: Method::GET,
        url: format!("{base}/api/v1/persons/{}/duplicates", ids[i % ids.len()]),
        cookie: Some(s.caseworker.clone()),
        body: None,
    });
    let probe = |given: &str, year: i32| -> Value {
        json!({"given_name": given, "family_name": p.rare_latin, "sex": "female", "birth": {"year": year}})
    };
    for (key, label, given) in [
        ("probe_common", "POST /duplicates (a new person: most common given name)", p.common_latin.as_str()),
        ("probe_arabic", "POST /duplicates (a new person: an Arabic-script name)", p.arabic.as_str()),
        ("probe_cyrillic", "POST /duplicates (a new person: a Cyrillic-script name)", p.cyrillic.as_str()),
    ] {
        run(key, label, &|i| Req {
            method: Method::POST,
            url: format!("{base}/api/v1/duplicates"),
            cookie: Some(s.caseworker.clone()),
            body: Some(probe(given, 1980 + (i % 30) as i32)),
        });
    }
    Ok(out)
}
