//! Writes generated households with bulk statements: the rows the services would write for an
//! intake (persons with their derived row, flags, wishes, names, claims, custody, kinship, the
//! change history and the audit events, chained), in the caller's transaction.

use super::family::{Family, Household};
use super::Report;
use crate::auth::OrgScope;
use crate::db::repo::bulk::{Bulk, Cell};
use crate::db::repo::facilities;
use crate::db::schema::audit_events as a;
use crate::db::DbConnection;
use crate::domain::audit_chain::{chain_hash, EventContent, GENESIS_HASH};
use crate::domain::custody::{whereabouts, Event};
use crate::domain::ids::FacilityId;
use crate::domain::names::search_key;
use crate::domain::nationality::standing;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::Rng;
use std::collections::HashMap;

/// Facility ids by code.
pub fn facility_ids(conn: &mut DbConnection) -> AppResult<HashMap<&'static str, FacilityId>> {
    let mut out = HashMap::new();
    for code in super::family::CAMPS.iter().chain(super::family::PRISONS.iter()).chain([&super::family::ESCAPE_CAMP]) {
        let f = facilities::find_by_code(conn, code)?.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("facility `{code}` is not seeded: run `homeward seed`"))
        })?;
        out.insert(*code, f.id);
    }
    Ok(out)
}

fn uuid(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.gen::<[u8; 16]>()).into_uuid().to_string()
}

/// The bulk writers of one transaction, and the audit chain's head.
struct Writers {
    families: Bulk,
    persons: Bulk,
    derived: Bulk,
    flags: Bulk,
    wishes: Bulk,
    names: Bulk,
    claims: Bulk,
    custody: Bulk,
    kinships: Bulk,
    history: Bulk,
    audit: Bulk,
    seq: i64,
    head: String,
    at: NaiveDateTime,
    tick: i64,
}

impl Writers {
    fn new(conn: &mut DbConnection, at: NaiveDateTime) -> AppResult<Writers> {
        let last: Option<(i64, String)> =
            a::table.select((a::seq, a::hash)).order(a::seq.desc()).first(conn).optional()?;
        let (seq, head) = last.unwrap_or((0, GENESIS_HASH.to_string()));
        Ok(Writers {
            families: Bulk::new(
                "families",
                &["id", "organisation_id", "label", "notes", "created_at", "updated_at", "version"],
            ),
            persons: Bulk::new(
                "persons",
                &[
                    "id",
                    "organisation_id",
                    "family_id",
                    "given_name",
                    "family_name",
                    "sex",
                    "birth_earliest",
                    "birth_latest",
                    "place_of_birth",
                    "left_home_earliest",
                    "left_home_latest",
                    "left_home_age",
                    "date_of_death",
                    "notes",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
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
                ],
            ),
            flags: Bulk::new("person_flags", &["person_id", "organisation_id", "flag"]),
            wishes: Bulk::new(
                "person_wishes",
                &["id", "person_id", "organisation_id", "wish", "recorded_on", "recorded_at", "actor_id"],
            ),
            names: Bulk::new(
                "person_names",
                &["id", "person_id", "organisation_id", "kind", "script", "name", "created_at"],
            ),
            claims: Bulk::new(
                "nationality_claims",
                &[
                    "id",
                    "person_id",
                    "organisation_id",
                    "country_code",
                    "status",
                    "basis",
                    "decision_earliest",
                    "decision_latest",
                    "legal_note",
                    "source",
                    "created_at",
                    "updated_at",
                    "version",
                ],
            ),
            custody: Bulk::new(
                "custody_events",
                &[
                    "id",
                    "person_id",
                    "organisation_id",
                    "kind",
                    "facility_id",
                    "event_earliest",
                    "event_latest",
                    "note",
                    "created_at",
                ],
            ),
            kinships: Bulk::new(
                "kinships",
                &["id", "organisation_id", "person_id", "relative_id", "kind", "created_at"],
            ),
            history: Bulk::new(
                "record_changes",
                &[
                    "id",
                    "organisation_id",
                    "family_id",
                    "entity_type",
                    "entity_id",
                    "field",
                    "old_value",
                    "new_value",
                    "actor_id",
                    "request_id",
                    "changed_at",
                ],
            ),
            audit: Bulk::new(
                "audit_events",
                &[
                    "seq",
                    "occurred_at",
                    "actor_id",
                    "organisation_id",
                    "action",
                    "entity_type",
                    "entity_id",
                    "request_id",
                    "outcome",
                    "prev_hash",
                    "hash",
                ],
            ),
            seq,
            head,
            at,
            tick: 0,
        })
    }

