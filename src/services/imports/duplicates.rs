//! The likely and possible duplicates of an import's new rows: other rows of the file sharing
//! blocking keys, then the registry's persons (the duplicate search, a pass of rows at a time).
//! A list of namesakes can make a hundred thousand of them: the preview keeps the first
//! [`LISTED`] in its order (by row, the best first) and counts the rest, so the memory they
//! take does not grow with the file.

use super::{RowDuplicate, LISTED};
use crate::auth::OrgScope;
use crate::db::repo::imports::KnownRow;
use crate::db::DbConnection;
use crate::domain::import::rows::Row;
use crate::domain::matching::keys::Keyer;
use crate::domain::matching::{compare, Band, Dictionary, Record};
use crate::error::AppResult;
use crate::services::registry::duplicates;
use std::collections::{BinaryHeap, HashMap};

/// Rows compared with each other at most per blocking key (a common name born in a common year
/// makes a big block; the pairs that matter share several keys).
const BLOCK_MAX: usize = 50;
/// Other rows compared with each row at most.
const PAIRS_PER_ROW: usize = 10;

/// The duplicates found: the first [`LISTED`] and how many in all.
#[derive(Default)]
pub(super) struct Found {
    pub listed: Vec<RowDuplicate>,
    pub total: usize,
}

/// A duplicate with its place in the preview's order: row, the best score first, then the order
/// found.
struct Ranked {
    key: (usize, i64, usize),
    duplicate: RowDuplicate,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// The first [`LISTED`] duplicates offered, in the preview's order, and the count of all.
#[derive(Default)]
struct Listed {
    /// The kept ones, the last in order on top.
    heap: BinaryHeap<Ranked>,
    total: usize,
}

impl Listed {
    /// Counts a duplicate of `row` scored `score`, and keeps it (made by `make`) if it is among
    /// the first.
    fn offer(&mut self, row: usize, score: f64, make: impl FnOnce() -> RowDuplicate) {
        let key = (row, -((score * 10.0).round() as i64), self.total);
        self.total += 1;
        if self.heap.len() >= LISTED {
            match self.heap.peek() {
                Some(last) if key < last.key => {
                    self.heap.pop();
                }
                _ => return,
            }
        }
        self.heap.push(Ranked { key, duplicate: make() });
    }

    fn found(self) -> Found {
        Found { listed: self.heap.into_sorted_vec().into_iter().map(|r| r.duplicate).collect(), total: self.total }
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

/// The likely and possible duplicates of the new rows: other rows of the file sharing a
/// blocking key, then the registry's persons (the best one per row).
pub(super) fn find(
    conn: &mut DbConnection,
    scope: &OrgScope,
    rows: &[Row],
    known: &HashMap<usize, KnownRow>,
) -> AppResult<Found> {
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
    let mut out = Listed::default();
    for (a, b) in pairs {
        let c = compare(&records[a], &records[b], &dict);
        if c.band >= Band::Possible {
            out.offer(rows[a].number, c.score, || RowDuplicate {
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
    tracing::debug!(duplicates = out.total, "import analysis: pairs within the file weighed");
    drop(blocks);
    let new: Vec<usize> = (0..records.len()).filter(|i| !known.contains_key(i)).collect();
    // A pass of rows at a time, as `best_of_many` reads the registry.
    for pass in new.chunks(REGISTRY_PASS) {
        let probes: Vec<Record> = pass.iter().map(|i| records[*i].clone()).collect();
        registry_duplicates(conn, scope, rows, pass, &probes, &mut out)?;
    }
    Ok(out.found())
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
    out: &mut Listed,
) -> AppResult<()> {
    for (&i, best) in pass.iter().zip(duplicates::best_of_many(conn, scope, probes)?) {
        if let Some(d) = best {
            out.offer(rows[i].number, d.score, || RowDuplicate {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn dup(row: usize, score: f64) -> RowDuplicate {
        RowDuplicate {
            row,
            other_row: None,
            person_id: None,
            name: String::new(),
            birth: None,
            band: "possible".into(),
            score,
            reasons: Vec::new(),
        }
    }

    #[test]
    fn the_list_keeps_the_first_by_row_and_best_score_and_counts_all() {
        let mut listed = Listed::default();
        // Offered out of order, as the registry passes come after the file's pairs.
        for row in (2..LISTED + 502).rev() {
            listed.offer(row, 5.0, || dup(row, 5.0));
        }
        listed.offer(2, 9.0, || dup(2, 9.0));
        listed.offer(2, 5.0, || dup(2, 5.0));
        let found = listed.found();
        assert_eq!(found.total, LISTED + 502);
        assert_eq!(found.listed.len(), LISTED);
        let first: Vec<(usize, f64)> = found.listed.iter().take(4).map(|d| (d.row, d.score)).collect();
        assert_eq!(first, vec![(2, 9.0), (2, 5.0), (2, 5.0), (3, 5.0)]);
        assert_eq!(found.listed.last().map(|d| d.row), Some(LISTED - 1));
    }
}
