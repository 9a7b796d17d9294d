//! Custody events and whereabouts. Where a person is, now or on any past date, is derived from
//! their events: never stored on its own, so it cannot drift from the history.

use crate::domain::ids::FacilityId;
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

/// Where a person stands: held in a facility, or out of custody one way or another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustodyStatus {
    Held,
    Escaped,
    Released,
    Repatriated,
    Dead,
    /// No custody event recorded (by that date).
    Unknown,
}
crate::string_enum!(CustodyStatus { Held => "held", Escaped => "escaped", Released => "released", Repatriated => "repatriated", Dead => "dead", Unknown => "unknown" });

impl CustodyKind {
    /// The status an event of this kind leaves the person in.
    pub fn status_after(self) -> CustodyStatus {
        match self {
            CustodyKind::Admitted | CustodyKind::Transferred | CustodyKind::Recaptured => CustodyStatus::Held,
            CustodyKind::Escaped => CustodyStatus::Escaped,
            CustodyKind::Released => CustodyStatus::Released,
            CustodyKind::Repatriated => CustodyStatus::Repatriated,
            CustodyKind::Died => CustodyStatus::Dead,
        }
    }
}

/// One event as the derivation needs it.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: CustodyKind,
    pub facility_id: Option<FacilityId>,
    pub date: PartialDate,
    /// Tie-breaker for events on the same (partial) date: the order they were recorded in.
    pub recorded_order: i64,
}

/// Where a person is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Whereabouts {
    pub status: CustodyStatus,
    /// The facility, when held.
    pub facility_id: Option<FacilityId>,
    /// The date of the event that put them there.
    pub since: Option<PartialDate>,
}

/// Whereabouts as of `on`: the last event that may have happened by then decides (an event whose
/// date is partial counts from its earliest possible day).
pub fn whereabouts(events: &[Event], on: NaiveDate) -> Whereabouts {
    let mut sorted: Vec<&Event> = events.iter().filter(|e| e.date.earliest() <= on).collect();
    sorted.sort_by_key(|e| (e.date.earliest(), e.recorded_order));
    match sorted.last() {
        None => Whereabouts { status: CustodyStatus::Unknown, facility_id: None, since: None },
        Some(e) => {
            let status = e.kind.status_after();
            let facility_id = if status == CustodyStatus::Held { e.facility_id.clone() } else { None };
            Whereabouts { status, facility_id, since: Some(e.date) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fid(n: u8) -> FacilityId {
        FacilityId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02}")).expect("id")
    }

    fn ev(kind: CustodyKind, facility: Option<FacilityId>, y: i32, m: u32, order: i64) -> Event {
        Event {
            kind,
            facility_id: facility,
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
            ev(CustodyKind::Admitted, Some(fid(1)), 2019, 3, 1),
            ev(CustodyKind::Transferred, Some(fid(2)), 2021, 6, 2),
            ev(CustodyKind::Escaped, None, 2026, 1, 3),
        ];
        assert_eq!(whereabouts(&events, on(2018, 1, 1)).status, CustodyStatus::Unknown);
        assert_eq!(whereabouts(&events, on(2020, 1, 1)).facility_id, Some(fid(1)));
        assert_eq!(whereabouts(&events, on(2022, 1, 1)).facility_id, Some(fid(2)));
        let now = whereabouts(&events, on(2026, 2, 1));
        assert_eq!((now.status, now.facility_id), (CustodyStatus::Escaped, None));
    }

    #[test]
    fn recording_order_breaks_ties_on_the_same_date() {
        let events =
            vec![ev(CustodyKind::Escaped, None, 2019, 10, 2), ev(CustodyKind::Admitted, Some(fid(3)), 2019, 10, 1)];
        assert_eq!(whereabouts(&events, on(2019, 11, 1)).status, CustodyStatus::Escaped);
    }
}
