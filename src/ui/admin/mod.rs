//! Admin pages: users, the audit trail, stewards, the policy change log and background jobs.

use actix_web::web;

/// Registers the routes of this page group.
pub fn configure(_cfg: &mut web::ServiceConfig) {}
