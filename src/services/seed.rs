//! Reference data from `seeds/` (embedded in the binary at build time, so a deployed binary
//! needs no source tree). Loading is idempotent: a second run changes nothing.

use crate::db::models::CountryRow;
use crate::db::repo::countries;
use crate::db::{write_tx, DbConnection};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use serde::Serialize;
use std::collections::BTreeMap;

const COUNTRIES_CSV: &str = include_str!("../../seeds/countries.csv");

/// What a seed run did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SeedReport {
    pub countries_added: usize,
    pub countries_renamed: usize,
}

impl SeedReport {
    /// True when the run changed nothing.
    pub fn unchanged(&self) -> bool {
        *self == SeedReport::default()
    }
}

/// Parses the embedded country list.
pub fn country_list() -> AppResult<Vec<CountryRow>> {
    let mut reader = csv::Reader::from_reader(COUNTRIES_CSV.as_bytes());
    reader
        .deserialize::<(String, String)>()
        .map(|r| r.map(|(code, name)| CountryRow { code, name }))
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("seeds/countries.csv is malformed: {e}")))
}

/// Loads every reference file in one transaction, audited if anything changed.
pub fn apply(conn: &mut DbConnection, ctx: &AuditCtx) -> AppResult<SeedReport> {
    let wanted = country_list()?;
    write_tx(conn, |conn| {
        let existing: BTreeMap<String, String> =
            countries::list(conn)?.into_iter().map(|c| (c.code, c.name)).collect();
        let mut report = SeedReport::default();
        for country in &wanted {
            match existing.get(&country.code) {
                None => {
                    countries::insert(conn, country)?;
                    report.countries_added += 1;
                }
                Some(name) if *name != country.name => {
                    countries::rename(conn, &country.code, &country.name)?;
                    report.countries_renamed += 1;
                }
                Some(_) => {}
            }
        }
        if !report.unchanged() {
            audit::record(conn, ctx, "seed.apply", Some(("seed", "countries")), "success")?;
        }
        Ok(report)
    })
}
