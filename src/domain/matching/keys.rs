//! Blocking keys: the few strings under which a record is filed so that its candidate
//! duplicates are the records sharing a key, found by an index instead of a comparison with
//! everyone. A key names two name words in a form that survives script and spelling (the
//! dictionary's name, else the consonant skeleton), or a given name and a birth year (for
//! family names written too differently, or missing).
//!
//! A record is *filed* under the years of its own birth range and *probes* the years around
//! it (a year off is common between two hands): the margin is paid once, at the query, instead
//! of tripling the stored keys.

use super::dictionary::Dictionary;
use super::phonetic::{forms, words, Word};
use super::Record;
use chrono::Datelike;
use std::collections::HashMap;

/// The version of these rules (with the dictionary's content, it says when the stored keys
/// must be rebuilt). Change it with the rules.
pub const RULES_VERSION: &str = "keys-1";

/// Words read per name: a name written with more words says enough with its first ones, and
/// the pairs of words grow with the square of their number.
const WORDS_PER_NAME: usize = 4;

/// Other names read per record.
const OTHER_NAMES: usize = 6;

/// The forms of a word that its variants share: the dictionary's name, and its skeleton when
/// it says enough (two consonants or more), so that a spelling the dictionary lacks (`Зайнап`)
/// still meets the name (`Zaynab`: both `znb`); and the skeleton without the `-at` that
/// Caucasian spellings add (`Салимат`, `Гамзат`).
fn stable(word: &str, dict: &Dictionary) -> Vec<String> {
    let w = Word::new(word);
    let mut out = Vec::new();
    if let Some(e) = dict.lookup(&w) {
        out.push(format!("n:{}", e.name.to_lowercase()));
    }
    if w.skeleton.len() >= 2 {
        out.push(format!("s:{}", w.skeleton));
    }
    if w.phonetic.ends_with("at") && w.skeleton.len() >= 3 && w.skeleton.ends_with('t') {
        out.push(format!("s:{}", &w.skeleton[..w.skeleton.len() - 1]));
    }
    out
}

/// Computes keys, remembering the stable forms of each word met (names repeat: a rebuild of
/// half a million persons meets a few thousand distinct words).
pub struct Keyer<'a> {
    dict: &'a Dictionary,
    forms: HashMap<String, Vec<String>>,
}

impl<'a> Keyer<'a> {
    pub fn new(dict: &'a Dictionary) -> Keyer<'a> {
        Keyer { dict, forms: HashMap::new() }
    }

    /// The stable forms of one folded word (with and without an article or a Slavic ending).
    fn word(&mut self, w: &str) -> Vec<String> {
        if let Some(s) = self.forms.get(w) {
            return s.clone();
        }
        let mut s: Vec<String> = forms(w).iter().flat_map(|f| stable(f, self.dict)).collect();
        s.sort();
        s.dedup();
        // A bounded memory: the cache is a help, not a store.
        if self.forms.len() < 200_000 {
            self.forms.insert(w.to_string(), s.clone());
        }
        s
    }

    /// The stable forms of a name's words, per word.
    fn stems(&mut self, name: &str) -> Vec<Vec<String>> {
        words(name).iter().take(WORDS_PER_NAME).map(|w| self.word(w)).filter(|s| !s.is_empty()).collect()
    }

    /// The name keys and the given-name stems of a record.
    fn name_keys(&mut self, r: &Record) -> (Vec<String>, Vec<String>) {
        let given = self.stems(&r.given_name);
        let family = self.stems(&r.family_name);
        let mut keys = Vec::new();
        for g in given.iter().flatten() {
            for f in family.iter().flatten() {
                keys.push(pair(g, f));
            }
        }
        // Another name ("عائشة محمود", "Umm Yusuf") pairs its own words: the first stands for
        // the given name, the others for the family name.
        for other in r.other_names.iter().take(OTHER_NAMES) {
            let s = self.stems(other);
            if let Some((first, rest)) = s.split_first() {
                for a in first {
                    for b in rest.iter().flatten() {
                        keys.push(pair(a, b));
                    }
                }
            }
        }
        (keys, given.into_iter().flatten().collect())
    }

    /// The keys a record is filed under, sorted and unique.
    pub fn filed(&mut self, r: &Record) -> Vec<String> {
        let (mut keys, given) = self.name_keys(r);
        if let Some((from, to)) = years(r) {
            for g in &given {
                keys.extend((from..=to).map(|y| format!("{g}|y{y}")));
            }
        }
        finish(keys)
    }

    /// The keys that find a record's candidates among filed records: its name keys and its
    /// given names with the years around its birth range, sorted and unique.
    pub fn probe(&mut self, r: &Record) -> Vec<String> {
        let (mut keys, given) = self.name_keys(r);
        if let Some((from, to)) = years(r) {
            for g in &given {
                keys.extend((from - 1..=to + 1).map(|y| format!("{g}|y{y}")));
            }
        }
        finish(keys)
    }
}

/// A key for two stable forms, in either order (given and family names are sometimes swapped).
fn pair(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}|{b}")
    } else {
        format!("{b}|{a}")
    }
}

/// The birth years of a record worth a key: a range of a few years at most (a wider one says
/// little and makes big blocks).
fn years(r: &Record) -> Option<(i32, i32)> {
    r.birth.filter(|(e, l)| l.year() - e.year() <= 2).map(|(e, l)| (e.year(), l.year()))
}

fn finish(mut keys: Vec<String>) -> Vec<String> {
    keys.sort();
    keys.dedup();
    keys
}

/// The keys a record is filed under, sorted and unique.
pub fn filed_keys(r: &Record, dict: &Dictionary) -> Vec<String> {
    Keyer::new(dict).filed(r)
}

/// The keys that find a record's candidates among filed records, sorted and unique.
pub fn probe_keys(r: &Record, dict: &Dictionary) -> Vec<String> {
    Keyer::new(dict).probe(r)
}

/// Whether two records share a key (`a` probing, `b` filed).
pub fn share_a_key(a: &Record, b: &Record, dict: &Dictionary) -> bool {
    let filed = filed_keys(b, dict);
    probe_keys(a, dict).iter().any(|k| filed.binary_search(k).is_ok())
}
