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
pub mod waiting;

pub use current_user::{Can, CurrentUser};
pub use scope::OrgScope;
pub use waiting::Waiting;

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

/// Name of the cookie that remembers a browser which signed in before.
pub const DEVICE_COOKIE: &str = "homeward_device";

/// The device cookie: a random token (only its keyed hash is stored, with the account), kept a
/// year, sent only with this site's own requests (`SameSite=Strict`), unreadable by scripts.
/// With it, someone else's failed sign-ins do not lock this browser's user out.
pub fn device_cookie(token: String, settings: &Settings) -> Cookie<'static> {
    Cookie::build(DEVICE_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(settings.cookie_secure)
        .max_age(CookieDuration::days(365))
        .finish()
}

/// The cookies a sign-in sets: the session's, and the device's when the browser was new to
/// the account (`services::auth::SignedIn`).
pub fn sign_in_cookies(token: String, new_device: Option<String>, settings: &Settings) -> Vec<Cookie<'static>> {
    let mut cookies = vec![session_cookie(token, settings)];
    cookies.extend(new_device.map(|d| device_cookie(d, settings)));
    cookies
}

/// The device cookie's token sent with a request, if any.
pub fn device_token(req: &actix_web::HttpRequest) -> Option<String> {
    req.cookie(DEVICE_COOKIE).map(|c| c.value().to_string()).filter(|t| !t.is_empty() && t.len() <= 128)
}

/// A cookie that makes the browser forget the session.
pub fn cleared_session_cookie(settings: &Settings) -> Cookie<'static> {
    let mut c = session_cookie(String::new(), settings);
    c.set_max_age(CookieDuration::ZERO);
    c
}
