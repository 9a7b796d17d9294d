//! Whether two person records are the same person, across scripts and spellings: "Aisha
//! Makhmudova", "Ayşe Mahmud" and "عائشة محمود". Names are folded and transliterated
//! (`phonetic`), looked up in a dictionary of variants (`dictionary`), and each field of the
//! pair weighed (`score`); the sum falls in one of three bands, with the reasons behind it.
//! Blocking keys (`keys`) find the candidates worth comparing without comparing everyone.
//!
//! Pure: no database, no clock. Measured against the labelled pairs of
//! `tests/fixtures/name_pairs.csv` by `tests/matching_quality.rs`.

pub mod dictionary;
pub mod keys;
pub mod phonetic;
pub mod score;
pub mod similarity;

#[cfg(test)]
mod tests;

use crate::domain::person::Sex;
use chrono::NaiveDate;
pub use dictionary::Dictionary;
use phonetic::Word;
use score::{Level, WordMatch};
use serde::Serialize;

/// What is compared of a person.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub given_name: String,
    pub family_name: String,
    /// Other names and spellings (aliases, kunyas, the name in another script).
    pub other_names: Vec<String>,
    pub sex: Option<Sex>,
    /// Earliest and latest possible birth date.
    pub birth: Option<(NaiveDate, NaiveDate)>,
    /// Country codes of the live claims.
    pub nationalities: Vec<String>,
}

/// How likely two records are one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Unlikely,
    Possible,
    Likely,
}

/// One reason for a pair's score: what agreed or differed, the two sides, and its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    /// `given_name`, `family_name`, `names_swapped`, `other_name`, `birth`, `sex`,
    /// `nationality`.
    pub field: &'static str,
    /// `same`, `variant`, `sound`, `skeleton` (names); `agrees`, `within_margin`, `differs`.
    pub verdict: &'static str,
    pub a: String,
    pub b: String,
    pub weight: f64,
}

impl Reason {
    /// The reason in English ("given names agree across scripts: عائشة ↔ Aisha").
    pub fn describe(&self) -> String {
        let what = match self.field {
            "given_name" => "given names",
            "family_name" => "family names",
            "names_swapped" => "given and family names, swapped",
            "other_name" => "another name",
            "birth" => "birth dates",
            "sex" => "sex",
            _ => "nationalities",
        };
        let how = match self.verdict {
            "same" => "are the same",
            "variant" => "are variants of one name",
            "sound" => "sound alike",
            "skeleton" => "agree across scripts",
            "agrees" => "agree",
            "within_margin" => "differ within the margin",
            _ => "differ",
        };
        format!("{what} {how}: {} ↔ {}", self.a, self.b)
    }
}

/// The verdict on a pair.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub score: f64,
    pub band: Band,
    pub reasons: Vec<Reason>,
}

/// The words of a name in each of their forms (see `phonetic::forms`).
fn name_words(name: &str) -> Vec<Word> {
    phonetic::words(name).iter().flat_map(|w| phonetic::forms(w)).map(|f| Word::new(&f)).collect()
}

/// The best agreement between any word of `a` and any of `b`, with the two words.
fn best<'w>(a: &'w [Word], b: &'w [Word], dict: &Dictionary, family: bool) -> Option<(WordMatch, &'w Word, &'w Word)> {
    let mut top: Option<(WordMatch, &Word, &Word)> = None;
    for x in a {
        for y in b {
            let m = score::words(x, y, dict, family);
            if top.is_none_or(|(t, _, _)| (m.level, m.weight) > (t.level, t.weight)) {
                top = Some((m, x, y));
            }
        }
    }
    top
}

fn verdict(level: Level) -> &'static str {
    match level {
        Level::Same => "same",
        Level::Variant => "variant",
        Level::Sound => "sound",
        Level::Skeleton => "skeleton",
        Level::Differ => "differs",
    }
}

