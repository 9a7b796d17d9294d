//! The language switch of the pages; the translations themselves are `crate::i18n`.

pub use crate::i18n::{Arg, I18n, Lang, LANG_COOKIE};

use crate::config::Settings;
use crate::error::AppResult;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::HeaderValue;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// The language switcher's form.
#[derive(Debug, Deserialize)]
pub struct SwitchForm {
    pub lang: String,
    pub next: Option<String>,
}

/// Where to go back to: `next` when it is a path of this site, else the home page. Browsers
/// drop tabs and line breaks from URLs (`/\t/evil.example` is `//evil.example`, another site)
/// and a line break cannot be sent in a `Location` header at all, so any control character
/// sends home too, as does anything a header cannot carry.
pub fn local_path(next: Option<&str>) -> &str {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.contains('\\')
            && !n.chars().any(char::is_control)
            && HeaderValue::from_str(n).is_ok()
    })
    .unwrap_or("/")
}

/// `POST /lang`: stores the choice and goes back to the page (a local path only).
pub async fn switch(form: web::Form<SwitchForm>, settings: web::Data<Settings>) -> AppResult<HttpResponse> {
    let lang = Lang::parse(&form.lang).unwrap_or(Lang::En);
    let next = local_path(form.next.as_deref());
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
    fn only_a_path_of_this_site_that_a_header_can_carry_is_followed() {
        for good in ["/", "/families?q=a%20b", "/admin/audit?action=auth.login"] {
            assert_eq!(local_path(Some(good)), good);
        }
        for bad in ["/\r\n", "/\r\nSet-Cookie: a=b", "/\t/evil.example", "//evil.example", "/\\evil.example", "x", ""] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
