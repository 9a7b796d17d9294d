//! Imports on both databases, with the 500-row fixture (`tests/fixtures/import_500.csv`: headers
//! in four languages, dates as people write them, five rows with a problem each, a woman
//! written twice across scripts): the dry run lists each problem by row and column and the
//! duplicates within the file and in the registry, and writes nothing; a file with problems
//! cannot be committed; the corrected file commits all or nothing; the same file twice creates
//! nothing; a longer list adds only its new rows; XLSX, encodings and bad files.

use crate::helpers::*;
use homeward::domain::role::Role;
use serde_json::Value;

const CSV: &str = "text/csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn fixture() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import_500.csv")).expect("fixture")
}

/// The fixture without its five rows with a problem.
fn corrected() -> String {
    fixture().lines().filter(|l| !l.contains("Errorova")).map(|l| format!("{l}\n")).collect()
}

async fn send(app: &TestApp, s: &Session, query: &str, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/imports{query}", app.address))
        .header("Cookie", format!("homeward_session={}", s.0))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload sent")
}

async fn preview(app: &TestApp, s: &Session, content_type: &str, body: Vec<u8>) -> Value {
    let res = send(app, s, "?file_name=list.csv", content_type, body).await;
    assert_eq!(res.status().as_u16(), 201, "upload");
    json(res).await
}

/// Previews a CSV file that has no problem and commits it; the commit's answer.
async fn preview_and_commit(app: &TestApp, s: &Session, file: Vec<u8>) -> Value {
    let p = preview(app, s, CSV, file).await;
    assert_eq!(p["committable"], true, "{}", p["problems"]);
    let res =
        app.post(&format!("/api/v1/imports/{}/commit", p["id"].as_str().unwrap_or_default()), s, Value::Null).await;
    assert_eq!(res.status().as_u16(), 200);
    json(res).await
}

fn problem_at(p: &Value, row: u64, column: &str) -> bool {
    p["problems"].as_array().into_iter().flatten().any(|x| x["row"] == row && x["column"] == column)
}

#[actix_web::test]
async fn the_dry_run_shows_each_problem_and_duplicate_and_writes_nothing_and_a_file_with_problems_is_refused() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    // Logged before the import, in Cyrillic.
    let khadija = serde_json::json!({"label": "Ismailova (fictional)", "members": [
        {"given_name": "Хадиджа", "family_name": "Исмаилова", "sex": "female", "birth": {"year": 1985}}]});
    let logged = json(app.post("/api/v1/families", &s, khadija).await).await;
    let khadija_id = logged["members"][0]["id"].as_str().unwrap_or_default().to_string();
    let persons = app.count("persons");
    let p = preview(&app, &s, CSV, fixture().into_bytes()).await;
    assert_eq!(p["rows"], 500, "{}", p["problems"]);
    for (row, column) in [(495, "birth"), (496, "facility"), (497, "nationality"), (498, "relative"), (499, "notes")] {
        assert!(problem_at(&p, row, column), "row {row}, {column}: {}", p["problems"]);
    }
    assert_eq!(p["problems"].as_array().map(Vec::len), Some(5), "{}", p["problems"]);
    assert_eq!(p["committable"], false);
    let dups = p["duplicates"].as_array().cloned().unwrap_or_default();
    assert!(
        dups.iter().any(|d| d["row"] == 492 && d["other_row"] == 493 && d["band"] == "likely"),
        "Aisha twice: {dups:?}"
    );
    assert!(
        dups.iter().any(|d| d["row"] == 494 && d["person_id"] == khadija_id.as_str()),
        "Khadija in the registry: {dups:?}"
    );
    assert_eq!(app.count("persons"), persons, "a dry run writes nothing");
    let id = p["id"].as_str().unwrap_or_default();
    let refused = assert_error(
        app.post(&format!("/api/v1/imports/{id}/commit"), &s, Value::Null).await,
        422,
        "validation_failed",
    )
    .await;
    assert!(refused.to_string().contains("rows[495].birth"), "{refused}");
    assert_eq!(app.count("persons"), persons, "a refused commit writes nothing");
    // Another organisation sees no such import.
    let (_, other) = app.signed_in(Role::Caseworker, "Org B").await;
    assert_error(app.get(&format!("/api/v1/imports/{id}"), &other).await, 404, "not_found").await;
    assert_error(app.post(&format!("/api/v1/imports/{id}/commit"), &other, Value::Null).await, 404, "not_found").await;
}

