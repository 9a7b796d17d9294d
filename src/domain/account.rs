//! Account rules: email addresses, display names and the password policy.
//!
//! The password policy follows NIST SP 800-63B: a minimum length, a generous maximum, no
//! composition rules, and a list of common passwords that are refused.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Shortest accepted password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// Longest accepted password, in characters (well above the 128 that must be accepted).
pub const PASSWORD_MAX_CHARS: usize = 256;

static COMMON: OnceLock<HashSet<&'static str>> = OnceLock::new();

fn common_passwords() -> &'static HashSet<&'static str> {
    COMMON
        .get_or_init(|| include_str!("common_passwords.txt").lines().map(str::trim).filter(|l| !l.is_empty()).collect())
}

/// Checks a new password; the error says what is wrong, in words a user understands.
pub fn check_password(password: &str, email: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(format!("must be at least {PASSWORD_MIN_CHARS} characters"));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(format!("must be at most {PASSWORD_MAX_CHARS} characters"));
    }
    let lower = password.to_lowercase();
    if common_passwords().contains(lower.as_str()) {
        return Err("is too common: choose a less predictable password".into());
    }
    if !email.is_empty() && lower.contains(&email.to_lowercase()) {
        return Err("must not contain your email address".into());
    }
    if password.chars().collect::<HashSet<_>>().len() < 4 {
        return Err("is too repetitive: use more different characters".into());
    }
    Ok(())
}

/// Normalises an email address for storage and lookup: trimmed and lower-cased.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A display name: trimmed, 1 to 200 characters, any script.
pub fn check_display_name(name: &str) -> Result<String, String> {
    crate::domain::text::check_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_uncommon_password_is_accepted() {
        assert!(check_password("river-lantern-quiet-47", "a@b.org").is_ok());
    }

    #[test]
    fn a_password_of_128_characters_is_accepted() {
        let pw: String = "abcdefghij".repeat(13).chars().take(128).collect();
        assert!(check_password(&pw, "a@b.org").is_ok());
    }

    #[test]
    fn short_common_or_repetitive_passwords_are_refused() {
        assert!(check_password("short-pw", "").unwrap_err().contains("at least 12"));
        assert!(check_password("password1234", "").unwrap_err().contains("too common"));
        assert!(check_password("PASSWORD1234", "").unwrap_err().contains("too common"));
        assert!(check_password("aaaaaaaaaaaaab", "").unwrap_err().contains("repetitive"));
        assert!(check_password(&"x1".repeat(200), "").unwrap_err().contains("at most"));
    }

    #[test]
    fn a_password_containing_the_email_is_refused() {
        assert!(check_password("xx-ana@ngo.org-xx", "ana@ngo.org").is_err());
    }

    #[test]
    fn display_names_in_any_script_are_accepted_and_trimmed() {
        assert_eq!(check_display_name("  فاطمة  ").as_deref(), Ok("فاطمة"));
        assert_eq!(check_display_name("Мария").as_deref(), Ok("Мария"));
        assert!(check_display_name("   ").is_err());
        assert!(check_display_name(&"a".repeat(201)).is_err());
    }
}
