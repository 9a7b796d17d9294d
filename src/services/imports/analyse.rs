//! A file analysed: read, each row checked, rows grouped into families, the rows imported
//! before recognised by their keys, and the likely duplicates of each new row found within
//! the file (rows sharing a blocking key) and in the registry (the duplicate search).
//! Reads the registry; writes nothing.

use super::check::{self, References};
use super::read::{self, Format};
use super::RowDuplicate;
use crate::auth::OrgScope;
use crate::db::repo::imports::{self as repo, KnownRow};
use crate::db::DbConnection;
use crate::domain::import::columns::{Column, Headers};
use crate::domain::import::rows::{self, Row};
use crate::domain::import::{group, row_key, FileFamily, FileLink, Problem};
use crate::domain::matching::keys::Keyer;
use crate::domain::matching::{compare, Band, Dictionary, Record};
use crate::domain::names::search_key;
use crate::error::AppResult;
use crate::services::registry::duplicates;
use crate::services::registry::families::Member;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Rows compared with each other at most per blocking key (a common name born in a common year
/// makes a big block; the pairs that matter share several keys).
const BLOCK_MAX: usize = 50;
/// Other rows compared with each row at most.
const PAIRS_PER_ROW: usize = 10;

/// What a file holds and would do.
pub struct Analysis {
    pub encoding: String,
    /// Rows of the file under its header (empty rows aside), read or not.
    pub rows_total: usize,
    /// The rows read (a row with a problem reading its cells is not among them).
    pub rows: Vec<Row>,
    /// Each row checked (`None`: it has problems); empty when not kept (`Reading::members`).
    pub(crate) members: Vec<Option<Member>>,
    pub families: Vec<FileFamily>,
    pub links: Vec<FileLink>,
    /// Row keys, by row index.
    pub keys: Vec<String>,
    /// Rows imported before, by row index.
    pub known: HashMap<usize, KnownRow>,
    pub problems: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub duplicates: Vec<RowDuplicate>,
}

impl Analysis {
    fn empty(encoding: String, problems: Vec<Problem>) -> Analysis {
        Analysis {
            encoding,
            rows_total: 0,
            rows: Vec::new(),
            members: Vec::new(),
            families: Vec::new(),
            links: Vec::new(),
            keys: Vec::new(),
            known: HashMap::new(),
            problems,
            warnings: Vec::new(),
            duplicates: Vec::new(),
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

/// The matcher's record of a row.
fn record(row: &Row) -> Record {
    let birth = row.person.birth.as_ref().and_then(|b| b.check().ok()).map(|b| (b.earliest(), b.latest()));
    Record {
        given_name: row.person.given_name.clone(),
        family_name: row.person.family_name.clone(),
        other_names: row.other_names.iter().map(|n| n.name.clone()).collect(),
        sex: row.person.sex,
        birth,
        nationalities: row.nationalities.iter().filter(|n| n.len() == 2).map(|n| n.to_uppercase()).collect(),
    }
}

fn reasons(c: &crate::domain::matching::Comparison) -> Vec<String> {
    c.reasons.iter().map(|r| r.describe()).collect()
}

/// How to read a file, and what to look for.
pub struct Reading {
    pub format: Format,
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Look for duplicates (the dry run does; the commit, which shows none, does not).
    pub duplicates: bool,
    /// Keep each row's checked member (the commit writes them; the dry run only needs the
    /// problems found making them).
    pub members: bool,
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
    let Reading { format, encoding, duplicates: with_duplicates, members: keep_members } = how;
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
    let (mut rows, mut members, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
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
            let m = check::member(&refs, &row, today, &mut problems, &mut warnings);
            rows.push(row);
            if keep_members {
                members.push(m);
            }
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
    let duplicates = if with_duplicates { find_duplicates(conn, scope, &rows, &known)? } else { Vec::new() };
    phase("duplicates found", started);
    progress(total, total);
    problems.sort_by_key(|p| (p.row, p.column.clone()));
    Ok(Analysis { encoding, rows_total, rows, members, families, links, keys, known, problems, warnings, duplicates })
}

/// Logs the time and memory of a phase of the analysis.
fn phase(what: &str, started: std::time::Instant) {
    let (rss_mb, peak_mb) = crate::telemetry::memory_mb();
    tracing::debug!(secs = started.elapsed().as_secs_f64(), rss_mb, peak_mb, "import analysis: {what}");
}

/// The likely and possible duplicates of the new rows: other rows of the file sharing a
/// blocking key, then the registry's persons (the best one per row).
fn find_duplicates(
    conn: &mut DbConnection,
    scope: &OrgScope,
    rows: &[Row],
    known: &HashMap<usize, KnownRow>,
) -> AppResult<Vec<RowDuplicate>> {
    let dict = Dictionary::shared();
    let records: Vec<Record> = rows.iter().map(record).collect();
    // Blocks by a digest of their key, rows by index: a key's text would cost some eighty bytes
    // a row and key, ten keys a row. Two keys sharing a digest (odds of about one in 10^8 for a
    // file at the row cap) would share a block: a few more comparisons, a few pairs fewer.
    let mut blocks: HashMap<u64, Vec<u32>> = HashMap::new();
    let mut keyer = Keyer::new(&dict);
    for (i, r) in records.iter().enumerate() {
        if known.contains_key(&i) {
            continue;
        }
        for k in keyer.filed(r) {
            let block = blocks.entry(digest(&k)).or_default();
            if block.len() < BLOCK_MAX {
                block.push(i as u32);
            }
        }
    }
    // Each row probes the rows filed under its keys (a year around its birth, as the registry's
    // search does).
    // The rows sharing the most keys with each row, a few per row: a list of namesakes would
    // otherwise make millions of pairs (and as many bytes of memory).
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (a, r) in records.iter().enumerate() {
        if known.contains_key(&a) {
            continue;
        }
        let mut shared: HashMap<usize, usize> = HashMap::new();
        for k in keyer.probe(r) {
            for b in blocks.get(&digest(&k)).into_iter().flatten().map(|&b| b as usize) {
                if a < b {
                    *shared.entry(b).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(usize, usize)> = shared.into_iter().collect();
        ranked.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        pairs.extend(ranked.into_iter().take(PAIRS_PER_ROW).map(|(b, _)| (a, b)));
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut out = Vec::new();
    for (a, b) in pairs {
        let c = compare(&records[a], &records[b], &dict);
        if c.band >= Band::Possible {
            out.push(RowDuplicate {
                row: rows[a].number,
                other_row: Some(rows[b].number),
                person_id: None,
                name: format!("{} {}", rows[b].person.given_name, rows[b].person.family_name),
                birth: rows[b].person.birth.as_ref().and_then(|d| d.check().ok()).map(|d| d.display()),
                band: band_name(c.band).into(),
                score: (c.score * 10.0).round() / 10.0,
                reasons: reasons(&c),
            });
        }
    }
    tracing::debug!(pairs = out.len(), "import analysis: pairs within the file weighed");
    drop(blocks);
    let new: Vec<usize> = (0..records.len()).filter(|i| !known.contains_key(i)).collect();
    // A pass of rows at a time, as `best_of_many` reads the registry.
    for pass in new.chunks(REGISTRY_PASS) {
        let probes: Vec<Record> = pass.iter().map(|i| records[*i].clone()).collect();
        registry_duplicates(conn, scope, rows, pass, &probes, &mut out)?;
    }
    out.sort_by(|a, b| a.row.cmp(&b.row).then(b.score.total_cmp(&a.score)));
    Ok(out)
}

/// Rows (of the file) whose registry duplicates are looked for together.
const REGISTRY_PASS: usize = 10_000;

/// A block key's digest (the same for the same key within a process: the standard hasher with
/// its fixed keys).
fn digest(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// The best registry duplicate of each of these rows, added to `out`.
fn registry_duplicates(
    conn: &mut DbConnection,
    scope: &OrgScope,
    rows: &[Row],
    pass: &[usize],
    probes: &[Record],
    out: &mut Vec<RowDuplicate>,
) -> AppResult<()> {
    for (&i, best) in pass.iter().zip(duplicates::best_of_many(conn, scope, probes)?) {
        if let Some(d) = best {
            out.push(RowDuplicate {
                row: rows[i].number,
                other_row: None,
                person_id: Some(d.person_id.to_string()),
                name: format!("{} {}", d.given_name, d.family_name),
                birth: d.birth,
                band: band_name(d.band).into(),
                score: d.score,
                reasons: d.reasons.into_iter().map(|r| r.text).collect(),
            });
        }
    }
    Ok(())
}

fn band_name(b: Band) -> &'static str {
    match b {
        Band::Likely => "likely",
        Band::Possible => "possible",
        Band::Unlikely => "unlikely",
    }
}
