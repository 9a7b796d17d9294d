//! The dictionary of name variants (`seeds/names/variants.json`, extensible): which written
//! forms are the same name, and how common each name is. Two words that the dictionary files
//! under different names are different names, even when their consonants agree (Hasan and
//! Husayn, حسن and حسين).

use super::phonetic::Word;
use serde::Deserialize;
use std::collections::HashMap;

/// One name and its variants, as the seed file writes them.
#[derive(Debug, Clone, Deserialize)]
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
}

impl Dictionary {
    /// Reads a seed file's JSON.
    pub fn from_json(json: &str) -> Result<Dictionary, String> {
        let file: SeedFile = serde_json::from_str(json).map_err(|e| format!("the name variants: {e}"))?;
        let mut d = Dictionary::default();
        for e in file.names {
            d.add(e)?;
        }
        Ok(d)
    }

    /// The dictionary built into the binary.
    pub fn builtin() -> Dictionary {
        Dictionary::from_json(DEFAULT_JSON).unwrap_or_default()
    }

    /// The built-in dictionary, read once per process.
    pub fn shared() -> &'static Dictionary {
        static SHARED: std::sync::OnceLock<Dictionary> = std::sync::OnceLock::new();
        SHARED.get_or_init(Dictionary::builtin)
    }

    /// Adds an entry (an admin's, say); its forms that another entry already has become
    /// ambiguous and name nothing.
    pub fn add(&mut self, entry: NameEntry) -> Result<(), String> {
        if !(0.0..=1.0).contains(&entry.frequency) {
            return Err(format!("{}: the frequency must be between 0 and 1", entry.name));
        }
        let id = self.entries.len();
        let mut forms = Vec::new();
        for written in std::iter::once(&entry.name).chain(&entry.variants) {
            for w in super::phonetic::words(written).iter().flat_map(|w| super::phonetic::forms(w)) {
                let word = Word::new(&w);
                forms.push(word.folded.clone());
                if !word.vowelless() {
                    forms.push(format!("~{}", word.phonetic));
                }
            }
        }
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
