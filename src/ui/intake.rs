//! The intake form: a whole family logged in one go (a first member, usually the mother, and
//! up to six children), each with a name in another script, one nationality, an admission to a
//! facility, flags and a wish; each child is linked to the first member. Blank child blocks are
//! skipped; a child block with data but no name is refused (never dropped silently). On a
//! validation failure every typed value comes back with its message beside it and an error
//! summary at the top that links to each input; a logged family lands on its page with a
//! confirmation. Before it logs anyone, it asks whether they are in the registry already
//! ([`duplicates`]).

pub mod duplicates;

use super::forms::{countries_and_facilities, member, page, see_other, Choices, Form, Nav, Opt, Words as _};
use super::i18n::I18n;
use super::person_form::{check_too, read_core, FLAGS};
use super::registry_pages::posted::Problem;
use super::warnings;
use crate::auth::permissions::WriteRegistry;
use crate::auth::{Can, CurrentUser};
use crate::db::Pool;
use crate::domain::custody::CustodyKind;
use crate::domain::nationality::ClaimStatus;
use crate::domain::partial_date::RawPartialDate;
use crate::domain::person::{KinshipKind, NameKind, Script};
use crate::domain::records::{ClaimInput, CustodyInput, NameInput};
use crate::error::{AppError, AppResult};
use crate::http::db;
use crate::services::registry::families::{self as service, FamilyIntake, IntakeKinship, PersonIntake};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

/// Member blocks on the form: the first member and six children.
pub const BLOCKS: usize = 7;

/// The inputs of a member block that show messages (the rest go to the summary).
const MEMBER_INPUTS: &[&str] = &[
    "given_name",
    "family_name",
    "sex",
    "birth",
    "place_of_birth",
    "other_name",
    "nationality",
    "nationality_decision_date",
    "facility_id",
    "admitted",
    "wish",
    "child_of_first",
];

/// A member block of the form.
pub struct Block {
    pub index: usize,
    /// 1-based, for headings.
    pub number: usize,
    pub is_child: bool,
}

/// `GET /families/new`.
#[derive(Template)]
#[template(path = "registry/intake.html")]
pub struct IntakePage {
    pub i18n: I18n,
    pub path: String,
    pub nav: Nav,
    pub form: Form,
    pub blocks: Vec<Block>,
    pub countries: Vec<Opt>,
    pub facilities: Vec<Opt>,
    pub flags: Vec<&'static str>,
    pub choices: Choices,
    /// The error summary of a refused intake (empty otherwise).
    pub problems: Vec<Problem>,
    /// The persons each member may be, when the form asks before it logs.
    pub found: duplicates::Found,
}

/// Each member input's element id suffix (`m<block>-<suffix>`) and label, for the summary.
const INPUT_IDS: &[(&str, &str, &str)] = &[
    ("given_name", "given", "field-given_name"),
    ("family_name", "family", "field-family_name"),
    ("sex", "sex", "field-sex"),
    ("birth", "by", "field-birth"),
    ("place_of_birth", "pob", "field-place_of_birth"),
    ("other_name", "on", "field-other_name"),
    ("nationality", "nat", "field-nationality"),
    ("nationality_decision_date", "ndd", "field-decision_date"),
    ("facility_id", "fac", "intake-facility"),
    ("admitted", "ay", "intake-admitted"),
    ("wish", "wish", "field-wish"),
    ("child_of_first", "kin", "intake-child-of-first"),
];

