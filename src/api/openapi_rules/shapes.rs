//! The shapes of the values the server reads, as patterns and schemas for the OpenAPI document:
//! ids, country codes, days and partial dates (with the days each month has and the leap
//! years), second factors, and the "clean value" any property the document does not name may
//! hold. Each mirrors a parser of `domain` (named at each item); a test below checks a few
//! values against both, so that a parser and its pattern cannot drift apart unnoticed.

use utoipa::openapi::schema::{
    AdditionalProperties, AnyOfBuilder, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::{Ref, RefOr};

/// A string without the control characters the server refuses (Rust's `char::is_control`,
/// line breaks and tabs aside).
pub const NO_CONTROLS: &str = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$";

/// A name (a person's, a family's label, a facility's; `domain::text::check_name`): one line
/// without control characters or bidirectional overrides, with something visible in it, at
/// most `NAME_MAX` characters.
pub const NAME: &str = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200B-\u200F\u2060-\u2064\u00AD\uFEFF\u061C\u180E][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$";

/// An export's purpose (`services::exports`): at least three characters once trimmed.
pub const PURPOSE: &str = r"^\s*[^\s\u0000-\u001F\u007F-\u009F][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]+[^\s\u0000-\u001F\u007F-\u009F]\s*$";

/// An object's key: no control character at all (`domain::text::controls_in_json`).
pub const KEY: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";

/// A UUID in any case (`domain::ids`).
pub const UUID: &str = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// A facility's id, or empty for none.
pub const FACILITY: &str = r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$";

/// ISO 3166-1 alpha-2 as the server reads it: two capital letters (`domain::country`).
pub const COUNTRY: &str = r"^[A-Z]{2}$";

/// The component that holds any clean JSON value (see [`clean_value`]).
pub const CLEAN_VALUE: &str = "CleanValue";

/// Days that exist, `YYYY-MM-DD` with the given year and month-digit patterns (months and
/// days with one digit or two when `loose`, as `PartialDate::parse` reads them).
fn days(year: &str, leap_year: &str, loose: bool) -> String {
    let z = if loose { "0?" } else { "0" };
    let m31 = format!("({z}[13578]|1[02])");
    let m30 = format!("({z}[469]|11)");
    let d31 = format!("({z}[1-9]|[12][0-9]|3[01])");
    let d30 = format!("({z}[1-9]|[12][0-9]|30)");
    let d28 = format!("({z}[1-9]|1[0-9]|2[0-8])");
    format!("{year}-{m31}-{d31}|{year}-{m30}-{d30}|{year}-{z}2-{d28}|{leap_year}-{z}2-29")
}

/// The years the registry holds (`domain::partial_date::MIN_YEAR`, `MAX_YEAR`): 1900 to 2100.
const YEAR: &str = r"(19[0-9]{2}|20[0-9]{2}|2100)";
/// The leap years among them: 1900 and 2100 are not, 2000 is.
const LEAP_YEAR: &str = r"(19(0[48]|[2468][048]|[13579][26])|20(0[048]|[2468][048]|[13579][26]))";

/// A calendar day as sent in JSON (`YYYY-MM-DD`, as chrono reads it) that the registry holds:
/// years 1900 to 2100 (the dates of wishes, consents, next actions are checked like partial
/// dates), days that exist.
pub fn day() -> String {
    format!("^({})$", days(YEAR, LEAP_YEAR, false))
}

/// The text form of a partial date (`PartialDate::parse`): `YYYY`, `YYYY-MM` or `YYYY-MM-DD`,
/// years 1900 to 2100, days that exist.
pub fn partial_day_text() -> String {
    format!("^({YEAR}|{YEAR}-(0?[1-9]|1[0-2])|{})$", days(YEAR, LEAP_YEAR, true))
}

/// Six digits from an authenticator app, Western or Arabic-Indic, spaces allowed
/// (`domain::totp::parse_code`).
pub const TOTP_CODE: &str = r"^ *([0-9\u0660-\u0669\u06F0-\u06F9] *){6}$";

/// A recovery code as typed: ten symbols of its alphabet in any case, spaces and hyphens
/// allowed (`domain::totp::normalise_recovery`).
pub const RECOVERY_CODE: &str = r"^[ -]*([a-hjkmnp-zA-HJKMNP-Z2-9][ -]*){10}$";

fn string(pattern: &str) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).pattern(Some(pattern))
}

fn integer(min: i64, max: i64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .minimum(Some(min as f64))
        .maximum(Some(max as f64))
}

fn null() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::Null))
}

/// The properties an object may have beyond its own: clean values under clean keys.
pub fn open_to_clean(o: ObjectBuilder) -> ObjectBuilder {
    o.additional_properties(Some(AdditionalProperties::RefOr(RefOr::Ref(Ref::from_schema_name(CLEAN_VALUE)))))
        .property_names(Some(string(KEY).build()))
}

/// Any JSON value with no control character in its strings or keys: what a property the
/// document does not name may hold (the server ignores it, but refuses control characters
/// anywhere in a body before it reads it).
pub fn clean_value() -> Schema {
    let me = || RefOr::Ref(Ref::from_schema_name(CLEAN_VALUE));
    AnyOfBuilder::new()
        .item(string(NO_CONTROLS))
        .item(ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::Number, Type::Boolean, Type::Null])))
        .item(ArrayBuilder::new().items(me()))
        .item(open_to_clean(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Object))))
        .description(Some("Any JSON value whose strings and keys hold no control character."))
        .build()
        .into()
}

