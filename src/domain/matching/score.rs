//! The weights of a comparison, in the manner of Fellegi and Sunter: each field adds
//! `log2(m / u)` when it agrees (m: how often the records of one person agree on it; u: how often
//! two unrelated persons do, so a rare name counts for more than "Muhammad") and
//! `log2((1 - m) / (1 - u))` when it disagrees; a field that one side lacks adds nothing.

use super::dictionary::Dictionary;
use super::phonetic::Word;
use super::similarity::jaro_winkler;

/// How often one person's records agree on a name (spelling aside).
const M_NAME: f64 = 0.95;
/// The weight of two names that nothing brings together.
pub const NAME_DIFFERS: f64 = -4.0;
/// The weight of two names the dictionary knows as different names.
pub const KNOWN_APART: f64 = -6.0;
/// Rarity assumed for a name the dictionary does not know.
const U_UNKNOWN_GIVEN: f64 = 0.004;
const U_UNKNOWN_FAMILY: f64 = 0.002;
/// The most a name may weigh.
const MAX_NAME: f64 = 10.0;

/// How two name words agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Nothing brings them together, or the dictionary says they are different names.
    Differ,
    /// Their consonants agree (how an Arabic spelling meets a Latin one).
    Skeleton,
    /// Their Latin sounds agree, or nearly (Jaro-Winkler 0.9 or more).
    Sound,
    /// Variants of one name in the dictionary.
    Variant,
    /// Written the same (folded).
    Same,
}

/// The agreement of two words and the weight it carries.
#[derive(Debug, Clone, Copy)]
pub struct WordMatch {
    pub level: Level,
    pub weight: f64,
}

/// Compares two words; `family`: they are family names (rarer, by default).
pub fn words(a: &Word, b: &Word, dict: &Dictionary, family: bool) -> WordMatch {
    let (da, db) = (dict.lookup(a), dict.lookup(b));
    let u = da.or(db).map(|e| e.frequency).unwrap_or(if family { U_UNKNOWN_FAMILY } else { U_UNKNOWN_GIVEN });
    let agree = |penalty: f64| (M_NAME / u.max(0.0005)).log2().min(MAX_NAME) - penalty;
    let differ = WordMatch { level: Level::Differ, weight: NAME_DIFFERS };
    let known_apart = WordMatch { level: Level::Differ, weight: KNOWN_APART };
    // Kunyas meet kunyas only.
    if a.folded.contains(' ') != b.folded.contains(' ') {
        return differ;
    }
    // Letters no transliteration knows leave nothing to compare.
    if a.phonetic.is_empty() || b.phonetic.is_empty() {
        return if a.folded == b.folded { WordMatch { level: Level::Same, weight: agree(0.0) } } else { differ };
    }
    if a.folded == b.folded {
        return WordMatch { level: Level::Same, weight: agree(0.0) };
    }
    match (da, db) {
        (Some(x), Some(y)) if std::ptr::eq(x, y) => return WordMatch { level: Level::Variant, weight: agree(0.0) },
        (Some(_), Some(_)) => return known_apart,
        _ => {}
    }
    if !a.vowelless() && !b.vowelless() {
        if a.phonetic == b.phonetic {
            return WordMatch { level: Level::Sound, weight: agree(0.5) };
        }
        if a.phonetic.len() >= 4 && jaro_winkler(&a.phonetic, &b.phonetic) >= 0.9 {
            return WordMatch { level: Level::Sound, weight: agree(1.5) };
        }
    }
    // Consonants bring an Arabic spelling to a Latin or Cyrillic one. Between two vowelled
    // spellings, or two Arabic ones, written differently, they join different names (Hasan
    // and Husayn, Hamid and Ahmad, سامية and سمية). A skeleton of one or two consonants agrees
    // with too many names to say much.
    if a.skeleton == b.skeleton && !a.skeleton.is_empty() && a.vowelless() != b.vowelless() {
        let penalty = match a.skeleton.len() {
            1 => 5.0,
            2 => 3.5,
            _ => 2.0,
        };
        return WordMatch { level: Level::Skeleton, weight: agree(penalty) };
    }
    differ
}

/// The weight of two birth ranges (`None`: unknown) and the gap between them in days (0 when
/// they overlap).
pub fn births(a: (chrono::NaiveDate, chrono::NaiveDate), b: (chrono::NaiveDate, chrono::NaiveDate)) -> (f64, i64) {
    let span = |r: (chrono::NaiveDate, chrono::NaiveDate)| (r.1 - r.0).num_days();
    let gap = if a.1 < b.0 {
        (b.0 - a.1).num_days()
    } else if b.1 < a.0 {
        (a.0 - b.1).num_days()
    } else {
        0
    };
    let weight = match gap {
        0 if span(a) == 0 && span(b) == 0 => 9.5,
        0 if span(a) <= 31 && span(b) <= 31 => 7.0,
        0 => 4.5,
        // A year off, as often written by different hands: hardly evidence either way.
        1..=400 => 0.5,
        401..=800 => -2.5,
        801..=3650 => -8.0,
        // A decade or more: another generation (a girl named after her grandmother), not a
        // slip of the pen; no agreement of names outweighs it.
        _ => -14.0,
    };
    (weight, gap)
}

/// Sex: agreement when both are known, a strong disagreement otherwise.
pub const SEX_AGREES: f64 = 1.0;
pub const SEX_DIFFERS: f64 = -8.0;
/// A nationality in common, or none in common.
pub const NATIONALITY_AGREES: f64 = 1.0;
pub const NATIONALITY_DIFFERS: f64 = -1.0;
/// A name found among the other record's other names rather than in its field.
pub const ALIAS: f64 = -1.0;
/// Given and family names swapped between the fields (a clerical error).
pub const SWAPPED: f64 = -1.0;
/// Each record a child of a mother whom the other's mother matches.
pub const MOTHER_MATCHES: f64 = 3.0;

/// Scores from which a pair is "likely" or "possible" the same person.
pub const LIKELY: f64 = 12.0;
pub const POSSIBLE: f64 = 5.0;
