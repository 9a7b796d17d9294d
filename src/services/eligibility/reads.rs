//! Reading eligibility: a person's results and summary on a date, a family's (with separation
//! risk), and the aging-out watch from the stored results.

use super::{evaluate, published};
use crate::auth::OrgScope;
use crate::db::models::{EligibilityRow, PersonRow};
use crate::db::repo::lists::{Total, COUNT_CAP};
use crate::db::repo::{families, persons, Page};
use crate::db::schema::{eligibility_results as er, persons as p};
use crate::db::DbConnection;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::policy::{summarise, ClaimResult, Outcome};
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

/// One claim's result with, beside the codes, the English text of its explanation, uncertainty
/// and facts (for API clients; pages render the codes in the reader's language).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ResultView {
    #[serde(flatten)]
    pub result: ClaimResult,
    pub explanation_text: String,
    pub uncertain_text: Option<String>,
    pub facts_text: Vec<String>,
}

impl std::ops::Deref for ResultView {
    type Target = ClaimResult;
    fn deref(&self) -> &ClaimResult {
        &self.result
    }
}

impl ResultView {
    pub fn of(result: ClaimResult) -> ResultView {
        let en = crate::i18n::I18n::new(crate::i18n::Lang::En);
        ResultView {
            explanation_text: en.explain(&result.explanation),
            uncertain_text: result.uncertain.as_ref().map(|r| en.reason(r)),
            facts_text: result.facts_used.iter().map(|f| en.fact(f)).collect(),
            result,
        }
    }
}

/// A person's evaluation: the summary and one result per nationality claim.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonEligibility {
    pub as_of: NaiveDate,
    /// The best outcome across the claims (`no_route` when there is no claim).
    pub outcome: Outcome,
    /// True when any result depends on a fact that is not known precisely enough.
    pub uncertain: bool,
    /// The earliest date on which any result changes by itself.
    pub changes_on: Option<NaiveDate>,
    pub results: Vec<ResultView>,
}

impl PersonEligibility {
    /// The summary of a person's results.
    pub fn of(as_of: NaiveDate, results: Vec<ClaimResult>) -> PersonEligibility {
        PersonEligibility {
            as_of,
            outcome: summarise(&results),
            uncertain: results.iter().any(|r| r.uncertain.is_some()),
            changes_on: results.iter().filter_map(|r| r.changes_on).min(),
            results: results.into_iter().map(ResultView::of).collect(),
        }
    }
}

/// A person's evaluation on `on`, computed from the facts now (always current, even while a
/// re-evaluation of everyone is still running).
pub fn person(conn: &mut DbConnection, scope: &OrgScope, id: &PersonId, on: NaiveDate) -> AppResult<PersonEligibility> {
    let row = persons::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    let versions = published(conn)?;
    let results = evaluate(conn, scope, &[row], &versions, on)?.pop().map(|(_, r)| r).unwrap_or_default();
    Ok(PersonEligibility::of(on, results))
}

/// One member's evaluation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberEligibility {
    pub person_id: PersonId,
    pub name: String,
    /// The best outcome across the member's claims.
    pub outcome: Outcome,
    pub uncertain: bool,
    pub results: Vec<ResultView>,
}

/// A family's evaluation with its flags.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FamilyEligibility {
    pub as_of: NaiveDate,
    pub members: Vec<MemberEligibility>,
    pub all_eligible: bool,
    pub none_eligible: bool,
    /// Some members may return and others not (e.g. a children-only policy).
    pub separation_risk: bool,
}

fn is_eligible(o: Outcome) -> bool {
    matches!(o, Outcome::Eligible | Outcome::EligibleWithConditions)
}

