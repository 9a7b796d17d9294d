//! The likely duplicates of a person, or of a record about to be logged, in the organisation:
//! the candidates are the persons sharing a blocking key with it (`match_keys`: two name words
//! in a form that survives script and spelling, or a given name and a birth year), read
//! through an index; then each pair is weighed by `domain::matching`; "possible" and "likely"
//! pairs, best first, with their reasons.

use super::match_keys;
use crate::auth::OrgScope;
use crate::db::models::PersonRow;
use crate::db::repo::match_keys as match_keys_repo;
use crate::db::repo::{claims, names, persons};
use crate::db::DbConnection;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::matching::keys::{probe_keys, Keyer};
use crate::domain::matching::{compare, Band, Comparison, Dictionary, Record};
use crate::domain::nationality::ClaimStatus;
use crate::error::{AppError, AppResult};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use utoipa::ToSchema;

/// Candidates compared at most (those sharing the most keys first): a common name born in a
/// common year shares a key with many, and the pairs that matter share several.
const CANDIDATES: i64 = 300;
/// Pairs answered at most.
const SHOWN: usize = 20;

/// A possible duplicate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Duplicate {
    pub person_id: PersonId,
    #[schema(value_type = Option<String>)]
    pub family_id: Option<FamilyId>,
    pub given_name: String,
    pub family_name: String,
    pub birth: Option<String>,
    /// When the person was logged.
    pub logged_at: chrono::NaiveDateTime,
    /// Where the person is held now, if the registry knows (the intake's "in Roj"; filled for
    /// a person's or a probe's duplicates, not for an import's rows).
    pub held_in: Option<String>,
    pub score: f64,
    /// `likely` or `possible`.
    #[schema(value_type = String)]
    pub band: Band,
    /// Each reason in English ("given names agree across scripts: عائشة ↔ Aisha") with its
    /// weight.
    pub reasons: Vec<ReasonView>,
}

/// One reason of a pair's score.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct ReasonView {
    pub field: String,
    pub verdict: String,
    pub text: String,
    pub weight: f64,
}

impl From<&crate::domain::matching::Reason> for ReasonView {
    fn from(r: &crate::domain::matching::Reason) -> ReasonView {
        ReasonView { field: r.field.to_string(), verdict: r.verdict.to_string(), text: r.describe(), weight: r.weight }
    }
}

/// The records of these persons as the matcher reads them.
pub(super) fn records(conn: &mut DbConnection, scope: &OrgScope, rows: &[PersonRow]) -> AppResult<Vec<Record>> {
    let ids: Vec<PersonId> = rows.iter().map(|r| r.id.clone()).collect();
    let mut other: HashMap<PersonId, Vec<String>> = HashMap::new();
    let mut nationalities: HashMap<PersonId, Vec<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for n in names::of(conn, scope, chunk)? {
            other.entry(n.person_id).or_default().push(n.name);
        }
        for c in claims::of(conn, scope, chunk)?.into_iter().filter(|c| ClaimStatus::LIVE.contains(&c.status)) {
            nationalities.entry(c.person_id).or_default().push(c.country_code.to_string());
        }
    }
    rows.iter()
        .map(|r| {
            let other = other.remove(&r.id).unwrap_or_default();
            match_keys::record(r, other, nationalities.remove(&r.id).unwrap_or_default())
        })
        .collect()
}

/// The person's likely and possible duplicates, best first; 404 for a person outside the scope.
pub fn of(conn: &mut DbConnection, scope: &OrgScope, id: &PersonId) -> AppResult<Vec<Duplicate>> {
    let me = persons::by_ids(conn, scope, std::slice::from_ref(id))?.into_iter().next().ok_or(AppError::NotFound)?;
    let record = records(conn, scope, std::slice::from_ref(&me))?.remove(0);
    let found = like(conn, scope, &record, Some(&me.id))?;
    // "Not the same person" is remembered.
    super::review::without_distinct(conn, scope, &me.id, found)
}

/// The likely and possible duplicates of a record (a person about to be logged, a row of an
/// import) in the organisation, best first, leaving out `except`.
pub fn like(
    conn: &mut DbConnection,
    scope: &OrgScope,
    record: &Record,
    except: Option<&PersonId>,
) -> AppResult<Vec<Duplicate>> {
    let dict = Dictionary::shared();
    let probe = probe_keys(record, &dict);
    let ids: Vec<PersonId> = match_keys_repo::sharing(conn, scope, &probe, CANDIDATES)?
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| Some(id) != except)
        .collect();
    let rows = persons::by_ids(conn, scope, &ids)?;
    let others = records(conn, scope, &rows)?;
    let mut found: Vec<(Comparison, &PersonRow)> = rows
        .iter()
        .zip(&others)
        .map(|(row, other)| (compare(record, other, &dict), row))
        .filter(|(c, _)| c.band >= Band::Possible)
        .collect();
    found.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then_with(|| a.1.id.cmp(&b.1.id)));
    let mut shown: Vec<Duplicate> =
        found.into_iter().take(SHOWN).map(|(c, row)| view(&c, row)).collect::<AppResult<_>>()?;
    held_in(conn, scope, &mut shown)?;
    Ok(shown)
}

