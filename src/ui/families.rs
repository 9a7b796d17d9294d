//! The family list: search by name in any script and filters, as a GET form that works without
//! JavaScript; results with members, ages, statelessness badges and where each is held, paged.
//! Caseworkers and coordinators, own organisation only. (A family's page is in `family`.)

use super::forms::{ages, countries_and_facilities, page, Choices, Form, Nav, Opt, Words as _};
use super::i18n::I18n;
use crate::auth::permissions::ReadRegistry;
use crate::auth::Can;
use crate::db::repo::Page;
use crate::db::Pool;
use crate::domain::ids::FamilyId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::http::filters::ListQuery;
use crate::services::registry::summaries::families_page;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// The list's inputs that can carry a message.
const FILTER_INPUTS: &[&str] = &["q", "nationality", "facility_id", "age_min", "age_max", "as_of", "sex"];

/// A member in the list.
pub struct MemberItem {
    pub name: String,
    pub ages: String,
    pub stateless: bool,
    pub at_risk: bool,
}

/// A family in the list.
pub struct FamilyItem {
    pub id: FamilyId,
    pub label: String,
    pub members: Vec<MemberItem>,
    /// Where its members are held now (distinct facility names).
    pub places: Vec<String>,
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
    pub total: i64,
    pub first: i64,
    pub last: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub choices: Choices,
}

impl ListPage {
    /// Whether any filter (beyond the search box) is set: the filter panel then opens.
    pub fn filtering(&self) -> bool {
        FILTER_INPUTS
            .iter()
            .chain(super::person_form::FLAGS)
            .chain(&["stateless", "at_risk"])
            .any(|f| *f != "q" && !self.form.get(f).trim().is_empty())
    }
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
        limit: form.int("limit", "limit", i32::MIN, i32::MAX).map(i64::from),
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
    let (countries, facilities, found) = db(&pool, move |conn| {
        let (countries, facilities) = countries_and_facilities(conn)?;
        let found = match parsed {
            Some((filter, page)) => {
                let (families, total) = families_page(conn, &scope, &filter, page, today)?;
                Some((families, total, page))
            }
            None => None,
        };
        Ok((countries, facilities, found))
    })
    .await?;
    let place: HashMap<&str, &str> = facilities.iter().map(|f| (f.value.as_str(), f.label.as_str())).collect();
    let status = if found.is_some() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (items, total, at) = found.unwrap_or((Vec::new(), 0, Page { limit: 50, offset: 0 }));
    let rows = items
        .into_iter()
        .map(|f| {
            let mut places: Vec<String> = Vec::new();
            for m in &f.members {
                if let Some(name) = m.current_facility_id.as_ref().and_then(|id| place.get(id.as_str())) {
                    if !places.iter().any(|p| p == name) {
                        places.push(name.to_string());
                    }
                }
            }
            let members = f
                .members
                .into_iter()
                .map(|m| MemberItem {
                    name: format!("{} {}", m.given_name, m.family_name),
                    ages: ages(&m.age_range),
                    stateless: m.stateless,
                    at_risk: m.at_risk_of_statelessness,
                })
                .collect();
            FamilyItem { id: f.id, label: f.label, members, places }
        })
        .collect::<Vec<_>>();
    let shown = rows.len() as i64;
    let prev = (at.offset > 0).then(|| page_link(&qs, (at.offset - at.limit).max(0)));
    let next = (at.offset + shown < total).then(|| page_link(&qs, at.offset + at.limit));
    let path = if qs.is_empty() { "/families".to_string() } else { format!("/families?{qs}") };
    let list = ListPage {
        i18n,
        path,
        nav: Nav::of(&user),
        form,
        countries,
        facilities,
        rows,
        total,
        first: if shown > 0 { at.offset + 1 } else { 0 },
        last: at.offset + shown,
        prev,
        next,
        choices: Choices::default(),
    };
    page(status, &list)
}
