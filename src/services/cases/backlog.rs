//! The per-country backlog a coordinator watches: for each destination, how many of the
//! organisation's living persons with a live claim to it are held (and where), their families,
//! their stored outcomes under the country's policy, the children, unaccompanied minors, those
//! ageing out and those who decline; the cases by status, the stuck ones, and how long the open
//! ones have waited.
//!
//! Custody, claims, outcomes and case statuses are read as they stand now; `as_of` moves only
//! the day ages and waiting are counted on and stuck cases are measured against. Every count
//! carries, where one of the API's lists shows exactly the records behind it, that list's path
//! (`list`); where no list filter says the same, `list` is left out.

use crate::auth::OrgScope;
use crate::db::repo::cases::backlog::{self as repo, BacklogFilter, HeldRow};
use crate::db::repo::{countries, facilities};
use crate::db::{backend, Backend, DbConnection};
use crate::domain::case::backlog::{waiting, StuckThresholds, Waiting};
use crate::domain::case::CaseStatus;
use crate::domain::country::CountryCode;
use crate::domain::ids::FacilityId;
use crate::error::{AppError, AppResult};
use chrono::NaiveDate;
use diesel::connection::{Connection, SimpleConnection};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// A count, and the list of the records behind it when a list filter says exactly the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Figure {
    pub n: i64,
    /// Path and query string of the list (e.g. `/api/v1/cases?destination=RU&status=submitted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
}

impl Figure {
    fn new(n: i64, list: Option<String>) -> Figure {
        Figure { n, list }
    }
}

/// The held claimants' stored outcomes for the country.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Outcomes {
    pub eligible: Figure,
    pub eligible_with_conditions: Figure,
    pub case_by_case: Figure,
    pub not_eligible: Figure,
    pub no_route: Figure,
    /// No stored result yet (the daily re-evaluation has not reached them).
    pub not_evaluated: Figure,
}

/// The cases towards the country at one status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusFigures {
    pub status: CaseStatus,
    pub cases: Figure,
    /// Open statuses: the cases at it for longer than `stuck_after_days`.
    pub stuck: Option<Figure>,
    pub stuck_after_days: Option<i64>,
}

/// The cases towards the country.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseFigures {
    pub open: Figure,
    /// Repatriated, withdrawn or closed.
    pub ended: Figure,
    /// Open cases stuck at their status (each status's own threshold).
    pub stuck: Figure,
    /// Every status, zeros included: the open ones in workflow order, then the ended ones.
    pub by_status: Vec<StatusFigures>,
    /// Days since the open cases were opened.
    pub waiting: Waiting,
}

/// One destination's backlog.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountryBacklog {
    pub country: String,
    pub country_name: String,
    /// Living persons held now with a live claim to the country.
    pub held: Figure,
    /// Their distinct families.
    pub families: Figure,
    pub outcomes: Outcomes,
    /// Held claimants certainly under 12 on `as_of` (even at the latest possible birth date).
    pub children_under_12: Figure,
    /// Held claimants certainly under 18 on `as_of`.
    pub children_under_18: Figure,
    /// Held claimants flagged as unaccompanied minors.
    pub unaccompanied_minors: Figure,
    /// Held claimants possibly under 18 on `as_of` who may turn 18 within 180 days.
    pub ageing_out: Figure,
    /// Held claimants whose latest wish is to stay in Syria or in the region.
    pub declining: Figure,
    pub cases: CaseFigures,
}

/// The held claimants of a country in one facility.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacilityFigures {
    /// `null`: held, but no facility recorded.
    #[schema(value_type = Option<String>)]
    pub facility_id: Option<FacilityId>,
    pub facility_name: Option<String>,
    pub held: Figure,
    pub families: Figure,
}

/// The facility a backlog is narrowed to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FacilityRef {
    #[schema(value_type = String)]
    pub id: FacilityId,
    pub name: String,
}

/// Every destination's backlog, most held persons first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Backlog {
    pub as_of: NaiveDate,
    pub facility: Option<FacilityRef>,
    pub stuck_after_days: StuckThresholds,
    pub countries: Vec<CountryBacklog>,
}

/// One destination's backlog with its held claimants per facility (most held first).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountryReport {
    pub as_of: NaiveDate,
    pub facility: Option<FacilityRef>,
    pub stuck_after_days: StuckThresholds,
    pub backlog: CountryBacklog,
    pub facilities: Vec<FacilityFigures>,
}

/// What a backlog is asked for (checked by the handler: `as_of` within 1900-2100).
#[derive(Debug, Clone)]
pub struct BacklogRequest {
    pub as_of: NaiveDate,
    pub facility: Option<FacilityId>,
    /// The user's today: the case list counts `stuck_days` back from it.
    pub today: NaiveDate,
    pub thresholds: StuckThresholds,
}

