//! Bulk writes for synthetic data and imports: rows are buffered and written a few thousand
//! at a time. On SQLite as multi-row `INSERT ... VALUES (...), (...)` statements with bound
//! values (under its 32,766 bound variables); on PostgreSQL as `INSERT ... SELECT * FROM
//! unnest($1::text[], ...)`, one array per column: a statement of thousands of parameters
//! costs PostgreSQL more to parse and bind than the rows cost to write (a 50,000-row import
//! spent three quarters of its commit there). The caller runs it inside its transaction.

use crate::db::{DbConnection, MultiBackend};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::sql_types::{BigInt, Bool, Date, Double, Integer, Nullable, Text, Timestamp};
use diesel::{QueryResult, RunQueryDsl};

/// Bound cells per statement (both databases accept it).
const CELLS_PER_STATEMENT: usize = 30_000;

/// One value to write, typed so that a NULL binds with the column's type on PostgreSQL.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    OptText(Option<String>),
    OptInt(Option<i32>),
    BigInt(i64),
    Bool(bool),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
    Stamp(NaiveDateTime),
    Float(f64),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

/// Rows for one table, written in batches.
pub struct Bulk {
    table: &'static str,
    columns: &'static [&'static str],
    rows: Vec<Vec<Cell>>,
    /// Appended to each statement (an `ON CONFLICT` clause), or empty.
    suffix: &'static str,
    /// Rows written so far.
    pub written: usize,
}

impl Bulk {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Bulk {
        Bulk { table, columns, rows: Vec::new(), suffix: "", written: 0 }
    }

    /// Rows whose statements end with `suffix`, e.g. `ON CONFLICT (...) DO UPDATE SET ...`
    /// (the same syntax on both databases).
    pub fn with_suffix(table: &'static str, columns: &'static [&'static str], suffix: &'static str) -> Bulk {
        Bulk { table, columns, rows: Vec::new(), suffix, written: 0 }
    }

    /// Adds a row (its cells in the order of `columns`). The caller flushes (in the order the
    /// foreign keys need) when [`Bulk::is_full`].
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "{}", self.table);
        self.rows.push(row);
    }

    /// True when the next statement would hold as many cells as one statement may.
    pub fn is_full(&self) -> bool {
        (self.rows.len() + 1) * self.columns.len() > CELLS_PER_STATEMENT
    }

    /// Writes what is buffered, in statements of at most the cells one statement may hold.
    pub fn flush(&mut self, conn: &mut DbConnection) -> QueryResult<()> {
        let per_statement = (CELLS_PER_STATEMENT / self.columns.len().max(1)).max(1);
        while self.rows.len() > per_statement {
            let rest = self.rows.split_off(per_statement);
            self.flush_all(conn)?;
            self.rows = rest;
        }
        self.flush_all(conn)
    }

    fn flush_all(&mut self, conn: &mut DbConnection) -> QueryResult<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let rows = self.rows.len();
        if let DbConnection::Pg(pg) = conn {
            self.flush_arrays(pg)?;
            tracing::trace!(table = self.table, rows, ms = started.elapsed().as_millis(), "bulk statement");
            return Ok(());
        }
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.table, self.columns.join(", "));
        for (r, row) in self.rows.iter().enumerate() {
            sql.push_str(if r == 0 { "(" } else { ", (" });
            for c in 0..row.len() {
                if c > 0 {
                    sql.push_str(", ");
                }
                sql.push('?');
            }
            sql.push(')');
        }
        if !self.suffix.is_empty() {
            sql.push(' ');
            sql.push_str(self.suffix);
        }
        let mut q = diesel::sql_query(sql).into_boxed::<MultiBackend>();
        for row in self.rows.drain(..) {
            for cell in row {
                q = match cell {
                    Cell::Text(v) => q.bind::<Text, _>(v),
                    Cell::OptText(v) => q.bind::<Nullable<Text>, _>(v),
                    Cell::OptInt(v) => q.bind::<Nullable<Integer>, _>(v),
                    Cell::BigInt(v) => q.bind::<BigInt, _>(v),
                    Cell::Bool(v) => q.bind::<Bool, _>(v),
                    Cell::Date(v) => q.bind::<Date, _>(v),
                    Cell::OptDate(v) => q.bind::<Nullable<Date>, _>(v),
                    Cell::Stamp(v) => q.bind::<Timestamp, _>(v),
                    Cell::Float(v) => q.bind::<Double, _>(v),
                };
            }
            self.written += 1;
        }
        q.execute(conn)?;
        tracing::trace!(table = self.table, rows, ms = started.elapsed().as_millis(), "bulk statement");
        Ok(())
    }
}

/// One column's values, as an array bound to PostgreSQL.
enum Column {
    Text(Vec<Option<String>>),
    Int(Vec<Option<i32>>),
    BigInt(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Date(Vec<Option<NaiveDate>>),
    Stamp(Vec<Option<NaiveDateTime>>),
    Float(Vec<Option<f64>>),
}

impl Column {
    /// The column a cell belongs in, and the type of its array.
    fn of(cell: &Cell, n: usize) -> (Column, &'static str) {
        match cell {
            Cell::Text(_) | Cell::OptText(_) => (Column::Text(Vec::with_capacity(n)), "text[]"),
            Cell::OptInt(_) => (Column::Int(Vec::with_capacity(n)), "int4[]"),
            Cell::BigInt(_) => (Column::BigInt(Vec::with_capacity(n)), "int8[]"),
            Cell::Bool(_) => (Column::Bool(Vec::with_capacity(n)), "bool[]"),
            Cell::Date(_) | Cell::OptDate(_) => (Column::Date(Vec::with_capacity(n)), "date[]"),
            Cell::Stamp(_) => (Column::Stamp(Vec::with_capacity(n)), "timestamp[]"),
            Cell::Float(_) => (Column::Float(Vec::with_capacity(n)), "float8[]"),
        }
    }

