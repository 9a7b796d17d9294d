//! The OpenAPI document (`/api/openapi.json`) and the docs UI (`/api/docs/`), both served from
//! the binary: Swagger UI is vendored at build time, never loaded from a CDN.

use actix_web::{web, HttpResponse};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// Every documented endpoint.
#[derive(OpenApi)]
#[openapi(
    info(title = "Homeward API", description = "Case management for repatriating families from detention camps in north-east Syria. \
        Every error answers with the ErrorBody shape. State-changing requests from a browser must be same-origin."),
    paths(
        super::health::healthz, super::health::readyz,
        super::auth::login, super::auth::logout, super::auth::logout_everywhere, super::auth::me,
        super::organisations::list, super::organisations::create,
        super::users::list, super::users::create, super::users::get, super::users::update, super::users::sign_out,
        super::audit::list, super::audit::verify,
        super::facilities::list_countries, super::facilities::list, super::facilities::get, super::facilities::create,
        super::facilities::update, super::facilities::add_authority, super::facilities::population,
        super::families::list, super::families::create, super::families::get, super::families::update,
        super::families::add_member, super::families::history,
        super::persons::list, super::persons::get, super::persons::update, super::persons::whereabouts,
        super::persons::duplicates,
        super::persons::duplicates_of_probe,
        super::duplicates::list, super::duplicates::build, super::duplicates::compare, super::duplicates::distinct,
        super::duplicates::merge_into, super::duplicates::merges_of, super::duplicates::list_merges, super::duplicates::get_merge, super::duplicates::undo,
        super::imports::upload,
        super::imports::get,
        super::imports::commit,
        super::imports::template_csv,
        super::imports::template_xlsx,
        super::persons::history, super::persons::add_name, super::persons::remove_name, super::persons::add_claim,
        super::persons::update_claim, super::persons::add_custody, super::persons::add_group_custody,
        super::persons::link, super::persons::unlink,
        super::policies::list, super::policies::country_versions, super::policies::get, super::policies::create_draft,
        super::policies::edit, super::policies::publish, super::policies::retire, super::policies::simulate,
        super::policies::changes, super::stewards::list, super::stewards::grant, super::stewards::revoke,
        super::jobs::list, super::jobs::get,
        super::names::list, super::names::add, super::names::remove,
        super::eligibility::person, super::eligibility::family, super::eligibility::aging_out,
        super::cases::list, super::cases::create, super::cases::get, super::cases::update, super::cases::transition,
        super::cases::consent, super::cases::wish_override, super::cases::proposals, super::cases::work_list, super::exports::create, super::deployment::backlog,
        super::backlog::all, super::backlog::one,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&SessionCookie),
    security(("session_cookie" = [])),
)]
pub struct ApiDoc;

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session_cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

/// `GET /api/openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}

/// The docs UI, mounted at `/api/docs/`.
pub fn docs_ui() -> utoipa_swagger_ui::SwaggerUi {
    // No validator: Swagger UI would otherwise send the whole document to validator.swagger.io.
    let config = utoipa_swagger_ui::Config::new(["/api/openapi.json"]).validator_url("none");
    utoipa_swagger_ui::SwaggerUi::new("/api/docs/{_:.*}").config(config)
}

/// `GET /api/docs` -> `/api/docs/`.
pub async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect().insert_header(("Location", "/api/docs/")).finish()
}

/// Registers the docs redirect (the UI itself is a service of its own).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(super::resource("/api/docs").route(web::get().to(docs_redirect)));
}
