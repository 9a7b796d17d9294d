//! Exports: CSV with a byte-order mark and neutralised formulas, XLSX right to left in Arabic, an
//! AES-encrypted zip that opens with its password only, a purpose asked and registered with its
//! audit event, and refusals that register nothing.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use serde_json::{json, Value};
use std::io::Read;

async fn fixture(app: &TestApp, s: &Session) -> Value {
    let fam = json(app.post("/api/v1/families", s, intake_body(app, "Export")).await).await;
    let amira = fam["members"][0]["id"].clone();
    let body = json!({"family_id": fam["id"], "destination": "FR", "members": [amira],
                      "next_action": "=HYPERLINK(\"http://evil.example\")"});
    let res = app.post("/api/v1/cases", s, body).await;
    assert_eq!(res.status(), 201);
    fam
}

async fn export(app: &TestApp, s: &Session, body: Value, lang: &str) -> reqwest::Response {
    app.client
        .post(format!("{}/api/v1/exports", app.address))
        .header("Cookie", format!("homeward_session={}", s.0))
        .header("Accept-Language", lang)
        .json(&body)
        .send()
        .await
        .expect("sent")
}

#[actix_web::test]
async fn a_csv_export_has_a_bom_neutralised_formulas_and_is_registered_with_its_purpose() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    fixture(&app, &s).await;
    let res = export(&app, &s, json!({"kind": "cases", "purpose": "monthly report to the board"}), "en").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("text/csv; charset=utf-8"));
    assert!(res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment")));
    let bytes = res.bytes().await.expect("body");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 byte-order mark");
    let text = String::from_utf8_lossy(&bytes[3..]).to_string();
    let mut lines = text.lines();
    assert!(lines.next().is_some_and(|h| h.starts_with("Case id,Family,Destination,Status")), "{text}");
    assert!(text.contains("'=HYPERLINK"), "the formula is kept as text: {text}");
    assert_eq!(text.lines().count(), 2);
    assert_eq!(
        app.count("exports WHERE kind = 'cases' AND row_count = 1 AND purpose = 'monthly report to the board'"),
        1
    );
    assert!(app.audit_actions().iter().any(|(_, a, _)| a == "export.create"));
    // Chosen columns, in Arabic.
    let body = json!({"kind": "cases", "columns": ["status", "family"], "purpose": "for the embassy"});
    let text = export(&app, &s, body, "ar").await.text().await.unwrap_or_default();
    assert!(text.trim_start_matches('\u{feff}').starts_with("الوضع,العائلة"), "{text}");
}

fn sheet_of(xlsx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).expect("an xlsx is a zip");
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml").expect("sheet").read_to_string(&mut sheet).expect("read");
    sheet
}

#[actix_web::test]
async fn an_xlsx_export_is_right_to_left_in_arabic_and_a_protected_one_opens_with_its_password_only() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Org A").await;
    fixture(&app, &s).await;
    let body = json!({"kind": "persons", "format": "xlsx", "purpose": "lists for the field visit", "filters": {"nationality": "FR"}});
    let res = export(&app, &s, body.clone(), "ar").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("x-export-rows").and_then(|v| v.to_str().ok()),
        Some("2"),
        "Amira and Yusuf hold FR claims"
    );
    let sheet = sheet_of(&res.bytes().await.expect("body"));
    assert!(sheet.contains("rightToLeft=\"1\""), "{sheet}");
    let english = sheet_of(&export(&app, &s, body, "en").await.bytes().await.expect("body"));
    assert!(!english.contains("rightToLeft"));
    let protected = json!({"kind": "persons", "purpose": "to the lawyer", "password": "correct horse battery"});
    let res = export(&app, &s, protected, "en").await;
    assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/zip"));
    let bytes = res.bytes().await.expect("body");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("zip");
    assert!(zip.by_index_decrypt(0, b"wrong password!").is_err(), "a wrong password opens nothing");
    let mut csv = String::new();
    zip.by_index_decrypt(0, b"correct horse battery").expect("opens").read_to_string(&mut csv).expect("read");
    assert!(csv.contains("Amira") && csv.contains("Maryam"), "{csv}");
    assert_eq!(app.count("exports WHERE encrypted"), 1);
}

#[actix_web::test]
async fn a_refused_export_says_why_and_registers_nothing() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Coordinator, "Org A").await;
    for (body, field) in [
        (json!({"kind": "cases", "purpose": ""}), "purpose"),
        (json!({"kind": "everything", "purpose": "board"}), "kind"),
        (json!({"kind": "cases", "format": "pdf", "purpose": "board"}), "format"),
        (json!({"kind": "cases", "purpose": "board", "columns": ["password_hash"]}), "columns[0]"),
        (json!({"kind": "cases", "purpose": "board", "password": "short"}), "password"),
        (json!({"kind": "cases", "purpose": "board", "filters": {"status": "flying"}}), "status"),
    ] {
        let err = assert_error(export(&app, &s, body, "en").await, 422, "validation_failed").await;
        assert!(err["error"]["fields"][field].is_array(), "{field}: {err}");
    }
    assert_eq!(app.count("exports"), 0);
    let (_, admin) = app.signed_in(Role::Admin, "Org A").await;
    assert_error(export(&app, &admin, json!({"kind": "cases", "purpose": "board"}), "en").await, 403, "forbidden")
        .await;
}
