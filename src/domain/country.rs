//! Country codes: ISO 3166-1 alpha-2 (plus XK for Kosovo), two upper-case letters, parsed once
//! at the edge. Whether the code is in the reference list is the database's question.

use serde::{Deserialize, Serialize};

/// A country code such as `FR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "FR")]
pub struct CountryCode([u8; 2]);

/// The message for a code that is not two upper-case letters.
pub const COUNTRY_CODE_MESSAGE: &str = "must be an ISO 3166-1 alpha-2 code such as FR";

impl CountryCode {
    /// Two upper-case ASCII letters, or the reason it is not a code.
    pub fn parse(s: &str) -> Result<CountryCode, String> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(CountryCode([*a, *b])),
            _ => Err(COUNTRY_CODE_MESSAGE.into()),
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // Two ASCII letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;
    fn try_from(s: String) -> Result<CountryCode, String> {
        CountryCode::parse(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_string()
    }
}

impl std::str::FromStr for CountryCode {
    type Err = String;
    fn from_str(s: &str) -> Result<CountryCode, String> {
        CountryCode::parse(s)
    }
}

impl std::fmt::Display for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_two_upper_case_letters_are_a_code() {
        assert_eq!(CountryCode::parse("RU").map(|c| c.to_string()), Ok("RU".to_string()));
        for bad in ["ru", "R", "RUS", "R1", "", "ÄÖ"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad}");
        }
    }
}
