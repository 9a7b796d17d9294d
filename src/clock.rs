//! The one source of "now". Every service takes the time from a [`Clock`] handed to it (inside
//! the audit context, the current user, or as an argument), never from the system directly, so
//! that tests can pin the date: a test that computed dates from the real calendar would fail on
//! some day of the year (children turn 18, periods end, leap days come and go).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A clock: the system's, or one pinned to start at a given moment and run forward from it.
/// Cheap to clone; clones share the same time (and the same `advance`).
#[derive(Clone)]
pub struct Clock(Arc<Inner>);

struct Inner {
    /// `None`: the system clock. `Some`: the moment the clock was pinned to, and when.
    pinned: Option<(NaiveDateTime, Instant)>,
    /// Microseconds added by [`Clock::advance`] (tests that need time to pass).
    offset_micros: AtomicI64,
}

impl Clock {
    /// The system clock, in UTC.
    pub fn system() -> Clock {
        Clock(Arc::new(Inner { pinned: None, offset_micros: AtomicI64::new(0) }))
    }

    /// A clock that reads `start` now and runs forward at the real pace from there. Running (not
    /// frozen) keeps records made one after the other in their order.
    pub fn starting_at(start: NaiveDateTime) -> Clock {
        Clock(Arc::new(Inner { pinned: Some((start, Instant::now())), offset_micros: AtomicI64::new(0) }))
    }

    /// The system clock, or a pinned one when `start` is given (from the settings).
    pub fn from_start(start: Option<NaiveDateTime>) -> Clock {
        start.map_or_else(Clock::system, Clock::starting_at)
    }

    /// True when the clock was pinned (tests and demonstrations).
    pub fn is_pinned(&self) -> bool {
        self.0.pinned.is_some()
    }

    /// The current UTC time, truncated to microseconds (what both databases store).
    pub fn now(&self) -> NaiveDateTime {
        let base = match self.0.pinned {
            // The system clock is read here and nowhere else.
            None => chrono::Utc::now().naive_utc(),
            Some((start, since)) => start + Duration::from_std(since.elapsed()).unwrap_or_else(|_| Duration::zero()),
        };
        let at = base + Duration::microseconds(self.0.offset_micros.load(Ordering::Relaxed));
        crate::domain::audit_chain::truncate_to_micros(at)
    }

    /// Today's date in UTC: the reference for ages, "not in the future" and policy periods.
    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }

    /// Moves the clock forward (or back, with a negative duration) for every clone.
    pub fn advance(&self, by: Duration) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.0.offset_micros.fetch_add(micros, Ordering::Relaxed);
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.pinned {
            None => write!(f, "Clock(system)"),
            Some((start, _)) => write!(f, "Clock(pinned from {start})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_starts_at_its_moment_and_runs_forward() {
        let start = NaiveDate::from_ymd_opt(2028, 2, 29).and_then(|d| d.and_hms_opt(12, 0, 0)).expect("date");
        let clock = Clock::starting_at(start);
        let a = clock.now();
        assert!(a >= start && a < start + Duration::seconds(5));
        assert_eq!(clock.today(), start.date());
        let b = clock.now();
        assert!(b >= a);
    }

    #[test]
    fn advancing_moves_every_clone() {
        let start = NaiveDate::from_ymd_opt(2026, 12, 31).and_then(|d| d.and_hms_opt(12, 0, 0)).expect("date");
        let clock = Clock::starting_at(start);
        let other = clock.clone();
        clock.advance(Duration::days(1));
        assert_eq!(other.today(), NaiveDate::from_ymd_opt(2027, 1, 1).expect("date"));
    }
}
