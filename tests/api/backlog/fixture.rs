//! The backlog tests' fixture, built through the API (intakes, cases taken to their statuses,
//! then back-dated by SQL), and the numbers a backlog row must show, counted here from what was
//! built: ages from the birth dates sent, outcomes from each person's stored result, stuck
//! cases from the thresholds written out again, percentiles by nearest rank.

use crate::helpers::*;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use homeward::domain::case::CaseStatus;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

const OUTCOMES: [&str; 5] = ["eligible", "eligible_with_conditions", "case_by_case", "not_eligible", "no_route"];

/// The documented stuck thresholds, written out again.
fn threshold(status: &str) -> Option<i64> {
    let days = [("intake", 30), ("documentation", 60), ("verification", 30), ("ready_for_submission", 14)];
    let more = [("submitted", 180), ("accepted", 60), ("rejected", 30), ("handover_scheduled", 30), ("on_hold", 90)];
    days.iter().chain(more.iter()).find(|(s, _)| *s == status).map(|(_, d)| *d)
}

/// A member as logged: birth is a day, or a year (any day of it).
pub struct Spec {
    pub given: &'static str,
    pub birth: (i32, Option<(u32, u32)>),
    pub claims: &'static [(&'static str, &'static str)],
    /// Held at this facility since 2019, or `"released"`, or no custody (`""`).
    pub custody: &'static str,
    pub wish: Option<&'static str>,
    pub unaccompanied: bool,
    pub dead: bool,
}

/// A member with a birth given as `(year, Some((month, day)))` or `(year, None)`.
pub fn spec(
    given: &'static str,
    birth: (i32, Option<(u32, u32)>),
    claims: &'static [(&'static str, &'static str)],
    custody: &'static str,
) -> Spec {
    Spec { given, birth, claims, custody, wish: None, unaccompanied: false, dead: false }
}

/// A member as the counts see them.
pub struct P {
    pub id: String,
    pub version: i64,
    family: String,
    pub live: Vec<String>,
    held: Option<String>,
    dead: bool,
    born: (NaiveDate, NaiveDate),
    unaccompanied: bool,
    pub declining: bool,
}

/// A case: destination, status, the members' facilities, opened and status-since moments.
struct C {
    dest: &'static str,
    status: &'static str,
    facilities: Vec<String>,
    opened: NaiveDate,
    since: NaiveDateTime,
}

/// What was built, and each held claimant's stored outcome per country.
#[derive(Default)]
pub struct Fixture {
    pub people: Vec<P>,
    cases: Vec<C>,
    outcome: HashMap<(String, String), String>,
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn years_before(d: NaiveDate, years: i32) -> NaiveDate {
    day(d.year() - years, d.month(), d.day())
}

fn member(app: &TestApp, family: &str, m: &Spec) -> Value {
    let birth = match m.birth {
        (y, Some((mo, d))) => json!({"year": y, "month": mo, "day": d}),
        (y, None) => json!({"year": y}),
    };
    let admitted =
        |f: &str| json!({"kind": "admitted", "facility_id": app.facility(f), "date": {"year": 2019, "month": 3}});
    let custody = match m.custody {
        "" => json!([]),
        "released" => json!([admitted("al-Hol"), {"kind": "released", "date": {"year": 2024, "month": 5}}]),
        f => json!([admitted(f)]),
    };
    let claims: Vec<Value> = m
        .claims
        .iter()
        .map(|(c, st)| json!({"country": c, "status": st, "basis": "birth", "decision_date": (*st == "denied").then_some("2024-01-10")}))
        .collect();
    json!({"given_name": m.given, "family_name": family, "sex": "female", "birth": birth, "nationalities": claims,
           "custody": custody, "wish": m.wish, "unaccompanied_minor": m.unaccompanied,
           "date_of_death": m.dead.then_some("2025-05-01")})
}

impl Fixture {
    /// Logs a family; its members join `people` in the order given.
    pub async fn intake(&mut self, app: &TestApp, s: &Session, family: &str, specs: Vec<Spec>) {
        let members: Vec<Value> = specs.iter().map(|m| member(app, family, m)).collect();
        let body = json!({"label": format!("Family {family} (fictional)"), "members": members});
        let res = app.post("/api/v1/families", s, body).await;
        assert_eq!(res.status(), 201, "intake {family}");
        let fam = json(res).await;
        for m in &specs {
            let got = fam["members"].as_array().and_then(|a| a.iter().find(|x| x["given_name"] == m.given));
            let got = got.expect("member");
            let born = match m.birth {
                (y, Some((mo, d))) => (day(y, mo, d), day(y, mo, d)),
                (y, None) => (day(y, 1, 1), day(y, 12, 31)),
            };
            let live = m.claims.iter().filter(|(_, st)| !matches!(*st, "denied" | "revoked"));
            self.people.push(P {
                id: got["id"].as_str().unwrap_or_default().into(),
                version: got["version"].as_i64().unwrap_or(1),
                family: fam["id"].as_str().unwrap_or_default().into(),
                live: live.map(|(c, _)| c.to_string()).collect(),
                held: Some(m.custody).filter(|c| !matches!(*c, "" | "released")).map(|f| app.facility(f)),
                dead: m.dead,
                born,
                unaccompanied: m.unaccompanied,
                declining: matches!(m.wish, Some("stay_in_syria" | "stay_in_region")),
            });
        }
    }

