//! The JSON API under `/api/v1`, one file per resource, plus the OpenAPI document.
//! Handlers stay thin: they parse and authorise, then call `services/` inside `http::db`.

pub mod audit;
pub mod auth;
pub mod backlog;
pub mod bench;
pub mod cases;
pub mod deployment;
pub mod duplicates;
pub mod eligibility;
pub mod exports;
pub mod extract;
pub mod facilities;
pub mod families;
pub mod health;
pub mod imports;
pub mod jobs;
pub mod names;
pub mod openapi;
pub mod openapi_rules;
pub mod organisations;
pub mod persons;
pub mod policies;
pub mod stewards;
pub mod two_factor;
pub mod users;

pub use crate::http::resource;
use actix_web::web;

/// Registers every API route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/healthz").route(web::get().to(health::healthz)))
        .service(resource("/readyz").route(web::get().to(health::readyz)))
        .service(resource("/api/openapi.json").route(web::get().to(openapi::document)))
        .service(resource("/api/v1/auth/login").route(web::post().to(auth::login)))
        .service(resource("/api/v1/auth/logout").route(web::post().to(auth::logout)))
        .service(resource("/api/v1/auth/logout-everywhere").route(web::post().to(auth::logout_everywhere)))
        .service(resource("/api/v1/me").route(web::get().to(auth::me)))
        .service(
            resource("/api/v1/auth/two-factor")
                .route(web::get().to(two_factor::status))
                .route(web::post().to(two_factor::verify)),
        )
        .service(resource("/api/v1/auth/two-factor/enrolment").route(web::post().to(two_factor::enrol)))
        .service(resource("/api/v1/auth/two-factor/enrolment/confirm").route(web::post().to(two_factor::confirm)))
        .service(resource("/api/v1/auth/two-factor/recovery-codes").route(web::post().to(two_factor::renew_codes)))
        .service(resource("/api/v1/auth/two-factor/disable").route(web::post().to(two_factor::disable)))
        .service(
            resource("/api/v1/organisations")
                .route(web::get().to(organisations::list))
                .route(web::post().to(organisations::create)),
        )
        .service(resource("/api/v1/users").route(web::get().to(users::list)).route(web::post().to(users::create)))
        .service(resource("/api/v1/users/{id}").route(web::get().to(users::get)).route(web::patch().to(users::update)))
        .service(resource("/api/v1/users/{id}/sign-out").route(web::post().to(users::sign_out)))
        .service(resource("/api/v1/users/{id}/two-factor/reset").route(web::post().to(two_factor::reset)))
        .service(resource("/api/v1/audit").route(web::get().to(audit::list)))
        .service(resource("/api/v1/audit/verify").route(web::get().to(audit::verify)))
        .service(resource("/api/v1/countries").route(web::get().to(facilities::list_countries)))
        .service(
            resource("/api/v1/facilities")
                .route(web::get().to(facilities::list))
                .route(web::post().to(facilities::create)),
        )
        .service(
            resource("/api/v1/facilities/{id}")
                .route(web::get().to(facilities::get))
                .route(web::patch().to(facilities::update)),
        )
        .service(resource("/api/v1/facilities/{id}/authorities").route(web::post().to(facilities::add_authority)))
        .service(resource("/api/v1/facilities/{id}/population").route(web::get().to(facilities::population)))
        .service(
            resource("/api/v1/families").route(web::get().to(families::list)).route(web::post().to(families::create)),
        )
        .service(
            resource("/api/v1/families/{id}")
                .route(web::get().to(families::get))
                .route(web::patch().to(families::update)),
        )
        .service(resource("/api/v1/families/{id}/members").route(web::post().to(families::add_member)))
        .service(resource("/api/v1/families/{id}/history").route(web::get().to(families::history)))
        .service(resource("/api/v1/persons").route(web::get().to(persons::list)))
        .service(
            resource("/api/v1/persons/{id}").route(web::get().to(persons::get)).route(web::patch().to(persons::update)),
        )
        .service(resource("/api/v1/persons/{id}/whereabouts").route(web::get().to(persons::whereabouts)))
        .service(resource("/api/v1/persons/{id}/duplicates").route(web::get().to(persons::duplicates)))
        .service(resource("/api/v1/duplicates").route(web::post().to(persons::duplicates_of_probe)))
        .service(
            resource("/api/v1/duplicates/review")
                .route(web::get().to(duplicates::list))
                .route(web::post().to(duplicates::build)),
        )
        .service(resource("/api/v1/duplicates/compare").route(web::get().to(duplicates::compare)))
        .service(resource("/api/v1/duplicates/distinct").route(web::post().to(duplicates::distinct)))
        .service(resource("/api/v1/persons/{id}/merge").route(web::post().to(duplicates::merge_into)))
        .service(resource("/api/v1/persons/{id}/merges").route(web::get().to(duplicates::merges_of)))
        .service(resource("/api/v1/merges").route(web::get().to(duplicates::list_merges)))
        .service(resource("/api/v1/merges/{id}").route(web::get().to(duplicates::get_merge)))
        .service(resource("/api/v1/merges/{id}/undo").route(web::post().to(duplicates::undo)))
        .service(resource("/api/v1/imports/template.csv").route(web::get().to(imports::template_csv)))
        .service(resource("/api/v1/imports/template.xlsx").route(web::get().to(imports::template_xlsx)))
        .service(resource("/api/v1/imports").app_data(imports::payload_config()).route(web::post().to(imports::upload)))
        .service(resource("/api/v1/imports/{id}").route(web::get().to(imports::get)))
        .service(resource("/api/v1/imports/{id}/commit").route(web::post().to(imports::commit)))
        .service(resource("/api/v1/persons/{id}/history").route(web::get().to(persons::history)))
        .service(resource("/api/v1/persons/{id}/names").route(web::post().to(persons::add_name)))
        .service(resource("/api/v1/persons/{id}/names/{name_id}").route(web::delete().to(persons::remove_name)))
        .service(resource("/api/v1/persons/{id}/nationalities").route(web::post().to(persons::add_claim)))
        .service(resource("/api/v1/persons/{id}/custody").route(web::post().to(persons::add_custody)))
        .service(resource("/api/v1/custody-events").route(web::post().to(persons::add_group_custody)))
        .service(resource("/api/v1/nationalities/{id}").route(web::patch().to(persons::update_claim)))
        .service(resource("/api/v1/kinships").route(web::post().to(persons::link)))
        .service(resource("/api/v1/kinships/{id}").route(web::delete().to(persons::unlink)))
        .service(resource("/api/v1/policies").route(web::get().to(policies::list)))
        .service(resource("/api/v1/policies/{country}").route(web::get().to(policies::country_versions)))
        .service(resource("/api/v1/policies/{country}/drafts").route(web::post().to(policies::create_draft)))
        .service(
            resource("/api/v1/policy-versions/{id}")
                .route(web::get().to(policies::get))
                .route(web::patch().to(policies::edit)),
        )
        .service(resource("/api/v1/policy-versions/{id}/publish").route(web::post().to(policies::publish)))
        .service(resource("/api/v1/policy-versions/{id}/retire").route(web::post().to(policies::retire)))
        .service(resource("/api/v1/policy-versions/{id}/simulate").route(web::post().to(policies::simulate)))
        .service(resource("/api/v1/policy-changes").route(web::get().to(policies::changes)))
        .service(
            resource("/api/v1/stewards").route(web::get().to(stewards::list)).route(web::post().to(stewards::grant)),
        )
        .service(resource("/api/v1/stewards/{user_id}").route(web::delete().to(stewards::revoke)))
        .service(resource("/api/v1/names").route(web::get().to(names::list)).route(web::post().to(names::add)))
        .service(resource("/api/v1/names/{id}").route(web::delete().to(names::remove)))
        .service(resource("/api/v1/jobs").route(web::get().to(jobs::list)))
        .service(resource("/api/v1/jobs/{id}").route(web::get().to(jobs::get)))
        .service(resource("/api/v1/persons/{id}/eligibility").route(web::get().to(eligibility::person)))
        .service(resource("/api/v1/families/{id}/eligibility").route(web::get().to(eligibility::family)))
        .service(resource("/api/v1/eligibility/aging-out").route(web::get().to(eligibility::aging_out)))
        .service(resource("/api/v1/cases").route(web::get().to(cases::list)).route(web::post().to(cases::create)))
        .service(resource("/api/v1/cases/{id}").route(web::get().to(cases::get)).route(web::patch().to(cases::update)))
        .service(resource("/api/v1/cases/{id}/transitions").route(web::post().to(cases::transition)))
        .service(resource("/api/v1/cases/{id}/consents").route(web::post().to(cases::consent)))
        .service(resource("/api/v1/cases/{id}/wish-override").route(web::post().to(cases::wish_override)))
        .service(resource("/api/v1/families/{id}/case-proposals").route(web::get().to(cases::proposals)))
        .service(resource("/api/v1/work-list").route(web::get().to(cases::work_list)))
        .service(resource("/api/v1/exports").route(web::post().to(exports::create)))
        .service(resource("/api/v1/deployment/backlog").route(web::get().to(deployment::backlog)))
        .service(resource("/api/v1/backlog").route(web::get().to(backlog::all)))
        .service(resource("/api/v1/backlog/{country}").route(web::get().to(backlog::one)));
}
