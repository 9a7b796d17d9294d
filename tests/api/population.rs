//! A facility's population on a past date is one SQL query (`lists::held_on`, paged): it must
//! name exactly the persons whose whereabouts on that date (the domain rule, in Rust) place them
//! there, on realistic synthetic data with transfers, escapes, releases and same-day events.

use crate::helpers::*;
use chrono::NaiveDate;
use homeward::db::repo::lists::{Shape, COUNT_CAP};
use homeward::db::repo::{facilities, lists, persons, Page};
use homeward::domain::ids::PersonId;
use homeward::services::derived::whereabouts_on;
use homeward::services::organisations::operator_scope;
use homeward::services::synth::{self, Options};
use std::collections::BTreeSet;

const ORG: &str = "Synthetic NGO (fictional)";

/// Everyone `held_on_as` lists, page by page (a scan counts only so far, so the pages go on
/// until one comes back short).
fn held(
    conn: &mut homeward::db::DbConnection,
    scope: &homeward::auth::OrgScope,
    facility: &homeward::domain::ids::FacilityId,
    on: NaiveDate,
    shape: Shape,
) -> BTreeSet<PersonId> {
    let mut found = BTreeSet::new();
    for offset in (0..).step_by(200) {
        let (rows, _) = lists::held_on_as(conn, scope, facility, on, Page { limit: 200, offset }, shape).expect("held");
        let n = rows.len();
        found.extend(rows.into_iter().map(|p| p.id));
        if n < 200 {
            break;
        }
    }
    found
}

#[actix_web::test]
async fn the_population_on_a_date_is_who_the_whereabouts_rule_places_there() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    let opts = Options { persons: 1500, seed: 11, organisation: ORG.into() };
    synth::run(&mut conn, &app.clock, &opts).expect("synth");
    let (_, scope) = operator_scope(&mut conn, &app.cli_ctx(), ORG).expect("scope");
    let everyone = persons::batch_after(&mut conn, &scope, None, 100_000).expect("persons");
    let ids: Vec<PersonId> = everyone.iter().map(|p| p.id.clone()).collect();
    let mut events: std::collections::HashMap<PersonId, Vec<_>> = std::collections::HashMap::new();
    for e in homeward::db::repo::custody::of(&mut conn, &scope, &ids).expect("custody") {
        events.entry(e.person_id.clone()).or_default().push(e);
    }
    let mut checked = 0;
    for day in ["2018-06-30", "2020-01-01", "2022-03-15", "2024-12-31"] {
        let on: NaiveDate = day.parse().expect("date");
        for facility in facilities::list(&mut conn).expect("facilities") {
            let expected: BTreeSet<PersonId> = ids
                .iter()
                .filter(|id| {
                    let mine = events.get(*id).map(Vec::as_slice).unwrap_or(&[]);
                    whereabouts_on(mine, on).expect("whereabouts").facility_id.as_ref() == Some(&facility.id)
                })
                .cloned()
                .collect();
            for shape in [Shape::Driven, Shape::Scan] {
                let found = held(&mut conn, &scope, &facility.id, on, shape);
                assert_eq!(found, expected, "{} on {day}, {shape:?}", facility.name);
            }
            let (_, total) =
                lists::held_on(&mut conn, &scope, &facility.id, on, Page { limit: 1, offset: 0 }).expect("held");
            let counted =
                if expected.len() as i64 > COUNT_CAP { (COUNT_CAP as usize, false) } else { (expected.len(), true) };
            assert_eq!((total.n as usize, total.exact), counted, "{} on {day}", facility.name);
            checked += expected.len();
        }
    }
    assert!(checked > 1000, "the synthetic data places people in facilities ({checked})");
}
