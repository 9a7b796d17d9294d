//! The duplicate review pages (issue 11): `/duplicates`, the organisation's review list (the
//! button that builds it as a job, the build's progress, the pairs best first by decision), the
//! side-by-side comparison of two persons with its three answers (`compare`: keep the left
//! record, keep the right one, not the same person), and the merges seen from a person's page
//! with their undo (`merges`). Plain links and forms answered with a 303, so everything works
//! without JavaScript; while a build runs the list reloads itself with a `<meta>` refresh that
//! the reader can stop. The same services as the JSON API (`api::duplicates`) do the work.

pub mod compare;
pub mod merges;

pub use merges::PersonMerges;

use super::forms::{page, see_other, Form, Nav};
use super::i18n::{Arg, I18n, Lang};
use crate::auth::permissions::{ReadRegistry, WriteRegistry};
use crate::auth::Can;
use crate::db::repo::duplicate_pairs::PairStatus;
use crate::db::repo::Page;
use crate::db::Pool;
use crate::domain::job::JobStatus;
use crate::error::AppResult;
use crate::http::{db, resource};
use crate::i18n::words::ltr;
use crate::services::jobs::JobView;
use crate::services::registry::duplicates::ReasonView;
use crate::services::registry::review::{self, PairPerson, PairView};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// Registers the routes of this page group.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/duplicates").route(web::get().to(list)))
        .service(resource("/duplicates/review").route(web::post().to(build)))
        .service(resource("/duplicates/compare").route(web::get().to(compare::show)))
        .service(resource("/duplicates/merge").route(web::post().to(compare::merge)))
        .service(resource("/duplicates/distinct").route(web::post().to(compare::distinct)))
        .service(resource("/merges/{id}").route(web::get().to(merges::show)))
        .service(resource("/merges/{id}/undo").route(web::post().to(merges::undo)));
}

/// Pairs per page.
const PAGE: i64 = 50;
/// Seconds between reloads of the list while its build is queued or running.
pub const REFRESH_SECONDS: u32 = 3;
/// Reasons shown per pair: those that weigh most, for or against.
const REASONS: usize = 3;
/// The decisions the list is filtered by, in the order of its tabs.
const STATUSES: [PairStatus; 3] = [PairStatus::Open, PairStatus::Distinct, PairStatus::Merged];

/// A tab of the list: the pairs of one decision.
pub struct Tab {
    pub status: &'static str,
    pub label: String,
    pub current: bool,
}

/// One person of a pair as the list shows them.
pub struct Side {
    pub id: String,
    pub name: String,
    /// As known: `1990`, `1990-04` or `1990-04-12` ("" when unknown).
    pub birth: String,
    /// The day the record was logged, `YYYY-MM-DD`.
    pub logged: String,
}

impl Side {
    fn of(p: &PairPerson) -> Side {
        Side {
            id: p.id.to_string(),
            name: format!("{} {}", p.given_name, p.family_name).trim().to_string(),
            birth: p.birth.clone().unwrap_or_default(),
            logged: p.logged_at.date().format("%Y-%m-%d").to_string(),
        }
    }
}

/// A row of the list.
pub struct PairRow {
    pub a: Side,
    pub b: Side,
    /// `likely` or `possible`, and its words.
    pub band: String,
    pub band_label: String,
    pub score: String,
    pub reasons: Vec<String>,
    pub compare: String,
}

/// The latest build of the list, as the page says it.
pub struct Build {
    pub status: &'static str,
    pub text: String,
    pub percent: i64,
    pub running: bool,
}

impl Build {
    fn of(i18n: &I18n, job: &JobView) -> Build {
        let running = matches!(job.status, JobStatus::Queued | JobStatus::Running);
        let text = match job.status {
            JobStatus::Queued => i18n.t("dup-build-queued"),
            JobStatus::Running => {
                i18n.t_args("dup-build-running", &[("done", Arg::Number(job.done)), ("total", Arg::Number(job.total))])
            }
            JobStatus::Done => {
                let at = job.finished_at.unwrap_or(job.created_at).format("%Y-%m-%d %H:%M").to_string();
                i18n.t_args("dup-build-done", &[("at", ltr(i18n, &at).into())])
            }
            JobStatus::Failed => i18n.t("dup-build-failed"),
        };
        Build { status: job.status.as_str(), text, percent: job.percent, running }
    }
}

