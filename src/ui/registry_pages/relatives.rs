//! Linking a relative, in any family of the organisation, without JavaScript:
//! `GET /persons/{id}/relatives?q=<name>` searches the organisation's persons by name (any
//! script) and lists the matches with a radio button each (with no search, the person's own
//! family), then the kind of link; `POST /persons/{id}/relatives` links them through the same
//! service as the API. A link lands on the person's page with a confirmation; a refused one
//! comes back, 422, with the search, the choice and the messages.

use super::posted::{Forms, Input, Posted, Problem};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::{Can, CurrentUser};
use crate::db::repo::lists::{self, PersonFilter, Total};
use crate::db::repo::{facilities, families, Page};
use crate::db::Pool;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::person::KinshipKind;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::http::filters::ListQuery;
use crate::services::registry::persons as service;
use crate::services::registry::summaries::{self, PersonSummary};
use crate::services::registry::views::{self, PersonView};
use crate::ui::forms::{ages, page, see_other, Form, Nav, Words as _};
use crate::ui::i18n::I18n;
use crate::ui::warnings::{landing, Saved};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// How many matches a search shows (refine the search for more).
const MATCHES: i64 = 20;

/// The kinds of link offered, read from the person's side ("<person> is the … of <relative>");
/// `child_of` and `ward_of` are stored the other way round.
pub const LINKS: &[&str] = &["parent_of", "child_of", "spouse_of", "sibling_of", "guardian_of", "ward_of"];

/// Inputs of the link form (ids `kn-…`).
const INPUTS: &[Input] =
    &[("q", "q", "kin-search"), ("relative_id", "relative", "kin-relative-person"), ("kind", "kind", "kin-link")];

/// A person the user may choose.
pub struct Candidate {
    pub id: PersonId,
    pub name: String,
    pub ages: String,
    pub family_id: Option<FamilyId>,
    pub family_label: String,
    pub same_family: bool,
    pub place: Option<String>,
    /// Already linked to the person (any kind).
    pub linked: bool,
}

/// `GET /persons/{id}/relatives`.
#[derive(Template)]
#[template(path = "registry/relatives.html")]
pub struct RelativesPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub person: PersonView,
    /// The search as typed.
    pub q: String,
    /// A message about the search box itself.
    pub q_error: String,
    /// Without a search: the person's own family.
    pub suggested: bool,
    pub candidates: Vec<Candidate>,
    pub total: Total,
    pub links: &'static [&'static str],
    pub forms: Forms,
    pub problems: Vec<Problem>,
}

impl RelativesPage {
    /// Whether this candidate is the chosen one (after a refusal).
    pub fn chosen(&self, id: &PersonId) -> bool {
        self.forms.v("kin", "", "relative_id") == id.as_str()
    }
}

fn candidates(
    found: Vec<PersonSummary>,
    person: &PersonView,
    labels: &HashMap<FamilyId, String>,
    places: &HashMap<String, String>,
) -> Vec<Candidate> {
    found
        .into_iter()
        .filter(|c| c.id != person.id)
        .map(|c| Candidate {
            name: format!("{} {}", c.given_name, c.family_name),
            ages: ages(&c.age_range),
            family_label: c.family_id.as_ref().and_then(|f| labels.get(f).cloned()).unwrap_or_default(),
            same_family: c.family_id.is_some() && c.family_id == person.family_id,
            place: c.current_facility_id.as_ref().and_then(|f| places.get(f.as_str()).cloned()),
            linked: person.relatives.iter().any(|r| r.person_id == c.id),
            family_id: c.family_id,
            id: c.id,
        })
        .collect()
}

/// What the picker shows: the search, and a refused link form with its status.
struct Shown {
    q: String,
    posted: Option<Posted>,
    status: StatusCode,
}

