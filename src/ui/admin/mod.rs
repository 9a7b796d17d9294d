//! Admin pages: users, the audit trail, stewards, the name variants, the policy change log and
//! background jobs.
//!
//! Each handler asks for its permission (`Can<P>`); which links a user is offered is decided
//! once, in `forms::Nav`, and the templates only render. A save answers with a redirect to a
//! page that says so (`?saved=`); a refused save comes back with an error summary at the top
//! of the page, linking to each field, and the messages next to the fields.

mod audit;
mod changes;
mod jobs;
mod names;
mod stewards;
mod users;

use super::forms::{page, Form, Nav, Words as _};
use super::i18n::I18n;
use crate::auth::current_user::refuse;
use crate::auth::CurrentUser;
use crate::db::repo::Page;
use crate::error::{AppResult, FieldErrors};
use crate::http::resource;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

/// Registers the routes of this page group.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/admin").route(web::get().to(index)))
        .service(resource("/admin/users").route(web::get().to(users::list)).route(web::post().to(users::create)))
        .service(resource("/admin/users/{id}").route(web::get().to(users::show)).route(web::post().to(users::update)))
        .service(resource("/admin/users/{id}/sign-out").route(web::post().to(users::sign_out)))
        .service(resource("/admin/users/{id}/two-factor/reset").route(web::post().to(users::two_factor_reset)))
        .service(resource("/admin/audit").route(web::get().to(audit::list)))
        .service(resource("/admin/audit/verify").route(web::get().to(audit::verify)))
        .service(
            resource("/admin/stewards").route(web::get().to(stewards::list)).route(web::post().to(stewards::grant)),
        )
        .service(resource("/admin/stewards/{id}/end").route(web::post().to(stewards::end)))
        .service(resource("/admin/names").route(web::get().to(names::list)).route(web::post().to(names::add)))
        .service(resource("/admin/names/{id}/remove").route(web::post().to(names::remove)))
        .service(resource("/admin/policy-changes").route(web::get().to(changes::list)))
        .service(resource("/admin/jobs").route(web::get().to(jobs::list)))
        .service(resource("/admin/jobs/{id}").route(web::get().to(jobs::show)));
}

/// `GET /admin`: the admin pages this user may open.
#[derive(Template)]
#[template(path = "admin/index.html")]
pub struct IndexPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
}

/// `GET /admin` (403 for those who may open none of the pages).
pub async fn index(req: HttpRequest, user: CurrentUser) -> AppResult<HttpResponse> {
    let nav = Nav::of(&user);
    if !nav.admin() {
        refuse(&req, &user, "admin.index").await?;
    }
    page(StatusCode::OK, &IndexPage { i18n: I18n::of_request(&req), path: "/admin".into(), nav })
}

/// An input of a form, for the error summary: its name, the id of its element and the
/// catalogue key of its label.
pub struct Input {
    pub name: &'static str,
    pub id: &'static str,
    pub label: &'static str,
}

/// One line of the error summary: a link to the input, and what is wrong with it.
#[derive(Debug, Clone)]
pub struct SummaryItem {
    pub anchor: String,
    pub text: String,
}

/// The error summary of a form: one line per input with messages (in the form's order), then
/// the messages that belong to no input, linked to the form itself (`form_id`).
pub fn summary(i18n: &I18n, form: &Form, inputs: &[Input], form_id: &str) -> Vec<SummaryItem> {
    let mut items: Vec<SummaryItem> = inputs
        .iter()
        .filter(|i| form.has_err(i.name))
        .map(|i| SummaryItem { anchor: i.id.to_string(), text: format!("{}: {}", i18n.t(i.label), form.err(i.name)) })
        .collect();
    items.extend(form.general.iter().map(|g| SummaryItem { anchor: form_id.to_string(), text: g.clone() }));
    items
}

/// Messages of the services used by these pages, by their English text, and their keys.
const MESSAGES: &[(&str, &str)] = &[
    ("must be a valid email address", "admin-err-email"),
    ("is already registered", "admin-err-email-taken"),
    ("you cannot change your own role", "admin-err-own-role"),
    ("you cannot disable your own account", "admin-err-own-disable"),
    ("no user has this email", "admin-err-no-such-email"),
    ("you cannot end your own stewardship", "admin-err-own-stewardship"),
];

