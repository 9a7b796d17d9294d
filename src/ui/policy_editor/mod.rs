//! The structured policy rule editor and the publish/retire confirmations.

use actix_web::web;

/// Registers the routes of this page group.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
