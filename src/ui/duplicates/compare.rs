//! Two persons side by side, `/duplicates/compare?a=&b=`: names, other names, sex, birth, place
//! of birth, nationalities, whereabouts, relatives, family and the day each was logged, with how
//! they compare (band, score, every reason). Its three forms post here: keep the left record
//! (the right one is merged into it), keep the right one, or "not the same person". A refusal
//! (a record changed since the page was shown, both in open cases to one country) comes back
//! on this page, with the comparison as it is now and the reason, never as an error page.

use super::{band_label, top_reasons};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::{Can, CurrentUser, OrgScope};
use crate::db::repo::persons;
use crate::db::Pool;
use crate::domain::ids::PersonId;
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::merge::{self, MergeInput};
use crate::services::registry::review::{self, Comparison};
use crate::services::registry::views::PersonView;
use crate::ui::forms::{page, see_other, translate, Form, Nav, Words as _};
use crate::ui::i18n::{Arg, I18n};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// One of the two columns.
pub struct Column {
    /// `left` or `right`.
    pub side: &'static str,
    pub p: PersonView,
    pub name: String,
    /// The day the record was logged, `YYYY-MM-DD`.
    pub logged: String,
}

impl Column {
    /// The column's heading: "Left record".
    pub fn heading_key(&self) -> &'static str {
        if self.side == "left" {
            "dup-left"
        } else {
            "dup-right"
        }
    }

    /// The button that keeps this record: "Keep the left record, merge the right one into it".
    pub fn keep_key(&self) -> &'static str {
        if self.side == "left" {
            "dup-keep-left"
        } else {
            "dup-keep-right"
        }
    }
}

/// `GET /duplicates/compare`.
#[derive(Template)]
#[template(path = "duplicates/compare.html")]
pub struct ComparePage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub left: Column,
    pub right: Column,
    pub band: String,
    pub band_label: String,
    pub score: String,
    pub reasons: Vec<String>,
    /// What was decided about the pair before ("not the same person").
    pub decided: Option<String>,
    /// Why the last answer was refused.
    pub error: Option<String>,
}

impl ComparePage {
    /// Both columns, left first.
    pub fn cols(&self) -> [&Column; 2] {
        [&self.left, &self.right]
    }

    /// The column across from `side`.
    pub fn other(&self, side: &str) -> &Column {
        if side == "left" {
            &self.right
        } else {
            &self.left
        }
    }
}

/// A service's refusal in the reader's language (its English text when it is a new one).
pub fn refusal(i18n: &I18n, e: &AppError) -> String {
    let message = match e {
        AppError::Conflict { message, .. } => message.as_str(),
        AppError::Validation { fields, message } => {
            fields.values().flatten().next().map(String::as_str).unwrap_or(message.as_str())
        }
        other => return other.to_string(),
    };
    if message == AppError::stale("person", 0).to_string() {
        return i18n.t("dup-err-stale");
    }
    if let Some(rest) = message.strip_prefix("both persons are in open cases to ") {
        let country = rest.split(':').next().unwrap_or(rest).trim().to_string();
        return i18n.t_args("dup-err-open-cases", &[("country", Arg::Text(crate::i18n::words::ltr(i18n, &country)))]);
    }
    match message {
        "this merge was undone already" => i18n.t("dup-err-undone"),
        "the kept person was merged into another since: undo that merge first" => i18n.t("dup-err-kept-merged"),
        "the same person twice" | "a person cannot be merged into themselves" => i18n.t("dup-err-same"),
        m => translate(i18n, m),
    }
}

/// Renders the comparison of `a` (left) and `b` (right), with a refusal if any.
async fn render(
    req: &HttpRequest,
    user: &CurrentUser,
    scope: OrgScope,
    pool: &web::Data<Pool>,
    (a, b): (PersonId, PersonId),
    error: Option<String>,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(req);
    let today = user.today();
    let (c, logged): (Comparison, Vec<(PersonId, chrono::NaiveDateTime)>) = db(pool, move |conn| {
        let c = review::compare_two(conn, &scope, &a, &b, today)?;
        let rows = persons::by_ids(conn, &scope, &[a.clone(), b.clone()])?;
        Ok((c, rows.into_iter().map(|r| (r.id, r.created_at)).collect()))
    })
    .await?;
    let column = |side: &'static str, p: PersonView| {
        let logged = logged.iter().find(|(id, _)| *id == p.id).map(|(_, at)| at.date().format("%Y-%m-%d").to_string());
        Column {
            side,
            name: format!("{} {}", p.given_name, p.family_name).trim().to_string(),
            logged: logged.unwrap_or_default(),
            p,
        }
    };
    let decided = (c.status.as_deref() == Some("distinct")).then(|| i18n.t("dup-decided-distinct"));
    let compare_page = ComparePage {
        path: "/duplicates".into(),
        nav: Nav::of(user),
        left: column("left", c.a),
        right: column("right", c.b),
        band_label: band_label(&i18n, &c.band),
        band: c.band,
        score: format!("{:.1}", c.score),
        reasons: top_reasons(&i18n, &c.reasons, usize::MAX),
        decided,
        error,
        i18n,
    };
    page(status, &compare_page)
}

