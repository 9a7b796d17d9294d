//! `homeward retention`: pseudonymises now the families whose cases all ended more than
//! `retention_closed_case_days` ago (`services::retention`; the server also queues it daily).

use crate::config::Settings;

/// Runs retention with the configured period and prints what it did.
pub fn retention(settings: &Settings) -> anyhow::Result<()> {
    let days = settings.retention_closed_case_days;
    if days == 0 {
        anyhow::bail!(
            "no retention period is configured: set retention_closed_case_days (HOMEWARD_RETENTION_CLOSED_CASE_DAYS)"
        );
    }
    let pool = super::open_database(settings)?;
    let mut conn = pool.get()?;
    let clock = settings.clock();
    let before = crate::db::repo::retention::cutoff(clock.today(), days).date();
    let report = crate::services::retention::run(&mut conn, &clock, "cli:retention", before, |_, _, _| Ok(()))
        .map_err(super::explain)?;
    println!(
        "pseudonymised {} families ({} persons) whose cases all ended before {before}{}",
        report.families,
        report.persons,
        if report.log_emptied { "" } else { "; the write-ahead log was busy: run again to empty it" }
    );
    Ok(())
}