/// Fills where each of a few duplicates is held now: their derived rows and the facilities (a
/// small reference table), two queries whatever the number.
fn held_in(conn: &mut DbConnection, scope: &OrgScope, found: &mut [Duplicate]) -> AppResult<()> {
    if found.is_empty() {
        return Ok(());
    }
    let ids: Vec<PersonId> = found.iter().map(|d| d.person_id.clone()).collect();
    let at: HashMap<PersonId, crate::domain::ids::FacilityId> = persons::derived_of(conn, scope, &ids)?
        .into_iter()
        .filter_map(|d| d.current_facility_id.map(|f| (d.person_id, f)))
        .collect();
    if at.is_empty() {
        return Ok(());
    }
    let names: HashMap<crate::domain::ids::FacilityId, String> =
        crate::db::repo::facilities::list(conn)?.into_iter().map(|f| (f.id, f.name)).collect();
    for d in found.iter_mut() {
        d.held_in = at.get(&d.person_id).and_then(|f| names.get(f)).cloned();
    }
    Ok(())
}

/// Persons filed under one key, at most, for a key to be read by [`best_of_many`].
const MANY_BLOCK_LIMIT: i64 = 500;
/// Candidates compared per record by [`best_of_many`] (those sharing the most keys).
const MANY_CANDIDATES: usize = 10;
/// Records whose blocks and candidates are read together (an import's tens of thousands of new
/// rows would otherwise hold blocks of hundreds of megabytes at once).
const MANY_PER_PASS: usize = 10_000;

/// The best likely or possible duplicate in the organisation of each of many records (the new
/// rows of an import), found with a query per chunk of distinct keys instead of one per record:
/// each record's candidates are the persons sharing the most of its keys, blocks of more than
/// [`MANY_BLOCK_LIMIT`] persons aside.
/// The records are taken [`MANY_PER_PASS`] at a time, so that the blocks and candidates held
/// stay the same whatever the number of records.
pub fn best_of_many(
    conn: &mut DbConnection,
    scope: &OrgScope,
    probes_of: &[Record],
) -> AppResult<Vec<Option<Duplicate>>> {
    let dict = Dictionary::shared();
    let mut keyer = Keyer::new(&dict);
    let mut out = Vec::with_capacity(probes_of.len());
    for pass in probes_of.chunks(MANY_PER_PASS) {
        out.extend(best_of_pass(conn, scope, pass, &dict, &mut keyer)?);
    }
    Ok(out)
}

/// [`best_of_many`] for one pass of records.
fn best_of_pass(
    conn: &mut DbConnection,
    scope: &OrgScope,
    probes_of: &[Record],
    dict: &Dictionary,
    keyer: &mut Keyer,
) -> AppResult<Vec<Option<Duplicate>>> {
    let probes: Vec<Vec<String>> = probes_of.iter().map(|r| keyer.probe(r)).collect();
    let mut distinct: Vec<String> = probes.iter().flatten().cloned().collect();
    distinct.sort_unstable();
    distinct.dedup();
    // Persons by a number of this pass: a block holds up to MANY_BLOCK_LIMIT of them, and an id's
    // text costs some sixty bytes where its number costs four.
    let mut people: Vec<PersonId> = Vec::new();
    let mut numbers: HashMap<PersonId, u32> = HashMap::new();
    let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
    for chunk in distinct.chunks(500) {
        for (k, p) in match_keys_repo::small_blocks(conn, scope, chunk, MANY_BLOCK_LIMIT)? {
            let n = *numbers.entry(p).or_insert_with_key(|p| {
                people.push(p.clone());
                (people.len() - 1) as u32
            });
            blocks.entry(k).or_default().push(n);
        }
    }
    drop(numbers);
    let mut wanted: BTreeSet<&PersonId> = BTreeSet::new();
    let candidates: Vec<Vec<u32>> = probes
        .iter()
        .map(|keys| {
            let mut shared: HashMap<u32, usize> = HashMap::new();
            for &p in keys.iter().filter_map(|k| blocks.get(k)).flatten() {
                *shared.entry(p).or_default() += 1;
            }
            let mut ranked: Vec<(u32, usize)> = shared.into_iter().collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| people[a.0 as usize].cmp(&people[b.0 as usize])));
            let top: Vec<u32> = ranked.into_iter().take(MANY_CANDIDATES).map(|(p, _)| p).collect();
            wanted.extend(top.iter().map(|&p| &people[p as usize]));
            top
        })
        .collect();
    drop((blocks, probes));
    let ids: Vec<PersonId> = wanted.into_iter().cloned().collect();
    let mut known: HashMap<PersonId, (PersonRow, Record)> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows = persons::by_ids(conn, scope, chunk)?;
        let recs = records(conn, scope, &rows)?;
        known.extend(rows.into_iter().zip(recs).map(|(row, r)| (row.id.clone(), (row, r))));
    }
    probes_of
        .iter()
        .zip(candidates)
        .map(|(record, cands)| {
            let best = cands
                .iter()
                .filter_map(|&p| known.get(&people[p as usize]))
                .map(|(row, other)| (compare(record, other, dict), row))
                .filter(|(c, _)| c.band >= Band::Possible)
                .max_by(|a, b| a.0.score.total_cmp(&b.0.score).then_with(|| b.1.id.cmp(&a.1.id)));
            best.map(|(c, row)| view(&c, row)).transpose()
        })
        .collect()
}

