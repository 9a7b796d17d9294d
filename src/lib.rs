//! Homeward: case management for NGOs that bring home women and children held in
//! detention camps in north-east Syria. The binary in `main.rs` is a thin CLI over this library.

pub mod api;
pub mod auth;
pub mod clock;
pub mod commands;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod http;
pub mod i18n;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod ui;
