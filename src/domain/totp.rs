//! Time-based one-time passwords (RFC 6238 over RFC 4226, HMAC-SHA1, 6 digits, 30-second steps:
//! what every authenticator app understands), their base32 secrets (RFC 4648, no padding), the
//! `otpauth://` URI an app scans, and the shape of recovery codes. Pure: the secret's randomness
//! and the clock come from the caller.

use hmac::{Hmac, KeyInit, Mac};

/// Seconds per step.
pub const STEP_SECS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of now: a phone's clock a little off, a code typed as it turned.
pub const DRIFT_STEPS: i64 = 1;
/// Bytes of a secret (160 bits, RFC 4226's recommendation).
pub const SECRET_BYTES: usize = 20;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Base32 without padding (how authenticator apps show and take secrets).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes base32, ignoring spaces, hyphens, padding and case; `None` on any other character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| !matches!(c, ' ' | '-' | '=')) {
        let value = BASE32.iter().position(|&x| x as char == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

/// The time step of a moment (seconds since 1970).
pub fn step_of(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// The code of a step (RFC 4226's dynamic truncation).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let Ok(mut mac) = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(secret) else {
        return u32::MAX; // HMAC takes a key of any length: never reached
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
    word % 10u32.pow(DIGITS)
}

/// A code as typed: six digits, spaces allowed ("123 456"), Arabic-Indic and Persian digits read
/// as their values (an Arabic keyboard types ١٢٣٤٥٦); `None` for anything else.
pub fn parse_code(typed: &str) -> Option<u32> {
    let western = |c: char| match c {
        '\u{0660}'..='\u{0669}' => char::from_u32(c as u32 - 0x0660 + u32::from(b'0')).unwrap_or(c),
        '\u{06F0}'..='\u{06F9}' => char::from_u32(c as u32 - 0x06F0 + u32::from(b'0')).unwrap_or(c),
        other => other,
    };
    let digits: String = typed.chars().filter(|c| !c.is_whitespace()).map(western).collect();
    (digits.len() == DIGITS as usize && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// The step whose code `code` is, within the drift of now, and later than `last_step` (a code
/// once accepted is never accepted again, so a code seen over a shoulder is spent).
pub fn matching_step(secret: &[u8], code: u32, unix_secs: i64, last_step: i64) -> Option<i64> {
    let now = step_of(unix_secs);
    (now - DRIFT_STEPS..=now + DRIFT_STEPS).filter(|s| *s > last_step).find(|s| code_at(secret, *s) == code)
}

/// The URI an authenticator app scans: `otpauth://totp/Issuer:account?secret=...&issuer=...`.
pub fn otpauth_uri(issuer: &str, account: &str, secret_base32: &str) -> String {
    let label = format!("{}:{}", escape(issuer), escape(account));
    format!(
        "otpauth://totp/{label}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        escape(issuer)
    )
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The alphabet of recovery codes: lower-case letters and digits without the look-alikes
/// (0/o, 1/l/i), 31 symbols, so ten of them carry about 50 bits.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
/// Symbols per recovery code.
pub const RECOVERY_LEN: usize = 10;

/// A recovery code as shown: `abcde-fghjk`.
pub fn format_recovery(symbols: &str) -> String {
    let (a, b) = symbols.split_at(symbols.len() / 2);
    format!("{a}-{b}")
}

/// A recovery code as typed, in the form it is hashed in: lower case, without spaces or
/// hyphens; `None` when it cannot be one.
pub fn normalise_recovery(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !matches!(c, ' ' | '-')).map(|c| c.to_ascii_lowercase()).collect();
    (code.len() == RECOVERY_LEN && code.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 test vectors (8 digits there; the last 6 here).
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        for (t, code) in [
            (59, 94287082),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ] {
            assert_eq!(code_at(secret, step_of(t)), code % 1_000_000, "at {t}");
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw 6ytb-oi==").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(base32_decode("MZ1"), None);
        let secret: Vec<u8> = (0..20).collect();
        assert_eq!(base32_decode(&base32_encode(&secret)), Some(secret));
    }

    #[test]
    fn a_code_counts_within_the_drift_and_only_once() {
        let secret = b"12345678901234567890";
        let now = 1_111_111_111;
        let code = code_at(secret, step_of(now));
        assert_eq!(matching_step(secret, code, now, 0), Some(step_of(now)));
        assert_eq!(matching_step(secret, code, now + STEP_SECS, 0), Some(step_of(now)), "one step late");
        assert_eq!(matching_step(secret, code, now + 3 * STEP_SECS, 0), None, "too late");
        assert_eq!(matching_step(secret, code, now, step_of(now)), None, "spent");
        assert_eq!(parse_code(" 123 456 "), Some(123456));
        assert_eq!(parse_code("١٢٣٤٥٦"), Some(123456), "Arabic-Indic digits");
        assert_eq!(parse_code("۱۲۳ ۴۵۶"), Some(123456), "Persian digits");
        assert_eq!(parse_code("12345"), None);
        assert_eq!(parse_code("12345x"), None);
    }

    #[test]
    fn recovery_codes_are_read_as_people_type_them() {
        assert_eq!(normalise_recovery("ABCDE-FGHJK").as_deref(), Some("abcdefghjk"));
        assert_eq!(normalise_recovery("abcde fghj"), None);
        assert_eq!(normalise_recovery("abcde-fghj0"), None, "0 is not in the alphabet");
        assert_eq!(format_recovery("abcdefghjk"), "abcde-fghjk");
        let uri = otpauth_uri("Homeward", "a b@example.org", "MZXW6YTBOI");
        assert!(
            uri.starts_with("otpauth://totp/Homeward:a%20b%40example.org?secret=MZXW6YTBOI&issuer=Homeward"),
            "{uri}"
        );
    }
}
