//! The tamper-evident audit chain: each event stores the SHA-256 of its own canonical content
//! together with the previous event's hash, so editing, deleting or reordering a stored event
//! breaks the chain at a sequence number that [`Verifier`] reports.

use chrono::{NaiveDateTime, Timelike};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The content of an audit event that the hash covers. No personal values: ids and codes only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventContent {
    pub seq: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub organisation_id: Option<String>,
    pub action: String,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub request_id: String,
    pub outcome: String,
}

/// Times are stored to the microsecond (PostgreSQL's precision), so the hash covers exactly
/// what the database can give back.
pub fn truncate_to_micros(t: NaiveDateTime) -> NaiveDateTime {
    let nanos = t.nanosecond() / 1_000 * 1_000;
    t.with_nanosecond(nanos).unwrap_or(t)
}

/// The hash of an event chained to `prev_hash`. The canonical form is a JSON array, so field
/// boundaries are unambiguous whatever the values contain.
pub fn chain_hash(event: &EventContent, prev_hash: &str) -> String {
    let canonical = serde_json::json!([
        event.seq,
        event.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        event.actor_id,
        event.organisation_id,
        event.action,
        event.entity_type,
        event.entity_id,
        event.request_id,
        event.outcome,
        prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Where and how the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ChainBreak {
    /// The first sequence number that was altered, deleted or reordered.
    pub seq: i64,
    /// What was found there.
    pub reason: String,
}

/// Checks stored events one by one, in sequence order.
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    expected_prev: String,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier { expected_seq: 1, expected_prev: GENESIS_HASH.to_string() }
    }
}

impl Verifier {
    /// Feeds the next stored event (content, stored prev_hash, stored hash).
    pub fn check(&mut self, event: &EventContent, prev_hash: &str, hash: &str) -> Result<(), ChainBreak> {
        if event.seq != self.expected_seq {
            return Err(ChainBreak {
                seq: self.expected_seq,
                reason: format!("event {} is missing (next stored event is {})", self.expected_seq, event.seq),
            });
        }
        if prev_hash != self.expected_prev {
            return Err(ChainBreak {
                seq: event.seq,
                reason: "does not follow the previous event (deleted or reordered)".into(),
            });
        }
        if chain_hash(event, prev_hash) != hash {
            return Err(ChainBreak { seq: event.seq, reason: "content was altered".into() });
        }
        self.expected_seq += 1;
        self.expected_prev = hash.to_string();
        Ok(())
    }

    /// How many events have been checked so far.
    pub fn checked(&self) -> i64 {
        self.expected_seq - 1
    }

    /// The hash of the last checked event (the head of the chain).
    pub fn head(&self) -> &str {
        &self.expected_prev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, action: &str) -> EventContent {
        EventContent {
            seq,
            occurred_at: chrono::DateTime::from_timestamp(1_700_000_000 + seq, 123_456_789)
                .map(|d| d.naive_utc())
                .map(truncate_to_micros)
                .unwrap_or_default(),
            actor_id: Some("u1".into()),
            organisation_id: Some("o1".into()),
            action: action.into(),
            entity_type: None,
            entity_id: None,
            request_id: format!("r{seq}"),
            outcome: "success".into(),
        }
    }

    fn chain(n: i64) -> Vec<(EventContent, String, String)> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let e = event(seq, "user.create");
                let h = chain_hash(&e, &prev);
                let row = (e, prev.clone(), h.clone());
                prev = h;
                row
            })
            .collect()
    }

    fn verify(rows: &[(EventContent, String, String)]) -> Result<i64, ChainBreak> {
        let mut v = Verifier::default();
        for (e, p, h) in rows {
            v.check(e, p, h)?;
        }
        Ok(v.checked())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
    }

    #[test]
    fn an_altered_event_is_found_at_its_sequence_number() {
        let mut rows = chain(5);
        rows[2].0.outcome = "failure".into();
        assert_eq!(verify(&rows).unwrap_err().seq, 3);
    }

    #[test]
    fn a_deleted_event_is_found_at_its_sequence_number() {
        let mut rows = chain(5);
        rows.remove(1);
        assert_eq!(verify(&rows).unwrap_err().seq, 2);
    }

    #[test]
    fn reordered_events_are_found() {
        let mut rows = chain(5);
        // Swap the contents of events 3 and 4 but keep the sequence numbers in order.
        let (a, b) = (rows[2].clone(), rows[3].clone());
        rows[2] = (EventContent { seq: 3, ..b.0 }, b.1, b.2);
        rows[3] = (EventContent { seq: 4, ..a.0 }, a.1, a.2);
        assert_eq!(verify(&rows).unwrap_err().seq, 3);
    }
}