#[actix_web::test]
async fn a_corrected_file_commits_once_and_a_longer_list_adds_only_its_new_rows() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let p = preview(&app, &s, CSV, corrected().into_bytes()).await;
    assert_eq!((p["rows"].as_u64(), p["committable"].as_bool()), (Some(495), Some(true)), "{}", p["problems"]);
    let id = p["id"].as_str().unwrap_or_default().to_string();
    let res = app.post(&format!("/api/v1/imports/{id}/commit"), &s, Value::Null).await;
    assert_eq!(res.status().as_u16(), 200);
    let done = json(res).await;
    assert_eq!(done["persons"], 495);
    assert_eq!(app.count("persons"), 495);
    assert_eq!(app.count("import_rows"), 495);
    assert!(done["kinship_links"].as_u64().unwrap_or(0) > 100, "{done}");
    assert_eq!(app.count("nationality_claims WHERE status = 'revoked' AND decision_earliest IS NOT NULL"), 1);
    assert!(app.audit_actions().iter().any(|(_, a, _)| a == "import.commit"));
    // Committing twice is refused; the same file again creates nothing.
    assert_error(app.post(&format!("/api/v1/imports/{id}/commit"), &s, Value::Null).await, 409, "conflict").await;
    let again = preview(&app, &s, CSV, corrected().into_bytes()).await;
    assert!(again["imported_before"].is_string(), "{again}");
    assert_eq!((again["persons_new"].as_u64(), again["rows_known"].as_u64()), (Some(0), Some(495)));
    let res = app
        .post(&format!("/api/v1/imports/{}/commit", again["id"].as_str().unwrap_or_default()), &s, Value::Null)
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(app.count("persons"), 495, "nothing twice");
    // A longer version of the list: a new child of family F001 joins it.
    let longer =
        format!("{}F001,F001-new,Maryam,Newrow,,female,2020,FR,claimed,,Roj,2020,child_of,F001-1,,\n", corrected());
    let more = preview(&app, &s, CSV, longer.into_bytes()).await;
    assert_eq!((more["persons_new"].as_u64(), more["families_new"].as_u64()), (Some(1), Some(0)), "{more}");
    let res =
        app.post(&format!("/api/v1/imports/{}/commit", more["id"].as_str().unwrap_or_default()), &s, Value::Null).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(app.count("persons"), 496);
    let families = app.scalar(
        "SELECT CAST(COUNT(DISTINCT family_id) AS TEXT) AS v FROM persons WHERE family_name IN ('Newrow') \
         OR id IN (SELECT person_id FROM import_rows WHERE row_key = 'k:f001 1')",
    );
    assert_eq!(families, "1", "the new row joined its family");
}

