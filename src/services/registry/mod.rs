//! The registry: families, persons, names, kinship, nationality claims and custody. Every
//! write is one unit of work (`services::unit`) with its history and audit events; read models
//! are in `views` (a person, a family) and `summaries` (the lists).

pub mod claims;
pub mod custody;
pub mod duplicates;
pub mod families;
pub mod history;
pub mod match_keys;
pub mod merge;
pub mod persons;
pub mod review;
pub mod summaries;
pub mod views;