/// The error summary: every message of the form, each linked to its input, block by block.
fn problems(i18n: &I18n, form: &Form) -> Vec<Problem> {
    let mut out = Vec::new();
    for (key, label) in [("label", "field-label"), ("notes", "field-notes"), ("members", "field-name")] {
        if form.has_err(key) {
            let target = if key == "members" { "label" } else { key };
            out.push(Problem { target: target.into(), text: format!("{}: {}", i18n.t(label), form.err(key)) });
        }
    }
    for b in 0..BLOCKS {
        let block = if b == 0 { i18n.t("intake-first-member") } else { format!("{} {b}", i18n.t("intake-child")) };
        for (input, suffix, label) in INPUT_IDS {
            if form.mhas_err(b, input) {
                let text = format!("{block} · {}: {}", i18n.t(label), form.merr(b, input));
                out.push(Problem { target: format!("m{b}-{suffix}"), text });
            }
        }
    }
    out.extend(form.general.iter().map(|g| Problem { target: String::new(), text: g.clone() }));
    out
}

async fn render(
    req: &HttpRequest,
    user: &CurrentUser,
    pool: &web::Data<Pool>,
    form: Form,
    status: StatusCode,
    found: duplicates::Found,
) -> AppResult<HttpResponse> {
    let (countries, facilities) = db(pool, countries_and_facilities).await?;
    let blocks = (0..BLOCKS).map(|i| Block { index: i, number: i + 1, is_child: i > 0 }).collect();
    let i18n = I18n::of_request(req);
    let intake = IntakePage {
        problems: if form.has_errors() { problems(&i18n, &form) } else { Vec::new() },
        i18n,
        path: "/families/new".into(),
        nav: Nav::of(user),
        form,
        blocks,
        countries,
        facilities,
        flags: FLAGS.to_vec(),
        choices: Choices::default(),
        found,
    };
    page(status, &intake)
}

/// `GET /families/new`: a blank form (children linked to the first member by default).
pub async fn form(req: HttpRequest, user: Can<WriteRegistry>, pool: web::Data<Pool>) -> AppResult<HttpResponse> {
    let mut form = Form::new(&I18n::of_request(&req));
    for i in 0..BLOCKS {
        form.set(&member(i, "nationality_status"), "claimed");
        form.set(&member(i, "other_name_kind"), "other_script");
        form.set(&member(i, "other_name_script"), "auto");
        if i > 0 {
            form.set(&member(i, "child_of_first"), "true");
        }
    }
    render(&req, &user, &pool, form, StatusCode::OK, Default::default()).await
}

/// A block counts when a name is typed in it (the first member always counts).
fn filled(form: &Form, i: usize) -> bool {
    i == 0 || !form.m(i, "given_name").trim().is_empty() || !form.m(i, "family_name").trim().is_empty()
}

/// Whether a block without a name holds something typed (beyond the form's defaults): it is
/// refused rather than dropped.
fn has_data(form: &Form, i: usize) -> bool {
    let typed = [
        "birth_year",
        "birth_month",
        "birth_day",
        "birth_margin",
        "place_of_birth",
        "other_name",
        "nationality",
        "nationality_decision_date",
        "facility_id",
        "admitted_year",
        "admitted_month",
    ];
    typed.iter().any(|f| !form.m(i, f).trim().is_empty())
        || !matches!(form.m(i, "sex"), "" | "unknown")
        || !matches!(form.m(i, "wish"), "" | "not_asked")
        || FLAGS.iter().any(|f| form.mon(i, f))
}

/// What the form's blocks became: the intake, and which block each member and link came from.
struct Parsed {
    intake: FamilyIntake,
    block_of_member: Vec<usize>,
    block_of_link: Vec<usize>,
}

