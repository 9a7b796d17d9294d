//! The rules of the world, in pure Rust: no actix, no diesel. Most unit tests live here.

pub mod account;
pub mod audit_chain;
pub mod case;
pub mod country;
pub mod custody;
pub mod facility;
pub mod ids;
pub mod import;
pub mod job;
pub mod matching;
pub mod names;
pub mod nationality;
pub mod partial_date;
pub mod person;
pub mod policy;
pub mod problems;
pub mod records;
pub mod role;
pub mod string_enum;
pub mod text;
pub mod totp;
