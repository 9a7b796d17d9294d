//! Importing family lists from spreadsheets: the columns and the headers people write for them
//! (`columns`), the dates and values as written in cells (`dates`, `values`), a row read into
//! what an intake sends (`rows`), and here the file as a whole: rows grouped into families by
//! their key, kinship resolved to other rows, and the key that recognises a row imported
//! before. Pure: reading the bytes and writing the records are `services::imports`.

pub mod columns;
pub mod dates;
pub mod rows;
pub mod values;

use crate::domain::names::search_key;
use crate::domain::person::KinshipKind;
use rows::Row;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// A problem of a file, a row or a cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// The row as a spreadsheet numbers it (the header is row 1); none for the whole file.
    pub row: Option<usize>,
    /// The column's canonical name (or the header as written); none for a whole row.
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn at(row: usize, column: &str, message: impl Into<String>) -> Problem {
        Problem { row: Some(row), column: Some(column.to_string()), message: message.into() }
    }

    pub fn file(message: impl Into<String>) -> Problem {
        Problem { row: None, column: None, message: message.into() }
    }
}

/// The key that recognises a row imported before: its person key when it has one, else a
/// digest of its family key, names, sex and birth as written (folded), so that the same row
/// in a later version of the list is recognised.
pub fn row_key(row: &Row) -> String {
    if let Some(k) = &row.person_key {
        return format!("k:{}", search_key(k));
    }
    // The birth as its range (a fixed text, not a type's debug form: the key must never change).
    let birth = row
        .person
        .birth
        .as_ref()
        .and_then(|b| b.check().ok())
        .map(|b| format!("{}..{}", b.earliest(), b.latest()))
        .unwrap_or_default();
    let sex = row.person.sex.map(|s| s.as_str()).unwrap_or("");
    let mut h = Sha256::new();
    for part in
        [&search_key(&row.family_key), &search_key(&row.person.given_name), &search_key(&row.person.family_name)]
    {
        h.update(part.as_bytes());
        h.update(b"\x1f");
    }
    h.update(sex.as_bytes());
    h.update(b"\x1f");
    h.update(birth.as_bytes());
    format!("h:{}", &hex::encode(h.finalize())[..24])
}

/// A family of the file: its key, label and rows (indexes into the rows read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFamily {
    pub key: String,
    pub label: String,
    pub rows: Vec<usize>,
}

/// A kinship between two rows (indexes): `a kind b`, written in row `from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLink {
    pub a: usize,
    pub kind: KinshipKind,
    pub b: usize,
    pub from: usize,
}

/// The rows grouped into families (in the order of their first row) and their kinship, with
/// the problems of relatives that name no row.
pub fn group(rows: &[Row]) -> (Vec<FileFamily>, Vec<FileLink>, Vec<Problem>) {
    let mut families: Vec<FileFamily> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        let key = search_key(&r.family_key);
        let f = *at.entry(key).or_insert_with(|| {
            let label = r
                .family_label
                .clone()
                .unwrap_or_else(|| format!("{} {}", r.person.given_name, r.person.family_name).trim().to_string());
            families.push(FileFamily { key: r.family_key.clone(), label, rows: Vec::new() });
            families.len() - 1
        });
        families[f].rows.push(i);
    }
    // A relative is named by its person key, else by its row number.
    let mut by_key: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if let Some(k) = &r.person_key {
            if let Some(first) = by_key.insert(search_key(k), i) {
                problems.push(Problem::at(
                    r.number,
                    columns::Column::PersonKey.name(),
                    format!("`{k}` is also the key of row {}", rows[first].number),
                ));
            }
        }
    }
    let by_number: HashMap<usize, usize> = rows.iter().enumerate().map(|(i, r)| (r.number, i)).collect();
    let mut links = Vec::new();
    let mut seen: std::collections::HashSet<(usize, usize, &str)> = std::collections::HashSet::new();
    for (i, r) in rows.iter().enumerate() {
        let Some((kind, reverse, relative)) = &r.relation else { continue };
        let target = by_key
            .get(&search_key(relative))
            .copied()
            .or_else(|| relative.trim().parse::<usize>().ok().and_then(|n| by_number.get(&n).copied()));
        match target {
            Some(j) if j == i => {
                problems.push(Problem::at(r.number, columns::Column::Relative.name(), "names this row itself"))
            }
            Some(j) => {
                let (a, b) = if *reverse { (j, i) } else { (i, j) };
                // A link written from both sides (A parent_of B, B child_of A) is one link; a
                // symmetric kind reads the same either way.
                let symmetric = matches!(kind, KinshipKind::SpouseOf | KinshipKind::SiblingOf);
                let (a, b) = if symmetric { (a.min(b), a.max(b)) } else { (a, b) };
                if !seen.insert((a, b, kind.as_str())) {
                    continue;
                }
                links.push(FileLink { a, kind: *kind, b, from: i })
            }
            None => problems.push(Problem::at(
                r.number,
                columns::Column::Relative.name(),
                format!(
                    "`{}` is no person key nor row number of this file",
                    relative.chars().take(40).collect::<String>()
                ),
            )),
        }
    }
    // As many relatives per person as an intake allows: more says the file is wrong (and would
    // make one evaluation read thousands of kin).
    let mut per_person: HashMap<usize, usize> = HashMap::new();
    for l in &links {
        *per_person.entry(l.a).or_default() += 1;
        *per_person.entry(l.b).or_default() += 1;
    }
    for (i, n) in per_person {
        if n > MAX_RELATIVES {
            problems.push(Problem::at(
                rows[i].number,
                columns::Column::Relative.name(),
                format!("{n} rows name this person as a relative: at most {MAX_RELATIVES}"),
            ));
        }
    }
    for f in &families {
        if let Err(e) = crate::domain::text::check_name(&f.label) {
            problems.push(Problem::at(rows[f.rows[0]].number, columns::Column::FamilyLabel.name(), e));
        }
    }
    (families, links, problems)
}

/// Relatives one person may have within a file.
pub const MAX_RELATIVES: usize = 40;
