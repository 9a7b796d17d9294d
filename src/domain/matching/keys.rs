//! Blocking keys: the few strings under which a record is filed so that its candidate
//! duplicates are the records sharing a key, found by an index instead of a comparison with
//! everyone. A key names a family name and a given name in a form that survives script and
//! spelling (the dictionary's name, else the consonant skeleton), or a given name and a birth
//! year (for family names written too differently, or missing).

use super::dictionary::Dictionary;
use super::phonetic::{forms, words, Word};
use super::Record;
use chrono::Datelike;

/// The form of a word that its variants share: the dictionary's name, else its skeleton (when
/// it says enough: two consonants or more).
fn stable(word: &str, dict: &Dictionary) -> Option<String> {
    let w = Word::new(word);
    match dict.lookup(&w) {
        Some(e) => Some(format!("n:{}", e.name.to_lowercase())),
        None if w.skeleton.len() >= 2 => Some(format!("s:{}", w.skeleton)),
        None => None,
    }
}

/// The record's blocking keys, sorted and unique.
pub fn blocking_keys(r: &Record, dict: &Dictionary) -> Vec<String> {
    let stems = |name: &str| -> Vec<String> {
        words(name).iter().flat_map(|w| forms(w)).filter_map(|w| stable(&w, dict)).collect()
    };
    let given = stems(&r.given_name);
    let family = stems(&r.family_name);
    let mut keys = Vec::new();
    for g in &given {
        for f in &family {
            // Either order: given and family names are sometimes swapped.
            let (x, y) = if g <= f { (g, f) } else { (f, g) };
            keys.push(format!("{x}|{y}"));
        }
        // A birth range of a few years at most: a wider one says little and makes big blocks.
        if let Some((earliest, latest)) = r.birth.filter(|(e, l)| l.year() - e.year() <= 2) {
            // The years around the birth range: a year off is common between two hands.
            for year in earliest.year() - 1..=latest.year() + 1 {
                keys.push(format!("{g}|y{year}"));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}
