//! The likely duplicates of a person in the organisation: candidates found through the name
//! search (each of the person's name words in every spelling the name dictionary knows, born
//! within two years), then each pair weighed by `domain::matching`; "possible" and "likely"
//! pairs, best first, with their reasons. Names the dictionary does not know are found as
//! written only (no phonetic index yet).

use crate::auth::OrgScope;
use crate::db::models::PersonRow;
use crate::db::repo::lists::{self, PersonFilter};
use crate::db::repo::{claims, names, persons, Page};
use crate::db::DbConnection;
use crate::domain::ids::PersonId;
use crate::domain::matching::phonetic::{words, Word};
use crate::domain::matching::{compare, Band, Comparison, Dictionary, Record};
use crate::domain::nationality::ClaimStatus;
use crate::error::{AppError, AppResult};
use chrono::Months;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

/// Candidates read per name word.
const PER_WORD: i64 = 200;
/// Pairs answered at most.
const SHOWN: usize = 20;

/// A possible duplicate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Duplicate {
    pub person_id: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub birth: Option<String>,
    pub score: f64,
    /// `likely` or `possible`.
    #[schema(value_type = String)]
    pub band: Band,
    /// Each reason in English ("given names agree across scripts: عائشة ↔ Aisha") with its
    /// weight.
    pub reasons: Vec<ReasonView>,
}

/// One reason of a pair's score.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReasonView {
    pub field: String,
    pub verdict: String,
    pub text: String,
    pub weight: f64,
}

/// The records of these persons as the matcher reads them.
fn records(conn: &mut DbConnection, scope: &OrgScope, rows: &[PersonRow]) -> AppResult<Vec<Record>> {
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
            Ok(Record {
                given_name: r.given_name.clone(),
                family_name: r.family_name.clone(),
                other_names: other.remove(&r.id).unwrap_or_default(),
                sex: Some(r.sex),
                birth: r.birth.get()?.map(|b| (b.earliest(), b.latest())),
                nationalities: nationalities.remove(&r.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// The person's likely and possible duplicates, best first; 404 for a person outside the scope.
pub fn of(conn: &mut DbConnection, scope: &OrgScope, id: &PersonId) -> AppResult<Vec<Duplicate>> {
    let me = persons::by_ids(conn, scope, std::slice::from_ref(id))?.into_iter().next().ok_or(AppError::NotFound)?;
    let record = records(conn, scope, std::slice::from_ref(&me))?.remove(0);
    let dict = Dictionary::shared();
    let mut candidates: BTreeMap<PersonId, PersonRow> = BTreeMap::new();
    let words_of = |name: &str| words(name).into_iter().filter(|w| w.chars().count() >= 3).collect::<Vec<_>>();
    for w in words_of(&me.given_name).into_iter().chain(words_of(&me.family_name)) {
        let filter = PersonFilter {
            q_variants: dict.spellings(&Word::new(&w)),
            q: Some(w),
            born_on_or_before: record.birth.and_then(|(_, latest)| latest.checked_add_months(Months::new(24))),
            born_after: record.birth.and_then(|(earliest, _)| earliest.checked_sub_months(Months::new(24))),
            ..PersonFilter::default()
        };
        let (rows, _) = lists::persons(conn, scope, &filter, Page { limit: PER_WORD, offset: 0 })?;
        candidates.extend(rows.into_iter().filter(|r| r.id != me.id).map(|r| (r.id.clone(), r)));
    }
    let rows: Vec<PersonRow> = candidates.into_values().collect();
    let others = records(conn, scope, &rows)?;
    let mut found: Vec<(Comparison, &PersonRow)> = rows
        .iter()
        .zip(&others)
        .map(|(row, other)| (compare(&record, other, dict), row))
        .filter(|(c, _)| c.band >= Band::Possible)
        .collect();
    found.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then_with(|| a.1.id.cmp(&b.1.id)));
    found
        .into_iter()
        .take(SHOWN)
        .map(|(c, row)| {
            Ok(Duplicate {
                person_id: row.id.clone(),
                given_name: row.given_name.clone(),
                family_name: row.family_name.clone(),
                birth: row.birth.get()?.map(|b| b.display()),
                score: (c.score * 10.0).round() / 10.0,
                band: c.band,
                reasons: c
                    .reasons
                    .iter()
                    .map(|r| ReasonView {
                        field: r.field.to_string(),
                        verdict: r.verdict.to_string(),
                        text: r.describe(),
                        weight: r.weight,
                    })
                    .collect(),
            })
        })
        .collect()
}