/// Every living member's outcome and the family flags, on `on`.
pub fn family(
    conn: &mut DbConnection,
    scope: &OrgScope,
    family_id: &FamilyId,
    on: NaiveDate,
) -> AppResult<FamilyEligibility> {
    families::find(conn, scope, family_id)?.ok_or(AppError::NotFound)?;
    let members = persons::of_family(conn, scope, family_id)?;
    let versions = published(conn)?;
    let evaluated = evaluate(conn, scope, &members, &versions, on)?;
    let members: Vec<MemberEligibility> = evaluated
        .into_iter()
        .filter(|(p, _)| p.date_of_death.is_none())
        .map(|(p, results)| MemberEligibility {
            outcome: summarise(&results),
            uncertain: results.iter().any(|r| r.uncertain.is_some()),
            name: p.full_name(),
            person_id: p.id,
            results: results.into_iter().map(ResultView::of).collect(),
        })
        .collect();
    let eligible = members.iter().filter(|m| is_eligible(m.outcome)).count();
    Ok(FamilyEligibility {
        as_of: on,
        all_eligible: !members.is_empty() && eligible == members.len(),
        none_eligible: eligible == 0,
        separation_risk: eligible > 0 && eligible < members.len(),
        members,
    })
}

/// A person whose outcome gets worse because of age, soon.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AgingOut {
    pub person_id: PersonId,
    pub name: String,
    pub family_id: Option<FamilyId>,
    pub country: String,
    pub outcome: Outcome,
    pub changes_on: NaiveDate,
    pub changes_to: Outcome,
    /// Why the outcome is what it is now.
    pub explanation: crate::domain::policy::Explanation,
    /// The same in English, for API clients.
    pub explanation_text: String,
}

/// A page of the persons whose outcome gets worse within `days` because of age (soonest
/// first), with how many there are (up to `lists::COUNT_CAP`). Read from the stored results
/// through the watch index, the "worse" comparison in SQL (by `Outcome`'s order), so that a
/// page reads only its rows.
pub fn aging_out(
    conn: &mut DbConnection,
    scope: &OrgScope,
    days: i64,
    today: NaiveDate,
    page: Page,
) -> AppResult<(Vec<AgingOut>, Total)> {
    let until = today + chrono::Duration::days(days);
    let rank = |column: &str| {
        let arms: String =
            Outcome::ALL.iter().enumerate().map(|(i, o)| format!(" WHEN '{}' THEN {i}", o.as_str())).collect();
        format!("(CASE {column}{arms} END)")
    };
    let worse = format!("{} > {}", rank("eligibility_results.changes_to"), rank("eligibility_results.outcome"));
    // The stored results alone, through the watch index: with the persons joined, SQLite's
    // statistics (two change reasons, so "half the rows") made it walk every person of the
    // organisation instead (4.7 s at 500,000 persons); the dead are left out by a subquery.
    let watch = || {
        er::table
            .filter(er::organisation_id.eq(scope.id()))
            .filter(er::change_reason.eq(crate::domain::policy::ChangeReason::Age))
            .filter(er::changes_on.le(until))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                p::table.filter(p::id.eq(er::person_id)).filter(p::date_of_death.is_not_null()),
            )))
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&worse))
    };
    let counted: Vec<PersonId> = watch().select(er::person_id).limit(COUNT_CAP + 1).load(conn)?;
    let n = counted.len() as i64;
    let total = if n > COUNT_CAP { Total { n: COUNT_CAP, exact: false } } else { Total { n, exact: true } };
    let results: Vec<EligibilityRow> = watch()
        .order((er::changes_on.asc(), er::person_id.asc(), er::country_code.asc()))
        .limit(page.limit)
        .offset(page.offset)
        .select(EligibilityRow::as_select())
        .load(conn)?;
    // The page's persons (at most a page of ids).
    let ids: Vec<PersonId> = results.iter().map(|r| r.person_id.clone()).collect();
    let persons: std::collections::HashMap<PersonId, PersonRow> =
        persons::by_ids(conn, scope, &ids)?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let english = crate::i18n::I18n::new(crate::i18n::Lang::En);
    let mut out = Vec::new();
    for r in results {
        let Some(p) = persons.get(&r.person_id) else { continue };
        let (Some(on), Some(to)) = (r.changes_on, r.changes_to) else { continue };
        let result: ClaimResult = serde_json::from_str(&r.result).map_err(|e| AppError::Internal(e.into()))?;
        out.push(AgingOut {
            explanation_text: english.explain(&result.explanation),
            name: p.full_name(),
            person_id: p.id.clone(),
            family_id: p.family_id.clone(),
            country: r.country_code.to_string(),
            outcome: r.outcome,
            changes_on: on,
            changes_to: to,
            explanation: result.explanation,
        });
    }
    let total = total.seen(page, out.len() as i64);
    Ok((out, total))
}