/// Renders the picker for a search (blank: the person's family) and a refused form.
async fn render(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: crate::auth::OrgScope,
    pool: &web::Data<Pool>,
    id: PersonId,
    shown: Shown,
) -> AppResult<HttpResponse> {
    let Shown { q, posted, status } = shown;
    let today = user.today();
    let i18n = I18n::of_request(req);
    let query = ListQuery { q: Some(q.clone()).filter(|q| !q.trim().is_empty()), ..Default::default() };
    let (filter, q_error) = match query.parse(today) {
        Ok((filter, _)) => (Some(filter), String::new()),
        Err(AppError::Validation { fields, .. }) => {
            let messages = fields.get("q").cloned().unwrap_or_default();
            (None, messages.iter().map(|m| crate::ui::forms::translate(&i18n, m)).collect::<Vec<_>>().join("; "))
        }
        Err(e) => return Err(e),
    };
    let (person, found, total, labels, places) = db(pool, move |conn| {
        let person = views::person(conn, &scope, &id, today)?;
        let (found, total) = match (filter, &person.family_id) {
            (Some(PersonFilter { q: Some(key), .. }), _) => {
                let filter = PersonFilter { q: Some(key), ..Default::default() };
                summaries::persons_page(conn, &scope, &filter, Page { limit: MATCHES, offset: 0 }, today)?
            }
            (Some(_), Some(family)) => {
                let rows = lists::members_of(conn, &scope, std::slice::from_ref(family))?;
                let n = rows.len() as i64;
                (summaries::of_persons(conn, &scope, rows, today)?, Total { n, exact: true })
            }
            _ => (Vec::new(), Total { n: 0, exact: true }),
        };
        let mut labels = HashMap::new();
        for f in found.iter().filter_map(|c| c.family_id.clone()) {
            if let std::collections::hash_map::Entry::Vacant(e) = labels.entry(f) {
                if let Some(row) = families::find(conn, &scope, e.key())? {
                    e.insert(row.label);
                }
            }
        }
        let places: HashMap<String, String> =
            facilities::list(conn)?.into_iter().map(|f| (f.id.to_string(), f.name)).collect();
        Ok((person, found, total, labels, places))
    })
    .await?;
    let forms = Forms::new(posted);
    let picker = RelativesPage {
        problems: forms.problems(&i18n, "kn-", INPUTS),
        suggested: q.trim().is_empty(),
        candidates: candidates(found, &person, &labels, &places),
        path: format!("/persons/{}/relatives", person.id),
        nav: Nav::of(user),
        person,
        q,
        q_error,
        total,
        links: LINKS,
        forms,
        i18n,
    };
    page(status, &picker)
}

/// `GET /persons/{id}/relatives?q=`.
pub async fn show(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
) -> AppResult<HttpResponse> {
    let form = Form::parse(&I18n::of_request(&req), req.query_string());
    let q = form.get("q").to_string();
    let shown = Shown { q, posted: None, status: StatusCode::OK };
    render(&req, &user, user.scope(), &pool, id.into_inner(), shown).await
}

/// Links the person and the chosen relative; `child_of` and `ward_of` the other way round.
pub async fn link(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    person_id: PersonId,
    mut form: Form,
) -> AppResult<HttpResponse> {
    let relative = form.choice::<PersonId>("relative_id");
    if relative.is_none() && !form.has_err("relative_id") {
        form.fail("relative_id", "err-required");
    }
    let kind = match form.get("kind") {
        "" => None,
        k if LINKS.contains(&k) => Some(k.to_string()),
        _ => None,
    };
    if kind.is_none() {
        form.fail("kind", "err-choice");
    }
    let (ctx, scope, pid) = (user.audit_ctx(), user.scope(), person_id.clone());
    let outcome = db(&pool, move |conn| {
        crate::db::repo::persons::find(conn, &scope, &pid)?.ok_or(AppError::NotFound)?;
        let (Some(relative), Some(kind)) = (relative, kind) else { return Ok(Ok(None)) };
        let (from, to, kind) = match kind.as_str() {
            "child_of" => (&relative, &pid, KinshipKind::ParentOf),
            "ward_of" => (&relative, &pid, KinshipKind::GuardianOf),
            k => (&pid, &relative, k.parse::<KinshipKind>().map_err(AppError::BadRequest)?),
        };
        Ok(match service::link(conn, &ctx, &scope, from, to, kind) {
            // The relative was chosen from a list; one that vanished is a message, not a 404.
            Err(AppError::NotFound) => Err(AppError::field("relative_id", "is required")),
            other => other.map(|(_, warning)| warning),
        })
    })
    .await?;
    let q = form.get("q").to_string();
    let mut posted = Posted::new("kin", "", form);
    match outcome {
        Ok(_) if posted.form.has_errors() => {}
        Ok(warning) => {
            let warnings: Vec<_> = warning.into_iter().collect();
            return Ok(see_other(&landing(&format!("/persons/{person_id}"), Saved::Kinship, &warnings)));
        }
        Err(AppError::Validation { fields, .. }) => {
            posted.form.absorb(&fields, |f| Some(if f == "kind" { "kind" } else { "relative_id" }.to_string()));
        }
        Err(e) => return Err(e),
    }
    let shown = Shown { q, posted: Some(posted), status: StatusCode::UNPROCESSABLE_ENTITY };
    render(&req, &user, user.scope(), &pool, person_id, shown).await
}

/// `POST /persons/{id}/relatives`.
pub async fn submit(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<PersonId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let form = Form::body(&I18n::of_request(&req), &body)?;
    link(req, user, pool, id.into_inner(), form).await
}
