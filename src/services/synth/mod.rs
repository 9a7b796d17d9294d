//! `homeward synth --persons N --seed S [--org O]`: fictional data at any scale, for
//! benchmarks and load tests. Deterministic (the same seed gives the same records), fast (bulk
//! statements in large transactions), and written the way the services write: the same row
//! shapes and encodings, the derived columns computed with the domain's own functions (search
//! keys, statelessness, whereabouts), one change-history row and one audit event (in the hash
//! chain) per record created, as an intake would. Stored eligibility is not written: run the
//! re-evaluation (as a job, or `homeward reevaluate`) afterwards.

mod cases;
mod family;
mod pools;
mod write;
mod writers;

use crate::clock::Clock;
use crate::db::{write_tx, DbConnection};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use rand::distributions::WeightedIndex;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
use std::time::Instant;

/// What to make.
#[derive(Debug, Clone)]
pub struct Options {
    pub persons: usize,
    pub seed: u64,
    /// The organisation that gets the records (created if missing).
    pub organisation: String,
}

/// What was made, and how long it took.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub persons: usize,
    pub families: usize,
    pub names: usize,
    pub claims: usize,
    pub custody_events: usize,
    pub kinships: usize,
    pub history_rows: usize,
    pub audit_events: usize,
    /// Cases (about one family in eight), every status present.
    pub cases: usize,
    /// Seconds spent filing everyone under their duplicate keys (part of `seconds`).
    pub match_key_seconds: f64,
    pub seconds: f64,
}

/// Households written per transaction.
const HOUSEHOLDS_PER_TX: usize = 2_000;

/// Makes at least `persons` persons (whole households) in the organisation.
pub fn run(conn: &mut DbConnection, clock: &Clock, opts: &Options) -> AppResult<Report> {
    let started = Instant::now();
    let ctx = AuditCtx::cli("synth", clock);
    let (_, scope) = crate::services::organisations::operator_scope(conn, &ctx, &opts.organisation)?;
    let facilities = write::facility_ids(conn)?;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let weights = WeightedIndex::new(pools::COUNTRIES.iter().map(|c| c.1))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("country weights: {e}")))?;
    let this_year = chrono::Datelike::year(&clock.today());
    let mut report = Report::default();
    // The synthetic rows are disposable (a failed run is run again), so they are written
    // with the connection's bulk settings; the server's connections keep synchronous=FULL.
    crate::db::bulk_mode(conn, true)?;
    let written = (|| -> AppResult<()> {
        while report.persons < opts.persons {
            let mut batch = Vec::new();
            let mut planned = report.persons;
            while batch.len() < HOUSEHOLDS_PER_TX && planned < opts.persons {
                let h = family::household(&mut rng, &weights, this_year);
                planned += h.family.members.len() + h.father.as_ref().map_or(0, |f| f.members.len());
                batch.push(h);
            }
            write_tx(conn, |conn| write::households(conn, &ctx, &scope, &facilities, &mut rng, &batch, &mut report))?;
            tracing::info!(persons = report.persons, of = opts.persons, "synthesised");
        }
        let (today, at) = (clock.today(), clock.now());
        report.cases = write_tx(conn, |conn| cases::write(conn, &scope, today, at))?;
        // The backlog's prepared counts, from the rows written above in one pass (the first
        // re-evaluation then adds the outcomes chunk by chunk).
        write_tx(conn, |conn| AppResult::Ok(crate::db::repo::backlog_facts::rebuild(conn, &scope)?))?;
        // The duplicate keys of everyone written (the bulk writes bypass the unit of work).
        let keys = Instant::now();
        crate::services::registry::match_keys::rebuild(conn, &scope, clock, |_, _| Ok(()))?;
        report.match_key_seconds = keys.elapsed().as_secs_f64();
        Ok(())
    })();
    // The run's own error first; then whether the connection got its settings back.
    let reset = crate::db::bulk_mode(conn, false);
    written?;
    reset?;
    crate::db::analyse(conn)?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
