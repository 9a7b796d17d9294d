//! The case paths (issue 10): the case list, a case's page, the work list, the backlogs (one
//! organisation's, all countries and one; the deployment-wide one), each measured over HTTP;
//! the backlog against hand-written SQL aggregates of the same counts on the same file (over the
//! registry, and over the prepared aggregates the backlog reads); and the
//! CSV export of about 100,000 persons against `sqlite3 -csv` (or `psql \copy`) of the same
//! query, with the server's resident memory sampled while it streams.

use super::db::{quote, Db, Picks};
use super::http::{measure, median, Http, Plan, Req, Stats};
use super::paths::PathResult;
use super::server::Sessions;
use reqwest::Method;
use serde::Serialize;
use std::process::Command;
use std::time::Instant;

/// A path against the baseline its issue names (not the point read).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub label: String,
    pub path_ms: f64,
    pub baseline_label: String,
    pub baseline_ms: f64,
    pub ratio: f64,
}

impl Comparison {
    pub fn line(&self) -> String {
        format!(
            "{}: {:.1} ms against {} {:.1} ms ({:.2}x)",
            self.label, self.path_ms, self.baseline_label, self.baseline_ms, self.ratio
        )
    }
}

/// What the case paths gave.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CaseBench {
    pub paths: Vec<PathResult>,
    pub comparisons: Vec<Comparison>,
    /// Rows in the export, and the server's resident memory before and at most during it (KiB).
    pub export_rows: i64,
    pub export_rss_before_kib: u64,
    pub export_rss_max_kib: u64,
}

fn get(key: &str, label: &str, url: String) -> (String, String, Method, String) {
    (key.into(), label.into(), Method::GET, url)
}

/// Times `sql` (median of `n` runs) on the bench's own connection.
fn time_sql(db: &mut Db, sql: &str, n: usize) -> anyhow::Result<f64> {
    let mut v = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        db.pairs(sql)?;
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(|a, b| a.total_cmp(b));
    Ok(median(&v))
}

/// The hand-written aggregates of the backlog's main counts (held claimants and families per
/// country, their stored outcomes, cases per country and status), all countries at once.
fn backlog_sql(org: &str) -> String {
    let o = quote(org);
    format!(
        "SELECT c.country_code AS k, CAST(COUNT(DISTINCT p.id) + COUNT(DISTINCT p.family_id) AS BIGINT) AS n \
         FROM persons p JOIN person_derived d ON d.person_id = p.id JOIN nationality_claims c ON c.person_id = p.id \
         WHERE p.organisation_id = {o} AND d.custody_status = 'held' AND p.date_of_death IS NULL \
           AND c.status IN ('claimed', 'unverified', 'verified') GROUP BY c.country_code \
         UNION ALL SELECT e.country_code || e.outcome AS k, CAST(COUNT(*) AS BIGINT) AS n FROM eligibility_results e \
           JOIN person_derived d ON d.person_id = e.person_id WHERE e.organisation_id = {o} AND d.custody_status = 'held' \
           GROUP BY e.country_code, e.outcome \
         UNION ALL SELECT destination || status AS k, CAST(COUNT(*) AS BIGINT) AS n FROM cases \
           WHERE organisation_id = {o} GROUP BY destination, status"
    )
}

