//! Authentication and authorisation: password hashing, session tokens, the guard that denies
//! every request without a session outside a short list of public paths, the permission table,
//! the `Can<P>` extractor, and the organisation scope that only these can make.

pub mod current_user;
pub mod guard;
pub mod password;
pub mod permissions;
pub mod scope;
pub mod signin;
pub mod token;

pub use current_user::{Can, CurrentUser};
pub use scope::OrgScope;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "homeward_session";

use crate::config::Settings;
use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};

/// The session cookie: HttpOnly (no script can read it), SameSite=Lax, Secure unless turned off
/// for plain-HTTP development. No Max-Age: it ends with the browser session, and the server
/// ends it on its own timeouts anyway.
pub fn session_cookie(token: String, settings: &Settings) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.cookie_secure)
        .finish()
}

/// A cookie that makes the browser forget the session.
pub fn cleared_session_cookie(settings: &Settings) -> Cookie<'static> {
    let mut c = session_cookie(String::new(), settings);
    c.set_max_age(CookieDuration::ZERO);
    c
}
