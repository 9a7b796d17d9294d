//! The duplicate review list of an organisation: a job walks its persons a chunk at a time,
//! finds each one's candidates among the persons sharing its blocking keys (blocks of more than
//! [`BLOCK_LIMIT`] persons aside: a common given name born in a common year), weighs each pair
//! (`domain::matching`) and stores the likely and possible pairs. A caseworker then compares a
//! pair side by side and merges it (`merge`) or says "not the same person", which is
//! remembered: the pair is never proposed again, by the job or on the person's page.

mod blocks;

use super::duplicates::{self, ReasonView};
use crate::auth::OrgScope;
use crate::clock::Clock;
use crate::db::models::JobRow;
use crate::db::repo::chunks::Chunk;
use crate::db::repo::duplicate_pairs::{self as repo, Found, PairStatus};
use crate::db::repo::{jobs as jobs_repo, persons, Page};
use crate::db::{write_tx, DbConnection};
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::job::{JobKind, JobStatus};
use crate::domain::matching::{compare, Band, Dictionary};
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::jobs::JobView;
use crate::services::unit;
use blocks::Blocks;
pub use blocks::BLOCK_LIMIT;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use utoipa::ToSchema;

/// Persons per chunk of the job (one transaction each).
const CHUNK: i64 = 1_000;
/// Candidates weighed per person (those sharing the most keys).
const CANDIDATES: usize = 3;

/// Builds the review list of the organisation; `progress` hears (done, total) persons. Returns
/// how many pairs were found.
pub fn build(
    conn: &mut DbConnection,
    scope: &OrgScope,
    clock: &Clock,
    mut progress: impl FnMut(&mut DbConnection, i64, i64) -> AppResult<()>,
) -> AppResult<usize> {
    let dict = Dictionary::shared();
    let total = persons::count(conn, scope)?;
    progress(conn, 0, total)?;
    let started = std::time::Instant::now();
    let blocks = Blocks::read(conn, scope)?;
    let read_secs = started.elapsed().as_secs_f64();
    let mut after: Option<PersonId> = None;
    let (mut done, mut pairs, mut weigh_secs, mut write_secs) = (0_i64, 0_usize, 0.0, 0.0);
    while let Some((chunk, rows)) = Chunk::next(conn, scope, after.as_ref(), None, CHUNK)? {
        let (from, last) = (chunk.bounds().0.to_string(), chunk.last().clone());
        let wanted: BTreeSet<(PersonId, PersonId)> = rows
            .iter()
            .flat_map(|row| blocks.candidates(&row.id, CANDIDATES).into_iter().map(|p| repo::ordered(&row.id, p)))
            .collect();
        let weighing = std::time::Instant::now();
        let found = weigh(conn, scope, &dict, &wanted)?;
        weigh_secs += weighing.elapsed().as_secs_f64();
        pairs += found.len();
        let at = clock.now();
        let writing = std::time::Instant::now();
        write_tx(conn, |conn| AppResult::Ok(repo::replace_open(conn, scope, &from, last.as_str(), &found, at)?))?;
        write_secs += writing.elapsed().as_secs_f64();
        done += rows.len() as i64;
        after = Some(last);
        progress(conn, done, total.max(done))?;
    }
    tracing::info!(
        persons = done,
        pairs,
        read_secs,
        weigh_secs,
        write_secs,
        secs = started.elapsed().as_secs_f64(),
        "review list built"
    );
    Ok(pairs)
}

/// The likely and possible pairs among `wanted`, each weighed once (records read a chunk of
/// ids at a time).
fn weigh(
    conn: &mut DbConnection,
    scope: &OrgScope,
    dict: &Dictionary,
    wanted: &BTreeSet<(PersonId, PersonId)>,
) -> AppResult<Vec<Found>> {
    let mut ids: Vec<PersonId> = wanted.iter().flat_map(|(a, b)| [a.clone(), b.clone()]).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut known = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = persons::by_ids(conn, scope, chunk)?;
        let recs = duplicates::records(conn, scope, &rows)?;
        known.extend(rows.into_iter().zip(recs).map(|(row, r)| (row.id.clone(), r)));
    }
    let mut found = Vec::new();
    for (a, b) in wanted {
        let (Some(ra), Some(rb)) = (known.get(a), known.get(b)) else { continue };
        let c = compare(ra, rb, dict);
        if c.band >= Band::Possible {
            found.push(found_of(a, b, &c));
        }
    }
    Ok(found)
}