/// The same counts by hand-written SQL over the prepared aggregates the backlog reads
/// (`backlog_cells`, `backlog_families`, `backlog_births`; migration 000008) and the cases, all
/// countries at once, each measure the backlog shows: the countries with a claimant or a case,
/// held, flags and outcomes per country, families, the three age counts on today, cases per
/// status, and open cases per opening day. The like-for-like baseline of the backlog's own
/// statements.
fn backlog_prepared_sql(org: &str) -> String {
    let o = quote(org);
    let today = chrono::Utc::now().date_naive();
    let years = |n: u32| today - chrono::Months::new(12 * n);
    let (u12, u18, soon) = (years(12), years(18), (today + chrono::Duration::days(180)) - chrono::Months::new(12 * 18));
    format!(
        "SELECT 'c' || k.code AS k, CAST(1 AS BIGINT) AS n FROM countries k WHERE EXISTS (SELECT 1 FROM \
           nationality_claims nc WHERE nc.country_code = k.code AND nc.organisation_id = {o}) \
           OR EXISTS (SELECT 1 FROM cases c WHERE c.destination = k.code AND c.organisation_id = {o}) \
         UNION ALL SELECT country_code || outcome || CAST(unaccompanied AS TEXT) || CAST(declining AS TEXT) AS k, \
           CAST(SUM(n) AS BIGINT) AS n FROM backlog_cells WHERE organisation_id = {o} \
           GROUP BY country_code, outcome, unaccompanied, declining \
         UNION ALL SELECT 'f' || country_code AS k, CAST(COUNT(*) AS BIGINT) AS n FROM backlog_families \
           WHERE organisation_id = {o} AND facility_id = '*' AND n > 0 GROUP BY country_code \
         UNION ALL SELECT 'b' || country_code AS k, \
           CAST(SUM(CASE WHEN birth_earliest > '{u12}' THEN n ELSE 0 END) \
             + SUM(CASE WHEN birth_earliest > '{u18}' THEN n ELSE 0 END) \
             + SUM(CASE WHEN birth_earliest <= '{soon}' THEN n ELSE 0 END) AS BIGINT) AS n \
           FROM backlog_births WHERE organisation_id = {o} AND facility_id = '*' AND birth_latest > '{u18}' \
           GROUP BY country_code \
         UNION ALL SELECT destination || status AS k, CAST(COUNT(*) AS BIGINT) AS n FROM cases \
           WHERE organisation_id = {o} GROUP BY destination, status \
         UNION ALL SELECT destination || CAST(opened_on AS TEXT) AS k, CAST(COUNT(*) AS BIGINT) AS n FROM cases \
           WHERE organisation_id = {o} AND status NOT IN ('repatriated', 'withdrawn', 'closed') \
           GROUP BY destination, opened_on"
    )
}

/// The export's query, as `sqlite3`/`psql` run it for the comparison.
fn export_sql(org: &str, country: &str) -> String {
    format!(
        "SELECT p.id, p.given_name, p.family_name, p.sex, p.birth_earliest, p.birth_latest, d.custody_status, \
         fac.name, fam.label, (SELECT {{AGG}} FROM nationality_claims c WHERE c.person_id = p.id) \
         FROM persons p JOIN person_derived d ON d.person_id = p.id \
         LEFT JOIN facilities fac ON fac.id = d.current_facility_id LEFT JOIN families fam ON fam.id = p.family_id \
         WHERE p.organisation_id = {} AND EXISTS (SELECT 1 FROM nationality_claims c WHERE c.person_id = p.id \
           AND c.status IN ('claimed', 'unverified', 'verified') AND c.country_code = {}) ORDER BY p.id",
        quote(org),
        quote(country)
    )
}

