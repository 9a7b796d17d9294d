//! The dictionary of name variants (`Can<ManageNames>`): the names added in the deployment,
//! each with a button that removes it, and a form that adds one (the name, its spellings one
//! per line or separated by commas, and how common it is). The services check the name; a
//! refusal comes back with each message beside its input.

use super::{notice, summary, when, Input, SummaryItem};
use crate::auth::permissions::ManageNames;
use crate::auth::Can;
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::names::{self as service, NameInput, CLAIMED};
use crate::ui::forms::{page, see_other, translate, Form, Nav};
use crate::ui::i18n::Arg;
use crate::ui::i18n::I18n;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

const ADD_INPUTS: &[Input] = &[
    Input { name: "name", id: "name-name", label: "admin-names-name" },
    Input { name: "variants", id: "name-variants", label: "admin-names-variants" },
    Input { name: "frequency", id: "name-frequency", label: "admin-names-frequency" },
];

/// An added name as listed.
pub struct NameItem {
    pub id: String,
    pub name: String,
    pub variants: Vec<String>,
    pub frequency: String,
    pub added: String,
}

/// `GET /admin/names`.
#[derive(Template)]
#[template(path = "admin/names.html")]
pub struct NamesPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    /// How many names are built in, and what adding one does.
    pub intro: String,
    pub rows: Vec<NameItem>,
    /// The add form.
    pub form: Form,
    pub summary: Vec<SummaryItem>,
    pub notice: Option<String>,
}

async fn render(
    req: &HttpRequest,
    user: &Can<ManageNames>,
    pool: &web::Data<Pool>,
    form: Form,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let names = db(pool, service::list).await?;
    let rows = names
        .entries
        .into_iter()
        .map(|e| NameItem {
            id: e.id,
            name: e.name,
            variants: e.variants,
            frequency: e.frequency.to_string(),
            added: when(e.added_at),
        })
        .collect();
    let count = i64::try_from(names.builtin_names).unwrap_or(i64::MAX);
    let shown = NamesPage {
        path: "/admin/names".into(),
        nav: Nav::of(user),
        intro: i18n.t_args("admin-names-intro", &[("count", Arg::Number(count))]),
        rows,
        summary: summary(&i18n, &form, ADD_INPUTS, "name-add-form"),
        form,
        notice: notice(req, &i18n, &[("added", "admin-names-added"), ("removed", "admin-names-removed")]),
        i18n,
    };
    page(status, &shown)
}

/// `GET /admin/names`.
pub async fn list(req: HttpRequest, user: Can<ManageNames>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    render(&req, &user, &pool, Form::new(&i18n), StatusCode::OK).await
}

/// The spellings typed in the box: one per line, or separated by commas (Latin or Arabic) or
/// semicolons; blanks dropped.
fn spellings(typed: &str) -> Vec<String> {
    typed.split(['\n', ',', '،', ';', '؛']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// A frequency as typed (a comma or the Arabic decimal separator for the point); `Ok(None)`
/// when blank.
fn frequency(typed: &str) -> Result<Option<f64>, ()> {
    let t = typed.trim().replace([',', '٫'], ".");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>().map(Some).map_err(|_| ())
}

/// A message of the names service in the user's language.
fn say(i18n: &I18n, message: &str) -> String {
    if let Some(other) = message.strip_prefix(CLAIMED).and_then(|m| m.strip_suffix("in the name dictionary")) {
        return i18n.t_args("admin-names-err-claimed", &[("name", other.trim().to_string().into())]);
    }
    let key = match message {
        "must be more than 0 and at most 1" => "admin-names-err-frequency",
        "must be at most 100 characters" => "admin-names-err-too-long",
        "must contain letters" => "admin-names-err-letters",
        m if m.starts_with("must hold at most") => "admin-names-err-too-many",
        m => return translate(i18n, m),
    };
    i18n.t(key)
}

/// `POST /admin/names`: adds a name.
pub async fn add(
    req: HttpRequest,
    user: Can<ManageNames>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let variants = spellings(form.get("variants"));
    let Ok(freq) = frequency(form.get("frequency")) else {
        form.fail("frequency", "admin-names-err-frequency");
        return render(&req, &user, &pool, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let input = NameInput { name: form.text("name"), variants: variants.clone(), frequency: freq };
    let ctx = user.audit_ctx();
    match db(&pool, move |conn| service::add(conn, &ctx, input)).await {
        Ok(_) => Ok(see_other("/admin/names?saved=added")),
        Err(AppError::Validation { fields, .. }) => {
            for (field, messages) in &fields {
                // `variants[3]`: the fourth spelling of the box, named in its message.
                let index = field.strip_prefix("variants[").and_then(|r| r.strip_suffix(']'));
                let spelling = index.and_then(|i| i.parse::<usize>().ok()).and_then(|i| variants.get(i));
                let input = if field.starts_with("variants") { "variants" } else { field.as_str() };
                for m in messages {
                    let text = match spelling {
                        Some(s) => format!("«{s}»: {}", say(&i18n, m)),
                        None => say(&i18n, m),
                    };
                    if ADD_INPUTS.iter().any(|i| i.name == input) {
                        form.fail_with(input, &text);
                    } else {
                        form.general.push(text);
                    }
                }
            }
            render(&req, &user, &pool, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/names/{id}/remove`: removes an added name.
pub async fn remove(user: Can<ManageNames>, pool: web::Data<Pool>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let (ctx, id) = (user.audit_ctx(), id.into_inner());
    db(&pool, move |conn| service::remove(conn, &ctx, &id)).await?;
    Ok(see_other("/admin/names?saved=removed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn spellings_are_read_one_per_line_or_between_commas_in_either_script() {
        assert_eq!(spellings("Zubaida\r\n زبيدة ، Зубайда;;\n"), vec!["Zubaida", "زبيدة", "Зубайда"]);
        assert_eq!(frequency(" 0,002 "), Ok(Some(0.002)));
        assert_eq!(frequency(""), Ok(None));
        assert!(frequency("often").is_err());
    }

    #[test]
    fn the_services_refusals_read_in_arabic() {
        let ar = I18n::new(Lang::Ar);
        let text = say(&ar, &service::claimed_message("Muhammad"));
        assert!(text.contains("Muhammad") && !text.contains("already"), "{text}");
        assert!(!say(&ar, "must be more than 0 and at most 1").contains("more than"));
    }
}