/// The commit writes its members with multi-row statements: what it writes must read as what an
/// intake writes, member by member (history, audit chain, derived columns, wishes).
#[actix_web::test]
async fn an_imported_member_has_the_rows_history_and_audit_events_of_an_intake() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    let p = preview(&app, &s, CSV, corrected().into_bytes()).await;
    let id = p["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(app.post(&format!("/api/v1/imports/{id}/commit"), &s, Value::Null).await.status(), 200);
    let events = |action: &str| app.count(&format!("audit_events WHERE action = '{action}'"));
    assert_eq!(events("person.create"), 495);
    assert_eq!(events("family.create"), app.count("families"));
    assert_eq!(app.count("record_changes WHERE entity_type = 'family' AND field = 'created'"), app.count("families"));
    assert!(app.count("families") > 50);
    assert_eq!(events("nationality.create"), app.count("nationality_claims"));
    assert_eq!(events("custody.create"), app.count("custody_events"));
    assert_eq!(events("kinship.create"), app.count("kinships"));
    assert!(app.count("kinships") > 100 && app.count("custody_events") > 400);
    let noted = |field: &str| app.count(&format!("record_changes WHERE entity_type = 'person' AND field {field}"));
    assert_eq!(noted("= 'created'"), 495);
    assert_eq!(noted("LIKE 'nationality.%'"), app.count("nationality_claims"));
    assert_eq!(noted("= 'custody'"), app.count("custody_events"));
    assert_eq!(noted("= 'kinship'"), app.count("kinships"));
    assert_eq!(app.count("person_derived WHERE search_key <> ''"), 495, "every member refreshed");
    assert_eq!(app.count("person_wishes"), app.count("persons WHERE id IN (SELECT person_id FROM person_wishes)"));
    assert!(app.count("person_wishes") > 0);
    let report = json(app.get("/api/v1/audit/verify", &admin).await).await;
    assert_eq!(report["ok"], true, "{report}");
    // A member reads as any person: found by name, with claims, custody and relatives.
    let found = json(app.get("/api/v1/persons?q=Исмаилова", &s).await).await;
    let first = found["items"][0]["id"].as_str().unwrap_or_default().to_string();
    let person = json(app.get(&format!("/api/v1/persons/{first}"), &s).await).await;
    assert!(person["nationalities"].as_array().is_some_and(|c| !c.is_empty()), "{person}");
    assert!(person["custody"].as_array().is_some_and(|c| !c.is_empty()), "{person}");
}