/// Measures every case path and its comparisons.
#[allow(clippy::too_many_arguments)]
pub fn measure_cases(
    http: &Http,
    plan: Plan,
    base: &str,
    p: &Picks,
    s: &Sessions,
    baseline_ms: f64,
    url: &str,
    rss: &(dyn Fn() -> u64 + Sync),
) -> anyhow::Result<CaseBench> {
    let mut db = Db::open(url)?;
    let case_id = db.text("SELECT id AS v FROM cases ORDER BY id LIMIT 1")?.unwrap_or_default();
    let mut out = CaseBench::default();
    let specs = vec![
        get("cases", "GET /cases (first page)", format!("{base}/api/v1/cases")),
        get("case", "GET /cases/{id}", format!("{base}/api/v1/cases/{case_id}")),
        get("work_list", "GET /work-list (coordinator)", format!("{base}/api/v1/work-list")),
        get("backlog", "GET /backlog (every country)", format!("{base}/api/v1/backlog")),
        get("backlog_ru", "GET /backlog/RU", format!("{base}/api/v1/backlog/RU")),
        get("deployment_backlog", "GET /deployment/backlog", format!("{base}/api/v1/deployment/backlog")),
    ];
    for (key, label, method, u) in specs {
        let stats = measure(http, plan, |_| Req {
            method: method.clone(),
            url: u.clone(),
            cookie: Some(s.coordinator.clone()),
            body: None,
        });
        let ratio = if baseline_ms > 0.0 { stats.median_ms / baseline_ms } else { 0.0 };
        let r = PathResult { key, label, stats, ratio };
        super::report::print_row(&r);
        out.paths.push(r);
    }
    let sql_ms = time_sql(&mut db, &backlog_sql(&p.organisation_id), 5)?;
    if let Some(b) = out.paths.iter().find(|r| r.key == "backlog") {
        out.comparisons.push(Comparison {
            label: "GET /backlog".into(),
            path_ms: b.stats.median_ms,
            baseline_label: "the hand-written SQL aggregates over the registry".into(),
            baseline_ms: sql_ms,
            ratio: b.stats.median_ms / sql_ms.max(1e-9),
        });
    }
    let prepared_ms = time_sql(&mut db, &backlog_prepared_sql(&p.organisation_id), 5)?;
    if let Some(b) = out.paths.iter().find(|r| r.key == "backlog") {
        out.comparisons.push(Comparison {
            label: "GET /backlog".into(),
            path_ms: b.stats.median_ms,
            baseline_label: "the hand-written SQL over the prepared aggregates".into(),
            baseline_ms: prepared_ms,
            ratio: b.stats.median_ms / prepared_ms.max(1e-9),
        });
    }
    // The export: the nationality whose claimants come nearest 100,000.
    let counts = db.pairs(&format!(
        "SELECT country_code AS k, CAST(COUNT(DISTINCT person_id) AS BIGINT) AS n FROM nationality_claims \
         WHERE organisation_id = {} AND status IN ('claimed', 'unverified', 'verified') GROUP BY country_code",
        quote(&p.organisation_id)
    ))?;
    let (country, rows) = counts.into_iter().min_by_key(|(_, n)| (n - 100_000).abs()).unwrap_or(("RU".into(), 0));
    out.export_rows = rows;
    out.export_rss_before_kib = rss();
    let body = serde_json::json!({"kind": "persons", "purpose": "benchmark", "filters": {"nationality": country}});
    let max_rss = std::sync::atomic::AtomicU64::new(out.export_rss_before_kib);
    let done = std::sync::atomic::AtomicBool::new(false);
    let export: Stats = std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                max_rss.fetch_max(rss(), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        let plan = Plan { samples: 3, warmups: 1, ..plan };
        let stats = measure(http, plan, |_| Req {
            method: Method::POST,
            url: format!("{base}/api/v1/exports"),
            cookie: Some(s.coordinator.clone()),
            body: Some(body.clone()),
        });
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        stats
    });
    out.export_rss_max_kib = max_rss.into_inner();
    let label = format!("POST /exports (CSV, {rows} persons of {country})");
    let ratio = if baseline_ms > 0.0 { export.median_ms / baseline_ms } else { 0.0 };
    let r = PathResult { key: "export_csv".into(), label: label.clone(), stats: export.clone(), ratio };
    super::report::print_row(&r);
    out.paths.push(r);
    let pg = url.starts_with("postgres");
    let sql = export_sql(&p.organisation_id, &country).replace(
        "{AGG}",
        if pg {
            "string_agg(c.country_code || ':' || c.status, ' ')"
        } else {
            "group_concat(c.country_code || ':' || c.status, ' ')"
        },
    );
    let mut runs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let status = if pg {
            Command::new("psql").args([url, "-q", "-c", &format!("\\copy ({sql}) TO '/dev/null' CSV")]).status()
        } else {
            Command::new("sqlite3")
                .args(["-csv", "-readonly", url.trim_start_matches("sqlite://"), &sql])
                .stdout(std::process::Stdio::null())
                .status()
        };
        if !status.map(|s| s.success()).unwrap_or(false) {
            anyhow::bail!("the export's baseline ({}) failed", if pg { "psql \\copy" } else { "sqlite3 -csv" });
        }
        runs.push(t.elapsed().as_secs_f64() * 1e3);
    }
    runs.sort_by(|a, b| a.total_cmp(b));
    let cli_ms = median(&runs);
    out.comparisons.push(Comparison {
        label,
        path_ms: export.median_ms,
        baseline_label: if pg {
            "psql \\copy of the same query".into()
        } else {
            "sqlite3 -csv of the same query".into()
        },
        baseline_ms: cli_ms,
        ratio: export.median_ms / cli_ms.max(1e-9),
    });
    Ok(out)
}