/// Two persons of a form or query: `a` and `b` (404 for anything that is not a person's id:
/// no person of the organisation has it).
fn pair(form: &mut Form, a: &str, b: &str) -> AppResult<(PersonId, PersonId)> {
    match (form.choice::<PersonId>(a), form.choice::<PersonId>(b)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(AppError::NotFound),
    }
}

/// `GET /duplicates/compare?a=&b=`.
pub async fn show(req: HttpRequest, user: Can<ReadRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let mut form = Form::parse(&I18n::of_request(&req), req.query_string());
    let ab = pair(&mut form, "a", "b")?;
    render(&req, &user, user.scope(), &pool, ab, None, StatusCode::OK).await
}

/// `POST /duplicates/merge` (`kept`, `merged`, `kept_version`, `merged_version`, and the page's
/// `a` and `b` to come back to): merges, then the kept person's page says so and offers the
/// undo. A refusal comes back on the comparison (409 or 422).
pub async fn merge(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let (kept, merged_id) = pair(&mut form, "kept", "merged")?;
    let version = |f: &Form, name: &str| {
        f.text(name).parse::<i64>().map_err(|_| AppError::field(name, "must be the record's version"))
    };
    let input = MergeInput {
        merged_id: merged_id.clone(),
        kept_version: version(&form, "kept_version")?,
        merged_version: version(&form, "merged_version")?,
    };
    // The comparison comes back as it was laid out (left and right), whichever was kept.
    let ab = pair(&mut form, "a", "b").unwrap_or((kept.clone(), merged_id));
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    match db(&pool, move |conn| merge::merge(conn, &ctx, &scope, &kept, &input)).await {
        Ok(m) => Ok(see_other(&format!("/persons/{}?{}", m.kept_id, super::merges::merged_query(&m.id)))),
        Err(e @ AppError::Conflict { .. }) => {
            render(&req, &user, user.scope(), &pool, ab, Some(refusal(&i18n, &e)), StatusCode::CONFLICT).await
        }
        Err(e @ AppError::Validation { .. }) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&req, &user, user.scope(), &pool, ab, Some(refusal(&i18n, &e)), status).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /duplicates/distinct` (`a`, `b`): "not the same person", then back to the list.
pub async fn distinct(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut form = Form::body(&i18n, &body)?;
    let (a, b) = pair(&mut form, "a", "b")?;
    let (ctx, scope, ab) = (user.audit_ctx(), user.scope(), (a.clone(), b.clone()));
    match db(&pool, move |conn| review::distinct(conn, &ctx, &scope, &a, &b)).await {
        Ok(()) => Ok(see_other("/duplicates?done=distinct")),
        Err(e @ AppError::Validation { .. }) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&req, &user, user.scope(), &pool, ab, Some(refusal(&i18n, &e)), status).await
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn the_services_refusals_read_as_sentences_in_both_languages() {
        let open = AppError::Conflict {
            message: "both persons are in open cases to FR: close or withdraw one of the cases before merging".into(),
            current_version: None,
        };
        for lang in [Lang::En, Lang::Ar] {
            let i18n = I18n::new(lang);
            assert_eq!(refusal(&i18n, &AppError::stale("person", 4)), i18n.t("dup-err-stale"));
            let said = refusal(&i18n, &open);
            assert!(said.contains("FR") && !said.starts_with("dup-err"), "{said}");
            let same = AppError::field("b", "the same person twice");
            assert_eq!(refusal(&i18n, &same), i18n.t("dup-err-same"));
        }
        let en = I18n::new(Lang::En);
        let new = AppError::Conflict { message: "something new".into(), current_version: None };
        assert_eq!(refusal(&en, &new), "something new");
        assert_ne!(I18n::new(Lang::Ar).t("dup-err-stale"), en.t("dup-err-stale"));
    }
}