    /// Opens a case for `people[members]` and takes it to `to`, then back-dates its opening
    /// and its status by `ago` days (the status at noon).
    pub async fn case(
        &mut self,
        app: &TestApp,
        s: &Session,
        dest: &'static str,
        members: &[usize],
        to: &'static str,
        ago: (i64, i64),
    ) {
        let ids: Vec<&str> = members.iter().map(|&i| self.people[i].id.as_str()).collect();
        let body = json!({"family_id": self.people[members[0]].family, "destination": dest, "members": ids});
        let res = app.post("/api/v1/cases", s, body).await;
        assert_eq!(res.status(), 201, "open {dest}");
        let mut c = json(res).await;
        let id = c["id"].as_str().unwrap_or_default().to_string();
        let steps: Vec<Value> = match to {
            "intake" => vec![],
            "documentation" => vec![json!({"to": "documentation"})],
            "verification" => vec![json!({"to": "documentation"}), json!({"to": "verification"})],
            "on_hold" => vec![json!({"to": "on_hold", "reason": "no_contact"})],
            "withdrawn" => vec![json!({"to": "withdrawn", "note": "the family asked to stop"})],
            "closed" => vec![json!({"to": "closed", "reason": "duplicate"})],
            _ => ["documentation", "verification", "ready_for_submission", "submitted"]
                .iter()
                .map(|t| json!({"to": t}))
                .collect(),
        };
        for mut step in steps {
            if step["to"] == "submitted" {
                for (k, person) in ids.iter().enumerate() {
                    let (by, name) = if k == 0 { ("person", "") } else { ("parent", "Aliya (fictional)") };
                    let consent = json!({"person_id": person, "given_by": by, "given_by_name": name,
                                         "given_on": today().to_string(), "to_case": true, "to_sharing": true});
                    c = json(app.post(&format!("/api/v1/cases/{id}/consents"), s, consent).await).await;
                }
            }
            step["version"] = c["version"].clone();
            let res = app.post(&format!("/api/v1/cases/{id}/transitions"), s, step.clone()).await;
            assert_eq!(res.status(), 200, "step {step}");
            c = json(res).await;
        }
        let (opened, since) = (today() - Duration::days(ago.0), test_start() - Duration::days(ago.1));
        let since_text = since.format("%Y-%m-%d %H:%M:%S");
        app.sql(&format!("UPDATE cases SET opened_on = '{opened}', status_since = '{since_text}' WHERE id = '{id}'"));
        let facilities = members.iter().filter_map(|&i| self.people[i].held.clone()).collect();
        self.cases.push(C { dest, status: to, facilities, opened, since });
    }