/// A pair as stored: its score and band. The reasons are weighed again when a page lists the
/// pair (a few dozen at a time): storing them for hundreds of thousands of pairs cost more than
/// finding them.
fn found_of(a: &PersonId, b: &PersonId, c: &crate::domain::matching::Comparison) -> Found {
    let (a, b) = repo::ordered(a, b);
    Found { a, b, score: (c.score * 10.0).round() / 10.0, band: band_text(c.band), reasons: "[]".into() }
}

/// Queues a build of the organisation's review list, or joins the one already queued or
/// running.
pub fn queue(conn: &mut DbConnection, ctx: &AuditCtx, scope: &OrgScope) -> AppResult<JobView> {
    write_tx(conn, |conn| {
        if let Some(queued) = jobs_repo::unfinished_for(conn, JobKind::ReviewDuplicates, scope.id())? {
            return Ok(queued.into());
        }
        let mut job = crate::services::jobs::new_job(ctx, JobKind::ReviewDuplicates, "duplicate review list", None);
        job.organisation_id = Some(scope.id().clone());
        jobs_repo::insert(conn, &job)?;
        crate::services::audit::record(conn, ctx, "duplicates.review", Some(("job", job.id.as_str())), "success")?;
        Ok(job.into())
    })
}

/// The job: builds the review list of the organisation it names.
pub fn run_job(
    conn: &mut DbConnection,
    clock: &Clock,
    job: &JobRow,
    progress: impl FnMut(&mut DbConnection, i64, i64) -> AppResult<()>,
) -> AppResult<usize> {
    let org = job
        .organisation_id
        .as_ref()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("review job without organisation")))?;
    let Some(scope) = crate::auth::scope::each_organisation(conn)?.into_iter().find(|s| s.id() == org) else {
        return Ok(0);
    };
    build(conn, &scope, clock, progress)
}

/// A person of a pair, as the list shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairPerson {
    pub id: PersonId,
    #[schema(value_type = Option<String>)]
    pub family_id: Option<FamilyId>,
    pub given_name: String,
    pub family_name: String,
    pub birth: Option<String>,
    pub logged_at: chrono::NaiveDateTime,
}

/// A pair of the review list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PairView {
    pub a: PairPerson,
    pub b: PairPerson,
    pub score: f64,
    /// `likely` or `possible`.
    pub band: String,
    #[schema(value_type = String)]
    pub status: PairStatus,
    pub reasons: Vec<ReasonView>,
    pub found_at: chrono::NaiveDateTime,
}

/// The review list as a page shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewList {
    pub pairs: Vec<PairView>,
    /// Pairs in this status in all.
    pub total: i64,
    /// The latest build of the list (its progress while it runs).
    pub job: Option<JobView>,
}

/// The pairs in `status`, best first, with the latest build of the list.
pub fn list(conn: &mut DbConnection, scope: &OrgScope, status: PairStatus, page: Page) -> AppResult<ReviewList> {
    let rows = repo::list(conn, scope, status, page)?;
    let ids: Vec<PersonId> = rows.iter().flat_map(|r| [r.person_a.clone(), r.person_b.clone()]).collect();
    let found = persons::by_ids(conn, scope, &ids)?;
    let recs = duplicates::records(conn, scope, &found)?;
    let mut people: HashMap<PersonId, (PairPerson, crate::domain::matching::Record)> = HashMap::new();
    for (p, rec) in found.iter().zip(recs) {
        people.insert(p.id.clone(), (pair_person(p)?, rec));
    }
    let dict = Dictionary::shared();
    let mut pairs = Vec::new();
    for r in rows {
        let (Some((a, ra)), Some((b, rb))) = (people.get(&r.person_a), people.get(&r.person_b)) else { continue };
        // The reasons as the matcher gives them now (the list stores the score and band only).
        let reasons = compare(ra, rb, &dict).reasons.iter().map(ReasonView::from).collect();
        pairs.push(PairView {
            a: a.clone(),
            b: b.clone(),
            score: r.score,
            band: r.band,
            status: r.status.parse().unwrap_or(PairStatus::Open),
            reasons,
            found_at: r.found_at,
        });
    }
    let total = repo::count(conn, scope, status)?;
    let job = jobs_repo::latest_for(conn, JobKind::ReviewDuplicates, scope.id())?.map(JobView::from);
    Ok(ReviewList { pairs, total, job })
}

