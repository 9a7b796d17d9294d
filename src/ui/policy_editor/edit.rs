//! `GET|POST /policy-versions/{id}/edit` (stewards): the rule editor. A POST carries the whole
//! form and an `action`: a change to the typed rules (add, remove, move, add or remove a
//! sub-condition, show a type's fields) re-renders the form with it applied and the preview
//! following; `save` (or `save-json`, from the advanced view) stores the draft, or comes back
//! with every message on its field and in a summary at the top, keeping what was typed.

use super::body::Body;
use super::editor::{rules_json, Action, Editor};
use super::model::{check, Errors, RuleForm};
use super::render::{kinds, Context, Pick, RuleView};
use super::words::{fid, problems, Problem};
use super::{load, period};
use crate::auth::permissions::EditPolicies;
use crate::auth::Can;
use crate::db::repo::facilities;
use crate::db::Pool;
use crate::domain::ids::PolicyVersionId;
use crate::domain::policy::{PolicyStatus, Rule};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::i18n::I18n;
use crate::services::policy::versions::{self, DraftEdit};
use crate::services::policy::views::PolicyVersionView;
use crate::ui::forms::{page, see_other, Nav, Words as _};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use std::collections::BTreeSet;

/// The editor page.
#[derive(Template)]
#[template(path = "policies/edit.html")]
pub struct EditPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub v: PolicyVersionView,
    pub ed: Editor,
    pub rules: Vec<RuleView>,
    pub kinds: Vec<Pick>,
    pub problems: Vec<Problem>,
    errors: Errors,
    pub saved: bool,
    /// After a refused save because someone else saved first: the rules this user had typed.
    pub conflict: Option<String>,
    pub json_open: bool,
    /// The form shows changes that are not saved (simulation and publication use the saved draft).
    pub dirty: bool,
    pub today: String,
    /// Authorities recorded for the facilities, as a hint for `facility_authority_in`.
    pub authorities: String,
    pub period: String,
    /// Where "add a rule" lands: the new rule's block.
    pub add_to: String,
}

impl EditPage {
    /// A catalogue text about rule `n` ("Move rule 2 up").
    pub fn about(&self, key: &str, n: &usize) -> String {
        self.i18n.t_args(key, &[("n", (*n).into())])
    }

    /// Messages of a field outside the rules (summary, source, source_url, note, rules_json).
    pub fn err(&self, field: &str) -> String {
        let messages = self.errors.get(field).cloned().unwrap_or_default();
        messages.iter().map(|m| super::words::message(&self.i18n, m)).collect::<Vec<_>>().join("; ")
    }

