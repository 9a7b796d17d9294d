//! Custody events and whereabouts. Where a person is, now or on any past date, is derived from
//! their events: never stored on its own, so it cannot drift from the history.

use crate::domain::partial_date::PartialDate;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What happened to a person's custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustodyKind {
    Admitted,
    Transferred,
    Escaped,
    Recaptured,
    Released,
    Repatriated,
    Died,
}
crate::string_enum!(CustodyKind { Admitted => "admitted", Transferred => "transferred", Escaped => "escaped", Recaptured => "recaptured", Released => "released", Repatriated => "repatriated", Died => "died" });

impl CustodyKind {
    /// Events that place the person in a facility, and so need one.
    pub fn needs_facility(self) -> bool {
        matches!(self, CustodyKind::Admitted | CustodyKind::Transferred | CustodyKind::Recaptured)
    }
}

/// One event as the derivation needs it.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: CustodyKind,
    pub facility_id: Option<String>,
    pub date: PartialDate,
    /// Tie-breaker for events on the same (partial) date: the order they were recorded in.
    pub recorded_order: i64,
}

/// Where a person is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Whereabouts {
    /// `held`, `escaped`, `released`, `repatriated`, `dead` or `unknown`.
    pub status: String,
    /// The facility, when held.
    pub facility_id: Option<String>,
    /// The date of the event that put them there.
    pub since: Option<PartialDate>,
}

/// Whereabouts as of `on`: the last event that may have happened by then decides (an event whose
/// date is partial counts from its earliest possible day).
pub fn whereabouts(events: &[Event], on: NaiveDate) -> Whereabouts {
    let mut sorted: Vec<&Event> = events.iter().filter(|e| e.date.earliest() <= on).collect();
    sorted.sort_by_key(|e| (e.date.earliest(), e.recorded_order));
    match sorted.last() {
        None => Whereabouts { status: "unknown".into(), facility_id: None, since: None },
        Some(e) => {
            let status = match e.kind {
                CustodyKind::Admitted | CustodyKind::Transferred | CustodyKind::Recaptured => "held",
                CustodyKind::Escaped => "escaped",
                CustodyKind::Released => "released",
                CustodyKind::Repatriated => "repatriated",
                CustodyKind::Died => "dead",
            };
            let facility_id = if status == "held" { e.facility_id.clone() } else { None };
            Whereabouts { status: status.into(), facility_id, since: Some(e.date) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: CustodyKind, facility: Option<&str>, y: i32, m: u32, order: i64) -> Event {
        Event {
            kind,
            facility_id: facility.map(str::to_string),
            date: PartialDate::new(y, Some(m), None, 0).expect("date"),
            recorded_order: order,
        }
    }

    fn on(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn whereabouts_follow_admission_transfer_and_escape() {
        let events = vec![
            ev(CustodyKind::Admitted, Some("hol"), 2019, 3, 1),
            ev(CustodyKind::Transferred, Some("roj"), 2021, 6, 2),
            ev(CustodyKind::Escaped, None, 2026, 1, 3),
        ];
        assert_eq!(whereabouts(&events, on(2018, 1, 1)).status, "unknown");
        assert_eq!(whereabouts(&events, on(2020, 1, 1)).facility_id.as_deref(), Some("hol"));
        assert_eq!(whereabouts(&events, on(2022, 1, 1)).facility_id.as_deref(), Some("roj"));
        let now = whereabouts(&events, on(2026, 2, 1));
        assert_eq!((now.status.as_str(), now.facility_id), ("escaped", None));
    }

    #[test]
    fn recording_order_breaks_ties_on_the_same_date() {
        let events =
            vec![ev(CustodyKind::Escaped, None, 2019, 10, 2), ev(CustodyKind::Admitted, Some("ain-issa"), 2019, 10, 1)];
        assert_eq!(whereabouts(&events, on(2019, 11, 1)).status, "escaped");
    }
}
