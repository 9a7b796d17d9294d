//! A file analysed: read, each row checked, rows grouped into families, the rows imported
//! before recognised by their keys, and the likely duplicates of each new row found within
//! the file and in the registry (`imports::duplicates`). Reads the registry; writes nothing.

use super::check::{self, References};
use super::duplicates::{find, Found};
use super::read::{self, Format};
use super::RowDuplicate;
use crate::auth::OrgScope;
use crate::db::repo::imports::{self as repo, KnownRow};
use crate::db::DbConnection;
use crate::domain::import::columns::{Column, Headers};
use crate::domain::import::rows::{self, Row};
use crate::domain::import::{group, row_key, FileFamily, FileLink, Problem};
use crate::domain::names::search_key;
use crate::error::AppResult;
use chrono::NaiveDate;
use std::collections::HashMap;

/// What a file holds and would do.
pub struct Analysis {
    pub encoding: String,
    /// Rows of the file under its header (empty rows aside), read or not.
    pub rows_total: usize,
    /// The rows read (a row with a problem reading its cells is not among them).
    pub rows: Vec<Row>,
    pub families: Vec<FileFamily>,
    pub links: Vec<FileLink>,
    /// Row keys, by row index.
    pub keys: Vec<String>,
    /// Rows imported before, by row index.
    pub known: HashMap<usize, KnownRow>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    /// The first [`super::LISTED`] duplicates, by row and then the best first.
    pub duplicates: Vec<RowDuplicate>,
    /// How many duplicates were found in all.
    pub duplicates_total: usize,
    /// The countries and facilities the rows were checked against (the commit checks each row
    /// again with the same ones as it writes it).
    pub(crate) refs: References,
}

impl Analysis {
    fn empty(encoding: String, problems: Vec<Problem>) -> Analysis {
        Analysis {
            encoding,
            rows_total: 0,
            rows: Vec::new(),
            families: Vec::new(),
            links: Vec::new(),
            keys: Vec::new(),
            known: HashMap::new(),
            problems,
            warnings: Vec::new(),
            duplicates: Vec::new(),
            duplicates_total: 0,
            refs: References::default(),
        }
    }

    /// Families with a new row and no row imported before (those join their earlier family).
    pub fn families_new(&self) -> usize {
        self.families
            .iter()
            .filter(|f| {
                f.rows.iter().any(|i| !self.known.contains_key(i)) && f.rows.iter().all(|i| !self.known.contains_key(i))
            })
            .count()
    }

    /// Rows not imported before.
    pub fn persons_new(&self) -> usize {
        self.rows.len() - self.known.len()
    }
}

/// How to read a file, and what to look for.
pub struct Reading {
    pub format: Format,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Look for duplicates (the dry run does; the commit, which shows none, does not).
    pub duplicates: bool,
}

/// Analyses a file; `progress` hears (rows done, rows) as the rows are checked.
pub fn analyse(
    conn: &mut DbConnection,
    scope: &OrgScope,
    today: NaiveDate,
    bytes: &[u8],
    how: Reading,
    progress: &mut dyn FnMut(usize, usize),
) -> AppResult<Analysis> {
    let Reading { format, encoding, duplicates: with_duplicates } = how;
    let started = std::time::Instant::now();
    let (table, encoding) = match read::table(bytes, format, encoding) {
        Ok(t) => t,
        Err(p) => return Ok(Analysis::empty(String::new(), vec![p])),
    };
    let Some(((at, header), body)) = table.split_first() else {
        return Ok(Analysis::empty(encoding, vec![Problem::file("the file is empty")]));
    };
    phase("file read", started);
    let headers = Headers::read(header);
    let mut problems = Vec::new();
    for c in &headers.missing {
        problems.push(Problem {
            row: Some(*at),
            column: Some(c.name().into()),
            message: "is a required column".into(),
        });
    }
    for (i, h) in &headers.unknown {
        problems.push(Problem {
            row: Some(*at),
            column: Some(h.clone()),
            message: format!("column {} is not a known column: rename it (see the template) or remove it", i + 1),
        });
    }
    for (i, c) in &headers.repeated {
        problems.push(Problem {
            row: Some(*at),
            column: Some(c.name().into()),
            message: format!("column {} repeats this column", i + 1),
        });
    }
    if !problems.is_empty() {
        return Ok(Analysis::empty(encoding, problems));
    }
    let refs = References::load(conn)?;
    let (mut rows, mut warnings) = (Vec::new(), Vec::new());
    let total = body.len();
    let mut rows_total = 0;
    for (i, (number, cells)) in body.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows_total += 1;
        let (row, row_problems) = rows::read(*number, &headers, cells);
        problems.extend(row_problems);
        if let Some(row) = row {
            // Only its problems are kept: the commit checks each row again as it writes it.
            check::member(&refs, &row, today, &mut problems, &mut warnings);
            rows.push(row);
        }
        if i % 1000 == 999 {
            progress(i + 1, total);
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(Problem::file("the file has no rows under its header"));
    }
    // The cells are read: only the rows are kept from here.
    drop(table);
    phase("rows checked", started);
    let (families, links, group_problems) = group(&rows);
    problems.extend(group_problems);
    let keys: Vec<String> = rows.iter().map(row_key).collect();
    let mut known = HashMap::new();
    let index: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    for chunk in keys.chunks(500) {
        for k in repo::known(conn, scope, chunk)? {
            if let Some(&i) = index.get(k.row_key.as_str()) {
                // A person key of another list may name someone else: the names must agree.
                let same = search_key(&format!("{} {}", k.given_name, k.family_name))
                    == search_key(&format!("{} {}", rows[i].person.given_name, rows[i].person.family_name));
                if same {
                    known.insert(i, k);
                } else {
                    problems.push(Problem::at(
                        rows[i].number,
                        Column::PersonKey.name(),
                        format!(
                            "was imported before for {} {}: give this row a key of its own",
                            k.given_name, k.family_name
                        ),
                    ));
                }
            }
        }
    }
    // A key twice in the file is one person written twice.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(first) = seen.insert(k.as_str(), i) {
            problems.push(Problem::at(
                rows[i].number,
                "row",
                format!("repeats row {} (the same family, names, sex and birth)", rows[first].number),
            ));
        }
    }
    phase("rows grouped and known rows found", started);
    let found = if with_duplicates { find(conn, scope, &rows, &known)? } else { Found::default() };
    phase("duplicates found", started);
    progress(total, total);
    problems.sort_by_key(|p| (p.row, p.column.clone()));
    Ok(Analysis {
        encoding,
        rows_total,
        rows,
        families,
        links,
        keys,
        known,
        problems,
        warnings,
        duplicates: found.listed,
        duplicates_total: found.total,
        refs,
    })
}

/// Logs the time and memory of a phase of the analysis.
fn phase(what: &str, started: std::time::Instant) {
    let (rss_mb, peak_mb) = crate::telemetry::memory_mb();
    tracing::debug!(secs = started.elapsed().as_secs_f64(), rss_mb, peak_mb, "import analysis: {what}");
}
