//! Use cases shared by the JSON API, the HTML pages and the CLI. Each combines domain rules,
//! repository calls and the audit event in one transaction.

pub mod audit;
pub mod auth;
pub mod demo;
pub mod demo_families;
pub mod organisations;
pub mod policy;
pub mod registry;
pub mod seed;
pub mod sessions;
pub mod users;
