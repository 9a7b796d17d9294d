//! The two migration trees stay in lockstep.

use std::collections::BTreeSet;
use std::path::Path;

fn names(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("migration directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_sqlite_and_postgres_migration_trees_have_the_same_names() {
    let (sqlite, postgres) = (names("migrations/sqlite"), names("migrations/postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    for name in &sqlite {
        for file in ["up.sql", "down.sql"] {
            for tree in ["migrations/sqlite", "migrations/postgres"] {
                let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(tree).join(name).join(file);
                assert!(path.exists(), "{} missing", path.display());
            }
        }
    }
}

/// Every migration file's SHA-256, as locked in `migrations/lock.txt`.
#[test]
fn applied_migrations_are_never_edited() {
    use sha2::{Digest, Sha256};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let lock = std::fs::read_to_string(root.join("lock.txt")).expect("migrations/lock.txt");
    let locked: std::collections::BTreeMap<String, String> = lock
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once("  ").map(|(h, f)| (f.to_string(), h.to_string())))
        .collect();
    for tree in ["sqlite", "postgres"] {
        for name in names(&format!("migrations/{tree}")) {
            for file in ["up.sql", "down.sql"] {
                let rel = format!("{tree}/{name}/{file}");
                let text = std::fs::read(root.join(&rel)).expect("migration file");
                let hash = hex::encode(Sha256::digest(&text));
                match locked.get(&rel) {
                    None => panic!("{rel} is not in migrations/lock.txt: add the line `{hash}  {rel}`"),
                    Some(h) => assert_eq!(
                        h, &hash,
                        "{rel} changed after it was locked: migrations are append-only; revert it and add a new migration"
                    ),
                }
            }
        }
    }
}

/// A database made with the previous schema, with a family in it, is upgraded without losing
/// anything: departure dates kept as text become date ranges, flags and wishes move to their
/// tables, child records get their organisation, facilities get their codes.
#[test]
fn a_database_from_before_the_core_rework_is_upgraded_with_its_data() {
    use crate::helpers::{count_in, fresh_database};
    use diesel::RunQueryDsl;
    let dir = tempfile::tempdir().expect("dir");
    let url = fresh_database(&dir);
    let pool = homeward::db::connect(&url, 1).expect("pool");
    let mut conn = pool.get().expect("conn");
    for _ in 0..3 {
        homeward::db::migrate_one(&mut conn).expect("old migration").expect("one applied");
    }
    let c: &mut homeward::db::DbConnection = &mut conn;
    let stamp = "'2026-01-01 00:00:00'";
    for sql in [
        format!("INSERT INTO organisations (id, name, created_at, version) VALUES ('o1', 'Old org', {stamp}, 1)"),
        "INSERT INTO countries (code, name) VALUES ('FR', 'France')".to_string(),
        "INSERT INTO countries (code, name) VALUES ('SY', 'Syria')".to_string(),
        format!("INSERT INTO facilities (id, name, kind, country_code, notes, created_at, updated_at, version) VALUES ('00000000-0000-4000-8000-0000000000f1', 'al-Hol', 'camp', 'SY', '', {stamp}, {stamp}, 1)"),
        format!("INSERT INTO families (id, organisation_id, label, notes, created_at, updated_at, version) VALUES ('00000000-0000-4000-8000-0000000000a1', 'o1', 'Old family', '', {stamp}, {stamp}, 1)"),
        format!("INSERT INTO persons (id, organisation_id, family_id, given_name, family_name, sex, birth_year, birth_month, birth_margin, birth_earliest, birth_latest, place_of_birth, left_home, wish, wish_recorded_on, unaccompanied_minor, orphan, medical_need, disability, notes, search_key, stateless, at_risk, custody_status, current_facility_id, created_at, updated_at, version) VALUES ('00000000-0000-4000-8000-0000000000b1', 'o1', '00000000-0000-4000-8000-0000000000a1', 'Amira', 'Old', 'female', 1994, 6, 0, '1994-06-01', '1994-06-30', '', '2014-09', 'go_home', '2025-10-02', FALSE, TRUE, TRUE, FALSE, '', 'amira old', FALSE, FALSE, 'held', '00000000-0000-4000-8000-0000000000f1', {stamp}, {stamp}, 3)"),
        format!("INSERT INTO persons (id, organisation_id, family_id, given_name, family_name, sex, birth_margin, place_of_birth, left_home, wish, unaccompanied_minor, orphan, medical_need, disability, notes, search_key, stateless, at_risk, custody_status, created_at, updated_at, version) VALUES ('00000000-0000-4000-8000-0000000000b2', 'o1', '00000000-0000-4000-8000-0000000000a1', 'Yusuf', 'Old', 'male', 0, '', '2013~2', 'not_asked', FALSE, FALSE, FALSE, FALSE, '', 'yusuf old', TRUE, TRUE, 'unknown', {stamp}, {stamp}, 1)"),
        format!("INSERT INTO person_names (id, person_id, kind, script, name, created_at) VALUES ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000b1', 'other_script', 'arabic', 'أميرة', {stamp})"),
        format!("INSERT INTO nationality_claims (id, person_id, country_code, status, basis, decision_date, legal_note, source, created_at, updated_at, version) VALUES ('00000000-0000-4000-8000-0000000000d1', '00000000-0000-4000-8000-0000000000b1', 'FR', 'revoked', 'birth', '2020-02-11', '', '', {stamp}, {stamp}, 1)"),
        format!("INSERT INTO custody_events (id, person_id, kind, facility_id, event_year, event_month, event_day, event_margin, event_earliest, note, created_at) VALUES ('00000000-0000-4000-8000-0000000000e1', '00000000-0000-4000-8000-0000000000b1', 'admitted', '00000000-0000-4000-8000-0000000000f1', 2019, 3, NULL, 0, '2019-03-01', '', {stamp})"),
        format!("INSERT INTO kinships (id, organisation_id, person_id, relative_id, kind, created_at) VALUES ('00000000-0000-4000-8000-0000000000a9', 'o1', '00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-0000000000b2', 'parent_of', {stamp})"),
        format!("INSERT INTO policy_versions (id, country_code, number, status, effective_from, summary, source, source_url, note, rules, created_at, updated_at, version) VALUES ('00000000-0000-4000-8000-000000000099', 'FR', 1, 'published', '2020-01-01', '', '', '', '', '[{{\"when\":{{\"type\":\"in_facility\",\"any_of\":[\"al-Hol\"]}},\"outcome\":\"case_by_case\",\"explanation\":\"x\"}},{{\"when\":{{\"type\":\"always\"}},\"outcome\":\"not_eligible\",\"explanation\":\"y\"}}]', {stamp}, {stamp}, 1)"),
    ] {
        diesel::sql_query(sql.as_str()).execute(c).unwrap_or_else(|e| panic!("{e}: {sql}"));
    }
    homeward::db::migrate(c).expect("upgrade");
    let q = |c: &mut homeward::db::DbConnection, w: &str| count_in(c, w);
    assert_eq!(
        q(c, "persons WHERE left_home_earliest = '2014-09-01' AND left_home_latest = '2014-09-30'"),
        1,
        "YYYY-MM"
    );
    assert_eq!(
        q(c, "persons WHERE left_home_earliest = '2011-01-01' AND left_home_latest = '2015-12-31'"),
        1,
        "YYYY~m"
    );
    assert_eq!(q(c, "person_flags WHERE flag IN ('orphan', 'medical_need')"), 2);
    assert_eq!(q(c, "person_wishes WHERE wish = 'go_home' AND recorded_on = '2025-10-02'"), 1);
    assert_eq!(q(c, "person_derived WHERE current_facility_id IS NOT NULL AND search_key = 'amira old'"), 1);
    assert_eq!(q(c, "person_names WHERE organisation_id = 'o1'"), 1);
    assert_eq!(q(c, "nationality_claims WHERE organisation_id = 'o1' AND decision_earliest = '2020-02-11'"), 1);
    assert_eq!(q(c, "custody_events WHERE organisation_id = 'o1' AND event_latest = '2019-03-31'"), 1);
    assert_eq!(q(c, "kinships"), 1);
    assert_eq!(q(c, "facilities WHERE code = 'al-hol'"), 1);
    assert_eq!(q(c, "policy_versions WHERE rules LIKE '%\"al-hol\"%'"), 1, "rules now name facilities by code");
    assert_eq!(q(c, "persons WHERE version = 3"), 1, "versions kept");
    // The names already there are in the search index (SQLite's FTS5 table is filled by the
    // migration; PostgreSQL's trigram index covers the column itself).
    let found = if crate::helpers::backend() == "postgres" {
        q(c, "person_derived WHERE (' ' || search_key) LIKE '%amira%'")
    } else {
        q(c, "person_search WHERE person_search MATCH '\"amira\"'")
    };
    assert_eq!(found, 1, "an upgraded registry is searchable");
}
