//! `homeward backup` and `homeward restore` as an operator runs them: real processes against
//! the test database (SQLite file or PostgreSQL), while the server keeps writing.

use crate::helpers::*;
use crate::registry::intake_body;
use homeward::domain::role::Role;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn homeward(url: &str, args: &[&str], passphrase: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_homeward"));
    cmd.args(args)
        .env("HOMEWARD_DATABASE_URL", url)
        .env("HOMEWARD_CONFIG", "/nonexistent/homeward.toml")
        .env_remove("HOMEWARD_BACKUP_PASSPHRASE");
    if let Some(p) = passphrase {
        cmd.env("HOMEWARD_BACKUP_PASSPHRASE", p);
    }
    cmd.output().expect("run homeward")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn header(path: &Path) -> serde_json::Value {
    let raw = std::fs::read(path).expect("backup file");
    let line = raw.split(|b| *b == b'\n').nth(1).expect("header line");
    serde_json::from_slice(line).expect("header json")
}

#[actix_web::test]
async fn a_backup_taken_during_writes_restores_exactly_what_it_counted() {
    let app = spawn_app().await;
    let (worker, s) = app.signed_in(Role::Caseworker, "Backup Org").await;
    let first = json(app.post("/api/v1/families", &s, intake_body(&app, "Haddad")).await).await;
    let before = app.count("families");

    // Intakes keep arriving while the backup runs.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (address, client, s, stop) = (app.address.clone(), app.client.clone(), s.clone(), stop.clone());
        let body = intake_body(&app, "Karimova");
        actix_rt::spawn(async move {
            let mut acknowledged = 0;
            while !stop.load(Ordering::Relaxed) {
                let res = client
                    .post(format!("{address}/api/v1/families"))
                    .header("Cookie", format!("homeward_session={}", s.0))
                    .json(&body)
                    .send()
                    .await
                    .expect("intake during backup");
                if res.status() == 201 {
                    acknowledged += 1;
                }
            }
            acknowledged
        })
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("homeward.backup");
    let url = app.settings.database_url.clone();
    let (out, file) = {
        let file = file.clone();
        actix_web::rt::task::spawn_blocking(move || {
            (homeward(&url, &["backup", "--to", &file.to_string_lossy()], None), file)
        })
        .await
        .expect("backup thread")
    };
    stop.store(true, Ordering::Relaxed);
    let acknowledged = writer.await.expect("writer");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("NOT encrypted"));
    let after = app.count("families");
    assert!(acknowledged > 0, "intakes went on during the backup");
    assert_eq!(after, before + acknowledged, "every acknowledged intake is in the live database");

    let h = header(&file);
    let counted = h["counts"]["families"].as_i64().expect("families counted");
    assert!((before..=after).contains(&counted), "{before} <= {counted} <= {after}");
    assert!(app.audit_actions().iter().any(|(_, a, _)| a == "backup.created"), "the backup is audited");

    // Restored into an empty database: the same rows, the chain intact, and it serves.
    let target_dir = tempfile::tempdir().expect("temp dir");
    let target = fresh_database(&target_dir);
    let out = homeward(&target, &["restore", &file.to_string_lossy()], None);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("verified"), "{}", text(&out));
    let restored = app.server_on(&target).await;
    assert_eq!(restored.count("families"), counted);
    assert_eq!(restored.count("persons"), h["counts"]["persons"].as_i64().expect("persons"));
    let verify = homeward(&target, &["audit", "verify"], None);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(restored.audit_actions().iter().any(|(_, a, _)| a == "backup.restored"));
    let again = restored.login(&worker).await;
    let family = restored.get(&format!("/api/v1/families/{}", first["id"].as_str().expect("id")), &again).await;
    assert_eq!(family.status(), 200);
    assert_eq!(json(family).await["members"].as_array().map(Vec::len), Some(3));

    // A second restore over it is refused unless asked for, and then keeps what it replaced.
    let out = homeward(&target, &["restore", &file.to_string_lossy()], None);
    assert!(!out.status.success());
    assert!(text(&out).contains("--replace"), "{}", text(&out));
    drop(restored);
    let out = homeward(&target, &["restore", "--replace", &file.to_string_lossy()], None);
    assert!(out.status.success(), "{}", text(&out));
    if backend() == "sqlite" {
        assert!(text(&out).contains("the database it replaced is kept at"), "{}", text(&out));
    }
}

