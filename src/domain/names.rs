//! Name normalisation for search: names are written in Latin, Arabic and Cyrillic scripts, with
//! or without accents and Arabic diacritics. A search key folds those differences away so that
//! "Zaynab", "ZAYNAB", "Zaynab" with an accent, and "زَيْنَب" / "زينب" are found alike.

use crate::domain::person::Script;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The folded form of a name or a query: lower case, no accents or Arabic diacritics, unified
/// Arabic letter variants, punctuation as spaces, single spaces.
pub fn search_key(s: &str) -> String {
    let folded: String = s
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        // Zero-width and other invisible characters must not split a word: "Fa\u{200B}tima" is
        // found by "fatima".
        .filter(|c| !crate::domain::text::is_invisible(*c))
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            // Alef variants (decomposition already removes hamza/madda marks) and alef wasla.
            'ٱ' => Some('ا'),
            'ى' => Some('ي'),
            'ة' => Some('ه'),
            'ـ' => None, // tatweel only stretches a word
            'ё' => Some('е'),
            c if c.is_alphanumeric() => Some(c),
            _ => Some(' '),
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The script a name is mostly written in.
pub fn detect_script(s: &str) -> Script {
    let (mut latin, mut arabic, mut cyrillic) = (0, 0, 0);
    for c in s.chars() {
        match c as u32 {
            0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => arabic += 1,
            0x0400..=0x052F => cyrillic += 1,
            _ if c.is_alphabetic() => latin += 1,
            _ => {}
        }
    }
    if arabic >= latin.max(cyrillic) && arabic > 0 {
        Script::Arabic
    } else if cyrillic > latin {
        Script::Cyrillic
    } else if latin > 0 {
        Script::Latin
    } else {
        Script::Other
    }
}

/// Checks a name: NFC, trimmed, 1 to 200 characters, any script, nothing hidden (see
/// `domain::text::check_name`).
pub fn check_name(s: &str) -> Result<String, String> {
    crate::domain::text::check_name(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_accents_are_ignored() {
        assert_eq!(search_key("  ZAYNAB  Al-Hāshimī "), "zaynab al hashimi");
        assert_eq!(search_key("Aïcha"), search_key("aicha"));
    }

    #[test]
    fn arabic_diacritics_and_letter_variants_are_folded() {
        assert_eq!(search_key("زَيْنَب"), search_key("زينب"));
        assert_eq!(search_key("أحمد"), search_key("احمد"));
        assert_eq!(search_key("إسراء"), search_key("اسراء"));
        assert_eq!(search_key("فاطمة"), search_key("فاطمه"));
        assert_eq!(search_key("مـوسى"), "موسي");
    }

    #[test]
    fn cyrillic_is_lowercased_and_yo_folded() {
        assert_eq!(search_key("Алёна"), "алена");
        assert_eq!(search_key("Йусуф"), search_key("иусуф"));
    }

    #[test]
    fn scripts_are_detected() {
        assert_eq!(detect_script("Zaynab"), Script::Latin);
        assert_eq!(detect_script("زينب"), Script::Arabic);
        assert_eq!(detect_script("Зайнаб"), Script::Cyrillic);
    }

    #[test]
    fn zero_width_characters_do_not_hide_a_name_from_search() {
        assert_eq!(search_key("Fa\u{200B}ti\u{200D}ma"), "fatima");
        assert_eq!(search_key("فا\u{200C}طمة"), search_key("فاطمة"));
    }
}
