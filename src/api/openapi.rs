//! The OpenAPI document (`/api/openapi.json`) and the docs UI (`/api/docs/`), both served from
//! the binary: Swagger UI is vendored at build time, never loaded from a CDN.

use super::openapi_rules::InputRules;
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
        super::two_factor::verify, super::two_factor::status, super::two_factor::enrol, super::two_factor::confirm,
        super::two_factor::renew_codes, super::two_factor::disable, super::two_factor::reset,
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
    modifiers(&SessionCookie, &ErrorAnswers, &NaiveTimestamps, &InputRules),
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

/// Documents on every operation the error answers any request can get, whatever the
/// handler (the envelope answers them all with `ErrorBody`): 401 without a session (except
/// sign-in), 403 for a role that may not, 404 for a path naming a record, 422 for a path or
/// query parameter that does not parse, 503 when the database is busy; with a request body also
/// 400 (not JSON), 413 (too large) and 415 (another content type). Sign-in needs no session.
struct ErrorAnswers;

impl Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{security::SecurityRequirement, Content, Ref, ResponseBuilder};
        let answer = |what: &str| {
            ResponseBuilder::new()
                .description(what)
                .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = ["/api/v1/auth/login", "/healthz", "/readyz"].contains(&path.as_str());
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                let mut codes =
                    vec![("422", "a parameter or field is not valid"), ("503", "busy: retry after Retry-After")];
                if !public {
                    codes.push(("401", "no live session"));
                    codes.push(("403", "the role may not do this"));
                }
                if path.contains('{') {
                    codes.push(("404", "no such record in the organisation"));
                }
                if op.request_body.is_some() {
                    codes.extend([
                        ("400", "the body is not valid JSON"),
                        ("413", "the body is too large"),
                        ("415", "another content type"),
                    ]);
                }
                for (code, what) in codes {
                    op.responses.responses.entry(code.to_string()).or_insert_with(|| answer(what).into());
                }
                if public {
                    op.security = Some(vec![SecurityRequirement::default()]);
                }
            }
        }
    }
}

/// Timestamps are UTC written without an offset (`2026-11-28T01:21:43.232641`), which is not an
/// RFC 3339 `date-time`: the document says what they are, a pattern, instead of a format a
/// client would check them against and refuse.
struct NaiveTimestamps;

const NAIVE_TIMESTAMP: &str = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$";

fn naive_timestamps(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat};
    use utoipa::openapi::RefOr;
    let RefOr::T(schema) = schema else { return };
    match schema {
        Schema::Object(o) => {
            if matches!(o.format, Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))) {
                o.format = None;
                o.pattern = Some(NAIVE_TIMESTAMP.to_string());
                o.description.get_or_insert_with(|| "UTC, without an offset".to_string());
            }
            o.properties.values_mut().for_each(naive_timestamps);
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                naive_timestamps(items);
            }
        }
        Schema::OneOf(o) => o.items.iter_mut().for_each(naive_timestamps),
        Schema::AllOf(o) => o.items.iter_mut().for_each(naive_timestamps),
        Schema::AnyOf(o) => o.items.iter_mut().for_each(naive_timestamps),
        _ => {}
    }
}

impl Modify for NaiveTimestamps {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.schemas.values_mut().for_each(naive_timestamps);
        }
        for item in openapi.paths.paths.values_mut() {
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                for p in op.parameters.iter_mut().flatten() {
                    if let Some(schema) = p.schema.as_mut() {
                        naive_timestamps(schema);
                    }
                }
            }
        }
    }
}

/// The methods the OpenAPI document gives a route pattern, as an `Allow` header lists them.
pub fn methods_of(pattern: &str) -> Option<String> {
    static METHODS: std::sync::OnceLock<std::collections::HashMap<String, String>> = std::sync::OnceLock::new();
    let all = METHODS.get_or_init(|| {
        let doc = ApiDoc::openapi();
        doc.paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods: Vec<&str> = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (path.clone(), methods.join(", "))
            })
            .collect()
    });
    all.get(pattern).cloned()
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