#[actix_web::test]
async fn an_encrypted_backup_needs_its_passphrase_and_refuses_any_change() {
    let app = spawn_app().await;
    let (_, s) = app.signed_in(Role::Caseworker, "Backup Org").await;
    assert_eq!(app.post("/api/v1/families", &s, intake_body(&app, "Haddad")).await.status(), 201);
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("sealed.backup");
    let url = &app.settings.database_url;
    let path = file.to_string_lossy().into_owned();

    let short = homeward(url, &["backup", "--to", &path], Some("too short"));
    assert!(!short.status.success() && text(&short).contains("at least 12"), "{}", text(&short));
    assert!(!file.exists());
    let out = homeward(url, &["backup", "--to", &path], Some("a long fictional passphrase"));
    assert!(out.status.success(), "{}", text(&out));
    let raw = std::fs::read(&file).expect("backup");
    // The names written at intake are not readable in the file.
    assert!(!raw.windows(6).any(|w| w == b"Haddad"), "the payload is encrypted");
    let again = homeward(url, &["backup", "--to", &path], Some("a long fictional passphrase"));
    assert!(!again.status.success() && text(&again).contains("already exists"), "never overwritten");

    let target_dir = tempfile::tempdir().expect("temp dir");
    let target = fresh_database(&target_dir);
    let untouched = |target: &str| {
        // Nothing was written: no SQLite file, or no schema on PostgreSQL.
        if backend() == "sqlite" {
            !Path::new(target).exists()
        } else {
            let out = homeward(target, &["audit", "verify"], None);
            // `audit verify` migrates an empty database first; the point is it had no backup's rows.
            text(&out).contains("intact: 0 events")
        }
    };
    let none = homeward(&target, &["restore", &path], None);
    assert!(text(&none).contains("encrypted: give its passphrase"), "{}", text(&none));
    let wrong = homeward(&target, &["restore", &path], Some("not the passphrase at all"));
    assert!(!wrong.status.success() && text(&wrong).contains("wrong passphrase"), "{}", text(&wrong));
    let mut flipped = raw.clone();
    let last = flipped.len() - 40;
    flipped[last] ^= 0x20;
    let damaged = dir.path().join("damaged.backup");
    std::fs::write(&damaged, &flipped).expect("write");
    let bad = homeward(&target, &["restore", &damaged.to_string_lossy()], Some("a long fictional passphrase"));
    assert!(!bad.status.success() && text(&bad).contains("damaged"), "{}", text(&bad));
    // An unencrypted file where an encrypted one is expected, and a backup of a newer release.
    let plain = dir.path().join("plain.backup");
    let out = homeward(url, &["backup", "--to", &plain.to_string_lossy()], None);
    assert!(out.status.success(), "{}", text(&out));
    let forged = homeward(&target, &["restore", &plain.to_string_lossy()], Some("a long fictional passphrase"));
    assert!(!forged.status.success() && text(&forged).contains("not encrypted"), "{}", text(&forged));
    let raw = std::fs::read(&plain).expect("plain");
    let newer = dir.path().join("newer.backup");
    let text_of = String::from_utf8_lossy(&raw[..raw.len().min(4096)]).into_owned();
    let schema = text_of.split("\"schema\":\"").nth(1).and_then(|r| r.split('"').next()).expect("schema").to_string();
    let edited = replace_once(&raw, format!("\"schema\":\"{schema}\"").as_bytes(), b"\"schema\":\"99991231000099\"");
    std::fs::write(&newer, edited).expect("write");
    let out = homeward(&target, &["restore", &newer.to_string_lossy()], None);
    assert!(!out.status.success() && text(&out).contains("newer release"), "{}", text(&out));
    assert!(untouched(&target), "a refused restore writes nothing");
}

fn replace_once(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let at = haystack.windows(from.len()).position(|w| w == from).expect("found");
    [&haystack[..at], to, &haystack[at + from.len()..]].concat()
}
