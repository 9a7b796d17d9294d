//! One synthetic family: a mother (most families), children (about half of everyone), sometimes
//! a father held in a prison and logged as a family of his own (kinship across families and
//! facilities), partial birth dates, names in several spellings and scripts, nationality claims
//! (some revoked or denied, some dual), custody histories with transfers, escapes and
//! recaptures, flags and wishes. Pure generation from a seeded random source.

use super::pools::{family_names, feminine, Area, Given, COUNTRIES, FEMALE, MALE};
use crate::domain::country::CountryCode;
use crate::domain::custody::CustodyKind;
use crate::domain::nationality::{ClaimBasis, ClaimStatus};
use crate::domain::partial_date::PartialDate;
use crate::domain::person::{KinshipKind, NameKind, PersonFlag, Script, Sex, Wish};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::Rng;

/// Facility codes the generator places persons in (seeded facilities).
pub const CAMPS: [&str; 2] = ["al-hol", "roj"];
pub const PRISONS: [&str; 2] = ["al-shaddadi", "al-aqtan"];
pub const ESCAPE_CAMP: &str = "ain-issa";

/// A generated person.
pub struct Person {
    pub given: String,
    pub family: String,
    pub sex: Sex,
    pub birth: Option<PartialDate>,
    pub left_home: Option<PartialDate>,
    pub names: Vec<(NameKind, Script, String)>,
    pub claims: Vec<(CountryCode, ClaimStatus, ClaimBasis, Option<PartialDate>)>,
    /// (kind, facility code, date).
    pub custody: Vec<(CustodyKind, Option<&'static str>, PartialDate)>,
    pub flags: Vec<PersonFlag>,
    pub wish: Option<(Wish, Option<chrono::NaiveDate>)>,
}

/// A generated family; `links` are (person, kind, relative) by position in `members`.
pub struct Family {
    pub label: String,
    pub members: Vec<Person>,
    pub links: Vec<(usize, KinshipKind, usize)>,
}

/// A generated family and, sometimes, the father's own one-person family linked to it.
pub struct Household {
    pub family: Family,
    pub father: Option<Family>,
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

fn date(rng: &mut StdRng, year: i32) -> PartialDate {
    // Day 40%, month 25%, year 25%, estimate 10%: what caseworkers actually know.
    let p: u32 = rng.gen_range(0..100);
    let month = rng.gen_range(1..=12);
    let day = rng.gen_range(1..=28);
    let made = match p {
        0..=39 => PartialDate::new(year, Some(month), Some(day), 0),
        40..=64 => PartialDate::new(year, Some(month), None, 0),
        65..=89 => PartialDate::new(year, None, None, 0),
        _ => PartialDate::new(year, None, None, rng.gen_range(1..=3)),
    };
    made.or_else(|_| PartialDate::year_only(year)).unwrap_or_else(|_| fallback())
}

fn fallback() -> PartialDate {
    PartialDate::year_only(2000).expect("2000 is within the years a partial date may name")
}

fn exact(rng: &mut StdRng, year: i32) -> PartialDate {
    PartialDate::new(year, Some(rng.gen_range(1..=12)), Some(rng.gen_range(1..=28)), 0).unwrap_or_else(|_| fallback())
}

struct Origin {
    country: CountryCode,
    area: Area,
}

fn origin(rng: &mut StdRng, weights: &WeightedIndex<u32>) -> Origin {
    let (code, _, area) = COUNTRIES[weights.sample(rng)];
    Origin { country: CountryCode::parse(code).expect("the pool holds country codes"), area }
}

fn person(rng: &mut StdRng, o: &Origin, family_latin: &str, family_other: &str, sex: Sex, born: i32) -> Person {
    let pool: &[Given] = if sex == Sex::Female { FEMALE } else { MALE };
    let given = pick(rng, pool);
    // A spelling variant for a fifth of persons; the recorded name may itself be a variant.
    let spelling = rng.gen_range(0..given.latin.len());
    let mut names = Vec::new();
    if given.latin.len() > 1 && rng.gen_bool(0.2) {
        let other = (spelling + 1) % given.latin.len();
        names.push((NameKind::Spelling, Script::Latin, format!("{} {}", given.latin[other], family_latin)));
    }
    match o.area {
        Area::Arab if rng.gen_bool(0.7) => {
            names.push((NameKind::OtherScript, Script::Arabic, format!("{} {}", given.arabic, family_other)))
        }
        Area::PostSoviet if rng.gen_bool(0.7) => {
            names.push((NameKind::OtherScript, Script::Cyrillic, format!("{} {}", given.cyrillic, family_other)))
        }
        Area::European if rng.gen_bool(0.3) => {
            names.push((NameKind::OtherScript, Script::Arabic, given.arabic.to_string()))
        }
        _ => {}
    }
    let birth = if rng.gen_bool(0.03) { None } else { Some(date(rng, born)) };
    Person {
        given: given.latin[spelling].to_string(),
        family: family_latin.to_string(),
        sex,
        birth,
        left_home: None,
        names,
        claims: Vec::new(),
        custody: Vec::new(),
        flags: Vec::new(),
        wish: None,
    }
}

fn claim_status(rng: &mut StdRng) -> (ClaimStatus, bool) {
    match rng.gen_range(0..100) {
        0..=29 => (ClaimStatus::Verified, false),
        30..=69 => (ClaimStatus::Claimed, false),
        70..=89 => (ClaimStatus::Unverified, false),
        90..=94 => (ClaimStatus::Denied, true),
        _ => (ClaimStatus::Revoked, true),
    }
}

/// A household of 1 to 9 persons (about five on average), taking `today` as the present year.
pub fn household(rng: &mut StdRng, weights: &WeightedIndex<u32>, this_year: i32) -> Household {
    let o = origin(rng, weights);
    let (fam_latin, fam_other) = *pick(rng, family_names(o.area));
    let size: usize = [1, 2, 3, 4, 5, 5, 6, 6, 7, 8, 9][rng.gen_range(0..11)];
    let camp = *pick(rng, &CAMPS);
    let admitted = {
        let y = rng.gen_range(2017..=2019);
        date(rng, y)
    };
    let mut members = Vec::new();
    let mut links = Vec::new();
    let mother_born = rng.gen_range(1975..=2002);
    let mut mother =
        person(rng, &o, &feminine(fam_latin, o.area), &feminine(fam_other, o.area), Sex::Female, mother_born);
    mother.left_home = Some({
        let y = rng.gen_range(2013..=2016);
        date(rng, y)
    });
    if rng.gen_bool(0.5) {
        let child = pick(rng, MALE);
        mother.names.push((NameKind::Kunya, Script::Latin, format!("Umm {}", child.latin[0])));
    }
    members.push(mother);
    for i in 1..size {
        let born = (mother_born + 16 + rng.gen_range(0..14)).min(this_year - 1).max(mother_born + 14);
        let sex = if rng.gen_bool(0.5) { Sex::Female } else { Sex::Male };
        let family = if sex == Sex::Female { feminine(fam_latin, o.area) } else { fam_latin.to_string() };
        let other = if sex == Sex::Female { feminine(fam_other, o.area) } else { fam_other.to_string() };
        members.push(person(rng, &o, &family, &other, sex, born));
        links.push((0, KinshipKind::ParentOf, i));
    }
    for (i, m) in members.iter_mut().enumerate() {
        let (status, decided) = claim_status(rng);
        let decision = decided.then(|| {
            let y = rng.gen_range(2018..=2025);
            date(rng, y)
        });
        let basis = if i == 0 { ClaimBasis::Birth } else { ClaimBasis::Descent };
        m.claims.push((o.country, status, basis, decision));
        if rng.gen_bool(0.05) {
            // A dual national (a second, disputed claim).
            let (code, _, _) = COUNTRIES[rng.gen_range(0..COUNTRIES.len())];
            if let Ok(second) = CountryCode::parse(code) {
                if second != o.country {
                    m.claims.push((second, ClaimStatus::Claimed, ClaimBasis::Marriage, None));
                }
            }
        }
        let start = match m.birth {
            Some(b) if b.earliest() > admitted.earliest() => date(rng, b.year().min(this_year - 1)),
            _ => admitted,
        };
        m.custody.push((CustodyKind::Admitted, Some(camp), start));
        let roll: u32 = rng.gen_range(0..100);
        if roll < 30 {
            let to = if camp == "al-hol" { "roj" } else { "al-hol" };
            m.custody.push((CustodyKind::Transferred, Some(to), {
                let y = rng.gen_range(2020..=2024);
                date(rng, y)
            }));
        } else if roll < 32 {
            // Last year, never after today: the stored whereabouts hold for any later day only
            // when no event is dated after today (as the intake refuses).
            m.custody.push((CustodyKind::Escaped, None, date(rng, this_year - 1)));
            if rng.gen_bool(0.4) {
                m.custody.push((CustodyKind::Recaptured, Some(*pick(rng, &PRISONS)), exact(rng, this_year - 1)));
            }
        } else if roll < 33 {
            m.custody.push((CustodyKind::Repatriated, None, {
                let y = rng.gen_range(2020..=2025);
                date(rng, y)
            }));
        }
        if m.sex == Sex::Male && m.birth.is_some_and(|b| b.year() <= this_year - 16) && rng.gen_bool(0.5) {
            m.custody.push((CustodyKind::Transferred, Some(*pick(rng, &PRISONS)), date(rng, this_year - 1)));
        }
        if rng.gen_bool(0.02) {
            m.flags.push(PersonFlag::Orphan);
        }
        if i > 0 && rng.gen_bool(0.02) {
            m.flags.push(PersonFlag::UnaccompaniedMinor);
        }
        if rng.gen_bool(0.05) {
            m.flags.push(PersonFlag::MedicalNeed);
        }
        if rng.gen_bool(0.7) {
            let wish = *pick(
                rng,
                &[Wish::GoHome, Wish::GoHome, Wish::GoHome, Wish::StayInRegion, Wish::StayInSyria, Wish::Undecided],
            );
            m.wish = Some((
                wish,
                Some(
                    {
                        let y = rng.gen_range(2024..=2025);
                        exact(rng, y)
                    }
                    .earliest(),
                ),
            ));
        }
    }
    let label = format!("Family of {} {} (synthetic)", members[0].given, members[0].family);
    let family = Family { label, members, links };
    // A father held in a prison, logged as his own family and linked across (a fifth of families).
    let father = rng.gen_bool(0.2).then(|| {
        let born = mother_born - rng.gen_range(0..8);
        let mut f = person(rng, &o, fam_latin, fam_other, Sex::Male, born);
        f.claims.push((o.country, ClaimStatus::Claimed, ClaimBasis::Birth, None));
        f.custody.push((CustodyKind::Admitted, Some(*pick(rng, &PRISONS)), date(rng, 2019)));
        Family { label: format!("Family of {} {} (synthetic)", f.given, f.family), members: vec![f], links: vec![] }
    });
    Household { family, father }
}
