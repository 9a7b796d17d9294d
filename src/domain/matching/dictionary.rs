//! The dictionary of name variants (`seeds/names/variants.json`, extensible): which written
//! forms are the same name, and how common each name is. Two words that the dictionary files
//! under different names are different names, even when their consonants agree (Hasan and
//! Husayn, حسن and حسين).
//!
//! The process holds one dictionary in use ([`Dictionary::shared`]): the built-in one until
//! something installs another ([`Dictionary::install`]: the built-in entries plus the names an
//! admin added, which `services::names` reads from the database). Readers take an `Arc`, so a
//! comparison or a rebuild keeps the dictionary it started with while another is installed.

use super::phonetic::Word;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

/// One name and its variants, as the seed file writes them.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct NameEntry {
    /// The name as usually written in Latin script.
    pub name: String,
    /// The chance that two unrelated persons both bear it (0 to 1).
    pub frequency: f64,
    #[serde(default)]
    pub variants: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct SeedFile {
    names: Vec<NameEntry>,
}

/// The default dictionary, built into the binary.
pub const DEFAULT_JSON: &str = include_str!("../../../seeds/names/variants.json");

/// The variants indexed by their folded and phonetic forms.
#[derive(Debug, Clone, Default)]
pub struct Dictionary {
    entries: Vec<NameEntry>,
    /// Folded or phonetic form -> entry; `None` where two entries share the form.
    index: HashMap<String, Option<usize>>,
    /// How many of the entries came from the seed file (the rest were added after).
    seeded: usize,
}

/// The dictionary in use by this process.
fn in_use() -> &'static RwLock<Arc<Dictionary>> {
    static IN_USE: OnceLock<RwLock<Arc<Dictionary>>> = OnceLock::new();
    IN_USE.get_or_init(|| RwLock::new(Dictionary::builtin_shared()))
}

impl Dictionary {
    /// Reads a seed file's JSON.
    pub fn from_json(json: &str) -> Result<Dictionary, String> {
        let file: SeedFile = serde_json::from_str(json).map_err(|e| format!("the name variants: {e}"))?;
        let mut d = Dictionary::default();
        for e in file.names {
            d.add(e)?;
        }
        d.seeded = d.entries.len();
        Ok(d)
    }

    /// The dictionary built into the binary.
    pub fn builtin() -> Dictionary {
        Dictionary::from_json(DEFAULT_JSON).unwrap_or_default()
    }

    /// The built-in dictionary, read once per process and shared.
    pub fn builtin_shared() -> Arc<Dictionary> {
        static BUILTIN: OnceLock<Arc<Dictionary>> = OnceLock::new();
        BUILTIN.get_or_init(|| Arc::new(Dictionary::builtin())).clone()
    }

    /// The built-in dictionary with `extra` entries added after it (in their order).
    pub fn with_entries(extra: Vec<NameEntry>) -> Result<Dictionary, String> {
        let mut d = (*Dictionary::builtin_shared()).clone();
        for e in extra {
            d.add(e)?;
        }
        Ok(d)
    }

