//! Translations: the Fluent catalogues under `web/locales` (embedded in the binary), the
//! supported languages and the request's choice of one (a cookie, else `Accept-Language`).
//! Used by the pages, and by the API for the English text beside structured explanations.
//! Arabic pages render right-to-left.

pub mod words;

use actix_web::HttpRequest;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::LanguageIdentifier;

static_loader! {
    static LOCALES = {
        locales: "./web/locales",
        fallback_language: "en",
        // Fluent wraps placeholders in Unicode isolates; HTML's dir attributes do that job.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Name of the language cookie.
pub const LANG_COOKIE: &str = "homeward_lang";

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
}

impl Lang {
    /// Every supported language, for the switcher.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ar];

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ar => "ar",
        }
    }

    /// The language of a tag such as `ar-SY` (only its first two letters count).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().get(..2).map(|p| p.to_ascii_lowercase()).as_deref() {
            Some("en") => Some(Lang::En),
            Some("ar") => Some(Lang::Ar),
            _ => None,
        }
    }

    /// The cookie's choice, else the first supported language the browser asks for, else English.
    pub fn of_request(req: &HttpRequest) -> Lang {
        if let Some(lang) = req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())) {
            return lang;
        }
        req.headers()
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').find_map(Lang::parse))
            .unwrap_or(Lang::En)
    }
}

/// What templates use to translate.
#[derive(Debug, Clone)]
pub struct I18n {
    pub lang: Lang,
    id: LanguageIdentifier,
}

impl I18n {
    pub fn new(lang: Lang) -> I18n {
        let id = lang.code().parse().unwrap_or_default();
        I18n { lang, id }
    }

    pub fn of_request(req: &HttpRequest) -> I18n {
        I18n::new(Lang::of_request(req))
    }

    /// The translation of `key` (the key itself if a catalogue lacks it, so a gap shows).
    pub fn t(&self, key: &str) -> String {
        LOCALES.try_lookup(&self.id, key).unwrap_or_else(|| key.to_string())
    }

    /// The translation of `key` with named arguments (`{ $years }` in the catalogue).
    pub fn t_args(&self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.value())).collect();
        LOCALES.try_lookup_with_args(&self.id, key, &map).unwrap_or_else(|| key.to_string())
    }

    /// `lang` attribute.
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// `dir` attribute.
    pub fn dir(&self) -> &'static str {
        match self.lang {
            Lang::Ar => "rtl",
            Lang::En => "ltr",
        }
    }
}

/// An argument of a translation.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Number(i64),
}

impl Arg {
    fn value(&self) -> FluentValue<'static> {
        match self {
            Arg::Text(s) => FluentValue::from(s.clone()),
            // Plain digits: dates and ages must not get thousands separators.
            Arg::Number(n) => FluentValue::from(n.to_string()),
        }
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<i32> for Arg {
    fn from(n: i32) -> Arg {
        Arg::Number(i64::from(n))
    }
}

impl From<u32> for Arg {
    fn from(n: u32) -> Arg {
        Arg::Number(i64::from(n))
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Number(n as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_translates_the_same_keys() {
        // Every .ftl file of each language, whatever their number: a key that English has and
        // another language lacks (or the other way round) fails here.
        let keys = |lang: &str| -> Vec<String> {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/locales").join(lang);
            let mut k: Vec<String> = std::fs::read_dir(&dir)
                .expect("locale directory")
                .filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "ftl"))
                .flat_map(|e| {
                    std::fs::read_to_string(e.path())
                        .expect("catalogue")
                        .lines()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_string()))
                .filter(|k| !k.starts_with('#') && !k.is_empty())
                .collect();
            k.sort();
            k
        };
        let en = keys("en");
        assert!(en.len() > 100);
        assert_eq!(en, keys("ar"));
    }

    #[test]
    fn arabic_is_right_to_left_and_translated() {
        let ar = I18n::new(Lang::Ar);
        assert_eq!(ar.dir(), "rtl");
        assert_ne!(ar.t("login-title"), I18n::new(Lang::En).t("login-title"));
        assert_ne!(ar.t("login-title"), "login-title");
    }
}