#[actix_web::test]
async fn a_failure_in_the_middle_of_a_commit_writes_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let p = preview(&app, &s, CSV, corrected().into_bytes()).await;
    assert_eq!(p["committable"], true, "{}", p["problems"]);
    // The database refuses the kinship links, which are written after every person: a real
    // failure in the middle of the transaction.
    if backend() == "postgres" {
        app.sql(
            "CREATE FUNCTION refuse_links() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END; $$ \
             LANGUAGE plpgsql",
        );
        app.sql("CREATE TRIGGER refuse_links BEFORE INSERT ON kinships FOR EACH ROW EXECUTE FUNCTION refuse_links()");
    } else {
        app.sql("CREATE TRIGGER refuse_links BEFORE INSERT ON kinships BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    }
    let res =
        app.post(&format!("/api/v1/imports/{}/commit", p["id"].as_str().unwrap_or_default()), &s, Value::Null).await;
    assert_eq!(res.status().as_u16(), 500, "the database failed");
    for table in ["persons", "families", "person_names", "nationality_claims", "custody_events", "import_rows"] {
        assert_eq!(app.count(table), 0, "nothing of a failed commit stays in {table}");
    }
    assert_eq!(app.count("imports WHERE status = 'committed'"), 0);
    assert!(!app.audit_actions().iter().any(|(_, a, _)| a == "import.commit"));
    // The import can be committed once the database accepts it.
    app.sql(if backend() == "postgres" {
        "DROP TRIGGER refuse_links ON kinships"
    } else {
        "DROP TRIGGER refuse_links"
    });
    let res =
        app.post(&format!("/api/v1/imports/{}/commit", p["id"].as_str().unwrap_or_default()), &s, Value::Null).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(app.count("persons"), 495);
}

#[actix_web::test]
async fn xlsx_files_and_single_byte_encodings_are_read_and_bad_files_are_refused_with_reasons() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    // XLSX, with a date cell and a formula.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["family", "given_name", "family_name", "birth", "notes"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (c, v) in ["X1", "Leila", "Sampleva", "1988", ""].iter().enumerate() {
        sheet.write_string(1, c as u16, *v).expect("cell");
    }
    for (c, v) in ["X2", "Asma", "Sampleva", "1990"].iter().enumerate() {
        sheet.write_string(2, c as u16, *v).expect("cell");
    }
    sheet.write_formula(2, 4, "=1+1").expect("formula");
    let bytes = book.save_to_buffer().expect("xlsx");
    let p = preview(&app, &s, XLSX, bytes).await;
    assert_eq!((p["rows"].as_u64(), p["persons_new"].as_u64()), (Some(2), Some(1)), "{p}");
    assert!(problem_at(&p, 3, "notes"), "the formula: {}", p["problems"]);
    // Windows-1251 without a mark is recognised; a file that says too little asks.
    let text = "family,given_name,family_name\nK1,Айша,Махмудова\nK2,Хадиджа,Исмаилова\nK3,Зарина,Каримова\n";
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
    let p = preview(&app, &s, CSV, cp1251.to_vec()).await;
    assert_eq!((p["encoding"].as_str(), p["rows"].as_u64()), (Some("windows-1251"), Some(3)), "{p}");
    // These bytes are Cyrillic capitals in Windows-1251 and Arabic letters in Windows-1256.
    let unclear = b"family,given_name,family_name\nK1,\xC8\xD1\xC8\xD1,\xD1\xC8\xD1\n".to_vec();
    let p = preview(&app, &s, CSV, unclear.clone()).await;
    assert!(p["problems"][0]["message"].as_str().unwrap_or_default().contains("encoding"), "{p}");
    let res = send(&app, &s, "?encoding=windows-1251", CSV, unclear).await;
    assert_eq!(res.status().as_u16(), 201);
    let chosen = json(res).await;
    assert_eq!(chosen["encoding"], "windows-1251", "the encoding asked for is used: {chosen}");
    assert!(!chosen["problems"].to_string().contains("encoding"), "{chosen}");
    // Unknown and missing columns.
    let p = preview(&app, &s, CSV, b"family,given_name,shoe size\nK1,A,42\n".to_vec()).await;
    assert!(problem_at(&p, 1, "shoe size") && problem_at(&p, 1, "family_name"), "{}", p["problems"]);
    // A zip bomb disguised as a workbook.
    let mut bomb = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    bomb.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).expect("zip entry");
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..260 {
        std::io::Write::write_all(&mut bomb, &zeros).expect("zip write");
    }
    let bomb = bomb.finish().expect("zip").into_inner();
    let p = preview(&app, &s, XLSX, bomb).await;
    assert!(p["problems"][0]["message"].as_str().unwrap_or_default().contains("zip bomb"), "{p}");
    // The wrong media type, a bad encoding name, a file too large.
    assert_eq!(send(&app, &s, "", "application/json", b"{}".to_vec()).await.status().as_u16(), 415);
    assert_eq!(send(&app, &s, "?encoding=latin-9", CSV, b"family\n".to_vec()).await.status().as_u16(), 422);
    assert_eq!(send(&app, &s, "", CSV, vec![b'a'; 21 * 1024 * 1024]).await.status().as_u16(), 413);
    assert_eq!(app.count("persons"), 0, "nothing written by any of them");
    // The templates download and read back without a problem.
    for (path, kind) in [("/api/v1/imports/template.csv", CSV), ("/api/v1/imports/template.xlsx", XLSX)] {
        let res = app.get(path, &s).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let bytes = res.bytes().await.expect("template").to_vec();
        let p = preview(&app, &s, kind, bytes).await;
        assert_eq!((p["rows"].as_u64(), p["problems"].as_array().map(Vec::len)), (Some(2), Some(0)), "{path}: {p}");
    }
}

