//! Translations (Fluent catalogues under `web/locales`) and the user's language choice, kept
//! in a cookie. Arabic pages render right-to-left.

use crate::config::Settings;
use crate::error::AppResult;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use fluent_templates::{static_loader, Loader};
use serde::Deserialize;
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

    fn parse(s: &str) -> Option<Lang> {
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

/// The language switcher's form.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    pub lang: String,
    pub next: Option<String>,
}

/// `POST /lang`: stores the choice and goes back to the page (a local path only).
pub async fn switch(form: web::Form<SwitchForm>, settings: web::Data<Settings>) -> AppResult<HttpResponse> {
    let lang = Lang::parse(&form.lang).unwrap_or(Lang::En);
    let next =
        form.next.as_deref().filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\')).unwrap_or("/");
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .same_site(SameSite::Lax)
        .secure(settings.cookie_secure)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther().cookie(cookie).insert_header(("Location", next.to_string())).finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_translate_the_same_keys() {
        let en =
            [include_str!("../../web/locales/en/main.ftl"), include_str!("../../web/locales/en/policies.ftl")].concat();
        let ar =
            [include_str!("../../web/locales/ar/main.ftl"), include_str!("../../web/locales/ar/policies.ftl")].concat();
        let keys = |s: &str| -> Vec<String> {
            let mut k: Vec<String> = s
                .lines()
                .filter_map(|l| l.split_once(" ="))
                .map(|(k, _)| k.trim().to_string())
                .filter(|k| !k.starts_with('#') && !k.is_empty())
                .collect();
            k.sort();
            k
        };
        assert_eq!(keys(&en), keys(&ar));
    }

    #[test]
    fn arabic_is_right_to_left_and_translated() {
        let ar = I18n::new(Lang::Ar);
        assert_eq!(ar.dir(), "rtl");
        assert_ne!(ar.t("login-title"), I18n::new(Lang::En).t("login-title"));
        assert_ne!(ar.t("login-title"), "login-title");
    }
}
