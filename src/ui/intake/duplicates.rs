//! Search before create in the intake form (issue 11): before a family is logged, each member
//! is looked up among the organisation's persons (`services::registry::duplicates::like`, one
//! query batch per member, at most seven). When someone may be logged already, the form comes
//! back with nothing written, every typed value kept, and a notice at the top of that member's
//! block ("This may be Aisha Mahmoud, born 1990, logged on 2025-03-02", likely or possible,
//! with her page, her family and the reasons), until the caseworker answers with the second
//! button, "None of these: log the family" (`confirm_new=1`). A person logged twice splits one
//! case in two; asking costs a click. Server-side, so it works without JavaScript; a module of
//! its own because the intake form's file is long enough.

use crate::auth::OrgScope;
use crate::db::{DbConnection, Pool};
use crate::domain::country::CountryCode;
use crate::domain::matching::{Band, Record};
use crate::domain::nationality::ClaimStatus;
use crate::error::AppResult;
use crate::http::db;
use crate::i18n::words::ltr;
use crate::i18n::{Arg, I18n, Lang};
use crate::services::registry::duplicates::{like, Duplicate, ReasonView};
use crate::services::registry::families::PersonIntake;
use crate::ui::forms::{Form, Index};
use actix_web::web;
use chrono::NaiveDate;

/// The field the second submit button sends: none of the candidates is the same person.
pub const CONFIRM: &str = "confirm_new";
/// Candidates shown per member, the best first (the rest are counted).
const SHOWN: usize = 5;
/// Reasons shown per candidate: those that weigh most, for or against.
const REASONS: usize = 3;
/// Stands for the name in a translated sentence, so that the name can be a link.
const NAME: &str = "\u{E000}";

/// What to ask before logging the family: `None` when the form says "none of these", when
/// nobody may be logged already, or when a member's own facts do not pass the domain's checks
/// (the service then refuses the intake and says why, which comes before any question).
pub async fn ask(
    pool: &web::Data<Pool>,
    scope: OrgScope,
    i18n: &I18n,
    form: &Form,
    members: &[PersonIntake],
    blocks: &[usize],
    today: NaiveDate,
) -> AppResult<Option<Found>> {
    if form.get(CONFIRM) == "1" {
        return Ok(None);
    }
    let Some(probes) = probes(members, blocks, today) else { return Ok(None) };
    let found = db(pool, move |conn| lookup(conn, &scope, &probes)).await?;
    let found = Found::new(i18n, found);
    Ok((!found.is_empty()).then_some(found))
}

/// The matcher's record of each member (with its block), as the service would store it:
/// names checked and normalised, the birth as a range, the live nationalities.
fn probes(members: &[PersonIntake], blocks: &[usize], today: NaiveDate) -> Option<Vec<(usize, Record)>> {
    members
        .iter()
        .zip(blocks)
        .map(|(m, &b)| {
            let facts = m.core.clone().parse("", today).ok()?;
            let other_names = m.other_names.iter().map(|n| n.name.trim().to_string()).filter(|n| !n.is_empty());
            let nationalities = m
                .nationalities
                .iter()
                .filter(|c| ClaimStatus::LIVE.contains(&c.status))
                .filter_map(|c| CountryCode::parse(&c.country).ok())
                .map(|c| c.to_string());
            let record = Record {
                given_name: facts.given_name,
                family_name: facts.family_name,
                other_names: other_names.collect(),
                sex: Some(facts.sex),
                birth: facts.birth.map(|b| (b.earliest(), b.latest())),
                nationalities: nationalities.collect(),
            };
            Some((b, record))
        })
        .collect()
}

/// Each member's likely and possible duplicates in the organisation: one `like` per member,
/// nothing per candidate.
fn lookup(
    conn: &mut DbConnection,
    scope: &OrgScope,
    probes: &[(usize, Record)],
) -> AppResult<Vec<(usize, Vec<Duplicate>)>> {
    probes.iter().map(|(b, r)| Ok((*b, like(conn, scope, r, None)?))).collect()
}

