//! The paths measured on every backend and size, with the ids and names picked from the data,
//! and the requests that set them up (policy drafts) or write (family intakes). Later issues
//! add their paths to `reads` or `writes`.

use super::db::Picks;
use super::http::{measure, Http, Plan, Req, Stats};
use super::server::Sessions;
use reqwest::{Method, Url};
use serde::Serialize;
use serde_json::{json, Value};

/// One measured path: a stable key (JSON, charts), what people read, and its figures.
#[derive(Debug, Clone, Serialize)]
pub struct PathResult {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub stats: Stats,
    /// Median over the baseline's median (same server, same run).
    pub ratio: f64,
}

/// Who sends a request.
#[derive(Debug, Clone, Copy)]
enum Who {
    Caseworker,
    Coordinator,
}

struct Spec {
    key: String,
    label: String,
    method: Method,
    url: String,
    who: Who,
}

fn url(base: &str, path: &str, query: &[(&str, &str)]) -> String {
    let full = format!("{base}{path}");
    if query.is_empty() {
        return full;
    }
    Url::parse_with_params(&full, query).map(String::from).unwrap_or(full)
}

/// The read paths, in the order measured.
fn reads(base: &str, p: &Picks) -> Vec<Spec> {
    let get = |key: &str, label: String, path: String, query: &[(&str, &str)]| Spec {
        key: key.into(),
        label,
        method: Method::GET,
        url: url(base, &path, query),
        who: Who::Caseworker,
    };
    vec![
        get("person", "GET /persons/{id}".into(), format!("/api/v1/persons/{}", p.person_id), &[]),
        get("family", "GET /families/{id}".into(), format!("/api/v1/families/{}", p.family_id), &[]),
        get("families", "GET /families (first page)".into(), "/api/v1/families".into(), &[]),
        get(
            "families_q_common",
            format!("GET /families?q={} (common, Latin)", p.common_latin),
            "/api/v1/families".into(),
            &[("q", &p.common_latin)],
        ),
        get(
            "families_q_rare",
            format!("GET /families?q={} (rare, Latin)", p.rare_latin),
            "/api/v1/families".into(),
            &[("q", &p.rare_latin)],
        ),
        get("families_q_umm", "GET /families?q=umm".into(), "/api/v1/families".into(), &[("q", "umm")]),
        get("families_q_al", "GET /families?q=al".into(), "/api/v1/families".into(), &[("q", "al")]),
        get(
            "families_q_arabic",
            format!("GET /families?q={} (Arabic)", p.arabic),
            "/api/v1/families".into(),
            &[("q", &p.arabic)],
        ),
        get(
            "families_q_cyrillic",
            format!("GET /families?q={} (Cyrillic)", p.cyrillic),
            "/api/v1/families".into(),
            &[("q", &p.cyrillic)],
        ),
        get(
            "families_nationality_ru",
            "GET /families?nationality=RU".into(),
            "/api/v1/families".into(),
            &[("nationality", "RU")],
        ),
        get(
            "persons_girls",
            "GET /persons?sex=female&age_max=17".into(),
            "/api/v1/persons".into(),
            &[("sex", "female"), ("age_max", "17")],
        ),
        get(
            "persons_al_hol_at_risk",
            "GET /persons?facility_id={al-Hol}&at_risk=true".into(),
            "/api/v1/persons".into(),
            &[("facility_id", &p.al_hol_id), ("at_risk", "true")],
        ),
        get("aging_out", "GET /eligibility/aging-out".into(), "/api/v1/eligibility/aging-out".into(), &[]),
        get(
            "aging_out_3650",
            "GET /eligibility/aging-out?days=3650".into(),
            "/api/v1/eligibility/aging-out".into(),
            &[("days", "3650")],
        ),
        get(
            "population_al_hol",
            "GET /facilities/{al-Hol}/population".into(),
            format!("/api/v1/facilities/{}/population", p.al_hol_id),
            &[],
        ),
    ]
}

/// Measures the baseline: the bare pooled point read, with five times the samples (it is the
/// denominator of every ratio).
pub fn baseline(http: &Http, plan: Plan, base: &str, p: &Picks) -> PathResult {
    let plan = Plan { samples: plan.samples * 5, warmups: plan.warmups.max(5), ..plan };
    let u = format!("{base}/api/v1/bench/point/{}", p.person_id);
    let stats = measure(http, plan, |_| Req { method: Method::GET, url: u.clone(), cookie: None, body: None });
    let ratio = if stats.median_ms > 0.0 { 1.0 } else { 0.0 };
    PathResult { key: "baseline".into(), label: "baseline: GET /bench/point/{id} (no session)".into(), stats, ratio }
}

fn result(spec: &Spec, stats: Stats, baseline_ms: f64) -> PathResult {
    let ratio = if baseline_ms > 0.0 { stats.median_ms / baseline_ms } else { 0.0 };
    PathResult { key: spec.key.clone(), label: spec.label.clone(), stats, ratio }
}

