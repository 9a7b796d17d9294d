//! The registry: families, persons, names, kinship, nationality claims, custody and
//! facilities. Every write runs in one transaction with its history and audit event.

pub mod claims;
pub mod custody;
pub mod derived;
pub mod facilities;
pub mod families;
pub mod history;
pub mod input;
pub mod persons;
pub mod views;

use crate::error::AppError;

/// A 409 for a record someone else changed first.
pub fn conflict(what: &str, current_version: i64) -> AppError {
    AppError::Conflict {
        message: format!("this {what} was changed by someone else; reload to see their change, then apply yours again"),
        current_version: Some(current_version),
    }
}
