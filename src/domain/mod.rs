//! The rules of the world, in pure Rust: no actix, no diesel. Most unit tests live here.

pub mod account;
pub mod audit_chain;
pub mod custody;
pub mod enums;
pub mod names;
pub mod nationality;
pub mod partial_date;
pub mod person;
pub mod policy;
pub mod role;