    /// A creation time a microsecond after the previous one (custody events of one person on
    /// the same partial date are ordered by it).
    fn stamp(&mut self) -> NaiveDateTime {
        self.tick += 1;
        self.at + Duration::microseconds(self.tick)
    }

    fn audit(&mut self, ctx: &AuditCtx, scope: &OrgScope, action: &str, entity: (&str, &str)) -> AppResult<()> {
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
        let row = vec![
            Cell::BigInt(event.seq),
            Cell::Stamp(event.occurred_at),
            Cell::OptText(None),
            Cell::OptText(event.organisation_id),
            Cell::Text(event.action),
            Cell::OptText(event.entity_type),
            Cell::OptText(event.entity_id),
            Cell::Text(event.request_id),
            Cell::Text(event.outcome),
            Cell::Text(prev),
            Cell::Text(hash),
        ];
        self.audit.push(row);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn history(
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

    fn any_full(&self) -> bool {
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

    fn flush(&mut self, conn: &mut DbConnection) -> AppResult<()> {
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

/// Writes a batch of households in the caller's transaction.
pub fn households(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    facilities: &HashMap<&'static str, FacilityId>,
    rng: &mut StdRng,
    batch: &[Household],
    report: &mut Report,
) -> AppResult<()> {
    let mut w = Writers::new(conn, ctx.now())?;
    let today = ctx.today();
    for h in batch {
        let ids = family(&mut w, ctx, scope, facilities, rng, &h.family, today, report)?;
        if let Some(father) = &h.father {
            let fids = family(&mut w, ctx, scope, facilities, rng, father, today, report)?;
            // Across families (and facilities): the father is the mother's spouse and the children's parent.
            link(&mut w, ctx, scope, rng, &fids[0], "spouse_of", &ids[0], report)?;
            for child in &ids[1..] {
                link(&mut w, ctx, scope, rng, &fids[0], "parent_of", child, report)?;
            }
        }
        if w.any_full() {
            w.flush(conn)?;
        }
    }
    // Persons must exist before their kinship rows: families, persons and the rest are written
    // in that order at the end of the batch.
    w.flush(conn)
}

#[allow(clippy::too_many_arguments)]
fn link(
    w: &mut Writers,
    ctx: &AuditCtx,
    scope: &OrgScope,
    rng: &mut StdRng,
    person: &str,
    kind: &str,
    relative: &str,
    report: &mut Report,
) -> AppResult<()> {
    let id = uuid(rng);
    let at = w.stamp();
    w.kinships.push(vec![
        Cell::Text(id.clone()),
        Cell::Text(scope.id().to_string()),
        person.into(),
        relative.into(),
        kind.into(),
        Cell::Stamp(at),
    ]);
    w.audit(ctx, scope, "kinship.create", ("kinship", &id))?;
    report.kinships += 1;
    report.audit_events += 1;
    Ok(())
}

/// Writes one family and its members; returns the members' ids.
#[allow(clippy::too_many_arguments)]
fn family(
    w: &mut Writers,
    ctx: &AuditCtx,
    scope: &OrgScope,
    facilities: &HashMap<&'static str, FacilityId>,
    rng: &mut StdRng,
    f: &Family,
    today: chrono::NaiveDate,
    report: &mut Report,
) -> AppResult<Vec<String>> {
    let org = scope.id().to_string();
    let fid = uuid(rng);
    let at = w.at;
    w.families.push(vec![
        Cell::Text(fid.clone()),
        Cell::Text(org.clone()),
        Cell::Text(f.label.clone()),
        "".into(),
        Cell::Stamp(at),
        Cell::Stamp(at),
        Cell::BigInt(1),
    ]);
    w.history(rng, ctx, scope, &fid, ("family", &fid), "created", f.label.clone())?;
    w.audit(ctx, scope, "family.create", ("family", &fid))?;
    report.families += 1;
    report.history_rows += 1;
    report.audit_events += 1;
    let mut ids = Vec::new();
    for p in &f.members {
        let pid = uuid(rng);
        let name = format!("{} {}", p.given, p.family);
        w.persons.push(vec![
            Cell::Text(pid.clone()),
            Cell::Text(org.clone()),
            Cell::OptText(Some(fid.clone())),
            Cell::Text(p.given.clone()),
            Cell::Text(p.family.clone()),
            p.sex.as_str().into(),
            Cell::OptDate(p.birth.map(|b| b.earliest())),
            Cell::OptDate(p.birth.map(|b| b.latest())),
            "".into(),
            Cell::OptDate(p.left_home.map(|d| d.earliest())),
            Cell::OptDate(p.left_home.map(|d| d.latest())),
            Cell::OptInt(None),
            Cell::OptDate(None),
            "".into(),
            Cell::Stamp(at),
            Cell::Stamp(at),
            Cell::BigInt(1),
        ]);
        w.history(rng, ctx, scope, &fid, ("person", &pid), "created", name.clone())?;
        w.audit(ctx, scope, "person.create", ("person", &pid))?;
        report.persons += 1;
        report.history_rows += 1;
        report.audit_events += 1;
        let mut key = search_key(&name);
        for (kind, script, other) in &p.names {
            let nid = uuid(rng);
            let stamp = w.stamp();
            w.names.push(vec![
                Cell::Text(nid),
                Cell::Text(pid.clone()),
                Cell::Text(org.clone()),
                kind.as_str().into(),
                script.as_str().into(),
                Cell::Text(other.clone()),
                Cell::Stamp(stamp),
            ]);
            w.history(rng, ctx, scope, &fid, ("person", &pid), &format!("name.{kind}"), other.clone())?;
            w.audit(ctx, scope, "person.name.add", ("person", &pid))?;
            key.push_str(" | ");
            key.push_str(&search_key(other));
            report.names += 1;
            report.history_rows += 1;
            report.audit_events += 1;
        }
        let mut statuses = Vec::new();
        for (country, status, basis, decision) in &p.claims {
            let cid = uuid(rng);
            let stamp = w.stamp();
            w.claims.push(vec![
                Cell::Text(cid.clone()),
                Cell::Text(pid.clone()),
                Cell::Text(org.clone()),
                country.as_str().into(),
                status.as_str().into(),
                basis.as_str().into(),
                Cell::OptDate(decision.map(|d| d.earliest())),
                Cell::OptDate(decision.map(|d| d.latest())),
                "".into(),
                "".into(),
                Cell::Stamp(stamp),
                Cell::Stamp(stamp),
                Cell::BigInt(1),
            ]);
            w.history(rng, ctx, scope, &fid, ("person", &pid), &format!("nationality.{country}"), status.to_string())?;
            w.audit(ctx, scope, "nationality.create", ("nationality_claim", &cid))?;
            statuses.push(*status);
            report.claims += 1;
            report.history_rows += 1;
            report.audit_events += 1;
        }
        let mut events = Vec::new();
        for (kind, code, date) in &p.custody {
            let eid = uuid(rng);
            let facility = code.and_then(|c| facilities.get(c)).cloned();
            let stamp = w.stamp();
            w.custody.push(vec![
                Cell::Text(eid.clone()),
                Cell::Text(pid.clone()),
                Cell::Text(org.clone()),
                kind.as_str().into(),
                Cell::OptText(facility.as_ref().map(|f| f.to_string())),
                Cell::Date(date.earliest()),
                Cell::Date(date.latest()),
                "".into(),
                Cell::Stamp(stamp),
            ]);
            w.history(rng, ctx, scope, &fid, ("person", &pid), "custody", format!("{kind} {}", date.display()))?;
            w.audit(ctx, scope, "custody.create", ("custody_event", &eid))?;
            events.push(Event {
                kind: *kind,
                facility_id: facility,
                date: *date,
                recorded_order: stamp.and_utc().timestamp_micros(),
            });
            report.custody_events += 1;
            report.history_rows += 1;
            report.audit_events += 1;
        }
        for flag in &p.flags {
            w.flags.push(vec![Cell::Text(pid.clone()), Cell::Text(org.clone()), flag.as_str().into()]);
        }
        if let Some((wish, on)) = p.wish {
            w.wishes.push(vec![
                Cell::Text(uuid(rng)),
                Cell::Text(pid.clone()),
                Cell::Text(org.clone()),
                wish.as_str().into(),
                Cell::OptDate(on),
                Cell::Stamp(at),
                Cell::OptText(None),
            ]);
        }
        let st = standing(&statuses);
        let now = whereabouts(&events, today);
        w.derived.push(vec![
            Cell::Text(pid.clone()),
            Cell::Text(org.clone()),
            Cell::Text(key),
            Cell::Bool(st.stateless),
            Cell::Bool(st.at_risk_of_statelessness),
            now.status.as_str().into(),
            Cell::OptText(now.facility_id.map(|f| f.to_string())),
        ]);
        ids.push(pid);
    }
    for (person, kind, relative) in &f.links {
        let (p, r) = (ids[*person].clone(), ids[*relative].clone());
        link(w, ctx, scope, rng, &p, kind.as_str(), &r, report)?;
    }
    Ok(ids)
}
