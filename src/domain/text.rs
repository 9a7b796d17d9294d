//! Text that cannot hurt: every text a user sends goes through one of these checks before it is
//! stored or searched. Control characters are refused (PostgreSQL cannot even store NUL), names
//! are NFC-normalised so that one spelling is stored one way, and bidirectional overrides, which
//! can make a name read differently from how it is stored, are refused.

use unicode_normalization::UnicodeNormalization;

/// Longest name (a person's, a family label, a facility's), in characters.
pub const NAME_MAX: usize = 200;
/// Longest short free text (a source, a legal note, a place), in characters.
pub const SHORT_TEXT_MAX: usize = 2000;
/// Longest notes field, in characters.
pub const NOTES_MAX: usize = 10_000;

/// Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they can
/// reorder how a name is displayed, so "Ali" can be shown while something else is stored.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no space and show nothing: zero-width space, joiners, word joiner,
/// soft hyphen, byte-order mark, left/right and Arabic letter marks.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{00AD}' | '\u{FEFF}' | '\u{061C}' | '\u{180E}'
    )
}

/// A control character other than the line breaks and tabs that multi-line text may hold.
fn is_forbidden_control(c: char, multiline: bool) -> bool {
    c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))
}

/// Checks free text: no control characters (line breaks allowed when `multiline`), at most
/// `max` characters; returns it trimmed.
pub fn check_text(s: &str, max: usize, multiline: bool) -> Result<String, String> {
    if s.chars().any(|c| is_forbidden_control(c, multiline)) {
        return Err("must not contain control characters".into());
    }
    if s.chars().any(is_bidi_control) {
        return Err("must not contain bidirectional override characters".into());
    }
    let t = s.trim();
    if t.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(t.to_string())
}

/// Checks a name: NFC-normalised, trimmed, 1 to 200 characters, no control characters, no
/// bidirectional overrides, and something visible (not only invisible characters).
pub fn check_name(s: &str) -> Result<String, String> {
    let nfc: String = s.nfc().collect();
    let t = check_text(&nfc, NAME_MAX, false)?;
    if t.is_empty() {
        return Err("is required".into());
    }
    if t.chars().all(|c| is_invisible(c) || c.is_whitespace()) {
        return Err("must contain visible characters".into());
    }
    Ok(t)
}

/// Checks an optional short text (may be empty).
pub fn check_short(s: &str) -> Result<String, String> {
    check_text(s, SHORT_TEXT_MAX, false)
}

/// Checks notes (may be empty, may span lines).
pub fn check_notes(s: &str) -> Result<String, String> {
    check_text(s, NOTES_MAX, true)
}

/// Every field of a JSON document whose text holds a control character, by path
/// (`members[1].given_name`). One check at the edge protects every endpoint, whatever its
/// fields, before any of it reaches a database.
pub fn controls_in_json(value: &serde_json::Value) -> Vec<String> {
    fn here(path: &str) -> String {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    }
    fn walk(v: &serde_json::Value, path: &mut String, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) if has_control(s) => out.push(here(path)),
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    walk(item, path, out);
                    path.truncate(len);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map {
                    if k.chars().any(char::is_control) {
                        out.push(here(path));
                        continue;
                    }
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    walk(item, path, out);
                    path.truncate(len);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut String::new(), &mut out);
    out
}

/// True when a string holds a control character (for query strings, forms and paths), except
/// the line breaks and tabs of multi-line form fields.
pub fn has_control(s: &str) -> bool {
    s.chars().any(|c| is_forbidden_control(c, true) || c == '\0')
}

/// Every parameter of an urlencoded text (a query string or a posted form), percent-decoded,
/// whose value holds a control character, by name; a name that itself holds one is reported as
/// `unnamed` (it cannot be shown). Names come once each, in order. Like [`controls_in_json`], one
/// check at the edge covers every handler, whatever it reads.
pub fn controls_in_urlencoded(text: &str, unnamed: &str) -> Vec<String> {
    // Decoding an urlencoded text into pairs of strings cannot fail (bad UTF-8 is replaced).
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(text).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for (name, value) in pairs {
        let field = if has_control(&name) {
            unnamed.to_string()
        } else if has_control(&value) {
            name
        } else {
            continue;
        };
        if !out.contains(&field) {
            out.push(field);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nfc_normalised_and_trimmed() {
        let decomposed = "Zayna\u{0301}b ";
        assert_eq!(check_name(decomposed), Ok("Zaynáb".to_string()));
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_refused() {
        assert!(check_name("Ali\0").is_err());
        assert!(check_name("Ali\u{7}").is_err());
        assert!(check_name("\u{202E}ilA").is_err());
        assert!(check_name("A\u{2066}li").is_err());
        assert!(check_notes("line one\nline two").is_ok());
        assert!(check_short("line one\nline two").is_err());
    }

    #[test]
    fn a_name_of_only_invisible_characters_is_refused() {
        assert_eq!(check_name("\u{200B}\u{200D}"), Err("must contain visible characters".to_string()));
        assert_eq!(check_name("   "), Err("is required".to_string()));
        assert!(check_name("فاطمة\u{200C}").is_ok(), "a joiner inside a real name is kept");
    }

    #[test]
    fn lengths_are_capped() {
        assert!(check_name(&"a".repeat(200)).is_ok());
        assert!(check_name(&"a".repeat(201)).is_err());
        assert!(check_notes(&"a".repeat(10_001)).is_err());
    }

    #[test]
    fn every_control_character_in_a_json_body_is_found_with_its_path() {
        let v = serde_json::json!({"label": "ok", "members": [{"given_name": "ok"}, {"given_name": "bad\u{0}"}]});
        assert_eq!(controls_in_json(&v), vec!["members[1].given_name".to_string()]);
        assert!(controls_in_json(&serde_json::json!({"notes": "a\nb"})).is_empty());
    }

    #[test]
    fn every_parameter_with_a_control_character_is_found_once_by_name_after_decoding() {
        let found = controls_in_urlencoded("a=ok&b=x%00&c=%1B+&b=%07&bad%00name=1&d=line%0Abreak", "query");
        assert_eq!(found, vec!["b".to_string(), "c".to_string(), "query".to_string()]);
        assert!(controls_in_urlencoded("q=%C3%A9t%C3%A9&tab=a%09b&junk=%FF", "query").is_empty());
        assert!(controls_in_urlencoded("", "query").is_empty());
    }
}