fn view(c: &Comparison, row: &PersonRow) -> AppResult<Duplicate> {
    Ok(Duplicate {
        person_id: row.id.clone(),
        family_id: row.family_id.clone(),
        given_name: row.given_name.clone(),
        family_name: row.family_name.clone(),
        birth: row.birth.get()?.map(|b| b.display()),
        logged_at: row.created_at,
        held_in: None,
        score: (c.score * 10.0).round() / 10.0,
        band: c.band,
        reasons: c.reasons.iter().map(ReasonView::from).collect(),
    })
}

/// Most other names and nationalities a probe may carry.
const PROBE_LIST_MAX: usize = 20;

/// A person about to be logged, as far as the caseworker typed them: the intake form asks
/// before it creates ("this may be Aisha Mahmoud, logged on 2025-03-02").
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
pub struct Probe {
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub other_names: Vec<String>,
    pub sex: Option<crate::domain::person::Sex>,
    /// A birth date, whole or partial (`1990`, `1990-03`, `1990-03-14`).
    pub birth: Option<crate::domain::partial_date::RawPartialDate>,
    /// Country codes claimed.
    #[serde(default)]
    pub nationalities: Vec<String>,
}

/// The likely and possible duplicates of a probe; 422 with field messages for a probe without a
/// name or with fields that do not parse.
pub fn probe(conn: &mut DbConnection, scope: &OrgScope, p: Probe) -> AppResult<Vec<Duplicate>> {
    use crate::domain::problems::Problems;
    use crate::domain::text::check_text;
    let mut problems = Problems::new();
    let given = problems.take("given_name", check_text(&p.given_name, crate::domain::text::NAME_MAX, false));
    let family = problems.take("family_name", check_text(&p.family_name, crate::domain::text::NAME_MAX, false));
    if p.given_name.trim().is_empty() && p.family_name.trim().is_empty() {
        problems.add("given_name", "a given or a family name is required");
    }
    for (field, n) in [("other_names", p.other_names.len()), ("nationalities", p.nationalities.len())] {
        if n > PROBE_LIST_MAX {
            problems.add(field, format!("at most {PROBE_LIST_MAX}"));
        }
    }
    let mut other_names = Vec::new();
    for (i, n) in p.other_names.iter().enumerate() {
        other_names
            .extend(problems.take(format!("other_names[{i}]"), check_text(n, crate::domain::text::NAME_MAX, false)));
    }
    let birth = match &p.birth {
        Some(raw) => problems.take("birth", raw.check()).map(Some),
        None => Some(None),
    };
    let mut nationalities = Vec::new();
    for (i, c) in p.nationalities.iter().enumerate() {
        match crate::domain::country::CountryCode::parse(c) {
            Ok(c) => nationalities.push(c.to_string()),
            Err(e) => problems.add(format!("nationalities[{i}]"), e),
        }
    }
    let (Some(given_name), Some(family_name), Some(birth), true) = (given, family, birth, problems.is_empty()) else {
        return Err(problems.into());
    };
    let record = Record {
        given_name,
        family_name,
        other_names,
        sex: p.sex,
        birth: birth.map(|b| (b.earliest(), b.latest())),
        nationalities,
    };
    like(conn, scope, &record, None)
}