/// Measures every read path, printing each as it finishes.
pub fn measure_reads(
    http: &Http,
    plan: Plan,
    base: &str,
    p: &Picks,
    s: &Sessions,
    baseline_ms: f64,
) -> Vec<PathResult> {
    let mut out = Vec::new();
    for spec in reads(base, p) {
        let cookie = match spec.who {
            Who::Caseworker => s.caseworker.clone(),
            Who::Coordinator => s.coordinator.clone(),
        };
        let stats = measure(http, plan, |_| Req {
            method: spec.method.clone(),
            url: spec.url.clone(),
            cookie: Some(cookie.clone()),
            body: None,
        });
        let r = result(&spec, stats, baseline_ms);
        super::report::print_row(&r);
        out.push(r);
    }
    out
}

/// Simulates a draft of each country's policy: the steward creates the draft, the coordinator
/// (who also sees the names of the organisation's persons) simulates it.
pub fn measure_simulations(http: &Http, plan: Plan, base: &str, s: &Sessions, baseline_ms: f64) -> Vec<PathResult> {
    let mut out = Vec::new();
    for country in ["RU", "BE"] {
        let spec = Spec {
            key: format!("simulate_{}", country.to_lowercase()),
            label: format!("POST /policy-versions/{{{country} draft}}/simulate"),
            method: Method::POST,
            url: String::new(),
            who: Who::Coordinator,
        };
        let draft = http.json(&Req {
            method: Method::POST,
            url: format!("{base}/api/v1/policies/{country}/drafts"),
            cookie: Some(s.steward.clone()),
            body: None,
        });
        let stats = match draft.as_ref().ok().and_then(|d| d["id"].as_str().map(str::to_string)) {
            Some(id) => {
                let u = format!("{base}/api/v1/policy-versions/{id}/simulate");
                measure(http, plan, |_| Req {
                    method: Method::POST,
                    url: u.clone(),
                    cookie: Some(s.coordinator.clone()),
                    body: None,
                })
            }
            None => {
                let why = draft.err().map(|e| format!("{e:#}")).unwrap_or_else(|| "no draft id".into());
                println!("  could not create the {country} draft: {why}");
                Stats { statuses: [("draft failed".to_string(), 1)].into(), ..Stats::default() }
            }
        };
        let r = result(&spec, stats, baseline_ms);
        super::report::print_row(&r);
        out.push(r);
    }
    out
}

/// Letters for a number (0 -> "a", 26 -> "ba"): unique names without digits.
fn letters(mut n: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A family intake of seven: a mother and six children, each with a claim and custody.
pub fn intake_body(p: &Picks, n: usize) -> Value {
    let family = format!("Benchmark{}", letters(n));
    let mut members = vec![json!({
        "given_name": "Amira", "family_name": family, "sex": "female", "birth": {"year": 1990},
        "place_of_birth": "Liège, Belgium", "left_home": {"year": 2014, "month": 9}, "wish": "go_home",
        "wish_recorded_on": "2025-10-02",
        "other_names": [{"kind": "other_script", "name": "أميرة"}, {"kind": "kunya", "name": "Umm Yusuf"}],
        "nationalities": [{"country": "BE", "status": "verified", "basis": "birth", "source": "passport copy (fictional)"}],
        "custody": [{"kind": "admitted", "facility_id": p.al_hol_id, "date": {"year": 2019, "month": 3}},
                    {"kind": "transferred", "facility_id": p.roj_id, "date": {"year": 2021, "month": 6, "day": 2}}]
    })];
    let children = ["Yusuf", "Maryam", "Ibrahim", "Khadija", "Umar", "Safiya"];
    for (i, given) in children.iter().enumerate() {
        members.push(json!({
            "given_name": given, "family_name": family, "sex": if i % 2 == 0 { "male" } else { "female" },
            "birth": {"year": 2010 + 2 * i as i32},
            "nationalities": [{"country": "BE", "status": "claimed", "basis": "descent"}],
            "custody": [{"kind": "admitted", "facility_id": p.al_hol_id, "date": {"year": 2019, "month": 3}}]
        }));
    }
    let kinship: Vec<Value> =
        (1..=children.len()).map(|c| json!({"person": 0, "kind": "parent_of", "relative": c})).collect();
    json!({"label": format!("Family of Amira {family} (fictional)"), "members": members, "kinship": kinship})
}

/// Measures the family intake (every request a new family with unique names).
pub fn measure_intake(http: &Http, plan: Plan, base: &str, p: &Picks, s: &Sessions, baseline_ms: f64) -> PathResult {
    let spec = Spec {
        key: "intake".into(),
        label: "POST /families (mother + 6 children)".into(),
        method: Method::POST,
        url: format!("{base}/api/v1/families"),
        who: Who::Caseworker,
    };
    let stats = measure(http, plan, |i| Req {
        method: Method::POST,
        url: spec.url.clone(),
        cookie: Some(s.caseworker.clone()),
        body: Some(intake_body(p, i)),
    });
    let r = result(&spec, stats, baseline_ms);
    super::report::print_row(&r);
    r
}