/// The backlog of every destination with a live claim among the organisation's living persons
/// or a case, most held persons first (then by code).
pub fn all(conn: &mut DbConnection, scope: &OrgScope, req: &BacklogRequest) -> AppResult<Backlog> {
    snapshot(conn, |conn| {
        let facility = facility(conn, req)?;
        let f = BacklogFilter { as_of: req.as_of, facility: req.facility.clone(), country: None };
        let names = repo::countries(conn, scope, &f)?;
        let mut parts = Parts::load(conn, scope, &f, req)?;
        let mut countries: Vec<CountryBacklog> =
            names.into_iter().map(|c| parts.country(c.code, c.name, req)).collect();
        countries.sort_by(|a, b| b.held.n.cmp(&a.held.n).then_with(|| a.country.cmp(&b.country)));
        Ok(Backlog { as_of: req.as_of, facility, stuck_after_days: req.thresholds.clone(), countries })
    })
}

/// One destination's backlog, with the held claimants per facility; 404 for a code that is not
/// in the reference list of countries (a known country with nobody and no case has zeros).
pub fn country(
    conn: &mut DbConnection,
    scope: &OrgScope,
    code: CountryCode,
    req: &BacklogRequest,
) -> AppResult<CountryReport> {
    snapshot(conn, |conn| {
        let name = countries::names_of(conn, &[code.as_str().to_string()])?
            .into_iter()
            .next()
            .map(|(_, name)| name)
            .ok_or(AppError::NotFound)?;
        let facility = facility(conn, req)?;
        let f = BacklogFilter { as_of: req.as_of, facility: req.facility.clone(), country: Some(code) };
        let backlog = Parts::load(conn, scope, &f, req)?.country(code, name, req);
        let mut facilities: Vec<FacilityFigures> = repo::by_facility(conn, scope, &f)?
            .into_iter()
            .map(|r| {
                // Held where no facility is recorded: no list filter says that.
                let drill =
                    r.facility_id.as_ref().map(|f| Drill { facility: Some(f.clone()), ..Drill::new(code, req) });
                let list = |kind: &str| drill.as_ref().and_then(|d| d.registry(kind, ""));
                FacilityFigures {
                    held: Figure::new(r.held, list("persons")),
                    families: Figure::new(r.families, list("families")),
                    facility_id: r.facility_id,
                    facility_name: r.facility_name,
                }
            })
            .collect();
        facilities.sort_by(|a, b| b.held.n.cmp(&a.held.n).then_with(|| a.facility_name.cmp(&b.facility_name)));
        Ok(CountryReport { as_of: req.as_of, facility, stuck_after_days: req.thresholds.clone(), backlog, facilities })
    })
}

