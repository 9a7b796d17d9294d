//! The authorisation matrix (issue 12): every route of the router, API and pages, asked by
//! anonymous, a caseworker, a coordinator, an admin and a policy steward, on their own
//! organisation's records and on another organisation's, against the checked-in table
//! `tests/api/authz_matrix.txt`. A route the table lacks (or a row for a route that is gone)
//! fails, as does any answer that differs from the table. Besides the table, three rules hold
//! for every route: without a session only the public paths answer; another organisation's
//! record answers exactly as a record that does not exist (404 to whoever may ask); every
//! refusal (403) is audited.
//!
//! Requests carry empty bodies (`{}` or an empty form): a role that may act gets a validation
//! answer, one that may not gets 403, and nothing much changes. After a deliberate change of
//! the rules, write the table again with `HOMEWARD_WRITE_AUTHZ_MATRIX=1 cargo test --test api
//! authz_matrix` and review its diff.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const TABLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/api/authz_matrix.txt");
const ROLES: [&str; 5] = ["anonymous", "caseworker", "coordinator", "admin", "steward"];
const METHODS: [Method; 5] = [Method::GET, Method::POST, Method::PUT, Method::PATCH, Method::DELETE];

/// The records of one organisation that paths name.
struct Records {
    family: String,
    person: String,
    name: String,
    claim: String,
    kinship: String,
    case: String,
    import: String,
    job: String,
    user: String,
}

