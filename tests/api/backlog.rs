//! The per-country backlog: every number checked against a count made from the fixture
//! (families with French, Russian, German, Belgian and Dutch claims at al-Hol and Roj, cases
//! in several statuses, back-dated; see [`fixture`]), on today and on a later `as_of`, for one
//! facility, with every drill-down list followed; coordinators only, own organisation only,
//! inputs checked.

mod fixture;

use crate::helpers::*;
use chrono::{Datelike, Duration};
use fixture::{spec, Fixture, Spec};
use homeward::db::repo::backlog_facts;
use homeward::domain::role::Role;
use homeward::services::organisations::operator_scope;
use serde_json::{json, Value};

/// The value without its `list` links and country name (what the fixture counts).
fn numbers(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| *k != "list" && *k != "country_name")
                .map(|(k, v)| (k.clone(), numbers(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(numbers).collect()),
        other => other.clone(),
    }
}

/// Every `{n, list}` in the value.
fn links(v: &Value, out: &mut Vec<(i64, String)>) {
    if let (Some(n), Some(l)) = (v["n"].as_i64(), v["list"].as_str()) {
        out.push((n, l.to_string()));
    }
    match v {
        Value::Object(m) => m.values().for_each(|x| links(x, out)),
        Value::Array(a) => a.iter().for_each(|x| links(x, out)),
        _ => {}
    }
}

/// Follows every drill-down link: the list must hold exactly the number shown.
async fn follow(app: &TestApp, s: &Session, v: &Value) -> usize {
    let mut all = Vec::new();
    links(v, &mut all);
    for (n, list) in &all {
        let page = json(app.get(list, s).await).await;
        assert_eq!((page["total"].as_i64(), page["total_exact"].as_bool()), (Some(*n), Some(true)), "{list}: {page}");
        // The page the dashboard links to shows the same rows: one per person, or per family.
        let row = if list.starts_with("/api/v1/persons") { "person-row" } else { "family-row" };
        if !list.starts_with("/api/v1/cases") {
            let path = homeward::ui::backlog::page_of(list);
            let (status, html) = html(app, s, &path).await;
            assert_eq!(status, 200, "{path}");
            let shown = html.matches(&format!("data-testid=\"{row}\"")).count() as i64;
            assert_eq!(shown, *n, "{path}");
        }
    }
    all.len()
}

/// Sixteen persons in seven families (indexes in `people` in the order below) and nine cases.
async fn build(app: &TestApp, co: &Session) -> Fixture {
    let mut f = Fixture::default();
    for name in ["Benali", "Haddad", "Khalil"] {
        let amira = spec("Amira", (1994, None), &[("FR", "verified")], "Roj");
        f.intake(app, co, name, vec![amira, spec("Yusuf", (2015, Some((4, 1))), &[("FR", "claimed")], "al-Hol")]).await;
    }
    // Timur turns 18 in 30 days.
    let turns_18 = today() + Duration::days(30);
    let timur =
        spec("Timur", (turns_18.year() - 18, Some((turns_18.month(), turns_18.day()))), &[("RU", "verified")], "Roj");
    f.intake(app, co, "Petrova", vec![spec("Aliya", (1990, Some((2, 1))), &[("RU", "verified")], "Roj"), timur]).await;
    let zarina = Spec { wish: Some("stay_in_syria"), ..spec("Zarina", (1988, None), &[("RU", "verified")], "al-Hol") };
    let ilyas = spec("Ilyas", (2019, Some((6, 1))), &[("RU", "claimed")], "al-Hol");
    let ilyas = Spec { wish: Some("stay_in_region"), unaccompanied: true, ..ilyas };
    // Born some day of 2014: certainly under 18, maybe 12 already. Born in 2008: ageing out.
    let adam = spec("Adam", (2014, None), &[("RU", "claimed"), ("FR", "unverified"), ("DE", "denied")], "al-Hol");
    let musa = spec("Musa", (2008, None), &[("RU", "verified")], "Roj");
    let sofia = spec("Sofia", (2000, None), &[("RU", "verified")], "released");
    f.intake(app, co, "Sokolova", vec![zarina, ilyas, adam, musa, sofia]).await;
    // A released German (Germany is listed, nobody held) and a dead Belgian (Belgium is not).
    let omar = Spec { dead: true, ..spec("Omar", (1980, None), &[("BE", "verified")], "Roj") };
    f.intake(app, co, "Weber", vec![spec("Lena", (1999, None), &[("DE", "verified")], "released"), omar]).await;
    f.intake(app, co, "Jansen", vec![spec("Noor", (1996, None), &[("NL", "unverified")], "Roj")]).await;
    // Ilyas's latest wish is to go home: his earlier one no longer counts.
    let ilyas = &mut f.people[9];
    let body = json!({"wish": "go_home", "version": ilyas.version});
    assert_eq!(app.patch(&format!("/api/v1/persons/{}", ilyas.id), co, body).await.status(), 200);
    ilyas.declining = false;
    // Days since opening and since the status (verification at 30 days is not stuck yet).
    for (dest, members, to, ago) in [
        ("FR", &[0, 1][..], "documentation", (100, 70)),
        ("FR", &[2], "intake", (10, 10)),
        ("FR", &[3], "on_hold", (120, 100)),
        ("FR", &[4], "withdrawn", (50, 5)),
        ("FR", &[5], "closed", (50, 5)),
        ("FR", &[10], "verification", (40, 30)),
        ("RU", &[6, 7], "submitted", (300, 200)),
        ("RU", &[8, 9], "verification", (40, 31)),
        ("NL", &[15], "intake", (0, 0)),
    ] {
        f.case(app, co, dest, members, to, ago).await;
    }
    // Noor's Dutch claim is then denied: the Netherlands stay in the backlog through the case.
    let noor = json(app.get(&format!("/api/v1/persons/{}", f.people[15].id), co).await).await;
    let claim = &noor["nationalities"][0];
    let body = json!({"status": "denied", "decision_date": "2026-10-01", "version": claim["version"]});
    let path = format!("/api/v1/nationalities/{}", claim["id"].as_str().unwrap_or_default());
    assert_eq!(app.patch(&path, co, body).await.status(), 200);
    f.people[15].live.clear();
    f.read_outcomes(app);
    f
}