/// Runs the reads in one transaction so that the figures agree with each other: a snapshot on
/// SQLite (WAL) by itself; PostgreSQL's default gives each statement its own, so ask for one.
fn snapshot<T>(conn: &mut DbConnection, f: impl FnOnce(&mut DbConnection) -> AppResult<T>) -> AppResult<T> {
    conn.transaction(|conn| {
        if backend(conn) == Backend::Postgres {
            conn.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// The facility asked for, which must exist (422 under `facility` otherwise).
fn facility(conn: &mut DbConnection, req: &BacklogRequest) -> AppResult<Option<FacilityRef>> {
    let Some(id) = &req.facility else { return Ok(None) };
    let row = facilities::find(conn, id)?.ok_or_else(|| AppError::field("facility", "is not a known facility"))?;
    Ok(Some(FacilityRef { id: row.id, name: row.name }))
}

/// The lists behind a country's figures. The person and family lists take the same
/// nationality, `held` (living and held now), facility, outcome, age, ageing-out and wish
/// filters as the backlog counts with; the case list the same destination, status and facility
/// filters; its `stuck_days` counts back from the user's today, so the backlog's threshold is
/// shifted by the days between today and `as_of`.
#[derive(Debug, Clone)]
struct Drill {
    country: CountryCode,
    facility: Option<FacilityId>,
    as_of: NaiveDate,
    /// Days from `as_of` to today.
    shift: i64,
}

impl Drill {
    fn new(country: CountryCode, req: &BacklogRequest) -> Drill {
        Drill { country, facility: req.facility.clone(), as_of: req.as_of, shift: (req.today - req.as_of).num_days() }
    }

    /// `/api/v1/{persons|families}?nationality=..&held=true&facility_id=..{extra}`.
    fn registry(&self, list: &str, extra: &str) -> Option<String> {
        let fac = self.facility.as_ref().map(|f| format!("&facility_id={f}")).unwrap_or_default();
        Some(format!("/api/v1/{list}?nationality={}&held=true{fac}{extra}", self.country.as_str()))
    }

    /// The persons list with a filter that counts ages on `as_of`.
    fn aged(&self, extra: &str) -> Option<String> {
        self.registry("persons", &format!("{extra}&as_of={}", self.as_of))
    }

    /// `/api/v1/cases?destination=..{extra}&facility=..`.
    fn cases(&self, extra: &str) -> String {
        let fac = self.facility.as_ref().map(|f| format!("&facility={f}")).unwrap_or_default();
        format!("/api/v1/cases?destination={}{extra}{fac}", self.country.as_str())
    }

    /// The cases at `status` for more than `days` days before `as_of`, when the list's
    /// `stuck_days` (1 to 3650) can say it.
    fn stuck(&self, status: CaseStatus, days: i64) -> Option<String> {
        let from_today = days + self.shift;
        (1..=3650).contains(&from_today).then(|| self.cases(&format!("&status={status}&stuck_days={from_today}")))
    }
}

/// Every aggregate, read once for all the countries asked for, by country code.
struct Parts {
    held: HashMap<String, HeldRow>,
    statuses: HashMap<String, HashMap<CaseStatus, (i64, i64)>>,
    opened: HashMap<String, Vec<(NaiveDate, i64)>>,
}

impl Parts {
    fn load(conn: &mut DbConnection, scope: &OrgScope, f: &BacklogFilter, req: &BacklogRequest) -> AppResult<Parts> {
        let mut statuses: HashMap<String, HashMap<CaseStatus, (i64, i64)>> = HashMap::new();
        for r in repo::by_status(conn, scope, f, &req.thresholds.cutoffs(req.as_of))? {
            statuses.entry(r.country).or_default().insert(r.status, (r.n, r.stuck));
        }
        let mut opened: HashMap<String, Vec<(NaiveDate, i64)>> = HashMap::new();
        for r in repo::opened(conn, scope, f)? {
            opened.entry(r.country).or_default().push((r.opened_on, r.n));
        }
        Ok(Parts {
            held: repo::held(conn, scope, f)?.into_iter().map(|r| (r.country.clone(), r)).collect(),
            statuses,
            opened,
        })
    }

    /// The backlog of one country from the parts.
    fn country(&mut self, code: CountryCode, name: String, req: &BacklogRequest) -> CountryBacklog {
        let key = code.as_str();
        let drill = Drill::new(code, req);
        let h = self.held.remove(key).unwrap_or_default();
        let persons = |n, extra: &str| Figure::new(n, drill.registry("persons", extra));
        CountryBacklog {
            country: key.to_string(),
            country_name: name,
            held: persons(h.held, ""),
            families: Figure::new(h.families, drill.registry("families", "")),
            outcomes: Outcomes {
                eligible: persons(h.eligible, "&outcome=eligible"),
                eligible_with_conditions: persons(h.eligible_with_conditions, "&outcome=eligible_with_conditions"),
                case_by_case: persons(h.case_by_case, "&outcome=case_by_case"),
                not_eligible: persons(h.not_eligible, "&outcome=not_eligible"),
                no_route: persons(h.no_route, "&outcome=no_route"),
                not_evaluated: persons(h.not_evaluated, "&outcome=not_evaluated"),
            },
            children_under_12: Figure::new(h.under_12, drill.aged("&under_age=12")),
            children_under_18: Figure::new(h.under_18, drill.aged("&under_age=18")),
            unaccompanied_minors: persons(h.unaccompanied, "&unaccompanied_minor=true"),
            ageing_out: Figure::new(h.ageing_out, drill.aged("&ages_out=true")),
            declining: persons(h.declining, "&declining=true"),
            cases: self.cases(key, &drill, req),
        }
    }

    fn cases(&mut self, key: &str, drill: &Drill, req: &BacklogRequest) -> CaseFigures {
        let statuses = self.statuses.remove(key).unwrap_or_default();
        let (mut open, mut ended, mut stuck) = (0, 0, 0);
        // Open statuses in workflow order, then the ended ones.
        let closed = CaseStatus::ALL.iter().copied().filter(|s| !s.is_open());
        let by_status = CaseStatus::open()
            .chain(closed)
            .map(|status| {
                let (n, stuck_n) = statuses.get(&status).copied().unwrap_or((0, 0));
                let days = req.thresholds.days(status);
                if status.is_open() {
                    open += n;
                    stuck += stuck_n;
                } else {
                    ended += n;
                }
                StatusFigures {
                    status,
                    cases: Figure::new(n, Some(drill.cases(&format!("&status={status}")))),
                    stuck: days.map(|d| Figure::new(stuck_n, drill.stuck(status, d))),
                    stuck_after_days: days,
                }
            })
            .collect();
        CaseFigures {
            // Without a status the case list shows the open cases.
            open: Figure::new(open, Some(drill.cases(""))),
            ended: Figure::new(ended, None),
            stuck: Figure::new(stuck, None),
            by_status,
            waiting: waiting(&self.opened.remove(key).unwrap_or_default(), req.as_of),
        }
    }
}
