//! Policies: evaluation of persons and families against published versions, stored results kept
//! current, the admin workflow (draft, edit, simulate, publish, retire) and seeding.

pub mod evaluation;
pub mod facts;
pub mod seed;
pub mod versions;
