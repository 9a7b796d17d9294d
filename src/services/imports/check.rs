//! The rows of a file checked as an intake checks its members, against reference data loaded
//! once (countries and facilities: a few hundred rows), so that checking 50,000 rows costs no
//! query per row. Every problem is named by its row and column.

use crate::db::repo::{countries, facilities};
use crate::db::DbConnection;
use crate::domain::import::rows::{column_of_field, Row};
use crate::domain::import::{columns::Column, Problem};
use crate::domain::names::search_key;
use crate::domain::partial_date::RawPartialDate;
use crate::domain::problems::Problems;
use crate::domain::records::{ClaimInput, CustodyInput};
use crate::error::AppResult;
use crate::services::registry::families::Member;
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// Three-letter codes of the nationalities held in the camps, and names people write that are
/// not the reference list's.
const OTHER_CODES: &[(&str, &str)] = &[
    ("rus", "RU"),
    ("russia", "RU"),
    ("gbr", "GB"),
    ("uk", "GB"),
    ("britain", "GB"),
    ("england", "GB"),
    ("fra", "FR"),
    ("deu", "DE"),
    ("ger", "DE"),
    ("bel", "BE"),
    ("nld", "NL"),
    ("holland", "NL"),
    ("swe", "SE"),
    ("nor", "NO"),
    ("dnk", "DK"),
    ("fin", "FI"),
    ("aut", "AT"),
    ("che", "CH"),
    ("ita", "IT"),
    ("esp", "ES"),
    ("prt", "PT"),
    ("irl", "IE"),
    ("usa", "US"),
    ("us", "US"),
    ("america", "US"),
    ("can", "CA"),
    ("aus", "AU"),
    ("nzl", "NZ"),
    ("tjk", "TJ"),
    ("uzb", "UZ"),
    ("kaz", "KZ"),
    ("kgz", "KG"),
    ("tkm", "TM"),
    ("aze", "AZ"),
    ("geo", "GE"),
    ("ukr", "UA"),
    ("blr", "BY"),
    ("tur", "TR"),
    ("turkey", "TR"),
    ("tun", "TN"),
    ("mar", "MA"),
    ("dza", "DZ"),
    ("egy", "EG"),
    ("lby", "LY"),
    ("irq", "IQ"),
    ("syr", "SY"),
    ("syria", "SY"),
    ("jor", "JO"),
    ("lbn", "LB"),
    ("sau", "SA"),
    ("yem", "YE"),
    ("irn", "IR"),
    ("iran", "IR"),
    ("afg", "AF"),
    ("pak", "PK"),
    ("ind", "IN"),
    ("bgd", "BD"),
    ("idn", "ID"),
    ("mys", "MY"),
    ("phl", "PH"),
    ("chn", "CN"),
    ("sdn", "SD"),
    ("som", "SO"),
    ("tto", "TT"),
    ("bih", "BA"),
    ("bosnia", "BA"),
    ("mkd", "MK"),
    ("xkx", "XK"),
    ("alb", "AL"),
    ("srb", "RS"),
];

/// The reference data a check reads.
#[derive(Default)]
pub struct References {
    /// Folded code, name or alternative -> alpha-2 code.
    countries: HashMap<String, String>,
    /// Folded code or name -> facility id.
    facilities: HashMap<String, String>,
}

impl References {
    pub fn load(conn: &mut DbConnection) -> AppResult<References> {
        let mut countries = HashMap::new();
        for c in countries::list(conn)? {
            countries.insert(search_key(&c.code), c.code.clone());
            countries.insert(search_key(&c.name), c.code.clone());
        }
        for (alt, code) in OTHER_CODES {
            if countries.values().any(|c| c == code) {
                countries.entry((*alt).to_string()).or_insert_with(|| (*code).to_string());
            }
        }
        let mut by_facility = HashMap::new();
        for f in facilities::list(conn)? {
            by_facility.insert(search_key(&f.code), f.id.to_string());
            by_facility.insert(search_key(&f.name), f.id.to_string());
        }
        Ok(References { countries, facilities: by_facility })
    }

    fn country(&self, written: &str) -> Option<&String> {
        self.countries.get(&search_key(written))
    }

    fn facility(&self, written: &str) -> Option<&String> {
        self.facilities.get(&search_key(written))
    }
}

/// A row checked as an intake member, with its warnings; `None` when it has problems.
pub(crate) fn member(
    refs: &References,
    row: &Row,
    today: NaiveDate,
    problems: &mut Vec<Problem>,
    warnings: &mut Vec<Problem>,
) -> Option<Member> {
    let mut p = Problems::new();
    // Problems of this row only (the list holds every row's).
    let before = problems.len();
    let mut at = |c: Column, m: String| problems.push(Problem::at(row.number, c.name(), m));
    let facts = row.person.clone().parse("", today).map_err(|e| p.absorb(e)).ok();
    let mut names = Vec::new();
    for (j, n) in row.other_names.iter().cloned().enumerate() {
        names.extend(n.parse(&format!("other_names[{j}].")).map_err(|e| p.absorb(e)).ok());
    }
    let mut claims = Vec::new();
    for (j, written) in row.nationalities.iter().enumerate() {
        let Some(code) = refs.country(written) else {
            at(
                Column::Nationality,
                format!("`{written}` is not a known country: write its two-letter code (RU, GB, FR)"),
            );
            continue;
        };
        let input = ClaimInput {
            country: code.clone(),
            status: row.status,
            basis: None,
            decision_date: row.decision_date.map(RawPartialDate::from),
            legal_note: String::new(),
            source: "import".into(),
        };
        claims.extend(input.parse(&format!("nationalities[{j}]."), today).map_err(|e| p.absorb(e)).ok());
    }
    let mut custody = Vec::new();
    if let Some(written) = &row.facility {
        match refs.facility(written) {
            None => at(Column::Facility, format!("`{written}` is not a known facility: write its name or code")),
            Some(id) => {
                let date = match row.held_since {
                    Some(d) => RawPartialDate::from(d),
                    None => {
                        warnings.push(Problem::at(
                            row.number,
                            Column::HeldSince.name(),
                            format!("is empty: recorded as held since {} (the year of the import)", today.year()),
                        ));
                        RawPartialDate::Parts { year: i64::from(today.year()), month: None, day: None, margin_years: 0 }
                    }
                };
                let input = CustodyInput {
                    kind: crate::domain::custody::CustodyKind::Admitted,
                    facility_id: Some(id.clone()),
                    date,
                    note: "import".into(),
                };
                custody.extend(input.parse("custody[0].", today).map_err(|e| p.absorb(e)).ok());
            }
        }
    }
    for (field, messages) in p.fields {
        for m in messages {
            problems.push(Problem::at(row.number, column_of_field(&field), m));
        }
    }
    let clean = problems.len() == before;
    facts.filter(|_| clean).map(|facts| Member { facts, names, claims, custody })
}
