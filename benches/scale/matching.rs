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

/// Builds the organisation's duplicate review list, the work of the `review_duplicates` job,
/// with `homeward review-duplicates` beside the idle server (whose job runner the bench keeps
/// still), timed from start to end (target: under 60 s at 500,000 persons). One figure: it
/// runs once.
pub fn measure_review(ctx: &super::proc::Ctx, url: &str, baseline_ms: f64) -> anyhow::Result<Vec<PathResult>> {
    let mut cmd = ctx.homeward(url);
    cmd.args(["review-duplicates", "--org", super::cache::SYNTH_ORG]);
    let ran = super::proc::run_to_end(cmd, None, Some(std::time::Duration::from_secs(1800)))?;
    anyhow::ensure!(ran.finished, "the review list was not built within 30 minutes");
    let said = ran.stdout.lines().rev().find(|l| l.starts_with("found")).unwrap_or_default().to_string();
    println!("  review list: {said}");
    let reply = super::http::Reply { status: "200".into(), secs: ran.secs, body: String::new() };
    Ok(vec![once(
        "review_job",
        "review list of the organisation (homeward review-duplicates)".into(),
        &reply,
        baseline_ms,
    )])
}

/// One request's figures as a path's (a write that can be measured once).
fn once(key: &str, label: String, reply: &super::http::Reply, baseline_ms: f64) -> PathResult {
    let ms = reply.secs * 1000.0;
    let stats = super::http::Stats {
        n: 1,
        warmups: 0,
        median_ms: ms,
        p99_ms: ms,
        min_ms: ms,
        max_ms: ms,
        statuses: [(reply.status.clone(), 1)].into_iter().collect(),
        capped: false,
    };
    let ratio = if baseline_ms > 0.0 { ms / baseline_ms } else { 0.0 };
    let r = PathResult { key: key.into(), label, stats, ratio };
    super::report::print_row(&r);
    r
}

/// What the import of a 50,000-row list gave: its two steps, and the server's resident memory
/// before and at most during them (KiB).
pub struct ImportBench {
    pub paths: Vec<PathResult>,
    pub rss_before_kib: u64,
    pub rss_max_kib: u64,
}

/// Imports a 50,000-row list (made by `scripts/import-fixture/generate.py`, clean rows of
/// fictional families) through the API: the dry run, then the commit, each timed once (the
/// commit writes), with the server's memory sampled meanwhile.
pub fn measure_import(
    http: &Http,
    base: &str,
    s: &Sessions,
    baseline_ms: f64,
    root: &std::path::Path,
    rss: &(dyn Fn() -> u64 + Sync),
) -> anyhow::Result<ImportBench> {
    let file = root.join("target/bench/import_50k.csv");
    if !file.exists() {
        std::fs::create_dir_all(root.join("target/bench"))?;
        let script = root.join("scripts/import-fixture/generate.py");
        let ok = std::process::Command::new("python3")
            .arg(&script)
            .args(["--rows", "50000", "--out"])
            .arg(&file)
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        anyhow::ensure!(ok, "making the 50,000-row list failed (python3 {})", script.display());
    }
    let bytes = std::fs::read(&file)?;
    let before = rss();
    let max_rss = std::sync::atomic::AtomicU64::new(before);
    let done = std::sync::atomic::AtomicBool::new(false);
    let (upload, commit) = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                max_rss.fetch_max(rss(), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        });
        let url = format!("{base}/api/v1/imports?file_name=bench.csv");
        let mut upload = http.send_raw(&url, &s.caseworker, "text/csv", bytes.clone());
        // A pooled connection the server closed while wrk ran fails at once: once more.
        if upload.status == "error" {
            eprintln!("  import upload: {} (sent again)", upload.body);
            upload = http.send_raw(&url, &s.caseworker, "text/csv", bytes);
        }
        let id = serde_json::from_str::<Value>(&upload.body).ok().and_then(|v| v["id"].as_str().map(String::from));
        let commit = id.map(|id| {
            http.send(&Req {
                method: Method::POST,
                url: format!("{base}/api/v1/imports/{id}/commit"),
                cookie: Some(s.caseworker.clone()),
                body: None,
            })
        });
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        (upload, commit)
    });
    if !upload.status.starts_with('2') {
        eprintln!("  import upload answered {}: {}", upload.status, upload.body.chars().take(300).collect::<String>());
    }
    let mut paths = vec![once("import_dry_run", "POST /imports (dry run of 50,000 rows)".into(), &upload, baseline_ms)];
    if let Some(c) = commit {
        paths.push(once("import_commit", "POST /imports/{id}/commit (50,000 rows)".into(), &c, baseline_ms));
    }
    Ok(ImportBench { paths, rss_before_kib: before, rss_max_kib: max_rss.into_inner() })
}
