//! A person's page, `/persons/{id}`: their facts, other names, nationality claims (with the
//! forms that add one or change a status), custody timeline (with the form that adds an
//! event), relatives with where each is held, wishes over time, eligibility in the reader's
//! language and the change history. The page's forms post back to it (`person_forms`).

use super::history::{self, HistoryItem};
use super::posted::{Forms, Input, Posted, Problem};
use crate::auth::permissions::ReadRegistry;
use crate::auth::{Can, CurrentUser, OrgScope};
use crate::db::repo::{families, Page};
use crate::db::Pool;
use crate::domain::ids::PersonId;
use crate::error::AppResult;
use crate::http::db;
use crate::services::eligibility::reads::{self as eligibility, PersonEligibility};
use crate::services::registry::history as changes;
use crate::services::registry::views::{self, PersonView};
use crate::ui::forms::{ages, countries_and_facilities, page, Choices, Nav, Opt, Words as _};
use crate::ui::i18n::I18n;
use crate::ui::warnings;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// Inputs of the "add a name" form (ids `nm-…`).
pub const NAME_INPUTS: &[Input] =
    &[("name", "name", "field-other_name"), ("kind", "kind", "field-name_kind"), ("script", "script", "field-script")];

/// Inputs of the "add a nationality" form (ids `cl-…`) and of a claim's status form
/// (ids `st-<claim>-…`).
pub const CLAIM_INPUTS: &[Input] = &[
    ("country", "country", "field-country"),
    ("status", "status", "field-status"),
    ("basis", "basis", "field-basis"),
    ("decision_date", "date", "field-decision_date"),
    ("legal_note", "note", "field-legal_note"),
    ("source", "source", "field-source"),
    ("version", "status", "field-status"),
];

/// Inputs of the custody form (ids `cu-…`).
pub const CUSTODY_INPUTS: &[Input] = &[
    ("kind", "kind", "field-custody_kind"),
    ("facility_id", "facility", "field-facility"),
    ("date", "y", "field-date"),
    ("note", "note", "field-note"),
];

/// `GET /persons/{id}`.
#[derive(Template)]
#[template(path = "registry/person.html")]
pub struct PersonPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub person: PersonView,
    /// The family's label, for the way back.
    pub family_label: Option<String>,
    pub eligibility: PersonEligibility,
    pub history: Vec<HistoryItem>,
    pub countries: Vec<Opt>,
    pub facilities: Vec<Opt>,
    pub forms: Forms,
    /// The error summary of a refused form (empty otherwise).
    pub problems: Vec<Problem>,
    /// The confirmation of the save that led here.
    pub saved: Option<String>,
    /// Plausibility warnings of the save that led here.
    pub notices: Vec<String>,
    pub choices: Choices,
    /// Merges into this person or of it, and the notice after a merge or its undo.
    pub merges: crate::ui::duplicates::PersonMerges,
}

impl PersonPage {
    pub fn ages(&self, range: &Option<(i32, i32)>) -> String {
        ages(range)
    }

    /// A date (or a partial date's display form) or "".
    pub fn day(&self, d: &Option<impl std::fmt::Display>) -> String {
        d.as_ref().map(|d| d.to_string()).unwrap_or_default()
    }

    /// Whether no country the person claims has a policy: the summary then says so instead of
    /// showing an outcome ("case by case" would read like a decision).
    pub fn no_policy_only(&self) -> bool {
        let results = &self.eligibility.results;
        !results.is_empty() && results.iter().all(|r| r.explanation.is_no_policy())
    }

    /// The full name of the person.
    pub fn name(&self) -> String {
        format!("{} {}", self.person.given_name, self.person.family_name)
    }
}

/// The error summary of a refused form of the person page.
fn problems(i18n: &I18n, forms: &Forms) -> Vec<Problem> {
    let Some(p) = forms.posted() else { return Vec::new() };
    match p.kind {
        "name" => forms.problems(i18n, "nm-", NAME_INPUTS),
        "claim" => forms.problems(i18n, "cl-", CLAIM_INPUTS),
        "status" => forms.problems(i18n, &format!("st-{}-", p.id), CLAIM_INPUTS),
        _ => forms.problems(i18n, "cu-", CUSTODY_INPUTS),
    }
}

/// Renders a person's page (of the scope's organisation; 404 otherwise), with a refused form.
pub async fn render_person(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: OrgScope,
    pool: &web::Data<Pool>,
    id: PersonId,
    posted: Option<Posted>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(req);
    let query = req.query_string().to_string();
    let (person, family_label, eligibility, changes, (countries, facilities), merges) = db(pool, move |conn| {
        let person = views::person(conn, &scope, &id, today)?;
        let family_label = match &person.family_id {
            Some(f) => families::find(conn, &scope, f)?.map(|f| f.label),
            None => None,
        };
        let eligibility = eligibility::person(conn, &scope, &id, today)?;
        let changes = changes::changes(conn, &scope, None, Some(id.as_str()), Page { limit: 100, offset: 0 })?;
        let merges = crate::ui::duplicates::PersonMerges::load(conn, &scope, &id, &query)?;
        Ok((person, family_label, eligibility, changes, countries_and_facilities(conn)?, merges))
    })
    .await?;
    let whose = HashMap::from([(person.id.to_string(), format!("{} {}", person.given_name, person.family_name))]);
    let forms = Forms::new(posted);
    // A refused form's page shows no confirmation of an earlier save.
    let (saved, notices) = if forms.posted().is_some() {
        (None, Vec::new())
    } else {
        (warnings::saved(&i18n, req.query_string()), warnings::notices(&i18n, req.query_string()))
    };
    let person_page = PersonPage {
        problems: problems(&i18n, &forms),
        history: history::items(&i18n, changes, &whose),
        path: format!("/persons/{}", person.id),
        nav: Nav::of(user),
        person,
        family_label,
        eligibility,
        countries,
        facilities,
        forms,
        saved,
        notices,
        choices: Choices::default(),
        merges,
        i18n,
    };
    page(status, &person_page)
}

/// `GET /persons/{id}`.
pub async fn show(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let page = render_person(&req, &user, user.scope(), &pool, id.clone(), None, StatusCode::OK).await?;
    crate::http::viewed(&req, &user.audit_ctx(), ("person", id.as_str()));
    Ok(page)
}