fn read_member(form: &mut Form, b: usize) -> PersonIntake {
    let f = |name: &str| member(b, name);
    let core = read_core(form, &f(""));
    let mut other_names = Vec::new();
    let other = form.text(&f("other_name"));
    if !other.is_empty() {
        let script = if form.is(&f("other_name_script"), "auto") {
            None
        } else {
            form.choice::<Script>(&f("other_name_script"))
        };
        let kind = form.choice::<NameKind>(&f("other_name_kind")).unwrap_or(NameKind::Alias);
        other_names.push(NameInput { kind, script, name: other });
    }
    let mut nationalities = Vec::new();
    let country = form.text(&f("nationality"));
    if !country.is_empty() {
        nationalities.push(ClaimInput {
            status: form.choice::<ClaimStatus>(&f("nationality_status")).unwrap_or(ClaimStatus::Claimed),
            basis: None,
            decision_date: form.partial_date(&f("nationality_decision_date")),
            legal_note: String::new(),
            source: String::new(),
            country,
        });
    }
    let mut custody = Vec::new();
    let facility = form.text(&f("facility_id"));
    let year = form.int(&f("admitted_year"), &f("admitted"), 0, 9999);
    let month = form.int(&f("admitted_month"), &f("admitted"), 0, 99);
    if !facility.is_empty() || year.is_some() || month.is_some() {
        // The domain checks the date (and the facility) with the rest of the family.
        let date = |year: i32| RawPartialDate::Parts {
            year: i64::from(year),
            month: month.map(i64::from),
            day: None,
            margin_years: 0,
        };
        match year {
            Some(year) => custody.push(CustodyInput {
                kind: CustodyKind::Admitted,
                facility_id: Some(facility).filter(|f| !f.is_empty()),
                date: date(year),
                note: String::new(),
            }),
            None if !form.has_err(&f("admitted")) => form.fail(&f("admitted"), "err-admission-year"),
            None => {}
        }
    }
    PersonIntake { core, other_names, nationalities, custody }
}

fn read(form: &mut Form) -> Parsed {
    let mut members = Vec::new();
    let mut block_of_member = Vec::new();
    let mut kinship = Vec::new();
    let mut block_of_link = Vec::new();
    for b in 0..BLOCKS {
        if !filled(form, b) {
            if has_data(form, b) {
                form.fail(&member(b, "given_name"), "err-block-needs-name");
            }
            continue;
        }
        members.push(read_member(form, b));
        block_of_member.push(b);
        if b > 0 && form.mon(b, "child_of_first") {
            kinship.push(IntakeKinship { person: 0, kind: KinshipKind::ParentOf, relative: members.len() - 1 });
            block_of_link.push(b);
        }
    }
    let intake = FamilyIntake { label: form.text("label"), notes: form.text("notes"), members, kinship };
    Parsed { intake, block_of_member, block_of_link }
}

/// The input a service field error belongs to: `members[1].custody[0].date` (member 1 of the
/// intake, which may be block 3 of the form) → `members[3].admitted`.
fn input_of(field: &str, block_of_member: &[usize], block_of_link: &[usize]) -> Option<String> {
    if field == "label" || field == "notes" {
        return Some(field.to_string());
    }
    let index_after = |prefix: &str| -> Option<(usize, String)> {
        let rest = field.strip_prefix(prefix)?;
        let (n, tail) = rest.split_once(']')?;
        Some((n.parse().ok()?, tail.trim_start_matches('.').to_string()))
    };
    if let Some((k, _)) = index_after("kinship[") {
        return block_of_link.get(k).map(|b| member(*b, "child_of_first"));
    }
    let (i, rest) = index_after("members[")?;
    let b = *block_of_member.get(i)?;
    let input = if rest.starts_with("other_names") {
        "other_name"
    } else if rest.starts_with("nationalities") {
        if rest.ends_with("decision_date") {
            "nationality_decision_date"
        } else {
            "nationality"
        }
    } else if rest.starts_with("custody") {
        if rest.ends_with("facility_id") {
            "facility_id"
        } else {
            "admitted"
        }
    } else {
        rest.as_str()
    };
    MEMBER_INPUTS.contains(&input).then(|| member(b, input))
}

