//! Registry pages added for issue 8: the person page (`/persons/{id}`, whose forms post back
//! to it), linking a relative in any family through a search that works without JavaScript
//! (`/persons/{id}/relatives`), and the family page's forms that add a member and move several
//! members in one custody event (posted to `/families/{id}`, answered in `ui::family`). The
//! forms share `posted` (a refused form and its error summary) and the pages `history`.

pub mod history;
pub mod members;
pub mod moving;
pub mod person;
pub mod person_forms;
pub mod posted;
pub mod relatives;

use crate::http::resource;
use actix_web::web;

/// Registers the routes of this page group.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/persons/{id}").route(web::get().to(person::show)).route(web::post().to(person_forms::submit)),
    )
    .service(
        resource("/persons/{id}/relatives")
            .route(web::get().to(relatives::show))
            .route(web::post().to(relatives::submit)),
    );
}
