//! Retention (issue 12, point 9): a family whose cases all ended more than the configured period
//! ago is pseudonymised by the daily job, audited, with what the statistics count kept; on
//! SQLite (`secure_delete`, then a `TRUNCATE` checkpoint) the purged strings are gone from the
//! database file and its write-ahead log; on PostgreSQL from every row of every table.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::{json, Value};

/// Fictional strings found nowhere else, one per place personal data is kept.
const MARKERS: [&str; 12] = [
    "zubaydah", // the folded forms the search and duplicate keys hold
    "quortanelli",
    "1991-05-17",   // the exact birth date (the results and the backlog's facts held it)
    "Zubaydah",     // given name
    "Quortanelli",  // family name (and the family's label)
    "زبيدةقرطنلي",  // a name in Arabic script
    "Vexlingham",   // place of birth
    "Orsolwyn",     // the family's notes (and their change history)
    "Pellandrine",  // a claim's source
    "Marrowgate",   // a case's note when closed
    "Ysoldeheart",  // the name of who gave consent
    "Brindlecombe", // a second member's given name
];

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_string()
}

async fn marked_family(app: &TestApp, s: &Session) -> Value {
    let body = json!({
        "label": "Family of Zubaydah Quortanelli (fictional)",
        "members": [
            {"given_name": "Zubaydah", "family_name": "Quortanelli", "sex": "female", "birth": {"year": 1991, "month": 5, "day": 17},
             "place_of_birth": "Vexlingham", "other_names": [{"kind": "other_script", "name": "زبيدةقرطنلي"}],
             "nationalities": [{"country": "FR", "status": "verified", "basis": "birth", "source": "Pellandrine registry (fictional)"}],
             "custody": [{"kind": "admitted", "facility_id": app.facility("Roj"), "date": {"year": 2019, "month": 3}}]},
            {"given_name": "Brindlecombe", "family_name": "Quortanelli", "sex": "male", "birth": {"year": 2016, "month": 2},
             "nationalities": [{"country": "FR", "status": "claimed", "basis": "descent"}],
             "custody": [{"kind": "admitted", "facility_id": app.facility("Roj"), "date": {"year": 2019, "month": 3}}]}
        ],
        "kinship": [{"person": 0, "kind": "parent_of", "relative": 1}]
    });
    let res = app.post("/api/v1/families", s, body).await;
    assert_eq!(res.status(), 201);
    let family = json(res).await;
    // A change of the notes: the history keeps the old and new values.
    let path = format!("/api/v1/families/{}", id(&family));
    let res = app.patch(&path, s, json!({"notes": "Met Orsolwyn at the gate (fictional)", "version": 1})).await;
    assert_eq!(res.status(), 200);
    json(app.get(&path, s).await).await
}

/// Opens a case for the family, records a consent, and closes it with a note.
async fn close_a_case(app: &TestApp, s: &Session, family: &Value) {
    let members: Vec<String> = family["members"].as_array().expect("members").iter().map(id).collect();
    let res =
        app.post("/api/v1/cases", s, json!({"family_id": id(family), "destination": "FR", "members": members})).await;
    assert_eq!(res.status(), 201);
    let case = json(res).await;
    let consent = json!({"person_id": members[1], "given_by": "guardian", "given_by_name": "Ysoldeheart (fictional)",
                         "given_on": today().to_string(), "to_case": true, "to_sharing": true});
    assert_eq!(app.post(&format!("/api/v1/cases/{}/consents", id(&case)), s, consent).await.status(), 201);
    let case = json(app.get(&format!("/api/v1/cases/{}", id(&case)), s).await).await;
    let body = json!({"to": "closed", "reason": "other", "note": "Marrowgate: the family left (fictional)", "version": case["version"]});
    let res = app.post(&format!("/api/v1/cases/{}/transitions", id(&case)), s, body).await;
    assert_eq!(res.status(), 200, "closed");
}

