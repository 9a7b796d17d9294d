//! Reference data from `seeds/` (embedded in the binary at build time, so a deployed binary
//! needs no source tree). Loading is idempotent: a second run changes nothing.

use crate::db::models::CountryRow;
use crate::db::repo::countries;
use crate::db::{write_tx, DbConnection};
use crate::error::{AppError, AppResult};
use crate::services::audit::{self, AuditCtx};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const COUNTRIES_CSV: &str = include_str!("../../seeds/countries.csv");
const FACILITIES_TOML: &str = include_str!("../../seeds/facilities.toml");

#[derive(Debug, Deserialize)]
struct FacilitiesFile {
    facility: Vec<FacilitySeed>,
}

#[derive(Debug, Deserialize)]
struct FacilitySeed {
    name: String,
    code: String,
    kind: crate::domain::facility::FacilityKind,
    country: crate::domain::country::CountryCode,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    authorities: Vec<AuthoritySeed>,
}

#[derive(Debug, Deserialize)]
struct AuthoritySeed {
    authority: String,
    from: chrono::NaiveDate,
    #[serde(default)]
    note: String,
}

/// What a seed run did.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct SeedReport {
    pub countries_added: usize,
    pub countries_renamed: usize,
    pub facilities_added: usize,
    pub authorities_added: usize,
    pub policies_published: usize,
    pub policy_drafts: usize,
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
        let existing: BTreeMap<String, String> = countries::list(conn)?.into_iter().map(|c| (c.code, c.name)).collect();
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
        apply_facilities(conn, ctx, &mut report)?;
        let policies = crate::services::policy::seed::apply(conn, ctx)?;
        report.policies_published = policies.published;
        report.policy_drafts = policies.drafts;
        if !report.unchanged() {
            audit::record(conn, ctx, "seed.apply", Some(("seed", "countries")), "success")?;
            // New policies, facilities or authority periods can change anyone's outcome.
            crate::services::jobs::queue_reevaluation(conn, ctx, "seed")?;
        }
        Ok(report)
    })
}

/// Adds missing facilities and authority periods (existing ones are left as admins edited them).
fn apply_facilities(conn: &mut DbConnection, ctx: &AuditCtx, report: &mut SeedReport) -> AppResult<()> {
    use crate::db::models::{FacilityAuthorityRow, FacilityRow};
    use crate::db::repo::{facilities, new_id};
    use crate::domain::ids::FacilityId;
    let file: FacilitiesFile = toml::from_str(FACILITIES_TOML)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("seeds/facilities.toml is malformed: {e}")))?;
    for f in file.facility {
        // By code: an admin may have renamed the facility since.
        let facility = match facilities::find_by_code(conn, &f.code)? {
            Some(existing) => existing,
            None => {
                let at = ctx.now();
                let row = FacilityRow {
                    id: FacilityId::new_random(),
                    code: f.code.clone(),
                    name: f.name.clone(),
                    kind: f.kind,
                    country_code: f.country,
                    notes: f.notes.clone(),
                    created_at: at,
                    updated_at: at,
                    version: 1,
                };
                facilities::insert(conn, &row)?;
                report.facilities_added += 1;
                row
            }
        };
        let known = facilities::authorities_of(conn, &facility.id)?;
        for a in f.authorities {
            if known.iter().any(|k| k.from_date == a.from) {
                continue;
            }
            facilities::insert_authority(
                conn,
                &FacilityAuthorityRow {
                    id: new_id(),
                    facility_id: facility.id.clone(),
                    authority: a.authority,
                    from_date: a.from,
                    note: a.note,
                    created_at: ctx.now(),
                },
            )?;
            report.authorities_added += 1;
        }
    }
    Ok(())
}