/// `POST /families/new`: logs the family, or shows the form again with every value kept.
pub async fn submit(
    req: HttpRequest,
    user: Can<WriteRegistry>,
    pool: web::Data<Pool>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let today = user.today();
    let mut form = Form::body(&I18n::of_request(&req), &body)?;
    let parsed = read(&mut form);
    let Parsed { intake, block_of_member, block_of_link } = parsed;
    if form.has_errors() {
        if let Err(e) = crate::domain::names::check_name(&intake.label) {
            if !form.has_err("label") {
                form.fail_with("label", &e);
            }
        }
        for (i, m) in intake.members.iter().enumerate() {
            check_too(&mut form, &member(i, ""), &m.core, today, |f| input_of(f, &block_of_member, &block_of_link));
        }
        return render(&req, &user, &pool, form, StatusCode::UNPROCESSABLE_ENTITY, Default::default()).await;
    }
    let (i18n, members) = (I18n::of_request(&req), &intake.members);
    if let Some(found) = duplicates::ask(&pool, user.scope(), &i18n, &form, members, &block_of_member, today).await? {
        return render(&req, &user, &pool, form, StatusCode::OK, found).await;
    }
    let (ctx, scope) = (user.audit_ctx(), user.scope());
    match db(&pool, move |conn| service::intake(conn, &ctx, &scope, intake)).await {
        Ok(saved) => {
            let at = format!("/families/{}", saved.value.id);
            Ok(see_other(&warnings::landing(&at, warnings::Saved::Intake, &saved.warnings)))
        }
        Err(AppError::Validation { fields, .. }) => {
            form.absorb(&fields, |f| input_of(f, &block_of_member, &block_of_link));
            render(&req, &user, &pool, form, StatusCode::UNPROCESSABLE_ENTITY, Default::default()).await
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn blank_child_blocks_are_skipped_and_errors_map_back_to_their_block() {
        let i18n = I18n::new(Lang::En);
        let body = "label=Family+A&members[0].given_name=Amina&members[0].family_name=K\
                    &members[2].given_name=Omar&members[2].family_name=K&members[2].child_of_first=true\
                    &members[2].facility_id=f1&members[2].admitted_year=2019&members[1].child_of_first=true";
        let mut form = Form::parse(&i18n, body);
        let parsed = read(&mut form);
        assert!(!form.has_errors());
        assert_eq!(parsed.intake.members.len(), 2);
        assert_eq!(parsed.block_of_member, vec![0, 2]);
        assert_eq!(parsed.intake.kinship.len(), 1);
        assert_eq!(parsed.intake.kinship[0].relative, 1);
        assert_eq!(
            input_of("members[1].birth", &parsed.block_of_member, &parsed.block_of_link).as_deref(),
            Some("members[2].birth")
        );
        assert_eq!(
            input_of("members[1].custody[0].date", &parsed.block_of_member, &parsed.block_of_link).as_deref(),
            Some("members[2].admitted")
        );
        assert_eq!(
            input_of("kinship[0]", &parsed.block_of_member, &parsed.block_of_link).as_deref(),
            Some("members[2].child_of_first")
        );
        assert_eq!(input_of("members[0].left_home", &parsed.block_of_member, &parsed.block_of_link), None);
    }

    #[test]
    fn a_child_block_with_data_but_no_name_is_refused_not_dropped() {
        let i18n = I18n::new(Lang::En);
        let body = "label=F&members[0].given_name=A&members[0].family_name=B\
                    &members[4].sex=male&members[4].birth_year=2021&members[4].child_of_first=true\
                    &members[5].sex=unknown&members[5].nationality_status=claimed&members[5].child_of_first=true";
        let mut form = Form::parse(&i18n, body);
        let parsed = read(&mut form);
        assert!(form.has_err("members[4].given_name"));
        assert!(!form.has_err("members[5].given_name"), "the form's defaults are not data");
        assert_eq!(parsed.intake.members.len(), 1);
        let summary = problems(&i18n, &form);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].target, "m4-given");
    }

    #[test]
    fn a_facility_without_an_admission_year_is_refused_before_saving() {
        let i18n = I18n::new(Lang::En);
        let mut form =
            Form::parse(&i18n, "label=F&members[0].given_name=A&members[0].family_name=B&members[0].facility_id=x");
        read(&mut form);
        assert!(form.has_err("members[0].admitted"));
    }
}