/// Compares two records.
pub fn compare(a: &Record, b: &Record, dict: &Dictionary) -> Comparison {
    let mut reasons = Vec::new();
    let (ga, gb) = (name_words(&a.given_name), name_words(&b.given_name));
    let (fa, fb) = (name_words(&a.family_name), name_words(&b.family_name));
    let others = |r: &Record| r.other_names.iter().flat_map(|n| name_words(n)).collect::<Vec<_>>();
    let (oa, ob) = (others(a), others(b));
    // Names are shown as written; a word found among other names, as folded.
    let reason = |field, m: &WordMatch, x: &str, y: &str| Reason {
        field,
        verdict: verdict(m.level),
        a: x.to_string(),
        b: y.to_string(),
        weight: m.weight,
    };
    let given = best(&ga, &gb, dict, false);
    let family = best(&fa, &fb, dict, true);
    let swap = (best(&ga, &fb, dict, true), best(&fa, &gb, dict, true));
    let straight = given.map_or(0.0, |g| g.0.weight) + family.map_or(0.0, |f| f.0.weight);
    match swap {
        (Some(x), Some(y))
            if (x.0.level > Level::Differ || y.0.level > Level::Differ)
                && x.0.weight + y.0.weight + score::SWAPPED > straight =>
        {
            reasons.push(reason("names_swapped", &x.0, &a.given_name, &b.family_name));
            let second = reason("names_swapped", &y.0, &a.family_name, &b.given_name);
            reasons.push(Reason { weight: y.0.weight + score::SWAPPED, ..second });
        }
        _ => {
            let written = [(&a.given_name, &b.given_name), (&a.family_name, &b.family_name)];
            for ((field, m), (wa, wb)) in [("given_name", given), ("family_name", family)].into_iter().zip(written) {
                if let Some((m, _, _)) = m {
                    // A name that differs may be found among the other's other names.
                    let found = if m.level == Level::Differ {
                        let (mine, theirs) = if field == "given_name" { (&ga, &gb) } else { (&fa, &fb) };
                        let (x, y) = (best(mine, &ob, dict, true), best(&oa, theirs, dict, true));
                        x.into_iter().chain(y).max_by(|p, q| p.0.weight.total_cmp(&q.0.weight))
                    } else {
                        None
                    };
                    match found {
                        Some((am, ax, ay)) if am.level > Level::Differ => {
                            let alias = reason("other_name", &am, &ax.folded, &ay.folded);
                            reasons.push(Reason { weight: am.weight + score::ALIAS, ..alias })
                        }
                        _ => reasons.push(reason(field, &m, wa, wb)),
                    }
                }
            }
        }
    }
    if let (Some(x), Some(y)) = (a.birth.map(placeholder), b.birth.map(placeholder)) {
        let (weight, gap) = score::births(x, y);
        let verdict = match gap {
            0 => "agrees",
            1..=400 => "within_margin",
            _ => "differs",
        };
        let show = |r: (NaiveDate, NaiveDate)| {
            crate::domain::partial_date::PartialDate::from_range(r.0, r.1)
                .map(|p| p.display())
                .unwrap_or_else(|_| format!("{} – {}", r.0, r.1))
        };
        reasons.push(Reason { field: "birth", verdict, a: show(x), b: show(y), weight });
    }
    match (a.sex, b.sex) {
        (Some(x), Some(y)) if x != Sex::Unknown && y != Sex::Unknown => {
            let (verdict, weight) =
                if x == y { ("agrees", score::SEX_AGREES) } else { ("differs", score::SEX_DIFFERS) };
            reasons.push(Reason { field: "sex", verdict, a: x.to_string(), b: y.to_string(), weight });
        }
        _ => {}
    }
    if !a.nationalities.is_empty() && !b.nationalities.is_empty() {
        let common = a.nationalities.iter().any(|n| b.nationalities.contains(n));
        let (verdict, weight) =
            if common { ("agrees", score::NATIONALITY_AGREES) } else { ("differs", score::NATIONALITY_DIFFERS) };
        reasons.push(Reason {
            field: "nationality",
            verdict,
            a: a.nationalities.join(" "),
            b: b.nationalities.join(" "),
            weight,
        });
    }
    let total: f64 = reasons.iter().map(|r| r.weight).sum();
    // Names that differ (given or family, straight or swapped) leave a pair "possible" at most,
    // whatever else agrees: twins share a family name and a birthday.
    let names_differ = reasons.iter().any(|r| r.verdict == "differs" && r.field != "birth" && r.field != "nationality");
    // A name written on both sides of which nothing comparable is left counts as differing.
    let unreadable = |x: &str, y: &str, wx: &[Word], wy: &[Word]| {
        !x.trim().is_empty() && !y.trim().is_empty() && (wx.is_empty() || wy.is_empty())
    };
    let names_differ = names_differ
        || unreadable(&a.given_name, &b.given_name, &ga, &gb)
        || unreadable(&a.family_name, &b.family_name, &fa, &fb);
    let band = if total >= score::LIKELY && !names_differ {
        Band::Likely
    } else if total >= score::POSSIBLE {
        Band::Possible
    } else {
        Band::Unlikely
    };
    Comparison { score: total, band, reasons }
}

/// A birth recorded as 1 January of a year, as forms often record a year alone, stands for the
/// whole year.
fn placeholder(r: (NaiveDate, NaiveDate)) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    match (r.0 == r.1, NaiveDate::from_ymd_opt(r.0.year(), 12, 31)) {
        (true, Some(end)) if r.0.ordinal() == 1 => (r.0, end),
        _ => r,
    }
}
