//! The language switch of the pages; the translations themselves are `crate::i18n`.

pub use crate::i18n::{Arg, I18n, Lang, LANG_COOKIE};

use crate::config::Settings;
use crate::error::AppResult;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

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