#[actix_web::test]
async fn every_backlog_number_matches_a_count_made_from_the_fixture_and_its_list() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let f = build(&app, &co).await;
    let roj = app.facility("Roj");
    let later = today() + Duration::days(31);
    let mut followed = 0;
    let queries = [
        (String::new(), today(), None),
        (format!("?as_of={later}"), later, None),
        (format!("?facility={roj}"), today(), Some(roj.clone())),
    ];
    for (query, on, facility) in &queries {
        let (on, facility) = (*on, facility.as_deref());
        let all = json(app.get(&format!("/api/v1/backlog{query}"), &co).await).await;
        assert_eq!(all["as_of"], on.to_string());
        let rows = all["countries"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = rows.iter().filter_map(|c| c["country"].as_str()).collect();
        // Most held first, then by code.
        let want = if facility.is_some() { vec!["FR", "RU", "NL"] } else { vec!["FR", "RU", "DE", "NL"] };
        assert_eq!(codes, want, "{query}");
        for (row, code) in rows.iter().zip(&codes) {
            assert_eq!(numbers(row), f.expected(code, on, facility), "{code} {query}");
            let one = json(app.get(&format!("/api/v1/backlog/{code}{query}"), &co).await).await;
            assert_eq!(one["backlog"], *row, "the country's own backlog agrees with the list");
            let facilities = one["facilities"].as_array().cloned().unwrap_or_default();
            let per_facility: i64 = facilities.iter().filter_map(|x| x["held"]["n"].as_i64()).sum();
            assert_eq!(Some(per_facility), row["held"]["n"].as_i64(), "{code}: the facilities add up");
            followed += follow(&app, &co, &one).await;
        }
    }
    assert!(followed > 350, "drill-down links followed: {followed}");
    // The facility breakdown: Russian claimants held at Roj (Aliya, Timur, Musa) and al-Hol.
    let ru = json(app.get("/api/v1/backlog/RU", &co).await).await;
    let facilities = ru["facilities"].as_array().cloned().unwrap_or_default();
    let at = |name: &str| facilities.iter().find(|x| x["facility_name"] == name).map(|x| x["held"]["n"].clone());
    assert_eq!((at("Roj"), at("al-Hol")), (Some(json!(3)), Some(json!(3))), "{facilities:?}");
    // Every figure of the registry has its list, facility or not.
    for figure in ["held", "families", "children_under_12", "children_under_18", "ageing_out", "declining"] {
        assert!(ru["backlog"][figure]["list"].is_string(), "{figure}: {ru}");
    }
    assert!(
        ru["backlog"]["outcomes"]["eligible"]["list"].is_string() && ru["backlog"]["cases"]["open"]["list"].is_string()
    );
    // Timur turns 18 within the month: a child today, an adult on the later day.
    let after = json(app.get(&format!("/api/v1/backlog/RU?as_of={later}"), &co).await).await;
    let under_18 = |v: &Value| v["children_under_18"]["n"].as_i64();
    assert_eq!(under_18(&ru["backlog"]).map(|n| n - 1), under_18(&after["backlog"]));
    // A known country without anyone answers zeros; Belgium's only claimant has died.
    let be = json(app.get("/api/v1/backlog/BE", &co).await).await;
    assert_eq!((be["backlog"]["held"]["n"].as_i64(), be["facilities"].as_array().map(Vec::len)), (Some(0), Some(0)));
}

