//! Use cases shared by the JSON API, the HTML pages and the CLI. Each combines domain rules,
//! repository calls and the audit event in one transaction. Data flows one way: registry
//! writes end in a unit of work (`unit`) that refreshes derived data through `eligibility`;
//! `eligibility` reads the repo and the domain only; work over everyone is a job (`jobs`).

pub mod access_log;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod cases;
pub mod demo;
pub mod demo_cases;
pub mod demo_families;
pub mod derived;
pub mod eligibility;
pub mod exports;
pub mod facilities;
pub mod idempotency;
pub mod imports;
pub mod jobs;
pub mod names;
pub mod organisations;
pub mod policy;
pub mod probes;
pub mod registry;
pub mod retention;
pub mod seed;
pub mod server_key;
pub mod sessions;
pub mod stewards;
pub mod synth;
pub mod two_factor;
pub mod unit;
pub mod users;