#[actix_web::test]
async fn lists_as_they_come_blank_lines_kinship_from_both_sides_reused_keys_and_sparse_sheets() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    // A blank line: the row numbers are still the ones the sender sees.
    let file = "family,person_key,given_name,family_name,birth\n\nH1,H1-1,Mona,Blankline,31/02/1990\n";
    let p = preview(&app, &s, CSV, file.as_bytes().to_vec()).await;
    assert!(problem_at(&p, 3, "birth"), "row 3 (after the blank line 2): {}", p["problems"]);
    // Kinship written from both sides is one link; the file commits.
    let file = "family,person_key,given_name,family_name,birth,relation,relative\n\
                K1,K1-1,Mona,Bothsides,1990,parent_of,K1-2\n\
                K1,K1-2,Sami,Bothsides,2015,child_of,K1-1\n\
                K1,K1-3,Rami,Bothsides,2016,sibling_of,K1-2\n\
                K1,K1-4,Rima,Bothsides,2017,,\n";
    let file = format!("{file}K1,K1-5,Rana,Bothsides,2018,sibling_of,K1-3\n");
    let done = preview_and_commit(&app, &s, file.clone().into_bytes()).await;
    assert_eq!(done["kinship_links"], 3, "{done}");
    // Another list that reuses a person key for someone else is told, not merged.
    let other = "family,person_key,given_name,family_name,birth\nZ9,K1-1,Leila,Otherlist,1985\n";
    let p = preview(&app, &s, CSV, other.as_bytes().to_vec()).await;
    assert!(problem_at(&p, 2, "person_key"), "{}", p["problems"]);
    assert_eq!(p["rows_known"], 0);
    // A sheet that claims a huge range with two cells is read cell by cell, and a cell beyond
    // the limits is refused without the server spending memory on the range.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "family").expect("cell");
    sheet.write_string(1_048_575, 16_383, "far").expect("cell");
    let p = preview(&app, &s, XLSX, book.save_to_buffer().expect("xlsx")).await;
    assert!(p["problems"][0]["message"].as_str().unwrap_or_default().contains("beyond"), "{p}");
    // Latin text as a French spreadsheet saves it (Windows-1252) is not taken for Cyrillic.
    let (french, _, _) =
        encoding_rs::WINDOWS_1252.encode("family,given_name,family_name\nL1,François,Lefèvre\nL2,Hélène,Dubois\n");
    let p = preview(&app, &s, CSV, french.to_vec()).await;
    assert_eq!(p["encoding"], "windows-1252", "{p}");
    assert_eq!(app.count("persons WHERE given_name = 'François'"), 0);
}

#[actix_web::test]
async fn a_commit_in_the_background_reports_its_rows_and_a_refusal_lists_its_problems() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let p = preview(&app, &s, CSV, corrected().into_bytes()).await;
    let id = p["id"].as_str().unwrap_or_default().to_string();
    let res = app.post(&format!("/api/v1/imports/{id}/commit?background=true"), &s, Value::Null).await;
    assert_eq!(res.status().as_u16(), 202);
    let job = json(res).await;
    assert_eq!((job["kind"].as_str(), job["status"].as_str()), (Some("import"), Some("queued")), "{job}");
    // Asked twice, the same job.
    let again = json(app.post(&format!("/api/v1/imports/{id}/commit?background=true"), &s, Value::Null).await).await;
    assert_eq!(again["id"], job["id"]);
    app.jobs_done().await;
    let done = json(app.get(&format!("/api/v1/imports/{id}"), &s).await).await;
    assert_eq!(done["status"], "committed", "{done}");
    assert_eq!((done["job"]["status"].as_str(), done["job"]["percent"].as_i64()), (Some("done"), Some(100)));
    assert_eq!(done["job"]["done"], 495, "the rows written");
    assert_eq!(app.count("persons"), 495);
    assert!(app.audit_actions().iter().any(|(_, a, _)| a == "import.commit"));
    assert_error(
        app.post(&format!("/api/v1/imports/{id}/commit?background=true"), &s, Value::Null).await,
        409,
        "conflict",
    )
    .await;

    // A file whose facility is renamed between the dry run and the commit: refused, nothing
    // written, the problems on the import.
    let (_, t) = app.signed_in(Role::Caseworker, "Org B").await;
    let p = preview(&app, &t, CSV, corrected().into_bytes()).await;
    assert_eq!(p["committable"], true);
    let id = p["id"].as_str().unwrap_or_default().to_string();
    let persons = app.count("persons");
    app.sql("UPDATE facilities SET name = 'Renamed camp', code = 'RENAMED' WHERE name = 'Roj'");
    let res = app.post(&format!("/api/v1/imports/{id}/commit?background=true"), &t, Value::Null).await;
    assert_eq!(res.status().as_u16(), 202);
    app.jobs_done().await;
    let refused = json(app.get(&format!("/api/v1/imports/{id}"), &t).await).await;
    assert_eq!(refused["status"], "previewed");
    assert!(refused["refused"].as_array().is_some_and(|r| !r.is_empty()), "{}", refused["refused"]);
    assert_eq!(app.count("persons"), persons, "a refused commit writes nothing");
}

