//! The JSON API under `/api/v1`, one file per resource, plus the OpenAPI document.
//! Handlers stay thin: they parse and authorise, then call `services/` inside `http::db`.

pub mod audit;
pub mod auth;
pub mod extract;
pub mod health;
pub mod openapi;
pub mod organisations;
pub mod users;

use crate::http::envelope::method_not_allowed;
use actix_web::{web, Resource};

/// A resource whose unknown methods answer 405 in the error envelope (not a bare 404).
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

/// Registers every API route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/healthz").route(web::get().to(health::healthz)))
        .service(resource("/readyz").route(web::get().to(health::readyz)))
        .service(resource("/api/openapi.json").route(web::get().to(openapi::document)))
        .service(resource("/api/v1/auth/login").route(web::post().to(auth::login)))
        .service(resource("/api/v1/auth/logout").route(web::post().to(auth::logout)))
        .service(resource("/api/v1/me").route(web::get().to(auth::me)))
        .service(
            resource("/api/v1/organisations")
                .route(web::get().to(organisations::list))
                .route(web::post().to(organisations::create)),
        )
        .service(resource("/api/v1/users").route(web::get().to(users::list)).route(web::post().to(users::create)))
        .service(resource("/api/v1/users/{id}").route(web::get().to(users::get)).route(web::patch().to(users::update)))
        .service(resource("/api/v1/audit").route(web::get().to(audit::list)))
        .service(resource("/api/v1/audit/verify").route(web::get().to(audit::verify)));
}
