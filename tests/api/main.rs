//! Black-box API tests: each test starts the application on port 0 with a fresh database.
//! `HOMEWARD_TEST_BACKEND=postgres` (with `HOMEWARD_TEST_PG_URL`) runs them all on PostgreSQL;
//! otherwise on a temporary SQLite file. `make test` runs both.

mod access;
mod audit;
mod auth;
mod backlog;
mod bench_endpoint;
mod cases;
mod cli;
mod deployment;
mod edge_input;
mod errors;
mod exports;
mod foreign_keys;
mod helpers;
mod input;
mod jobs;
mod list_shapes;
mod migrations;
mod patches;
mod policies;
mod population;
mod registry;
mod registry_rules;
mod scale;
mod scope;
mod search;
mod shared_changes;
mod synth_cases;
mod ui;
mod ui_admin;
mod ui_cases;
mod ui_facilities;
mod ui_page_checks;
mod ui_pages;
mod ui_policies;
mod ui_registry;