    /// The dictionary this process uses now: the built-in one unless another was installed.
    /// Hold the `Arc` for the whole of a piece of work, so that it uses one dictionary.
    pub fn shared() -> Arc<Dictionary> {
        in_use().read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Makes `d` the dictionary this process uses (work already holding the previous one
    /// finishes with it).
    pub fn install(d: Dictionary) {
        *in_use().write().unwrap_or_else(PoisonError::into_inner) = Arc::new(d);
    }

    /// The entries added after the seed file's (an admin's names).
    pub fn added(&self) -> &[NameEntry] {
        self.entries.get(self.seeded..).unwrap_or_default()
    }

    /// How many names the seed file gave.
    pub fn seeded_len(&self) -> usize {
        self.seeded
    }

    /// The forms a written name is indexed by: the folded and the phonetic form (Latin and
    /// Cyrillic words) of each form of each of its words, sorted, each once.
    fn index_forms(written: &str) -> Vec<String> {
        let mut forms = Vec::new();
        for w in super::phonetic::words(written).iter().flat_map(|w| super::phonetic::forms(w)) {
            let word = Word::new(&w);
            forms.push(word.folded.clone());
            if !word.vowelless() {
                forms.push(format!("~{}", word.phonetic));
            }
        }
        forms.sort();
        forms.dedup();
        forms
    }

    /// The entry that already has a form of this written name, if one does: adding the name
    /// as another entry's variant would make that form ambiguous, and it would name neither.
    /// Forms already ambiguous are nobody's.
    pub fn claimed_by(&self, written: &str) -> Option<&NameEntry> {
        Dictionary::index_forms(written)
            .iter()
            .find_map(|f| self.index.get(f).copied().flatten())
            .map(|i| &self.entries[i])
    }

    /// Whether a written name has any form the dictionary could index (letters, not only
    /// punctuation or symbols).
    pub fn indexable(written: &str) -> bool {
        !Dictionary::index_forms(written).is_empty()
    }

    /// Adds an entry (an admin's, say); its forms that another entry already has become
    /// ambiguous and name nothing.
    pub fn add(&mut self, entry: NameEntry) -> Result<(), String> {
        if !(0.0..=1.0).contains(&entry.frequency) {
            return Err(format!("{}: the frequency must be between 0 and 1", entry.name));
        }
        let id = self.entries.len();
        let mut forms: Vec<String> =
            std::iter::once(&entry.name).chain(&entry.variants).flat_map(|w| Dictionary::index_forms(w)).collect();
        forms.sort();
        forms.dedup();
        for f in forms {
            // Each form once per entry (sorted and deduplicated above): one already there is another's.
            self.index.entry(f).and_modify(|v| *v = None).or_insert(Some(id));
        }
        self.entries.push(entry);
        Ok(())
    }

    /// The entry a word is a variant of: by its folded form, or by its phonetic form (Latin and
    /// Cyrillic words).
    pub fn lookup(&self, w: &Word) -> Option<&NameEntry> {
        let by_folded = self.index.get(&w.folded).copied().flatten();
        let by_sound = || {
            if w.vowelless() {
                None
            } else {
                self.index.get(&format!("~{}", w.phonetic)).copied().flatten()
            }
        };
        by_folded.or_else(by_sound).map(|i| &self.entries[i])
    }

    /// Every spelling of the name a word is a variant of, folded for search (`search_key`):
    /// `khadija` gives `khadidja`, `хадиджа`, `خديجه`, ...; empty when the dictionary does not
    /// know the word.
    pub fn spellings(&self, w: &Word) -> Vec<String> {
        let Some(entry) = self.lookup(w) else { return Vec::new() };
        let mut out: Vec<String> = std::iter::once(&entry.name)
            .chain(&entry.variants)
            .map(|v| crate::domain::names::search_key(v))
            .filter(|v| !v.is_empty())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A digest of every entry (names, frequencies, variants, in order): what the blocking keys
    /// built with this dictionary depend on.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for e in &self.entries {
            h.update(e.name.as_bytes());
            h.update(format!("\u{1f}{}\u{1f}", e.frequency).as_bytes());
            for v in &e.variants {
                h.update(v.as_bytes());
                h.update(b"\x1f");
            }
            h.update(b"\x1e");
        }
        hex::encode(&h.finalize()[..8])
    }

    /// How many names it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zubayda() -> NameEntry {
        NameEntry {
            name: "Zubayda".into(),
            frequency: 0.001,
            variants: vec!["Zubaida".into(), "زبيدة".into(), "Зубайда".into()],
        }
    }

    #[test]
    fn added_names_come_after_the_built_in_ones_and_change_the_fingerprint() {
        let builtin = Dictionary::builtin_shared();
        let d = Dictionary::with_entries(vec![zubayda()]).expect("valid entry");
        assert_eq!(d.len(), builtin.len() + 1);
        assert_eq!(d.seeded_len(), builtin.len());
        assert_eq!(d.added(), &[zubayda()][..]);
        assert!(builtin.added().is_empty());
        assert_ne!(d.fingerprint(), builtin.fingerprint());
        let bad = NameEntry { frequency: 2.0, ..zubayda() };
        assert!(Dictionary::with_entries(vec![bad]).is_err());
    }

    #[test]
    fn a_spelling_is_claimed_by_the_name_that_files_it() {
        let builtin = Dictionary::builtin_shared();
        assert_eq!(builtin.claimed_by("Mohamed").map(|e| e.name.as_str()), Some("Muhammad"));
        assert_eq!(builtin.claimed_by("محمد").map(|e| e.name.as_str()), Some("Muhammad"));
        assert!(builtin.claimed_by("Zubayda").is_none());
        assert!(builtin.spellings(&Word::new("zubayda")).is_empty());
        let d = Dictionary::with_entries(vec![zubayda()]).expect("valid entry");
        for written in ["Zubaida", "Zoubayda", "زبيدة", "Зубайда"] {
            assert_eq!(d.claimed_by(written).map(|e| e.name.as_str()), Some("Zubayda"), "{written}");
        }
        let spellings = d.spellings(&Word::new("zubayda"));
        assert!(spellings.iter().any(|s| s.starts_with("زبيد")), "{spellings:?}");
        assert!(spellings.iter().any(|s| s.starts_with("зуба")), "{spellings:?}");
        assert!(!Dictionary::indexable("- . -"), "punctuation names nothing");
        assert!(Dictionary::indexable("Ben"), "a particle alone is still a name");
    }
}
