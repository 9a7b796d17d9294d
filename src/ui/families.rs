//! The family list: search by name in any script and filters, as a GET form that works without
//! JavaScript; results with members (ages, statelessness badges, where each is held), their
//! nationalities and the family's eligibility outcomes (as stored by the last evaluation), a
//! page of 20 at a time. Caseworkers and coordinators, own organisation only. (A family's page
//! is in `family`.)

use super::forms::{ages, countries_and_facilities, page, Choices, Form, Nav, Opt, Words as _};
use super::i18n::I18n;
use crate::auth::permissions::ReadRegistry;
use crate::auth::Can;
use crate::db::repo::lists::Total;
use crate::db::repo::{claims, policies, Page};
use crate::db::Pool;
use crate::domain::custody::CustodyStatus;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::policy::{ClaimResult, Outcome};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::http::filters::ListQuery;
use crate::services::registry::summaries::{families_page, persons_page};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// Families on a page of the list, unless the query asks for another number.
const PAGE_SIZE: i64 = 20;

/// The list's inputs that can carry a message.
const FILTER_INPUTS: &[&str] =
    &["q", "nationality", "facility_id", "age_min", "age_max", "as_of", "sex", "outcome", "under_age"];
/// The situation checkboxes (the backlog's drill-downs set them).
const SITUATIONS: &[&str] = &["held", "ages_out", "declining"];

/// A person in the persons view.
pub struct PersonItem {
    pub id: PersonId,
    pub name: String,
    pub family_id: Option<FamilyId>,
    pub ages: String,
    pub place: Option<String>,
    pub nationalities: Vec<String>,
}

/// A member in the list.
pub struct MemberItem {
    pub id: PersonId,
    pub name: String,
    pub ages: String,
    pub stateless: bool,
    pub at_risk: bool,
    /// Where the member is held now.
    pub place: Option<String>,
}

/// A family in the list.
pub struct FamilyItem {
    pub id: FamilyId,
    pub label: String,
    pub members: Vec<MemberItem>,
    /// The countries its members have a live claim to (distinct codes).
    pub nationalities: Vec<String>,
    /// How many living members have each outcome (best claim each), best outcome first: the
    /// outcome's code (for its colour), its words and the count.
    pub outcomes: Vec<(String, String, usize)>,
    /// Some members may return and others not.
    pub separation_risk: bool,
}

/// `GET /families`.
#[derive(Template)]
#[template(path = "registry/list.html")]
pub struct ListPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub form: Form,
    pub countries: Vec<Opt>,
    pub facilities: Vec<Opt>,
    pub rows: Vec<FamilyItem>,
    /// `view=persons`: the matching persons themselves (the backlog's drill-downs), not their
    /// families.
    pub by_person: bool,
    pub people: Vec<PersonItem>,
    /// "120", or "1000+" when a broad filter was counted only that far.
    pub total: String,
    pub any: bool,
    pub first: i64,
    pub last: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// "page 2 of 3".
    pub page_number: i64,
    pub pages: String,
    pub choices: Choices,
}

impl ListPage {
    /// "Page 2 of 3", in the user's language.
    pub fn page_of(&self) -> String {
        use crate::ui::i18n::Arg;
        self.i18n.t_args(
            "list-page",
            &[("n", Arg::from(self.page_number as usize)), ("total", Arg::from(self.pages.clone()))],
        )
    }

    /// The same filters, one row per family (from the persons view).
    pub fn families_link(&self) -> String {
        self.path.replacen("view=persons&", "", 1).replacen("?view=persons", "", 1)
    }

    /// Whether any filter (beyond the search box) is set: the filter panel then opens.
    pub fn filtering(&self) -> bool {
        FILTER_INPUTS
            .iter()
            .chain(super::person_form::FLAGS)
            .chain(&["stateless", "at_risk"])
            .chain(SITUATIONS)
            .any(|f| *f != "q" && !self.form.get(f).trim().is_empty())
    }
}

/// What the list says of a member's eligibility: the best outcome of their claims, or that no
/// country they claim has a policy (which is no outcome at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Standing {
    Outcome(Outcome),
    NoPolicy,
}

/// Each person's live nationalities (country codes) and eligibility standing.
type PageFacts = (HashMap<PersonId, Vec<String>>, HashMap<PersonId, Standing>);