/// `GET /duplicates`.
#[derive(Template)]
#[template(path = "duplicates/list.html")]
pub struct ListPage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub tabs: Vec<Tab>,
    pub status: &'static str,
    pub pairs: Vec<PairRow>,
    pub total: i64,
    pub first: i64,
    pub last: i64,
    pub build: Option<Build>,
    /// The page reloads itself (a build is under way and the reader did not stop it).
    pub refresh: bool,
    /// A build is under way but the reader stopped the reloading (`?refresh=off`).
    pub stopped: bool,
    pub seconds: u32,
    /// What the POST that led here did.
    pub notice: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The merges, on the merged tab (the merged records are gone from the pairs).
    pub merges: Vec<MergeLine>,
}

/// A merge as the merged tab lists it.
pub struct MergeLine {
    pub id: String,
    pub merged_name: String,
    pub kept_id: String,
    pub kept_name: String,
    /// `YYYY-MM-DD HH:MM`.
    pub at: String,
    pub undone: bool,
}

impl ListPage {
    /// What an empty tab of pairs says (the merged tab lists the merges instead: a merged
    /// record is gone, so its pair cannot be listed).
    pub fn empty(&self) -> String {
        self.i18n.t(&format!("dup-none-{}", self.status))
    }
}

/// A band's words: "likely", "possible".
pub fn band_label(i18n: &I18n, band: &str) -> String {
    let key = format!("dup-band-{band}");
    let t = i18n.t(&key);
    if t == key {
        band.to_string()
    } else {
        t
    }
}

/// The reasons that weigh most, for or against, in the reader's language.
pub fn top_reasons(i18n: &I18n, reasons: &[ReasonView], n: usize) -> Vec<String> {
    let mut sorted: Vec<&ReasonView> = reasons.iter().collect();
    sorted.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    sorted.into_iter().take(n).map(|r| reason(i18n, r)).collect()
}

/// A reason in the reader's language ("given names agree across scripts: عائشة ↔ Aisha"); the
/// service's English text when the catalogue lacks its words.
pub fn reason(i18n: &I18n, r: &ReasonView) -> String {
    let (fk, vk) = (format!("dup-field-{}", r.field), format!("dup-verdict-{}", r.verdict));
    let (field, verdict) = (i18n.t(&fk), i18n.t(&vk));
    let Some((_, sides)) = r.text.split_once(": ") else { return r.text.clone() };
    if field == fk || verdict == vk {
        return r.text.clone();
    }
    // Names of both scripts and dates, kept whole inside right-to-left text.
    let sides = match i18n.lang {
        Lang::Ar => format!("\u{2068}{sides}\u{2069}"),
        Lang::En => sides.to_string(),
    };
    i18n.t_args("dup-reason", &[("field", field.into()), ("verdict", verdict.into()), ("sides", sides.into())])
}

fn row(i18n: &I18n, p: &PairView) -> PairRow {
    PairRow {
        compare: format!("/duplicates/compare?a={}&b={}", p.a.id, p.b.id),
        a: Side::of(&p.a),
        b: Side::of(&p.b),
        band_label: band_label(i18n, &p.band),
        band: p.band.clone(),
        score: format!("{:.1}", p.score),
        reasons: top_reasons(i18n, &p.reasons, REASONS),
    }
}

/// `/duplicates?status=<s>&offset=<n>` (the first tab and page are left out).
fn link(status: PairStatus, offset: i64) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if status != PairStatus::Open {
        pairs.push(("status", status.as_str().to_string()));
    }
    if offset > 0 {
        pairs.push(("offset", offset.to_string()));
    }
    match serde_urlencoded::to_string(&pairs).unwrap_or_default() {
        q if q.is_empty() => "/duplicates".to_string(),
        q => format!("/duplicates?{q}"),
    }
}

