//! The bulk writers of one synth transaction: one multi-row INSERT per table, flushed in
//! foreign-key order, and the audit chain's head carried from batch to batch.

use crate::auth::OrgScope;
use crate::db::repo::bulk::{columns, Bulk, Cell};
use crate::db::DbConnection;
use crate::domain::audit_chain::{chain_hash, EventContent};
use crate::error::AppResult;
use crate::services::audit::AuditCtx;
use chrono::{Duration, NaiveDateTime};
use rand::rngs::StdRng;
use rand::Rng;

pub(super) fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.gen::<[u8; 16]>()).into_uuid().to_string()
}

/// The bulk writers of one transaction, and the audit chain's head.
pub(super) struct Writers {
    pub(super) families: Bulk,
    pub(super) persons: Bulk,
    pub(super) derived: Bulk,
    pub(super) flags: Bulk,
    pub(super) wishes: Bulk,
    pub(super) names: Bulk,
    pub(super) claims: Bulk,
    pub(super) custody: Bulk,
    pub(super) kinships: Bulk,
    pub(super) history: Bulk,
    pub(super) audit: Bulk,
    pub(super) seq: i64,
    pub(super) head: String,
    pub(super) at: NaiveDateTime,
    pub(super) tick: i64,
}

impl Writers {
    pub(super) fn new(conn: &mut DbConnection, at: NaiveDateTime) -> AppResult<Writers> {
        let (seq, head) = crate::db::repo::audit::head(conn)?;
        Ok(Writers {
            families: Bulk::new("families", columns::FAMILIES),
            persons: Bulk::new("persons", columns::PERSONS),
            derived: Bulk::new(
                "person_derived",
                &[
                    "person_id",
                    "organisation_id",
                    "search_key",
                    "stateless",
                    "at_risk",
                    "custody_status",
                    "current_facility_id",
                    "family_id",
                ],
            ),
            flags: Bulk::new("person_flags", columns::FLAGS),
            wishes: Bulk::new("person_wishes", columns::WISHES),
            names: Bulk::new("person_names", columns::NAMES),
            claims: Bulk::new("nationality_claims", columns::CLAIMS),
            custody: Bulk::new("custody_events", columns::CUSTODY),
            kinships: Bulk::new("kinships", columns::KINSHIPS),
            history: Bulk::new("record_changes", columns::HISTORY),
            audit: Bulk::new("audit_events", columns::AUDIT),
            seq,
            head,
            at,
            tick: 0,
        })
    }

    /// A creation time a microsecond after the previous one (custody events of one person on
    /// the same partial date are ordered by it).
    pub(super) fn stamp(&mut self) -> NaiveDateTime {
        self.tick += 1;
        self.at + Duration::microseconds(self.tick)
    }

    pub(super) fn audit(
        &mut self,
        ctx: &AuditCtx,
        scope: &OrgScope,
        action: &str,
        entity: (&str, &str),
    ) -> AppResult<()> {
        self.seq += 1;
        let event = EventContent {
            seq: self.seq,
            occurred_at: self.at,
            actor_id: None,
            organisation_id: Some(scope.id().to_string()),
            action: action.into(),
            entity_type: Some(entity.0.into()),
            entity_id: Some(entity.1.into()),
            request_id: ctx.request_id.clone(),
            outcome: "success".into(),
        };
        let hash = chain_hash(&event, &self.head);
        let prev = std::mem::replace(&mut self.head, hash.clone());
        self.audit.push(crate::db::repo::audit::cells(event, prev, hash));
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn history(
        &mut self,
        rng: &mut StdRng,
        ctx: &AuditCtx,
        scope: &OrgScope,
        family: &str,
        entity: (&str, &str),
        field: &str,
        value: String,
    ) -> AppResult<()> {
        let row = vec![
            Cell::Text(uuid(rng)),
            Cell::Text(scope.id().to_string()),
            Cell::OptText(Some(family.to_string())),
            Cell::Text(entity.0.into()),
            Cell::Text(entity.1.into()),
            Cell::Text(field.into()),
            Cell::OptText(None),
            Cell::OptText(Some(value)),
            Cell::OptText(None),
            Cell::Text(ctx.request_id.clone()),
            Cell::Stamp(self.at),
        ];
        self.history.push(row);
        Ok(())
    }

    pub(super) fn any_full(&self) -> bool {
        [
            &self.families,
            &self.persons,
            &self.derived,
            &self.flags,
            &self.wishes,
            &self.names,
            &self.claims,
            &self.custody,
            &self.kinships,
            &self.history,
            &self.audit,
        ]
        .iter()
        .any(|b| b.is_full())
    }

    pub(super) fn flush(&mut self, conn: &mut DbConnection) -> AppResult<()> {
        // Parents before children: the foreign keys are checked per statement.
        for b in [
            &mut self.families,
            &mut self.persons,
            &mut self.derived,
            &mut self.flags,
            &mut self.wishes,
            &mut self.names,
            &mut self.claims,
            &mut self.custody,
            &mut self.kinships,
            &mut self.history,
            &mut self.audit,
        ] {
            b.flush(conn)?;
        }
        Ok(())
    }
}