/// The live nationalities and the eligibility standing of these persons (a page of them),
/// from the stored evaluation; a result that has changed by itself since is read as its next
/// outcome.
fn claims_and_standings(
    conn: &mut crate::db::DbConnection,
    scope: &crate::auth::OrgScope,
    ids: &[PersonId],
    today: chrono::NaiveDate,
) -> AppResult<PageFacts> {
    let mut nationalities: HashMap<PersonId, Vec<String>> = HashMap::new();
    let mut best: HashMap<PersonId, Option<Outcome>> = HashMap::new();
    let mut no_policy: HashMap<PersonId, bool> = HashMap::new();
    // A page of families: a bounded number of persons, in chunks all the same.
    for chunk in ids.chunks(500) {
        for c in claims::of(conn, scope, chunk)?.into_iter().filter(|c| c.status.is_live()) {
            nationalities.entry(c.person_id).or_default().push(c.country_code.to_string());
        }
        for r in policies::results_for(conn, scope, chunk)? {
            let result: ClaimResult = serde_json::from_str(&r.result).map_err(|e| AppError::Internal(e.into()))?;
            if result.explanation.is_no_policy() {
                no_policy.insert(r.person_id, true);
                continue;
            }
            let now = match (r.changes_on, r.changes_to) {
                (Some(on), Some(to)) if on <= today => to,
                _ => r.outcome,
            };
            let b = best.entry(r.person_id).or_default();
            *b = Some(b.map_or(now, |b| b.min(now)));
        }
    }
    let mut standings: HashMap<PersonId, Standing> = no_policy.into_keys().map(|p| (p, Standing::NoPolicy)).collect();
    standings.extend(best.into_iter().filter_map(|(p, o)| Some((p, Standing::Outcome(o?)))));
    Ok((nationalities, standings))
}

/// The typed query as a `ListQuery` (blank inputs, which GET forms always send, are absent).
fn list_query(form: &mut Form) -> ListQuery {
    let opt = |form: &Form, name: &str| Some(form.text(name)).filter(|v| !v.is_empty());
    let flag = |form: &Form, name: &str| form.on(name).then_some(true);
    ListQuery {
        q: opt(form, "q"),
        nationality: opt(form, "nationality"),
        facility_id: opt(form, "facility_id"),
        age_min: form.int("age_min", "age_min", i32::MIN, i32::MAX),
        age_max: form.int("age_max", "age_max", i32::MIN, i32::MAX),
        as_of: form.date("as_of"),
        sex: opt(form, "sex"),
        unaccompanied_minor: flag(form, "unaccompanied_minor"),
        orphan: flag(form, "orphan"),
        medical_need: flag(form, "medical_need"),
        disability: flag(form, "disability"),
        stateless: flag(form, "stateless"),
        at_risk: flag(form, "at_risk"),
        held: flag(form, "held"),
        outcome: opt(form, "outcome"),
        under_age: form.int("under_age", "under_age", i32::MIN, i32::MAX),
        ages_out: flag(form, "ages_out"),
        declining: flag(form, "declining"),
        limit: Some(form.int("limit", "limit", i32::MIN, i32::MAX).map(i64::from).unwrap_or(PAGE_SIZE)),
        offset: form.int("offset", "offset", i32::MIN, i32::MAX).map(i64::from),
    }
}