/// Rows of any table whose text holds `marker` (PostgreSQL: every row cast to text).
fn pg_rows_holding(app: &TestApp, marker: &str) -> Vec<String> {
    let tables = app.scalar(
        "SELECT string_agg(table_name, ',') AS v FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    tables
        .split(',')
        .filter(|t| app.count(&format!("{t} t WHERE CAST(t AS TEXT) ILIKE '%{marker}%'")) > 0)
        .map(str::to_string)
        .collect()
}

#[actix_web::test]
async fn a_family_whose_cases_ended_long_ago_is_pseudonymised_and_its_strings_are_gone() {
    let app = spawn_app_with(|s| s.retention_closed_case_days = 365).await;
    let (coordinator, mut co) = app.signed_in(Role::Coordinator, "Org A").await;
    let gone = marked_family(&app, &co).await;
    close_a_case(&app, &co, &gone).await;
    // A family with an open case, and one whose case ended recently: kept as they are.
    let open = json(app.post("/api/v1/families", &co, crate::registry::intake_body(&app, "Keepwell")).await).await;
    let open_members: Vec<String> = open["members"].as_array().expect("members").iter().map(id).collect();
    let res = app
        .post("/api/v1/cases", &co, json!({"family_id": id(&open), "destination": "FR", "members": [open_members[0]]}))
        .await;
    assert_eq!(res.status(), 201);
    let counted = |app: &TestApp| {
        (
            app.count("persons"),
            app.count("nationality_claims WHERE status = 'verified'"),
            app.count("custody_events"),
            app.count("cases WHERE status = 'closed'"),
            app.count("kinships"),
        )
    };
    let before = counted(&app);

    // Not yet due: ended only now.
    assert!(homeward::services::retention::queue_daily(&mut app.conn(), &app.settings, &app.clock).expect("queued"));
    app.jobs_done().await;
    assert_eq!(app.count("families WHERE pseudonymised_at IS NOT NULL"), 0);
    let recent = marked_family(&app, &co).await;
    app.clock.advance(chrono::Duration::days(366));
    co = app.login(&coordinator).await; // a year later: a new session
    close_a_case(&app, &co, &recent).await;
    assert!(homeward::services::retention::queue_daily(&mut app.conn(), &app.settings, &app.clock).expect("queued"));
    app.jobs_done().await;

    assert_eq!(
        app.count("families WHERE pseudonymised_at IS NOT NULL"),
        1,
        "only the family whose case ended a year ago"
    );
    let f = json(app.get(&format!("/api/v1/families/{}", id(&gone)), &co).await).await;
    assert!(f["label"].as_str().is_some_and(|l| l.starts_with("F-")), "{f}");
    let mother = &f["members"][0];
    assert!(mother["family_name"].as_str().is_some_and(|n| n.starts_with("P-")), "{mother}");
    assert_eq!(mother["birth"]["year"], 1991, "the year stays: {mother}");
    // What the statistics count is kept (the recent family added its own rows).
    let after = counted(&app);
    assert_eq!(after.0, before.0 + 2);
    assert_eq!((after.1, after.2, after.3, after.4), (before.1 + 1, before.2 + 2, before.3 + 1, before.4 + 1));
    let audited = app.audit_actions().into_iter().filter(|(_, a, _)| a == "family.pseudonymised").count();
    assert_eq!(audited, 1);
    let verify = json(app.get("/api/v1/audit/verify", &app.signed_in(Role::Admin, "Org A").await.1).await).await;
    assert_eq!(verify["ok"], true, "the audit chain still verifies: {verify}");
    // Searching for the old name finds only the recent family's members.
    let found = json(app.get("/api/v1/persons?q=Zubaydah", &co).await).await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1), "{found}");

    // The recent family's copies of the markers stay until its own time comes; the purged
    // family's are gone. Purge the recent one too, then look for the strings in the storage
    // (the planner's statistics first gathered, so that their sample keys hold names).
    homeward::db::analyse(&mut app.conn()).expect("analyse");
    app.clock.advance(chrono::Duration::days(366));
    co = app.login(&coordinator).await;
    assert!(homeward::services::retention::queue_daily(&mut app.conn(), &app.settings, &app.clock).expect("queued"));
    app.jobs_done().await;
    assert_eq!(app.count("families WHERE pseudonymised_at IS NOT NULL"), 2);
    if backend() == "postgres" {
        assert!(pg_rows_holding(&app, "Keepwell").contains(&"persons".to_string()), "the check finds what is there");
        for m in MARKERS {
            assert_eq!(pg_rows_holding(&app, m), Vec::<String>::new(), "{m} is still in these tables");
        }
        return;
    }
    let path = app.settings.database_url.trim_start_matches("sqlite://").to_string();
    // The run ended with the log emptied; what the server wrote since (the job's end) is in it.
    let wal = std::fs::read(format!("{path}-wal")).unwrap_or_default();
    let file = std::fs::read(&path).expect("database file");
    assert!(file.len() > 100_000, "the file holds the registry ({} bytes)", file.len());
    for (name, bytes) in [("database file", &file), ("write-ahead log", &wal)] {
        for m in MARKERS {
            let needle = m.as_bytes();
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{m} is still in the {name}");
        }
    }
    // Before the purge they were there (the test can fail): the open family's names are.
    assert!(file.windows(8).any(|w| w == b"Keepwell") || wal.windows(8).any(|w| w == b"Keepwell"));
    // The families that were not due keep their names.
    let kept = json(app.get(&format!("/api/v1/families/{}", id(&open)), &co).await).await;
    assert_eq!(kept["label"], "Family of Amira Keepwell (fictional)");
}