fn pair_person(p: &crate::db::models::PersonRow) -> AppResult<PairPerson> {
    Ok(PairPerson {
        id: p.id.clone(),
        family_id: p.family_id.clone(),
        given_name: p.given_name.clone(),
        family_name: p.family_name.clone(),
        birth: p.birth.get()?.map(|b| b.display()),
        logged_at: p.created_at,
    })
}

/// Two persons side by side, with how they compare and what was decided about them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Comparison {
    #[schema(value_type = Object)]
    pub a: super::views::PersonView,
    #[schema(value_type = Object)]
    pub b: super::views::PersonView,
    pub score: f64,
    /// `likely`, `possible` or `unlikely`.
    pub band: String,
    pub reasons: Vec<ReasonView>,
    /// `open`, `distinct` or `merged` when the pair was proposed or decided.
    pub status: Option<String>,
}

/// Compares two persons of the organisation (404 when either is outside it; 422 for one person
/// twice).
pub fn compare_two(
    conn: &mut DbConnection,
    scope: &OrgScope,
    a: &PersonId,
    b: &PersonId,
    today: chrono::NaiveDate,
) -> AppResult<Comparison> {
    if a == b {
        return Err(AppError::field("b", "the same person twice"));
    }
    let rows = persons::by_ids(conn, scope, &[a.clone(), b.clone()])?;
    let (Some(ra), Some(rb)) = (rows.iter().find(|r| &r.id == a), rows.iter().find(|r| &r.id == b)) else {
        return Err(AppError::NotFound);
    };
    let recs = duplicates::records(conn, scope, &[ra.clone(), rb.clone()])?;
    let c = compare(&recs[0], &recs[1], &Dictionary::shared());
    let status = repo::find(conn, scope, a, b)?.map(|p| p.status);
    Ok(Comparison {
        a: super::views::person(conn, scope, a, today)?,
        b: super::views::person(conn, scope, b, today)?,
        score: (c.score * 10.0).round() / 10.0,
        band: band_text(c.band).to_string(),
        reasons: c.reasons.iter().map(ReasonView::from).collect(),
        status,
    })
}

/// "Not the same person": remembered, audited; the pair is never proposed again.
pub fn distinct(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    a: &PersonId,
    b: &PersonId,
) -> AppResult<()> {
    unit::run(conn, ctx, scope, |conn, u| {
        if a == b {
            return Err(AppError::field("b", "the same person twice"));
        }
        let rows = persons::by_ids(conn, scope, &[a.clone(), b.clone()])?;
        if rows.len() != 2 {
            return Err(AppError::NotFound);
        }
        let recs = duplicates::records(conn, scope, &rows)?;
        let c = compare(&recs[0], &recs[1], &Dictionary::shared());
        let mut found = found_of(a, b, &c);
        if c.band < Band::Possible {
            found.band = "possible";
        }
        repo::decide(conn, scope, &found, PairStatus::Distinct, ctx.actor_id.as_deref(), ctx.now())?;
        u.audit("duplicates.distinct", "person", a.as_str());
        u.audit("duplicates.distinct", "person", b.as_str());
        Ok(())
    })
}

/// Leaves out of `found` the persons someone said are not `person`.
pub fn without_distinct(
    conn: &mut DbConnection,
    scope: &OrgScope,
    person: &PersonId,
    found: Vec<duplicates::Duplicate>,
) -> AppResult<Vec<duplicates::Duplicate>> {
    let distinct: HashSet<PersonId> = repo::distinct_from(conn, scope, person)?.into_iter().collect();
    Ok(found.into_iter().filter(|d| !distinct.contains(&d.person_id)).collect())
}

/// Whether a build of the list is queued or running (for the page's progress).
pub fn running(job: &Option<JobView>) -> bool {
    job.as_ref().is_some_and(|j| matches!(j.status, JobStatus::Queued | JobStatus::Running))
}

fn band_text(b: Band) -> &'static str {
    match b {
        Band::Likely => "likely",
        Band::Possible => "possible",
        Band::Unlikely => "unlikely",
    }
}