#[actix_web::test]
async fn a_preview_lists_the_first_thousand_problems_and_counts_them_all() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let header = fixture().lines().next().unwrap_or_default().to_string();
    let mut csv = format!("{header}\n");
    for i in 0..1_001 {
        csv.push_str(&format!("E{i},E{i}-1,Hiba,Errorova,,female,31/02/1990,RU,claimed,,Roj,2019,,,,bad date\n"));
    }
    let p = preview(&app, &s, CSV, csv.into_bytes()).await;
    assert_eq!(p["problems"].as_array().map(Vec::len), Some(1_000), "listed");
    assert_eq!(p["problems_total"], 1_001, "counted");
    assert_eq!(p["committable"], false);
    let id = p["id"].as_str().unwrap_or_default();
    let page = app.get(&format!("/imports/{id}"), &s).await.text().await.unwrap_or_default();
    assert!(page.contains("(1001)"), "the page counts them all");
    assert!(page.contains("data-testid=\"import-problems-listed\""), "and says only the first are listed");
}

#[actix_web::test]
async fn kinship_across_families_is_written_whichever_family_comes_first() {
    // The commit writes a link once both of its rows are written, and keeps a written person
    // only until then: a relative in an earlier family, in a later one, and a family whose
    // rows are far apart must all be linked to the right person.
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    let file = "family,person_key,given_name,family_name,birth,relation,relative\n\
                F1,F1-1,Amal,Crossfam,1960,,\n\
                F2,F2-1,Huda,Crossfam,1985,child_of,F1-1\n\
                F3,F3-1,Nour,Crossfam,2010,child_of,F4-1\n\
                F4,F4-1,Dana,Crossfam,1988,,\n\
                F1,F1-2,Omar,Crossfam,1962,sibling_of,F4-1\n";
    let done = preview_and_commit(&app, &s, file.as_bytes().to_vec()).await;
    assert_eq!((done["persons"].as_u64(), done["kinship_links"].as_u64()), (Some(5), Some(3)), "{done}");
    for (a, b) in [("Huda", "Amal"), ("Nour", "Dana"), ("Omar", "Dana")] {
        let linked = app.count(&format!(
            "kinships k JOIN persons x ON x.id = k.person_id JOIN persons y ON y.id = k.relative_id \
             WHERE (x.given_name = '{a}' AND y.given_name = '{b}') OR (x.given_name = '{b}' AND y.given_name = '{a}')"
        ));
        assert!(linked >= 1, "{a} and {b} are linked");
    }
    assert_eq!(app.count("kinships k JOIN persons x ON x.id = k.person_id WHERE x.given_name = 'Amal' AND x.family_name = 'Crossfam'") + app.count("kinships k JOIN persons y ON y.id = k.relative_id WHERE y.given_name = 'Amal'"), 1, "Amal only with Huda");
}