    /// Reads each person's stored outcome for each of their live claims.
    pub fn read_outcomes(&mut self, app: &TestApp) {
        for p in &self.people {
            for c in &p.live {
                for o in OUTCOMES {
                    let at = format!("eligibility_results WHERE person_id = '{}' AND country_code = '{c}'", p.id);
                    if app.count(&format!("{at} AND outcome = '{o}'")) == 1 {
                        self.outcome.insert((p.id.clone(), c.clone()), o.to_string());
                    }
                }
            }
        }
        assert!(self.outcome.len() >= 10, "intake evaluates every member");
    }

    /// The numbers a backlog row must show (without its `list` links and country name).
    pub fn expected(&self, country: &str, on: NaiveDate, facility: Option<&str>) -> Value {
        let held: Vec<&P> = (self.people.iter())
            .filter(|p| !p.dead && p.held.is_some() && p.live.iter().any(|c| c == country))
            .filter(|p| facility.is_none_or(|f| p.held.as_deref() == Some(f)))
            .collect();
        let count = |f: &dyn Fn(&P) -> bool| json!({"n": held.iter().filter(|p| f(p)).count()});
        let outcome = |p: &P| self.outcome.get(&(p.id.clone(), country.to_string())).cloned();
        let mut outcomes = serde_json::Map::new();
        for o in OUTCOMES {
            outcomes.insert(o.into(), count(&|p| outcome(p).is_some_and(|x| x == o)));
        }
        outcomes.insert("not_evaluated".into(), count(&|p| outcome(p).is_none()));
        let cs: Vec<&C> = (self.cases.iter())
            .filter(|c| c.dest == country && facility.is_none_or(|f| c.facilities.iter().any(|x| x == f)))
            .collect();
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight");
        let is_stuck = |c: &C| threshold(c.status).is_some_and(|d| c.since < midnight(on - Duration::days(d)));
        // Open statuses in workflow order, then the ended ones.
        let order = CaseStatus::open().chain(CaseStatus::ALL.iter().copied().filter(|s| !s.is_open()));
        let by_status: Vec<Value> = order
            .map(|s| {
                let at: Vec<&&C> = cs.iter().filter(|c| c.status == s.as_str()).collect();
                let stuck = threshold(s.as_str()).map(|_| json!({"n": at.iter().filter(|c| is_stuck(c)).count()}));
                json!({"status": s.as_str(), "cases": {"n": at.len()}, "stuck": stuck, "stuck_after_days": threshold(s.as_str())})
            })
            .collect();
        let open: Vec<&&C> = cs.iter().filter(|c| threshold(c.status).is_some()).collect();
        let mut waits: Vec<i64> = open.iter().map(|c| (on - c.opened).num_days()).collect();
        waits.sort();
        let rank = |p: usize| (!waits.is_empty()).then(|| waits[(p * waits.len()).div_ceil(100).max(1) - 1]);
        let families: BTreeSet<&str> = held.iter().map(|p| p.family.as_str()).collect();
        let soon = on + Duration::days(180);
        json!({
            "country": country, "held": {"n": held.len()}, "families": {"n": families.len()}, "outcomes": outcomes,
            "children_under_12": count(&|p| p.born.0 > years_before(on, 12)),
            "children_under_18": count(&|p| p.born.0 > years_before(on, 18)),
            "unaccompanied_minors": count(&|p| p.unaccompanied),
            "ageing_out": count(&|p| p.born.1 > years_before(on, 18) && p.born.0 <= years_before(soon, 18)),
            "declining": count(&|p| p.declining),
            "cases": {"open": {"n": open.len()}, "ended": {"n": cs.len() - open.len()},
                      "stuck": {"n": open.iter().filter(|c| is_stuck(c)).count()}, "by_status": by_status,
                      "waiting": {"cases": open.len(), "median_days": rank(50), "p90_days": rank(90), "longest_days": waits.last()}}
        })
    }
}
