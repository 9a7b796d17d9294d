//! Hand-written SQL with binds, for the queries diesel's DSL cannot say on two backends at once
//! (correlated `EXISTS` filters, joins with computed conditions). Placeholders are written for
//! the connection's backend (`?` on SQLite, `$n` on PostgreSQL); values are always bound, never
//! spliced into the text.

use crate::db::{backend, Backend, DbConnection, MultiBackend};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Bool, Date, Double, Integer, Nullable, Text, Timestamp};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};

/// A bound value.
#[derive(Debug, Clone)]
pub enum Value {
    Text(String),
    Int(i32),
    BigInt(i64),
    Bool(bool),
    Date(NaiveDate),
    Stamp(NaiveDateTime),
    /// A text or NULL.
    OptText(Option<String>),
    Float(f64),
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Value {
        Value::Int(n)
    }
}
impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::BigInt(n)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}
impl From<NaiveDateTime> for Value {
    fn from(t: NaiveDateTime) -> Value {
        Value::Stamp(t)
    }
}
impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Value {
        Value::OptText(s)
    }
}
impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}
impl From<NaiveDate> for Value {
    fn from(d: NaiveDate) -> Value {
        Value::Date(d)
    }
}

/// A statement being written, with its binds.
#[derive(Debug, Clone)]
pub struct Sql {
    pg: bool,
    text: String,
    binds: Vec<Value>,
}

/// One count.
#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl Sql {
    /// An empty statement for this connection's backend.
    pub fn new(conn: &DbConnection) -> Sql {
        Sql { pg: backend(conn) == Backend::Postgres, text: String::new(), binds: Vec::new() }
    }

    /// True on PostgreSQL (for the few shapes that differ, such as the name-search index).
    pub fn is_pg(&self) -> bool {
        self.pg
    }

    /// Puts SQL text (never user input) in front of the statement, e.g. to make it a subquery.
    pub fn wrap(mut self, prefix: &str) -> Sql {
        self.text.insert_str(0, prefix);
        self
    }

    /// Appends SQL text (never user input).
    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    /// Appends `a, b, c` as placeholders bound to each value (a bounded chunk: the caller keeps
    /// the list short).
    pub fn bind_list<'v>(&mut self, values: impl IntoIterator<Item = &'v str>) -> &mut Sql {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(v);
        }
        self
    }

    /// Appends a placeholder bound to `value`.
    pub fn bind(&mut self, value: impl Into<Value>) -> &mut Sql {
        self.binds.push(value.into());
        if self.pg {
            self.text.push_str(&format!("${}", self.binds.len()));
        } else {
            self.text.push('?');
        }
        self
    }

    fn query(self) -> BoxedSqlQuery<'static, MultiBackend, SqlQuery> {
        let mut q = diesel::sql_query(self.text).into_boxed::<MultiBackend>();
        for v in self.binds {
            q = match v {
                Value::Text(s) => q.bind::<Text, _>(s),
                Value::Int(n) => q.bind::<Integer, _>(n),
                Value::BigInt(n) => q.bind::<BigInt, _>(n),
                Value::Bool(b) => q.bind::<Bool, _>(b),
                Value::Date(d) => q.bind::<Date, _>(d),
                Value::Stamp(t) => q.bind::<Timestamp, _>(t),
                Value::OptText(t) => q.bind::<Nullable<Text>, _>(t),
                Value::Float(f) => q.bind::<Double, _>(f),
            };
        }
        q
    }

    /// Runs a query and reads its rows by column name.
    pub fn load<T>(self, conn: &mut DbConnection) -> QueryResult<Vec<T>>
    where
        T: QueryableByName<MultiBackend> + 'static,
    {
        self.query().load(conn)
    }

    /// Runs a statement; the number of rows it changed.
    pub fn execute(self, conn: &mut DbConnection) -> QueryResult<usize> {
        self.query().execute(conn)
    }

    /// Runs `SELECT COUNT(*) AS n ...`.
    pub fn count(self, conn: &mut DbConnection) -> QueryResult<i64> {
        Ok(self.query().load::<Count>(conn)?.first().map(|c| c.n).unwrap_or(0))
    }
}