    /// Adds a cell; false when it is not of this column's type.
    fn push(&mut self, cell: Cell) -> bool {
        match (self, cell) {
            (Column::Text(v), Cell::Text(x)) => v.push(Some(x)),
            (Column::Text(v), Cell::OptText(x)) => v.push(x),
            (Column::Int(v), Cell::OptInt(x)) => v.push(x),
            (Column::BigInt(v), Cell::BigInt(x)) => v.push(Some(x)),
            (Column::Bool(v), Cell::Bool(x)) => v.push(Some(x)),
            (Column::Date(v), Cell::Date(x)) => v.push(Some(x)),
            (Column::Date(v), Cell::OptDate(x)) => v.push(x),
            (Column::Stamp(v), Cell::Stamp(x)) => v.push(Some(x)),
            (Column::Float(v), Cell::Float(x)) => v.push(Some(x)),
            _ => return false,
        }
        true
    }
}

impl Bulk {
    /// PostgreSQL: the buffered rows as one array per column, in one statement.
    fn flush_arrays(&mut self, conn: &mut diesel::PgConnection) -> QueryResult<()> {
        use diesel::pg::Pg;
        use diesel::sql_types::Array;
        let n = self.rows.len();
        let mut columns: Vec<Column> = Vec::with_capacity(self.columns.len());
        let mut types = Vec::with_capacity(self.columns.len());
        for cell in &self.rows[0] {
            let (c, t) = Column::of(cell, n);
            columns.push(c);
            types.push(t);
        }
        for row in self.rows.drain(..) {
            for (cell, column) in row.into_iter().zip(columns.iter_mut()) {
                if !column.push(cell) {
                    let message = format!("bulk rows of {} mix the types of a column", self.table);
                    return Err(diesel::result::Error::QueryBuilderError(message.into()));
                }
            }
            self.written += 1;
        }
        let arrays: Vec<String> = types.iter().enumerate().map(|(i, t)| format!("${}::{t}", i + 1)).collect();
        let mut sql = format!(
            "INSERT INTO {} ({}) SELECT * FROM unnest({})",
            self.table,
            self.columns.join(", "),
            arrays.join(", ")
        );
        if !self.suffix.is_empty() {
            sql.push(' ');
            sql.push_str(self.suffix);
        }
        let mut q = diesel::sql_query(sql).into_boxed::<Pg>();
        for column in columns {
            q = match column {
                Column::Text(v) => q.bind::<Array<Nullable<Text>>, _>(v),
                Column::Int(v) => q.bind::<Array<Nullable<Integer>>, _>(v),
                Column::BigInt(v) => q.bind::<Array<Nullable<BigInt>>, _>(v),
                Column::Bool(v) => q.bind::<Array<Nullable<Bool>>, _>(v),
                Column::Date(v) => q.bind::<Array<Nullable<Date>>, _>(v),
                Column::Stamp(v) => q.bind::<Array<Nullable<Timestamp>>, _>(v),
                Column::Float(v) => q.bind::<Array<Nullable<Double>>, _>(v),
            };
        }
        q.execute(conn)?;
        Ok(())
    }
}

/// The columns of the registry's tables as the bulk writers write them (synthetic data and
/// imports), so that both write the same rows.
pub mod columns {
    pub const FAMILIES: &[&str] = &["id", "organisation_id", "label", "notes", "created_at", "updated_at", "version"];
    pub const PERSONS: &[&str] = &[
        "id",
        "organisation_id",
        "family_id",
        "given_name",
        "family_name",
        "sex",
        "birth_earliest",
        "birth_latest",
        "place_of_birth",
        "left_home_earliest",
        "left_home_latest",
        "left_home_age",
        "date_of_death",
        "notes",
        "created_at",
        "updated_at",
        "version",
    ];
    pub const FLAGS: &[&str] = &["person_id", "organisation_id", "flag"];
    pub const WISHES: &[&str] =
        &["id", "person_id", "organisation_id", "wish", "recorded_on", "recorded_at", "actor_id"];
    pub const NAMES: &[&str] = &["id", "person_id", "organisation_id", "kind", "script", "name", "created_at"];
    pub const CLAIMS: &[&str] = &[
        "id",
        "person_id",
        "organisation_id",
        "country_code",
        "status",
        "basis",
        "decision_earliest",
        "decision_latest",
        "legal_note",
        "source",
        "created_at",
        "updated_at",
        "version",
    ];
    pub const CUSTODY: &[&str] = &[
        "id",
        "person_id",
        "organisation_id",
        "kind",
        "facility_id",
        "event_earliest",
        "event_latest",
        "note",
        "created_at",
    ];
    pub const KINSHIPS: &[&str] = &["id", "organisation_id", "person_id", "relative_id", "kind", "created_at"];
    pub const HISTORY: &[&str] = &[
        "id",
        "organisation_id",
        "family_id",
        "entity_type",
        "entity_id",
        "field",
        "old_value",
        "new_value",
        "actor_id",
        "request_id",
        "changed_at",
    ];
    pub const AUDIT: &[&str] = &[
        "seq",
        "occurred_at",
        "actor_id",
        "organisation_id",
        "action",
        "entity_type",
        "entity_id",
        "request_id",
        "outcome",
        "prev_hash",
        "hash",
    ];
}