/// `/families?<the query without offset>&offset=<n>`.
fn page_link(query_string: &str, offset: i64) -> String {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str::<Vec<(String, String)>>(query_string)
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, v)| k != "offset" && !v.trim().is_empty())
        .collect();
    pairs.push(("offset".into(), offset.to_string()));
    format!("/families?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// `GET /families`: search and filters; a bad filter comes back with its message.
pub async fn list(req: HttpRequest, user: Can<ReadRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(&req);
    let qs = req.query_string().to_string();
    let mut form = Form::parse(&i18n, &qs);
    let query = list_query(&mut form);
    // Both checks run, so every bad filter gets its message at once.
    let parsed = match query.parse(today) {
        Ok(p) => Some(p),
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, |f| FILTER_INPUTS.contains(&f).then(|| f.to_string()));
            None
        }
        Err(e) => return Err(e),
    }
    .filter(|_| !form.has_errors());
    let scope = user.scope();
    let by_person = form.get("view") == "persons";
    let (countries, facilities, found, people) = db(&pool, move |conn| {
        let (countries, facilities) = countries_and_facilities(conn)?;
        let mut people = None;
        let found = match parsed {
            Some((filter, page)) if by_person => {
                let (persons, total) = persons_page(conn, &scope, &filter, page, today)?;
                let ids: Vec<PersonId> = persons.iter().map(|p| p.id.clone()).collect();
                let (nationalities, _) = claims_and_standings(conn, &scope, &ids, today)?;
                people = Some(persons);
                Some((Vec::new(), total, page, nationalities, HashMap::new()))
            }
            Some((filter, page)) => {
                let (families, total) = families_page(conn, &scope, &filter, page, today)?;
                let ids: Vec<PersonId> = families.iter().flat_map(|f| f.members.iter().map(|m| m.id.clone())).collect();
                let (nationalities, outcomes) = claims_and_standings(conn, &scope, &ids, today)?;
                Some((families, total, page, nationalities, outcomes))
            }
            None => None,
        };
        Ok((countries, facilities, found, people))
    })
    .await?;
    let place: HashMap<&str, &str> = facilities.iter().map(|f| (f.value.as_str(), f.label.as_str())).collect();
    let status = if found.is_some() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (items, total, at, nationalities, outcomes) = found.unwrap_or_else(|| {
        (Vec::new(), Total { n: 0, exact: true }, Page { limit: PAGE_SIZE, offset: 0 }, HashMap::new(), HashMap::new())
    });
    let rows = items
        .into_iter()
        .map(|f| {
            let mut codes: Vec<String> =
                f.members.iter().flat_map(|m| nationalities.get(&m.id).cloned().unwrap_or_default()).collect();
            codes.sort();
            codes.dedup();
            let mut counts: Vec<(Standing, usize)> = Vec::new();
            for m in f.members.iter().filter(|m| m.custody_status != CustodyStatus::Dead) {
                let o = outcomes.get(&m.id).copied().unwrap_or(Standing::Outcome(Outcome::NoRoute));
                match counts.iter_mut().find(|(k, _)| *k == o) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((o, 1)),
                }
            }
            counts.sort();
            let eligible =
                |o: &Standing| matches!(o, Standing::Outcome(Outcome::Eligible | Outcome::EligibleWithConditions));
            let separation_risk = counts.iter().any(|(o, _)| eligible(o)) && counts.iter().any(|(o, _)| !eligible(o));
            let outcomes = counts
                .into_iter()
                .map(|(o, n)| match o {
                    Standing::Outcome(o) => (o.as_str().to_string(), i18n.outcome(&o), n),
                    Standing::NoPolicy => ("none".to_string(), i18n.t("eligibility-no-policy"), n),
                })
                .collect();
            let members = f
                .members
                .into_iter()
                .map(|m| MemberItem {
                    place: m.current_facility_id.as_ref().and_then(|id| place.get(id.as_str())).map(|p| p.to_string()),
                    name: format!("{} {}", m.given_name, m.family_name),
                    ages: ages(&m.age_range),
                    stateless: m.stateless,
                    at_risk: m.at_risk_of_statelessness,
                    id: m.id,
                })
                .collect();
            FamilyItem { id: f.id, label: f.label, members, nationalities: codes, outcomes, separation_risk }
        })
        .collect::<Vec<_>>();
    let people: Vec<PersonItem> = people
        .unwrap_or_default()
        .into_iter()
        .map(|m| PersonItem {
            place: m.current_facility_id.as_ref().and_then(|id| place.get(id.as_str())).map(|p| p.to_string()),
            name: format!("{} {}", m.given_name, m.family_name),
            ages: ages(&m.age_range),
            nationalities: nationalities.get(&m.id).cloned().unwrap_or_default(),
            family_id: m.family_id,
            id: m.id,
        })
        .collect();
    let shown = if by_person { people.len() } else { rows.len() } as i64;
    let prev = (at.offset > 0).then(|| page_link(&qs, (at.offset - at.limit).max(0)));
    let next = (shown == at.limit && total.more_after(at.offset + shown)).then(|| page_link(&qs, at.offset + at.limit));
    let path = if qs.is_empty() { "/families".to_string() } else { format!("/families?{qs}") };
    let list = ListPage {
        i18n,
        path,
        nav: Nav::of(&user),
        form,
        countries,
        facilities,
        rows,
        by_person,
        people,
        total: total.label(),
        any: total.n > 0,
        first: if shown > 0 { at.offset + 1 } else { 0 },
        last: at.offset + shown,
        prev,
        next,
        page_number: at.offset / at.limit.max(1) + 1,
        pages: total.pages_label(at.limit),
        choices: Choices::default(),
    };
    page(status, &list)
}