/// Adds a service's field errors to the form, translated: each under the input `map` names,
/// or as a message of the whole form when it names none.
pub fn absorb(form: &mut Form, i18n: &I18n, fields: &FieldErrors, map: impl Fn(&str) -> Option<&'static str>) {
    for (field, messages) in fields {
        for m in messages {
            let known = MESSAGES.iter().find(|(text, _)| text == m).map(|(_, key)| *key);
            match (map(field), known) {
                (Some(input), Some(key)) => form.fail(input, key),
                (Some(input), None) => form.fail_with(input, m),
                (None, Some(key)) => form.general.push(i18n.t(key)),
                (None, None) => form.general.push(super::forms::translate(i18n, m)),
            }
        }
    }
}

/// An audited action in words (`user.create` reads `admin-action-user-create`), or its code
/// when the catalogues do not know it (registry actions added later, say).
pub fn action_label(i18n: &I18n, action: &str) -> String {
    i18n.maybe(&format!("admin-action-{}", action.replace('.', "-"))).unwrap_or_else(|| action.to_string())
}

/// A moment as the pages show it (UTC, to the minute), to be put inside `dir="ltr"`.
pub fn when(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// The confirmation named by `?saved=` (one of `known`, by value and catalogue key).
pub fn notice(req: &HttpRequest, i18n: &I18n, known: &[(&str, &str)]) -> Option<String> {
    let query = Form::parse(i18n, req.query_string());
    let saved = query.text("saved");
    known.iter().find(|(value, _)| *value == saved).map(|(_, key)| i18n.t(key))
}

/// Where a list is: which rows it shows and the links to the pages before and after.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// The first and last row shown (1-based; 0 when none).
    pub first: i64,
    pub last: i64,
    /// All the rows, when counted.
    pub total: Option<i64>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The page the query asks for (`offset`, a multiple of nothing in particular).
    pub fn page(form: &Form, limit: i64) -> Page {
        let offset = form.text("offset").parse::<i64>().ok().filter(|o| (0..=10_000_000).contains(o)).unwrap_or(0);
        Page { limit, offset }
    }

    /// The pager of a list at `page` showing `shown` rows of `total` (or, uncounted, with more
    /// rows after it when the page is full). Links keep `kept`, the list's other parameters.
    pub fn new(path: &str, kept: &[(&str, String)], page: Page, shown: usize, total: Option<i64>) -> Pager {
        let shown = shown as i64;
        let link = |offset: i64| {
            let mut pairs: Vec<(&str, String)> = kept.iter().filter(|(_, v)| !v.is_empty()).cloned().collect();
            if offset > 0 {
                pairs.push(("offset", offset.to_string()));
            }
            let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            if query.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{query}")
            }
        };
        let more = match total {
            Some(t) => page.offset + shown < t,
            None => shown == page.limit,
        };
        Pager {
            first: if shown == 0 { 0 } else { page.offset + 1 },
            last: page.offset + shown,
            total,
            prev: (page.offset > 0).then(|| link((page.offset - page.limit).max(0))),
            next: more.then(|| link(page.offset + page.limit)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn the_pager_keeps_the_filters_and_stops_at_the_end() {
        let kept = [("outcome", "denied".to_string()), ("action", String::new())];
        let p = Pager::new("/admin/audit", &kept, Page { limit: 50, offset: 50 }, 50, Some(120));
        assert_eq!((p.first, p.last), (51, 100));
        assert_eq!(p.prev.as_deref(), Some("/admin/audit?outcome=denied"));
        assert_eq!(p.next.as_deref(), Some("/admin/audit?outcome=denied&offset=100"));
        let end = Pager::new("/admin/jobs", &[], Page { limit: 50, offset: 0 }, 3, None);
        assert_eq!((end.prev, end.next, end.first, end.last), (None, None, 1, 3));
    }

    #[test]
    fn the_services_refusals_are_translated_and_unknown_fields_become_general() {
        let ar = I18n::new(Lang::Ar);
        let mut form = Form::new(&ar);
        let mut fields = FieldErrors::new();
        fields.insert("disabled".into(), vec!["you cannot disable your own account".into()]);
        fields.insert("elsewhere".into(), vec!["is required".into()]);
        absorb(&mut form, &ar, &fields, |f| (f == "disabled").then_some("disabled"));
        assert!(form.has_err("disabled"));
        assert!(!form.err("disabled").contains("cannot"), "in Arabic: {}", form.err("disabled"));
        assert_eq!(form.general.len(), 1);
        let inputs = [Input { name: "disabled", id: "user-access", label: "admin-user-status" }];
        let items = summary(&ar, &form, &inputs, "the-form");
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].anchor, "user-access");
        assert_eq!(items[1].anchor, "the-form");
    }
}
