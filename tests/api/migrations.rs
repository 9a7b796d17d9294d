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