/// One candidate as the notice shows it.
pub struct Candidate {
    pub person: String,
    pub family: Option<String>,
    /// The sentence around the name (which is a link to the person's page).
    pub before: String,
    pub name: String,
    pub after: String,
    /// "Held in Roj now." when the registry knows where.
    pub held: Option<String>,
    /// `likely` or `possible`, and its words.
    pub band: &'static str,
    pub band_label: String,
    pub reasons: Vec<String>,
}

/// The candidates of one member block.
pub struct BlockNotice {
    pub block: usize,
    /// "First member", "Child 2", for the summary at the top.
    pub label: String,
    pub candidates: Vec<Candidate>,
    /// "3 more possible matches are not shown" (empty when all are).
    pub more: String,
}

/// What the search found, block by block (empty on a blank or refused form).
#[derive(Default)]
pub struct Found {
    pub blocks: Vec<BlockNotice>,
}

impl Found {
    fn new(i18n: &I18n, found: Vec<(usize, Vec<Duplicate>)>) -> Found {
        let blocks = found
            .into_iter()
            .filter(|(_, d)| !d.is_empty())
            .map(|(block, d)| BlockNotice {
                block,
                label: if block == 0 {
                    i18n.t("intake-first-member")
                } else {
                    format!("{} {block}", i18n.t("intake-child"))
                },
                more: match d.len().saturating_sub(SHOWN) {
                    0 => String::new(),
                    n => i18n.t_args("intake-dup-more", &[("n", n.into())]),
                },
                candidates: d.iter().take(SHOWN).map(|d| candidate(i18n, d)).collect(),
            })
            .collect();
        Found { blocks }
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The notice of a member block, if it has one.
    pub fn of(&self, block: impl Index) -> Option<&BlockNotice> {
        self.blocks.iter().find(|n| n.block == block.idx())
    }
}

fn band(b: Band) -> &'static str {
    match b {
        Band::Likely => "likely",
        Band::Possible | Band::Unlikely => "possible",
    }
}