    pub fn bad(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    pub fn fid(&self, path: &str) -> String {
        fid(path)
    }
}

/// How the page is shown besides the typed state.
#[derive(Default)]
struct Shown {
    errors: Errors,
    saved: bool,
    conflict: Option<String>,
    json_open: bool,
}

/// Who the page is for: their language, their links, their today.
struct Reader {
    i18n: I18n,
    nav: Nav,
    today: String,
}

impl Reader {
    fn of(req: &HttpRequest, user: &Can<EditPolicies>) -> Reader {
        Reader { i18n: I18n::of_request(req), nav: Nav::of(user), today: user.today().to_string() }
    }
}

async fn render(
    reader: Reader,
    pool: &web::Data<Pool>,
    v: PolicyVersionView,
    mut ed: Editor,
    shown: Shown,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let Reader { i18n, nav, today } = reader;
    let (facilities, authorities) = db(pool, |conn| {
        let f: Vec<(String, String)> = facilities::list(conn)?.into_iter().map(|f| (f.code, f.name)).collect();
        let a: BTreeSet<String> = facilities::all_authorities(conn)?.into_iter().map(|a| a.authority).collect();
        Ok((f, a.into_iter().collect::<Vec<_>>().join("; ")))
    })
    .await?;
    let (read, _) = check(&ed.rules);
    if read.iter().all(Option::is_some) && shown.conflict.is_none() && !shown.json_open {
        ed.json = rules_json(&read.iter().flatten().cloned().collect::<Vec<Rule>>());
    }
    let ctx = Context { i18n: &i18n, errors: &shown.errors, facilities: &facilities };
    let rules = ctx.rules(&ed.rules, &read);
    let dirty = ed.differs_from(&v, &read);
    let default_last = ed.rules.last().is_some_and(|r| r.when.kind == super::model::Kind::Always);
    let add_to = format!("rule-{}", if default_last { ed.rules.len() - 1 } else { ed.rules.len() });
    let page_ = EditPage {
        path: format!("/policy-versions/{}/edit", v.id),
        kinds: kinds(&i18n),
        problems: problems(&i18n, &shown.errors),
        period: period(&i18n, v.effective_from, v.effective_to),
        today,
        nav,
        v,
        ed,
        rules,
        errors: shown.errors,
        saved: shown.saved,
        conflict: shown.conflict,
        json_open: shown.json_open,
        dirty,
        authorities,
        add_to,
        i18n,
    };
    page(status, &page_)
}

/// `GET /policy-versions/{id}/edit` (`?saved=1` after a save).
pub async fn form(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
) -> AppResult<HttpResponse> {
    let v = load(&pool, id.into_inner()).await?;
    let saved = Body::of_str(req.query_string()).get("saved") == "1";
    let ed = Editor::of_view(&v);
    let shown = Shown { saved, ..Shown::default() };
    render(Reader::of(&req, &user), &pool, v, ed, shown, StatusCode::OK).await
}

/// `POST /policy-versions/{id}/edit`: applies the button's action.
pub async fn submit(
    req: HttpRequest,
    user: Can<EditPolicies>,
    pool: web::Data<Pool>,
    id: web::Path<PolicyVersionId>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let reader = Reader::of(&req, &user);
    let b = Body::parse(&body)?;
    let mut ed = Editor::parse(&b);
    let v = load(&pool, id.clone()).await?;
    if v.status != PolicyStatus::Draft {
        // Only drafts are edited: the read-only page says so.
        let ed = Editor::of_view(&v);
        return render(reader, &pool, v, ed, Shown::default(), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let action = Action::parse(b.get("action"));
    let mut shown = Shown::default();
    match action {
        Action::Save => {}
        Action::SaveJson => {
            shown.json_open = true;
            let parsed = serde_json::from_str::<serde_json::Value>(&ed.json)
                .map_err(|e| format!("not valid JSON: {e}"))
                .and_then(|v| {
                    serde_json::from_value::<Vec<Rule>>(v).map_err(|e| format!("not a valid rule list: {e}"))
                });
            match parsed {
                Ok(rules) => ed.rules = rules.iter().map(RuleForm::of).collect(),
                Err(m) => {
                    shown.errors.insert("rules_json".into(), vec![m]);
                    return render(reader, &pool, v, ed, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
                }
            }
        }
        other => {
            ed.apply(&other);
            return render(reader, &pool, v, ed, shown, StatusCode::OK).await;
        }
    }
    let (read, errors) = check(&ed.rules);
    if !errors.is_empty() {
        shown.errors = errors;
        return render(reader, &pool, v, ed, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let rules: Vec<Rule> = read.into_iter().flatten().collect();
    let edit = DraftEdit {
        summary: ed.summary.clone(),
        source: ed.source.clone(),
        source_url: ed.source_url.clone(),
        note: ed.note.clone(),
        rules: serde_json::to_value(&rules).map_err(|e| AppError::Internal(e.into()))?,
    };
    // A missing or garbled version is the form's fault (422 with its message), not a conflict.
    let lock = match ed.checked_lock() {
        Ok(lock) => lock,
        Err(m) => {
            shown.errors.insert("version".into(), vec![m]);
            return render(reader, &pool, v, ed, shown, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let (ctx, i) = (user.audit_ctx(), id.clone());
    match db(&pool, move |conn| versions::edit_draft(conn, &ctx, &i, lock, edit)).await {
        Ok(_) => Ok(see_other(&format!("/policy-versions/{id}/edit?saved=1"))),
        Err(AppError::Validation { fields, .. }) => {
            shown.errors = fields;
            render(reader, &pool, v, ed, shown, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(AppError::Conflict { .. }) => {
            // Their version is shown; what this user typed stays readable, to apply again.
            let fresh = load(&pool, id).await?;
            let shown = Shown { conflict: Some(rules_json(&rules)), ..Shown::default() };
            let stored = Editor::of_view(&fresh);
            render(reader, &pool, fresh, stored, shown, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
