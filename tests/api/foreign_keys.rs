//! Every foreign key has an index that starts with its first column, on both databases: without
//! one, a lookup from the referenced side (or a delete there) scans the whole table, which at
//! 500,000 persons takes seconds.

use crate::helpers::*;
use diesel::sql_types::Text;
use diesel::{QueryableByName, RunQueryDsl};

#[derive(QueryableByName)]
struct Unindexed {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

const SQLITE: &str = "
    SELECT m.name AS table_name, f.\"from\" AS column_name
    FROM sqlite_master m, pragma_foreign_key_list(m.name) f
    WHERE m.type = 'table' AND f.seq = 0
      AND NOT EXISTS (SELECT 1 FROM pragma_index_list(m.name) il, pragma_index_info(il.name) ii
                      WHERE ii.seqno = 0 AND ii.name = f.\"from\")
      AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) t WHERE t.pk = 1 AND t.name = f.\"from\")
    ORDER BY 1, 2";

const POSTGRES: &str = "
    SELECT c.conrelid::regclass::text AS table_name, a.attname::text AS column_name
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
    ORDER BY 1, 2";

#[actix_web::test]
async fn every_foreign_key_is_indexed() {
    let app = spawn_app().await;
    let sql = if backend() == "postgres" { POSTGRES } else { SQLITE };
    let missing: Vec<String> = diesel::sql_query(sql)
        .load::<Unindexed>(&mut *app.conn())
        .expect("catalog query")
        .into_iter()
        .map(|u| format!("{}.{}", u.table_name, u.column_name))
        .collect();
    assert!(missing.is_empty(), "foreign keys without an index: {missing:?}");
}
