//! A family's page: a summary table first (each member with age, nationality standing, where
//! held now and the eligibility outcome with its conditions, linking to the member's own page),
//! then the family's notices (separation risk), the family's forms (add a member, move several
//! members in one custody event, label and notes), each member's details and the eligibility
//! explanations one click away, and the change history. The forms post back to the page: a save
//! answers 303 with a confirmation, a refusal the page again (422) with an error summary at top.

use super::forms::{ages, countries_and_facilities, page, see_other, Choices, Form, Nav, Opt, Words as _};
use super::i18n::I18n;
use super::registry_pages::history::{self as history_items, HistoryItem};
use super::registry_pages::posted::{Answer, Forms, Input, Posted, Problem};
use super::registry_pages::{members, moving, relatives};
use super::warnings::{self, landing, Saved};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::{Can, CurrentUser, OrgScope};
use crate::db::repo::Page;
use crate::db::Pool;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::records::Patch;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::eligibility::reads::{self as eligibility, FamilyEligibility, MemberEligibility};
use crate::services::registry::families as service;
use crate::services::registry::history;
use crate::services::registry::views::{self, FamilyView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::HashMap;

/// Inputs of the label and notes form (ids `fa-…`).
const FAMILY_INPUTS: &[Input] =
    &[("label", "label", "field-label"), ("notes", "notes", "field-notes"), ("version", "label", "field-label")];

/// `GET /families/{id}`.
#[derive(Template)]
#[template(path = "registry/family.html")]
pub struct FamilyPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub family: FamilyView,
    pub countries: Vec<Opt>,
    pub facilities: Vec<Opt>,
    pub history: Vec<HistoryItem>,
    /// Each member's outcome under the policies in force today, and the family flags.
    pub eligibility: FamilyEligibility,
    pub forms: Forms,
    /// The error summary of a refused form (empty otherwise).
    pub problems: Vec<Problem>,
    /// The confirmation of the save that led here.
    pub saved: Option<String>,
    /// Plausibility warnings of the save that led here.
    pub notices: Vec<String>,
    pub choices: Choices,
    /// The kinds of link a new member may have to each member.
    pub links: &'static [&'static str],
    /// The destinations a case could be opened towards (empty for those who may not open one).
    pub proposals: Vec<crate::services::cases::views::Proposal>,
    /// The family's cases, newest first.
    pub cases: Vec<crate::db::models::CaseRow>,
    /// May open cases.
    pub may_open_case: bool,
}

impl FamilyPage {
    pub fn ages(&self, range: &Option<(i32, i32)>) -> String {
        ages(range)
    }

    /// A member's eligibility (none for the dead, who are not evaluated).
    pub fn outcome_of(&self, id: &PersonId) -> Option<&MemberEligibility> {
        self.eligibility.members.iter().find(|m| &m.person_id == id)
    }

    /// A member's name, for the open-a-case form.
    pub fn name_of(&self, id: &PersonId) -> String {
        self.family
            .members
            .iter()
            .find(|m| &m.id == id)
            .map(|m| format!("{} {}", m.given_name, m.family_name))
            .unwrap_or_default()
    }

    /// The select that says how a new member relates to this one.
    pub fn rel(&self, id: &PersonId) -> String {
        members::relation_input(id)
    }

    /// The checkbox that moves this member.
    pub fn mv(&self, id: &PersonId) -> String {
        moving::member_input(id)
    }
}

/// The error summary of a refused form of the family page.
fn problems(i18n: &I18n, forms: &Forms) -> Vec<Problem> {
    match forms.posted().map(|p| p.kind) {
        None => Vec::new(),
        Some("member") => forms.problems(i18n, "am-", members::INPUTS),
        Some("move") => forms.problems(i18n, "mv-", moving::INPUTS),
        Some(_) => forms.problems(i18n, "fa-", FAMILY_INPUTS),
    }
}