fn candidate(i18n: &I18n, d: &Duplicate) -> Candidate {
    let logged = d.logged_at.date().format("%Y-%m-%d").to_string();
    let mut args: Vec<(&'static str, Arg)> = vec![("name", NAME.into()), ("logged", ltr(i18n, &logged).into())];
    let key = match &d.birth {
        Some(birth) => {
            args.push(("birth", ltr(i18n, birth).into()));
            "intake-dup-may-be"
        }
        None => "intake-dup-may-be-undated",
    };
    let sentence = i18n.t_args(key, &args);
    let (before, after) = sentence.split_once(NAME).unwrap_or((sentence.as_str(), ""));
    let mut reasons: Vec<&ReasonView> = d.reasons.iter().collect();
    reasons.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    Candidate {
        person: d.person_id.to_string(),
        family: d.family_id.as_ref().map(|f| f.to_string()),
        before: before.to_string(),
        name: format!("{} {}", d.given_name, d.family_name).trim().to_string(),
        after: after.to_string(),
        held: d.held_in.as_ref().map(|f| i18n.t_args("intake-dup-held", &[("facility", f.clone().into())])),
        band: band(d.band),
        band_label: i18n.t(&format!("intake-dup-band-{}", band(d.band))),
        reasons: reasons.into_iter().take(REASONS).map(|r| reason(i18n, r)).collect(),
    }
}

/// A reason in the reader's language ("given names agree across scripts: عائشة ↔ Aisha"); the
/// service's English text when the catalogue lacks its words.
fn reason(i18n: &I18n, r: &ReasonView) -> String {
    let field = i18n.t(&format!("intake-dup-field-{}", r.field));
    let verdict = i18n.t(&format!("intake-dup-verdict-{}", r.verdict));
    let Some((_, sides)) = r.text.split_once(": ") else { return r.text.clone() };
    if field.starts_with("intake-dup-") || verdict.starts_with("intake-dup-") {
        return r.text.clone();
    }
    // Names of both scripts and dates, kept whole inside right-to-left text.
    let sides = match i18n.lang {
        Lang::Ar => format!("\u{2068}{sides}\u{2069}"),
        Lang::En => sides.to_string(),
    };
    i18n.t_args("intake-dup-reason", &[("field", field.into()), ("verdict", verdict.into()), ("sides", sides.into())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::PersonId;

    fn duplicate(birth: Option<&str>) -> Duplicate {
        let view = |field: &str, verdict: &str, text: &str, weight: f64| ReasonView {
            field: field.into(),
            verdict: verdict.into(),
            text: text.into(),
            weight,
        };
        Duplicate {
            person_id: PersonId::new_random(),
            family_id: None,
            given_name: "Aisha".into(),
            family_name: "Mahmoud".into(),
            birth: birth.map(String::from),
            logged_at: NaiveDate::from_ymd_opt(2025, 3, 2).and_then(|d| d.and_hms_opt(23, 59, 0)).unwrap_or_default(),
            held_in: None,
            score: 9.5,
            band: Band::Likely,
            reasons: vec![
                view("sex", "agrees", "sex agree: female ↔ female", 0.5),
                view("given_name", "skeleton", "given names agree across scripts: عائشة ↔ Aisha", 4.0),
                view("birth", "differs", "birth dates differ: 1990 ↔ 1962", -6.0),
                view("nationality", "agrees", "nationalities agree: RU ↔ RU", 1.0),
            ],
        }
    }

    #[test]
    fn a_candidate_reads_as_a_sentence_around_her_linked_name_with_the_weightiest_reasons() {
        let c = candidate(&I18n::new(Lang::En), &duplicate(Some("1990")));
        assert_eq!((c.before.as_str(), c.name.as_str()), ("This may be ", "Aisha Mahmoud"));
        assert_eq!(c.after, ", born 1990, logged on 2025-03-02.");
        assert_eq!((c.band, c.band_label.as_str()), ("likely", "likely match"));
        assert_eq!(c.reasons.len(), REASONS);
        assert_eq!(c.reasons[0], "birth dates differ: 1990 ↔ 1962", "what weighs most, either way, first");
        assert_eq!(c.reasons[1], "given names agree across scripts: عائشة ↔ Aisha");
        let undated = candidate(&I18n::new(Lang::En), &duplicate(None));
        assert_eq!(undated.after, ", logged on 2025-03-02.");
    }

    #[test]
    fn in_arabic_the_notice_is_translated_and_its_dates_read_left_to_right() {
        let c = candidate(&I18n::new(Lang::Ar), &duplicate(Some("1990")));
        let sentence = format!("{}{}{}", c.before, c.name, c.after);
        assert!(sentence.contains("\u{2066}2025-03-02\u{2069}"), "{sentence}");
        assert!(!sentence.contains("This may be") && !c.band_label.contains("likely"));
        assert!(c.reasons.iter().all(|r| !r.contains("agree")), "{:?}", c.reasons);
    }

    #[test]
    fn each_member_is_probed_with_her_checked_names_and_live_nationalities_only() {
        let member: PersonIntake = serde_json::from_value(serde_json::json!({
            "given_name": " Aisha ", "family_name": "Mahmoud", "sex": "female", "birth": {"year": 1990},
            "other_names": [{"kind": "other_script", "name": "عائشة محمود"}],
            "nationalities": [{"country": "RU", "status": "claimed"}, {"country": "TJ", "status": "revoked"}]
        }))
        .expect("member");
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let probed = probes(std::slice::from_ref(&member), &[3], today).expect("checked");
        let (block, r) = &probed[0];
        assert_eq!((*block, r.given_name.as_str(), r.other_names.len()), (3, "Aisha", 1));
        assert_eq!(r.nationalities, vec!["RU".to_string()]);
        assert_eq!(r.birth.map(|b| b.0.to_string()), Some("1990-01-01".into()));
        let mut future = member;
        future.core.birth = Some(crate::domain::partial_date::RawPartialDate::Parts {
            year: 2091,
            month: None,
            day: None,
            margin_years: 0,
        });
        assert!(probes(&[future], &[0], today).is_none(), "refused facts are the service's to explain");
    }
}