fn id(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

async fn records(app: &TestApp, org: &str) -> Records {
    let (_, s) = app.signed_in(Role::Caseworker, org).await;
    let family = json(app.post("/api/v1/families", &s, intake_body(app, "Matrix")).await).await;
    let amira = &family["members"][0];
    let members = json!([amira["id"], family["members"][1]["id"]]);
    let case = json(
        app.post("/api/v1/cases", &s, json!({"family_id": family["id"], "destination": "FR", "members": members}))
            .await,
    )
    .await;
    let template = app.get("/api/v1/imports/template.csv", &s).await.bytes().await.expect("template");
    let import = app
        .client
        .post(format!("{}/api/v1/imports?file_name=t.csv", app.address))
        .header("Cookie", format!("homeward_session={}", s.0))
        .header("Content-Type", "text/csv")
        .body(template)
        .send()
        .await
        .expect("upload");
    assert_eq!(import.status(), 201);
    let import = json(import).await;
    let job = json(app.post("/api/v1/duplicates/review", &s, Value::Null).await).await;
    Records {
        family: id(&family["id"]),
        person: id(&amira["id"]),
        name: id(&amira["other_names"][0]["id"]),
        claim: id(&amira["nationalities"][0]["id"]),
        kinship: id(&amira["relatives"][0]["kinship_id"]),
        case: id(&case["id"]),
        import: id(&import["id"]),
        job: id(&job["id"]),
        user: app.account(Role::Caseworker, org).id,
    }
}

/// Shared records (facilities, policies), the same for every organisation.
struct Shared {
    facility: String,
    draft: String,
}

/// The path with its parameters filled from `r`, and whether it names an organisation's record.
fn fill(path: &str, r: &Records, shared: &Shared) -> (String, bool) {
    let missing = "0190e1c2-0000-7000-8000-000000000000".to_string();
    let p = path;
    let (value, scoped) = if p.contains("/families/{id}") {
        (r.family.clone(), true)
    } else if p.contains("/persons/{id}") || p.contains("{person_id}") {
        (r.person.clone(), true)
    } else if p.contains("/cases/{id}") {
        (r.case.clone(), true)
    } else if p.contains("/imports/{id}") {
        (r.import.clone(), true)
    } else if p.contains("/jobs/{id}") {
        (r.job.clone(), true)
    } else if p.contains("/kinships/{id}") {
        (r.kinship.clone(), true)
    } else if p.contains("/nationalities/{id}") {
        (r.claim.clone(), true)
    } else if p.contains("/users/{id}") || p.contains("/stewards/{id}") || p.contains("{user_id}") {
        (r.user.clone(), true)
    } else if p.contains("/facilities/{id}") {
        (shared.facility.clone(), false)
    } else if p.contains("/policy-versions/{id}") {
        (shared.draft.clone(), false)
    } else {
        (missing, false) // merges, name spellings: none needed to tell who may ask
    };
    let filled = p
        .replace("{id}", &value)
        .replace("{person_id}", &value)
        .replace("{user_id}", &value)
        .replace("{name_id}", &r.name)
        .replace("{country}", "FR")
        .replace("{path:.*}", "app.css");
    (filled, scoped)
}

/// Routes that end the asking session: asked last, with a new session after each.
fn ends_session(path: &str) -> bool {
    path.ends_with("/logout") || path.ends_with("/logout-everywhere")
}

async fn ask(app: &TestApp, session: Option<&Session>, method: &Method, path: &str) -> u16 {
    let mut req = app.client.request(method.clone(), format!("{}{path}", app.address));
    if let Some(Session(token)) = session {
        req = req.header("Cookie", format!("homeward_session={token}"));
    }
    if *method != Method::GET && *method != Method::DELETE {
        req = if path.starts_with("/api/") {
            req.json(&json!({}))
        } else {
            req.header("Content-Type", "application/x-www-form-urlencoded").body("")
        };
    }
    req.send().await.expect("sent").status().as_u16()
}

fn is_public(path: &str) -> bool {
    ["/login", "/lang", "/healthz", "/readyz", "/static/", "/api/docs", "/api/openapi.json", "/api/v1/auth/login"]
        .iter()
        .any(|p| path == *p || (p.ends_with('/') && path.starts_with(p)))
}

#[actix_web::test]
async fn every_route_answers_each_role_as_the_table_says() {
    let app = spawn_app().await;
    let (own, other) = (records(&app, "Org A").await, records(&app, "Org B").await);
    let (steward_account, steward) = app.steward("Org A").await;
    let draft = json(app.post("/api/v1/policies/FR/drafts", &steward, json!({})).await).await;
    let shared = Shared { facility: app.facility("al-Hol"), draft: id(&draft["id"]) };
    let none = Records {
        family: "0190e1c2-0000-7000-8000-00000000000f".into(),
        person: "0190e1c2-0000-7000-8000-00000000000e".into(),
        name: own.name.clone(),
        claim: "0190e1c2-0000-7000-8000-00000000000d".into(),
        kinship: "0190e1c2-0000-7000-8000-00000000000c".into(),
        case: "0190e1c2-0000-7000-8000-00000000000b".into(),
        import: "0190e1c2-0000-7000-8000-00000000000a".into(),
        job: "0190e1c2-0000-7000-8000-000000000009".into(),
        user: "0190e1c2-0000-7000-8000-000000000008".into(),
    };
    // The benchmark's baseline route exists only when that setting is on (another test of this
    // binary turns it on; the registry is per process).
    let mut paths: Vec<String> =
        homeward::http::registered_paths().into_iter().filter(|p| !p.starts_with("/api/v1/bench/")).collect();
    paths.sort_by_key(|p| ends_session(p));
    let denied_before = app.count("audit_events WHERE action = 'access.denied'");
    let mut forbidden = 0;
    // (method, path) -> role -> "own" or "own/other"
    let mut seen: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for role in ROLES {
        let mut session = match role {
            "anonymous" => None,
            "steward" => Some(app.login(&steward_account).await),
            r => Some(app.signed_in(r.parse::<Role>().expect("role"), "Org A").await.1),
        };
        for path in &paths {
            for method in &METHODS {
                let (mine, scoped) = fill(path, &own, &shared);
                let a = ask(&app, session.as_ref(), method, &mine).await;
                let mut cell = a.to_string();
                if scoped {
                    let (theirs, _) = fill(path, &other, &shared);
                    let b = ask(&app, session.as_ref(), method, &theirs).await;
                    let (nowhere, _) = fill(path, &none, &shared);
                    let c = ask(&app, session.as_ref(), method, &nowhere).await;
                    if b != c {
                        problems.push(format!(
                            "{method} {path} as {role}: another organisation's record {b}, a missing one {c}"
                        ));
                    }
                    if (200..300).contains(&b) {
                        problems.push(format!("{method} {path} as {role}: another organisation's record answered {b}"));
                    }
                    forbidden += usize::from(b == 403) + usize::from(c == 403);
                    cell = format!("{a}/{b}");
                }
                forbidden += usize::from(a == 403);
                if role == "anonymous" && !is_public(path) && a != 401 && a != 303 && a != 405 {
                    problems.push(format!("{method} {path} answered {a} without a session"));
                }
                seen.entry((path.clone(), method.to_string())).or_default().push(cell);
                if ends_session(path) && session.is_some() && a < 400 {
                    session = Some(match role {
                        "steward" => app.login(&steward_account).await,
                        r => app.signed_in(r.parse::<Role>().expect("role"), "Org A").await.1,
                    });
                }
            }
        }
    }
    // A method no signed-in role reached is not a route (405 to everyone).
    seen.retain(|_, cells| cells.iter().skip(1).any(|c| !c.starts_with("405")));
    let table = render(&seen);
    assert!(problems.is_empty(), "{} rule(s) broken:\n{}", problems.len(), problems.join("\n"));
    // Refusals are audited once per user, action and window: each role refused anything has
    // its events, and there are never more events than refusals.
    let denied = app.settled_count("audit_events WHERE action = 'access.denied'").await - denied_before;
    assert!(denied > 0 && denied <= forbidden as i64, "{denied} access.denied events for {forbidden} refusals");
    for role in ["caseworker", "coordinator", "admin"] {
        let n = app.count(&format!(
            "audit_events a JOIN users u ON u.id = a.actor_id WHERE a.action = 'access.denied' AND u.role = '{role}'"
        ));
        assert!(n > 0, "the refusals of the {role} are audited");
    }
    openapi_is_covered(&app, &seen).await;
    if std::env::var("HOMEWARD_WRITE_AUTHZ_MATRIX").is_ok() {
        std::fs::write(TABLE, &table).expect("write the table");
        return;
    }
    let expected = std::fs::read_to_string(TABLE).expect("tests/api/authz_matrix.txt");
    let diff: Vec<String> = diff_lines(&expected, &table);
    assert!(
        diff.is_empty(),
        "the answers differ from tests/api/authz_matrix.txt (- table, + now):\n{}",
        diff.join("\n")
    );
}

fn render(seen: &BTreeMap<(String, String), Vec<String>>) -> String {
    let mut out = String::from(
        "# The authorisation matrix: tests/api/authz_matrix.rs. One row per route; one answer per role\n\
         # (own organisation's record / another organisation's, where the path names one).\n\
         # path  method  anonymous  caseworker  coordinator  admin  steward\n",
    );
    for ((path, method), cells) in seen {
        out.push_str(&format!("{path} {method} {}\n", cells.join(" ")));
    }
    out
}

fn diff_lines(expected: &str, now: &str) -> Vec<String> {
    let rows = |t: &str| -> BTreeMap<String, String> {
        t.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let mut parts = l.splitn(3, ' ');
                let key = format!("{} {}", parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
                (key, parts.next().unwrap_or_default().to_string())
            })
            .collect()
    };
    let (a, b) = (rows(expected), rows(now));
    let mut out = Vec::new();
    for (k, v) in &a {
        match b.get(k) {
            Some(w) if w == v => {}
            Some(w) => out.push(format!("- {k} {v}\n+ {k} {w}")),
            None => out.push(format!("- {k} {v}   (no longer a route)")),
        }
    }
    for (k, w) in &b {
        if !a.contains_key(k) {
            out.push(format!("+ {k} {w}   (a route the table lacks)"));
        }
    }
    out
}

/// Every operation of the OpenAPI document is a route of the table, and every API route of
/// the table is documented.
async fn openapi_is_covered(app: &TestApp, seen: &BTreeMap<(String, String), Vec<String>>) {
    let doc = json(app.client.get(format!("{}/api/openapi.json", app.address)).send().await.expect("openapi")).await;
    let mut documented = std::collections::BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            documented.insert((path.clone(), method.to_uppercase()));
        }
    }
    let routed: std::collections::BTreeSet<(String, String)> = seen.keys().cloned().collect();
    let undocumented: Vec<_> = routed
        .iter()
        .filter(|(p, _)| p.starts_with("/api/v1/") && !p.starts_with("/api/v1/bench/"))
        .filter(|k| !documented.contains(*k))
        .collect();
    let unrouted: Vec<_> = documented.iter().filter(|k| !routed.contains(*k)).collect();
    assert!(undocumented.is_empty(), "routes missing from the OpenAPI document: {undocumented:?}");
    assert!(unrouted.is_empty(), "documented operations the router lacks: {unrouted:?}");
}
