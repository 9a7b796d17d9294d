//! The person and family lists take one of two query shapes (driven from an index when a
//! filter is selective, a scan in list order otherwise; see `db::repo::lists`), and a family
//! name search a third (grouped from the derived rows): on realistic synthetic data all must
//! list exactly the same persons and families, for every filter, and a total is either exact
//! or an honest lower bound (`COUNT_CAP`).

use crate::helpers::*;
use homeward::auth::OrgScope;
use homeward::db::repo::lists::{self, PersonFilter, Shape, Total, COUNT_CAP};
use homeward::db::repo::{facilities, Page};
use homeward::db::DbConnection;
use homeward::domain::country::CountryCode;
use homeward::domain::person::{PersonFlag, Sex};
use homeward::services::organisations::operator_scope;
use homeward::services::synth::{self, Options};
use std::collections::BTreeSet;

const ORG: &str = "Synthetic NGO (fictional)";

/// Every family id the grouped name search gives page by page (on to the page past the end
/// when the last is full), and the first page's total; `None` when it does not take the filter.
fn grouped(conn: &mut DbConnection, scope: &OrgScope, filter: &PersonFilter) -> Option<(BTreeSet<String>, Total)> {
    let (mut found, mut first) = (BTreeSet::new(), None);
    for offset in (0..).step_by(250) {
        let page = Page { limit: 250, offset };
        match lists::families_grouped(conn, scope, filter, page).expect("grouped") {
            lists::Grouped::Page(rows, total) => {
                // Every page, one past the end too, tells the same totals.
                assert_eq!(*first.get_or_insert(total), total, "the totals of page {offset}");
                let n = rows.len();
                found.extend(rows.into_iter().map(|f| f.id.to_string()));
                if n < 250 {
                    break;
                }
            }
            _ => return None,
        }
    }
    let first = first.expect("a first page");
    // Far past the end: no rows, the same totals (not a count by the other shapes).
    let beyond = Page { limit: 250, offset: found.len() as i64 + 1000 };
    match lists::families_grouped(conn, scope, filter, beyond).expect("grouped") {
        lists::Grouped::Page(rows, total) => assert!(rows.is_empty() && total == first, "past the end: {total:?}"),
        _ => panic!("a page past the end is grouped too"),
    }
    Some((found, first))
}

/// Every id a list gives page by page, and the first page's total.
fn all(
    conn: &mut DbConnection,
    scope: &OrgScope,
    filter: &PersonFilter,
    shape: Shape,
    families: bool,
) -> (BTreeSet<String>, Total) {
    let (mut found, mut first) = (BTreeSet::new(), None);
    for offset in (0..).step_by(250) {
        let page = Page { limit: 250, offset };
        let (ids, total): (Vec<String>, Total) = if families {
            let (rows, t) = lists::families_as(conn, scope, filter, page, shape).expect("families");
            (rows.into_iter().map(|f| f.id.to_string()).collect(), t)
        } else {
            let (rows, t) = lists::persons_as(conn, scope, filter, page, shape).expect("persons");
            (rows.into_iter().map(|p| p.id.to_string()).collect(), t)
        };
        first.get_or_insert(total);
        let n = ids.len();
        found.extend(ids);
        if n < 250 {
            break;
        }
    }
    (found, first.expect("a first page"))
}

#[actix_web::test]
async fn both_query_shapes_list_the_same_rows_with_honest_totals() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    synth::run(&mut conn, &app.clock, &Options { persons: 1500, seed: 5, organisation: ORG.into() }).expect("synth");
    let (_, scope) = operator_scope(&mut conn, &app.cli_ctx(), ORG).expect("scope");
    let hol =
        facilities::list(&mut conn).expect("facilities").into_iter().find(|f| f.name == "al-Hol").expect("al-Hol");
    let q = |k: &str| PersonFilter { q: Some(k.into()), ..PersonFilter::default() };
    let filters = vec![
        ("q=al", q("al")),
        ("q=a", q("a")),
        ("q=umm", q("umm")),
        ("q=mmad", q("mmad")),
        ("q=umm at al-Hol", PersonFilter { facility_id: Some(hol.id.clone()), ..q("umm") }),
        ("q=zzqx (nobody)", q("zzqx")),
        ("q=fatima in every spelling", {
            let dict = homeward::domain::matching::Dictionary::shared();
            let word = homeward::domain::matching::phonetic::Word::new("fatima");
            PersonFilter { q_variants: dict.spellings(&word), ..q("fatima") }
        }),
        (
            "nationality=RU",
            PersonFilter { nationality: Some(CountryCode::parse("RU").expect("RU")), ..Default::default() },
        ),
        (
            "facility=al-Hol",
            PersonFilter { facility_id: Some(hol.id.clone()), at_risk: Some(true), ..Default::default() },
        ),
        ("female, q=a", PersonFilter { sex: Some(Sex::Female), ..q("a") }),
        ("orphans", PersonFilter { flags: vec![(PersonFlag::Orphan, true)], ..Default::default() }),
        ("stateless", PersonFilter { stateless: Some(true), ..Default::default() }),
        ("held", PersonFilter { held: Some(true), ..Default::default() }),
        ("not held, declining", PersonFilter { held: Some(false), declining: Some(true), ..Default::default() }),
        (
            "under 12",
            PersonFilter { surely_born_after: Some(today() - chrono::Months::new(144)), ..Default::default() },
        ),
        ("ages out", PersonFilter { ages_out_on: Some((today(), true)), ..Default::default() }),
        (
            "RU, not evaluated",
            PersonFilter {
                nationality: Some(CountryCode::parse("RU").expect("RU")),
                outcome: Some(None),
                ..Default::default()
            },
        ),
        ("nothing", PersonFilter::default()),
    ];
    let (mut nonempty, mut grouped_filters) = (0, 0);
    for (name, filter) in &filters {
        for families in [false, true] {
            let (driven, _) = all(&mut conn, &scope, filter, Shape::Driven, families);
            let (scanned, counted) = all(&mut conn, &scope, filter, Shape::Scan, families);
            assert_eq!(driven, scanned, "{name} (families: {families})");
            if counted.exact {
                assert_eq!(counted.n as usize, scanned.len(), "{name}");
            } else {
                assert_eq!(counted.n, COUNT_CAP, "{name}: a lower bound at the cap");
                assert!(scanned.len() as i64 > COUNT_CAP, "{name}: only above the cap");
            }
            nonempty += usize::from(!driven.is_empty());
            if families {
                if let Some((found, total)) = grouped(&mut conn, &scope, filter) {
                    assert_eq!(found, scanned, "{name} (grouped)");
                    assert_eq!(total, Total { n: found.len() as i64, exact: true }, "{name} (grouped)");
                    grouped_filters += 1;
                }
            }
        }
    }
    assert!(grouped_filters >= 2, "name searches are grouped ({grouped_filters})");
    assert!(nonempty >= 16, "the filters find someone in the synthetic data ({nonempty})");
}
