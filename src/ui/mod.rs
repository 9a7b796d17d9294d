//! The HTML pages (askama templates under `web/templates`, assets embedded from `web/static`).
//! Pages call the same services as the API; every string goes through `i18n`. They work
//! without JavaScript: plain links and forms, answered with a redirect or the form again.

pub mod admin;
pub mod assets;
pub mod backlog;
pub mod backlog_chart;
pub mod case_files;
pub mod cases;
pub mod duplicates;
pub mod facilities;
pub mod families;
pub mod family;
pub mod form_token;
pub mod forms;
pub mod i18n;
pub mod imports;
pub mod intake;
pub mod messages;
pub mod nav;
pub mod pages;
pub mod person_form;
pub mod persons;
pub mod policies;
pub mod policy_editor;
pub mod registry_pages;
pub mod two_factor;
pub mod warnings;

use crate::http::resource;
use actix_web::web;

/// Registers every page route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Page groups that register their own routes (each owned by one module).
    cfg.configure(admin::configure)
        .configure(registry_pages::configure)
        .configure(policy_editor::configure)
        .configure(duplicates::configure);
    cfg.service(resource("/").route(web::get().to(pages::home)))
        .service(resource("/login").route(web::get().to(pages::login_form)).route(web::post().to(pages::login_submit)))
        .service(resource("/logout").route(web::post().to(pages::logout)))
        .service(resource("/logout-everywhere").route(web::post().to(pages::logout_everywhere)))
        .service(
            resource("/login/two-factor")
                .route(web::get().to(two_factor::step))
                .route(web::post().to(two_factor::step_submit)),
        )
        .service(resource("/login/two-factor/confirm").route(web::post().to(two_factor::step_confirm)))
        .service(resource("/login/two-factor/cancel").route(web::post().to(two_factor::step_cancel)))
        .service(resource("/account").route(web::get().to(two_factor::account)))
        .service(resource("/account/two-factor/enrol").route(web::post().to(two_factor::account_enrol)))
        .service(resource("/account/two-factor/confirm").route(web::post().to(two_factor::account_confirm)))
        .service(resource("/account/two-factor/recovery-codes").route(web::post().to(two_factor::account_renew)))
        .service(resource("/account/two-factor/disable").route(web::post().to(two_factor::account_disable)))
        .service(resource("/lang").route(web::post().to(i18n::switch)))
        .service(resource("/families").route(web::get().to(families::list)))
        // Before `/families/{id}`, which would take "new" for an id.
        .service(resource("/families/new").route(web::get().to(intake::form)).route(web::post().to(intake::submit)))
        .service(resource("/families/{id}").route(web::get().to(family::show)).route(web::post().to(family::update)))
        .service(
            resource("/persons/{id}/edit")
                .route(web::get().to(persons::edit_form))
                .route(web::post().to(persons::edit_submit)),
        )
        .service(
            resource("/facilities").route(web::get().to(facilities::list)).route(web::post().to(facilities::create)),
        )
        .service(
            resource("/facilities/{id}")
                .route(web::get().to(facilities::show))
                .route(web::post().to(facilities::update)),
        )
        .service(resource("/facilities/{id}/authorities").route(web::post().to(facilities::add_authority)))
        .service(resource("/policies").route(web::get().to(policies::list)))
        .service(resource("/policies/{country}").route(web::get().to(policies::country)))
        .service(resource("/policies/{country}/drafts").route(web::post().to(policies::create_draft)))
        .service(resource("/aging-out").route(web::get().to(policies::aging)))
        .service(resource("/cases").route(web::get().to(cases::list)).route(web::post().to(cases::open)))
        // Before `/cases/{id}`, which would take "export" for an id.
        .service(resource("/cases/export").route(web::post().to(case_files::export)))
        .service(resource("/cases/{id}/summary").route(web::get().to(case_files::summary)))
        .service(resource("/backlog").route(web::get().to(backlog::index)))
        .service(
            resource("/imports")
                .app_data(crate::api::imports::payload_config())
                .route(web::get().to(imports::index))
                .route(web::post().to(imports::upload)),
        )
        .service(resource("/imports/{id}").route(web::get().to(imports::show)))
        .service(resource("/imports/{id}/commit").route(web::post().to(imports::commit)))
        .service(resource("/deployment/backlog").route(web::get().to(backlog::deployment)))
        .service(resource("/backlog/{country}").route(web::get().to(backlog::country)))
        .service(resource("/cases/{id}").route(web::get().to(cases::show)).route(web::post().to(cases::post)))
        .service(resource("/static/{path:.*}").route(web::get().to(assets::serve)));
}
