//! The HTML pages (askama templates under `web/templates`, assets embedded from `web/static`).
//! Pages call the same services as the API; every string goes through `i18n`.

pub mod assets;
pub mod i18n;
pub mod pages;

use crate::api::resource;
use actix_web::web;

/// Registers every page route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/").route(web::get().to(pages::home)))
        .service(resource("/login").route(web::get().to(pages::login_form)).route(web::post().to(pages::login_submit)))
        .service(resource("/logout").route(web::post().to(pages::logout)))
        .service(resource("/lang").route(web::post().to(i18n::switch)))
        .service(resource("/static/{path:.*}").route(web::get().to(assets::serve)));
}