#[actix_web::test]
async fn the_backlog_is_for_coordinators_of_their_own_organisation_and_checks_its_inputs() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let (_, cw) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let (_, other) = app.signed_in(Role::Coordinator, "Org B").await;
    let mut f = Fixture::default();
    f.intake(&app, &cw, "Benali", vec![spec("Amira", (1994, None), &[("FR", "verified")], "Roj")]).await;
    f.case(&app, &co, "FR", &[0], "intake", (3, 3)).await;
    let mine = json(app.get("/api/v1/backlog", &co).await).await;
    let fr = &mine["countries"][0];
    assert_eq!((fr["held"]["n"].as_i64(), fr["cases"]["open"]["n"].as_i64()), (Some(1), Some(1)), "{mine}");
    for s in [&cw, &admin] {
        assert_error(app.get("/api/v1/backlog", s).await, 403, "forbidden").await;
        assert_error(app.get("/api/v1/backlog/FR", s).await, 403, "forbidden").await;
    }
    let theirs = json(app.get("/api/v1/backlog", &other).await).await;
    assert_eq!(theirs["countries"], json!([]), "another organisation sees nothing of ours");
    let fr = json(app.get("/api/v1/backlog/FR", &other).await).await;
    assert_eq!((fr["backlog"]["held"]["n"].as_i64(), fr["backlog"]["cases"]["open"]["n"].as_i64()), (Some(0), Some(0)));
    for bad in ["as_of=1899-12-31", "as_of=2101-01-01", "as_of=-5000-01-01"] {
        let err = assert_error(app.get(&format!("/api/v1/backlog?{bad}"), &co).await, 422, "validation_failed").await;
        assert_eq!(err["error"]["fields"]["as_of"][0], "year must be between 1900 and 2100", "{err}");
    }
    let path = "/api/v1/backlog/FR?facility=not-a-facility&as_of=3000-01-01";
    let err = assert_error(app.get(path, &co).await, 422, "validation_failed").await;
    assert!(err["error"]["fields"]["facility"].is_array() && err["error"]["fields"]["as_of"].is_array(), "both: {err}");
    let unknown = "00000000-0000-4000-8000-000000000999";
    for path in ["/api/v1/backlog", "/api/v1/backlog/FR"] {
        let err =
            assert_error(app.get(&format!("{path}?facility={unknown}"), &co).await, 422, "validation_failed").await;
        assert_eq!(err["error"]["fields"]["facility"][0], "is not a known facility", "{err}");
    }
    // A code that is not a country in the reference list names nothing.
    for code in ["XX", "fr", "FRA"] {
        assert_error(app.get(&format!("/api/v1/backlog/{code}"), &co).await, 404, "not_found").await;
    }
}

/// True when the prepared counts the backlog reads equal a rebuild from the registry.
fn prepared_counts_agree(app: &TestApp) -> bool {
    let mut conn = app.conn();
    let (_, scope) = operator_scope(&mut conn, &app.cli_ctx(), "Org A").expect("scope");
    backlog_facts::consistent(&mut conn, &scope).expect("reading the prepared counts")
}

#[actix_web::test]
async fn the_prepared_counts_follow_every_write_and_a_reevaluation_and_equal_a_rebuild() {
    let app = spawn_app().await;
    let (_, co) = app.signed_in(Role::Coordinator, "Org A").await;
    let f = build(&app, &co).await;
    assert!(prepared_counts_agree(&app), "after intakes, a wish, a denied claim and cases");
    let held = |v: &Value| v["backlog"]["held"]["n"].as_i64().unwrap_or(-1);
    let fr = json(app.get("/api/v1/backlog/FR", &co).await).await;
    // Yusuf Benali escapes from al-Hol; Amira Haddad dies.
    let escape = json!({"kind": "escaped", "date": {"year": 2026, "month": 1, "day": 22}});
    let res = app.post(&format!("/api/v1/persons/{}/custody", f.people[1].id), &co, escape).await;
    assert_eq!(res.status(), 201);
    let amira = json(app.get(&format!("/api/v1/persons/{}", f.people[2].id), &co).await).await;
    let body = json!({"date_of_death": "2026-02-01", "version": amira["version"]});
    assert_eq!(app.patch(&format!("/api/v1/persons/{}", f.people[2].id), &co, body).await.status(), 200);
    let after = json(app.get("/api/v1/backlog/FR", &co).await).await;
    assert_eq!(held(&after), held(&fr) - 2, "{after}");
    assert!(prepared_counts_agree(&app), "after an escape and a death");
    // A year on, everyone re-evaluated: Timur is an adult, and the chunks that changed refresh.
    let later = homeward::clock::Clock::starting_at(app.clock.now() + Duration::days(400));
    let walked = homeward::services::eligibility::reevaluate_all(&mut app.conn(), &later, |_, _, _| Ok(()))
        .expect("re-evaluation");
    assert!(walked.written > 0, "some outcome changed: {walked:?}");
    assert!(prepared_counts_agree(&app), "after a re-evaluation of everyone");
}