/// Renders a family's page (of the scope's organisation; 404 otherwise), with a refused form.
pub async fn render_family(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: OrgScope,
    pool: &web::Data<Pool>,
    id: FamilyId,
    posted: Option<Posted>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let i18n = I18n::of_request(req);
    let may_open_case = user.may::<crate::auth::permissions::WorkCases>();
    let (family, changes, (countries, facilities), eligibility, (proposals, cases)) = db(pool, move |conn| {
        let family = views::family(conn, &scope, &id, today)?;
        let eligibility = eligibility::family(conn, &scope, &id, today)?;
        let changes = history::changes(conn, &scope, Some(&id), None, Page { limit: 200, offset: 0 })?;
        let proposals =
            if may_open_case { crate::services::cases::views::proposals(conn, &scope, &id)? } else { Vec::new() };
        let cases = crate::services::cases::views::of_family(conn, &scope, &id)?;
        Ok((family, changes, countries_and_facilities(conn)?, eligibility, (proposals, cases)))
    })
    .await?;
    let mut whose: HashMap<String, String> =
        family.members.iter().map(|m| (m.id.to_string(), format!("{} {}", m.given_name, m.family_name))).collect();
    whose.insert(family.id.to_string(), i18n.t("history-family"));
    let forms = Forms::new(posted);
    // A refused form's page shows no confirmation of an earlier save.
    let (saved, notices) = if forms.posted().is_some() {
        (None, Vec::new())
    } else {
        (warnings::saved(&i18n, req.query_string()), warnings::notices(&i18n, req.query_string()))
    };
    let family_page = FamilyPage {
        problems: problems(&i18n, &forms),
        history: history_items::items(&i18n, changes, &whose),
        path: format!("/families/{}", family.id),
        nav: Nav::of(user),
        family,
        countries,
        facilities,
        eligibility,
        forms,
        saved,
        notices,
        choices: Choices::default(),
        links: relatives::LINKS,
        proposals,
        cases,
        may_open_case,
        i18n,
    };
    page(status, &family_page)
}

/// `GET /families/{id}`.
pub async fn show(
    req: HttpRequest,
    user: Can<ReadRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let page = render_family(&req, &user, user.scope(), &pool, id.clone(), None, StatusCode::OK).await?;
    crate::http::viewed(&req, &user.audit_ctx(), ("family", id.as_str()));
    Ok(page)
}

/// The label and notes form, with the version edited: a stale one shows the stored record and
/// what the user had typed (409).
async fn edit(
    i18n: &I18n,
    user: &Can<WriteRegistry>,
    pool: &web::Data<Pool>,
    id: &FamilyId,
    mut form: Form,
) -> AppResult<Answer> {
    let version = form.int("version", "version", 0, i32::MAX);
    if version.is_none() && !form.has_err("version") {
        form.fail("version", "err-required");
    }
    let Some(version) = version else { return Ok(Answer::refused(Posted::new("family", "", form))) };
    // The form sends both fields: an empty notes field empties the notes.
    let (label, notes) = (Some(form.get("label").to_string()), Patch::Value(form.get("notes").to_string()));
    let (ctx, scope, fid) = (user.audit_ctx(), user.scope(), id.clone());
    let outcome =
        db(pool, move |conn| service::update(conn, &ctx, &scope, &fid, i64::from(version), label, notes)).await;
    match outcome {
        Ok(_) => Ok(Answer::Saved(Saved::Family, Vec::new())),
        Err(AppError::Validation { fields, .. }) => {
            let inputs = ["label", "notes", "version"];
            form.absorb(&fields, |f| inputs.contains(&f).then(|| f.to_string()));
            Ok(Answer::refused(Posted::new("family", "", form)))
        }
        Err(AppError::Conflict { .. }) => {
            // Their version wins on screen: the form shows the stored values, ours are listed.
            let mine = ["label", "notes"]
                .iter()
                .filter(|f| !form.get(f).trim().is_empty())
                .map(|f| (f.to_string(), form.get(f).to_string()))
                .collect();
            let mut posted = Posted::new("family", "", Form::new(i18n));
            posted.mine = mine;
            posted.alert = Some(i18n.t("conflict-alert"));
            Ok(Answer::Refused(Box::new(posted), StatusCode::CONFLICT))
        }
        Err(e) => Err(e),
    }
}

/// `POST /families/{id}`: the form named by the hidden `form` input (`member`: add a member;
/// `move`: one custody event for several members; none: label and notes).
pub async fn update(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    id: web::Path<FamilyId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let i18n = I18n::of_request(&req);
    let form = Form::body(&i18n, &body)?;
    let answer = match form.get("form") {
        "member" => members::add(&user, &pool, &id, form).await?,
        "move" => moving::submit(&user, &pool, &id, form).await?,
        _ => edit(&i18n, &user, &pool, &id, form).await?,
    };
    match answer {
        Answer::Saved(saved, warned) => Ok(see_other(&landing(&format!("/families/{id}"), saved, &warned))),
        Answer::Refused(posted, status) => {
            render_family(&req, &user, user.scope(), &pool, id, Some(*posted), status).await
        }
    }
}
