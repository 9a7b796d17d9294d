//! The rules of a per-country backlog that are not SQL: when an open case counts as stuck at its
//! step, and how long cases have waited (percentiles by nearest rank, from a histogram of
//! opening days, because SQLite has no percentile function).

use super::CaseStatus;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many days an open case may stay at one status before the backlog calls it stuck (its
/// `status_since` older than that on the day the backlog is computed for).
///
/// The defaults follow how long each step usually takes in the field: the organisation's own
/// steps (intake, verification, a handover being arranged) should move within a month; gathering
/// documents from families and embassies takes about two; a file ready for submission waits only
/// for a coordinator's approval, so two weeks is already long; a submitted file sits with the
/// destination's government, which commonly takes half a year to answer; a hold is reviewed
/// every quarter. Ended cases are never stuck.
/// Set per deployment in the configuration (`[case_stuck_days]`, e.g. `submitted = 120`);
/// each 1 to 3650 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct StuckThresholds {
    pub intake: i64,
    pub documentation: i64,
    pub verification: i64,
    pub ready_for_submission: i64,
    pub submitted: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub handover_scheduled: i64,
    pub on_hold: i64,
}

impl Default for StuckThresholds {
    fn default() -> StuckThresholds {
        StuckThresholds {
            intake: 30,
            documentation: 60,
            verification: 30,
            ready_for_submission: 14,
            submitted: 180,
            accepted: 60,
            rejected: 30,
            handover_scheduled: 30,
            on_hold: 90,
        }
    }
}

impl StuckThresholds {
    /// True when every threshold is 1 to 3650 days (checked when the configuration is loaded).
    pub fn is_valid(&self) -> bool {
        CaseStatus::open().filter_map(|s| self.days(s)).all(|d| (1..=3650).contains(&d))
    }

    /// The days after which a case at `status` is stuck; `None` for an ended status.
    pub fn days(&self, status: CaseStatus) -> Option<i64> {
        Some(match status {
            CaseStatus::Intake => self.intake,
            CaseStatus::Documentation => self.documentation,
            CaseStatus::Verification => self.verification,
            CaseStatus::ReadyForSubmission => self.ready_for_submission,
            CaseStatus::Submitted => self.submitted,
            CaseStatus::Accepted => self.accepted,
            CaseStatus::Rejected => self.rejected,
            CaseStatus::HandoverScheduled => self.handover_scheduled,
            CaseStatus::OnHold => self.on_hold,
            CaseStatus::Repatriated | CaseStatus::Withdrawn | CaseStatus::Closed => return None,
        })
    }

    /// For each open status, the day before which a case's `status_since` makes it stuck on
    /// `on` (its status began more than the threshold's days before `on`).
    pub fn cutoffs(&self, on: NaiveDate) -> Vec<(CaseStatus, NaiveDate)> {
        CaseStatus::open().filter_map(|s| self.days(s).map(|d| (s, on - chrono::Duration::days(d)))).collect()
    }
}

/// How long open cases have waited since they were opened, in days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Waiting {
    /// How many open cases the figures are over.
    pub cases: i64,
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    pub longest_days: Option<i64>,
}

/// The waiting figures on `on` of cases opened on each day of `histogram` (day, how many): the
/// median and the 90th percentile by nearest rank (the value at rank ⌈p·n⌉ in the sorted
/// waits: always a wait some case really has), and the longest. A case opened after `on` has
/// waited 0 days.
pub fn waiting(histogram: &[(NaiveDate, i64)], on: NaiveDate) -> Waiting {
    let mut days: Vec<(i64, i64)> =
        histogram.iter().filter(|(_, n)| *n > 0).map(|(d, n)| ((on - *d).num_days().max(0), *n)).collect();
    days.sort_unstable();
    let cases: i64 = days.iter().map(|(_, n)| n).sum();
    if cases == 0 {
        return Waiting::default();
    }
    // The value at 1-based rank `rank` of the expanded, sorted list, walked by buckets.
    let at_rank = |rank: i64| {
        let mut seen = 0;
        days.iter().find(|(_, n)| {
            seen += n;
            seen >= rank
        })
    };
    let nearest_rank = |percent: i64| {
        let rank = (percent * cases + 99) / 100; // ⌈percent·cases/100⌉, at least 1 as cases > 0
        at_rank(rank.max(1)).map(|(d, _)| *d)
    };
    Waiting {
        cases,
        median_days: nearest_rank(50),
        p90_days: nearest_rank(90),
        longest_days: days.last().map(|(d, _)| *d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn percentiles_are_nearest_ranks_over_the_expanded_histogram() {
        let on = day(2026, 11, 26);
        // Waits of 1, 2, ..., 10 days, one case each: median rank 5 (5 days), p90 rank 9.
        let one_each: Vec<_> = (1..=10).map(|k| (on - chrono::Duration::days(k), 1)).collect();
        let w = waiting(&one_each, on);
        assert_eq!((w.cases, w.median_days, w.p90_days, w.longest_days), (10, Some(5), Some(9), Some(10)));
        // Buckets: 3 cases waited 10 days, 1 case 400 days: ranks 2 and 4 of 4.
        let w = waiting(&[(on - chrono::Duration::days(400), 1), (on - chrono::Duration::days(10), 3)], on);
        assert_eq!((w.cases, w.median_days, w.p90_days, w.longest_days), (4, Some(10), Some(400), Some(400)));
        // One case: every figure is its wait.
        let w = waiting(&[(day(2026, 11, 1), 1)], on);
        assert_eq!((w.median_days, w.p90_days, w.longest_days), (Some(25), Some(25), Some(25)));
    }

    #[test]
    fn no_cases_have_no_figures_and_a_case_opened_later_waited_nothing() {
        let on = day(2026, 11, 26);
        assert_eq!(waiting(&[], on), Waiting::default());
        assert_eq!(waiting(&[(day(2027, 1, 1), 2)], on).longest_days, Some(0));
    }

    #[test]
    fn only_open_statuses_have_a_threshold_and_cutoffs_count_back_from_the_day() {
        let t = StuckThresholds::default();
        assert_eq!(t.days(CaseStatus::Submitted), Some(180));
        for s in [CaseStatus::Repatriated, CaseStatus::Withdrawn, CaseStatus::Closed] {
            assert_eq!(t.days(s), None);
        }
        let cutoffs = t.cutoffs(day(2026, 11, 26));
        assert_eq!(cutoffs.len(), CaseStatus::open().count());
        assert!(cutoffs.contains(&(CaseStatus::ReadyForSubmission, day(2026, 11, 12))));
    }
}

#[cfg(test)]
mod threshold_tests {
    use super::StuckThresholds;

    #[test]
    fn thresholds_are_one_to_3650_days() {
        assert!(StuckThresholds::default().is_valid());
        assert!(!StuckThresholds { submitted: 0, ..StuckThresholds::default() }.is_valid());
        assert!(!StuckThresholds { on_hold: 3651, ..StuckThresholds::default() }.is_valid());
    }
}