/// `GET /duplicates`: the pairs of one decision (`?status=open|distinct|merged`), best first,
/// 50 a page (`?offset=`), with the latest build; `?done=distinct` says what the POST that led
/// here did, `?refresh=off` stops the reloading while a build runs.
pub async fn list(req: HttpRequest, user: Can<ReadRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let i18n = I18n::of_request(&req);
    let mut form = Form::parse(&i18n, req.query_string());
    // An unknown tab or a negative offset reads as the first: these are links, not forms.
    let status = STATUSES.into_iter().find(|s| s.as_str() == form.text("status")).unwrap_or(PairStatus::Open);
    let offset = form.int("offset", "offset", 0, i32::MAX).map(i64::from).unwrap_or(0);
    let at = Page { limit: PAGE, offset };
    let scope = user.scope();
    let (found, merges) = db(&pool, move |conn| {
        let merges = if status == PairStatus::Merged {
            Some(crate::services::registry::merge::recent(conn, &scope, at)?)
        } else {
            None
        };
        Ok((review::list(conn, &scope, status, at)?, merges))
    })
    .await?;
    let (merges, merges_total) = merges.unwrap_or_default();
    let merges: Vec<MergeLine> = merges
        .into_iter()
        .map(|m| MergeLine {
            id: m.id,
            merged_name: m.merged_name,
            kept_id: m.kept_id.to_string(),
            kept_name: m.kept_name,
            at: m.merged_at.format("%Y-%m-%d %H:%M").to_string(),
            undone: m.undone_at.is_some(),
        })
        .collect();
    let (shown, total) = if status == PairStatus::Merged {
        (merges.len() as i64, merges_total)
    } else {
        (found.pairs.len() as i64, found.total)
    };
    let build = found.job.as_ref().map(|j| Build::of(&i18n, j));
    let running = review::running(&found.job);
    let stopped = running && form.text("refresh") == "off";
    let notice = match form.text("done").as_str() {
        "distinct" => Some(i18n.t("dup-distinct-done")),
        "queued" => Some(i18n.t("dup-build-started")),
        _ => None,
    };
    let list_page = ListPage {
        path: "/duplicates".into(),
        nav: Nav::of(&user),
        tabs: STATUSES
            .iter()
            .map(|s| Tab {
                status: s.as_str(),
                label: i18n.t(&format!("dup-status-{}", s.as_str())),
                current: *s == status,
            })
            .collect(),
        status: status.as_str(),
        pairs: found.pairs.iter().map(|p| row(&i18n, p)).collect(),
        total,
        merges,
        first: if shown > 0 { offset + 1 } else { 0 },
        last: offset + shown,
        build,
        refresh: running && !stopped,
        stopped,
        seconds: REFRESH_SECONDS,
        notice,
        prev: (offset > 0).then(|| link(status, (offset - PAGE).max(0))),
        next: (offset + shown < total).then(|| link(status, offset + PAGE)),
        i18n,
    };
    page(StatusCode::OK, &list_page)
}

/// `POST /duplicates/review`: queues a build of the list (or joins the one queued), then back
/// to the list, which follows its progress.
pub async fn build(user: Can<WriteRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    db(&pool, move |conn| review::queue(conn, &ctx, &scope)).await?;
    Ok(see_other("/duplicates?done=queued"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(field: &str, verdict: &str, text: &str, weight: f64) -> ReasonView {
        ReasonView { field: field.into(), verdict: verdict.into(), text: text.into(), weight }
    }

    #[test]
    fn reasons_are_translated_weightiest_first_and_unknown_ones_kept_as_sent() {
        let reasons = [
            view("sex", "agrees", "sex agree: female ↔ female", 0.5),
            view("given_name", "skeleton", "given names agree across scripts: عائشة ↔ Aisha", 4.0),
            view("birth", "differs", "birth dates differ: 1990 ↔ 1962", -6.0),
            view("new_field", "agrees", "something new: a ↔ b", 0.1),
        ];
        let en = I18n::new(Lang::En);
        let shown = top_reasons(&en, &reasons, 3);
        assert_eq!(
            shown,
            [
                "birth dates differ: 1990 ↔ 1962",
                "given names agree across scripts: عائشة ↔ Aisha",
                "sex agree: female ↔ female"
            ]
        );
        assert_eq!(reason(&en, &reasons[3]), "something new: a ↔ b");
        let ar = I18n::new(Lang::Ar);
        let shown = top_reasons(&ar, &reasons, 3);
        assert!(shown.iter().all(|r| !r.contains("agree") && !r.contains("differ")), "{shown:?}");
        assert!(shown[1].contains("\u{2068}عائشة ↔ Aisha\u{2069}"));
        assert_eq!(band_label(&ar, "likely"), ar.t("dup-band-likely"));
        assert_ne!(band_label(&ar, "likely"), "likely");
    }

    #[test]
    fn the_list_links_leave_out_the_first_tab_and_page() {
        assert_eq!(link(PairStatus::Open, 0), "/duplicates");
        assert_eq!(link(PairStatus::Open, 50), "/duplicates?offset=50");
        assert_eq!(link(PairStatus::Distinct, 0), "/duplicates?status=distinct");
    }
}