/// A partial date as sent (`RawPartialDate::check`): its text form, or its parts with a month
/// of 1 to 12, a day that exists in it, or an estimate of ±1 to ±20 years that stays within
/// 1900 to 2100 (one alternative per margin, so that the bounds are exact).
pub fn raw_partial_date() -> Schema {
    let parts = |o: ObjectBuilder| o.schema_type(SchemaType::Type(Type::Object)).required("year");
    let absent = || null();
    let mut any = AnyOfBuilder::new().item(string(&partial_day_text()));
    // The year alone, or with its month.
    any = any.item(
        parts(ObjectBuilder::new())
            .property("year", integer(1900, 2100))
            .property("month", OneOfBuilder::new().item(integer(1, 12)).item(null()))
            .property("day", absent())
            .property("margin_years", integer(0, 0)),
    );
    // A whole day: months by their lengths, February the 29th in leap years only.
    let leap: Vec<i64> =
        (1900..=2100).filter(|y| chrono::NaiveDate::from_ymd_opt(*y as i32, 2, 29).is_some()).collect();
    let months = |ms: &[i64]| {
        ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).enum_values(Some(ms.iter().copied()))
    };
    for (ms, last) in [(&[1, 3, 5, 7, 8, 10, 12][..], 31), (&[4, 6, 9, 11][..], 30), (&[2][..], 28)] {
        any = any.item(
            parts(ObjectBuilder::new())
                .required("month")
                .required("day")
                .property("year", integer(1900, 2100))
                .property("month", months(ms))
                .property("day", integer(1, last))
                .property("margin_years", integer(0, 0)),
        );
    }
    any = any.item(
        parts(ObjectBuilder::new())
            .required("month")
            .required("day")
            .property("year", ObjectBuilder::new().schema_type(SchemaType::Type(Type::Integer)).enum_values(Some(leap)))
            .property("month", months(&[2]))
            .property("day", integer(29, 29))
            .property("margin_years", integer(0, 0)),
    );
    for margin in 1..=i64::from(crate::domain::partial_date::MAX_MARGIN) {
        any = any.item(
            parts(ObjectBuilder::new())
                .required("margin_years")
                .property("year", integer(1900 + margin, 2100 - margin))
                .property("month", absent())
                .property("day", absent())
                .property("margin_years", integer(margin, margin)),
        );
    }
    any.description(Some(
        "A partial date: the text `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (years 1900 to 2100), or its parts \
         (`{\"year\": 2012, \"month\": 3}`; an estimate: `{\"year\": 1990, \"margin_years\": 2}`).",
    ))
    .build()
    .into()
}

/// A second factor: a code from the app or a recovery code, exactly one of the two.
pub fn factor_request() -> Schema {
    let one = |field: &str, pattern: &str, other: &str| {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .required(field)
            .property(field, string(pattern))
            .property(other, null())
    };
    OneOfBuilder::new()
        .item(one("code", TOTP_CODE, "recovery_code"))
        .item(one("recovery_code", RECOVERY_CODE, "code"))
        .description(Some("A second factor: exactly one of `code` (six digits) and `recovery_code`."))
        .build()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::partial_date::PartialDate;

    fn matches(pattern: &str, s: &str) -> bool {
        regex::Regex::new(pattern).unwrap().is_match(s)
    }

    #[test]
    fn the_partial_date_pattern_accepts_what_the_parser_accepts_and_no_more() {
        let p = partial_day_text();
        for s in [
            "1990",
            "1990-03",
            "1990-3",
            "1990-03-14",
            "2000-02-29",
            "1904-02-29",
            "2100-12-31",
            "1900-01-01",
            "1990-4-30",
        ] {
            assert!(matches(&p, s), "{s} matches");
            assert!(PartialDate::parse(s).is_ok(), "{s} parses");
        }
        for s in
            ["", "1899", "2101", "1990-13", "1990-02-29", "1900-02-29", "2100-02-29", "1990-04-31", "90", "1990-00"]
        {
            assert!(!matches(&p, s), "{s} does not match");
            assert!(PartialDate::parse(s).is_err(), "{s} does not parse");
        }
    }

    #[test]
    fn the_day_pattern_knows_the_leap_years() {
        let p = day();
        for s in ["2026-11-28", "2000-02-29", "2024-02-29", "1904-02-29"] {
            assert!(matches(&p, s), "{s}");
            assert!(s.parse::<chrono::NaiveDate>().is_ok());
        }
        for s in ["", "2026-11-31", "1900-02-29", "2023-02-29", "2026-1-05", "1899-12-31", "2101-01-01"] {
            assert!(!matches(&p, s), "{s}");
        }
    }

    #[test]
    fn the_code_patterns_accept_what_sign_in_reads() {
        for s in ["123456", "12 34 56", "١٢٣٤٥٦"] {
            assert!(matches(TOTP_CODE, s) && crate::domain::totp::parse_code(s).is_some(), "{s}");
        }
        for s in ["abcde-fghjk", "ABCDE FGHJK", "abcdefghjk"] {
            assert!(matches(RECOVERY_CODE, s) && crate::domain::totp::normalise_recovery(s).is_some(), "{s}");
        }
        assert!(!matches(RECOVERY_CODE, "abcde-fghji"), "i is not in the alphabet");
        for s in ["Zaynab", " عائشة ", "Ayşe Mahmud"] {
            assert!(matches(NAME, s) && crate::domain::text::check_name(s).is_ok(), "{s}");
        }
        for s in ["", "  ", "\u{200B}", "Ali\tB", "\u{202E}Ali"] {
            assert!(!matches(NAME, s) && crate::domain::text::check_name(s).is_err(), "{s:?}");
        }
        assert!(matches(PURPOSE, " for the embassy ") && !matches(PURPOSE, " ab ") && matches(PURPOSE, "a b"));
        assert!(matches(UUID, "0190f5b2-7c1e-7abc-8def-0123456789ab") && !matches(UUID, ""));
    }
}
