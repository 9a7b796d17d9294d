//! Writes generated households with bulk statements: the rows the services would write for an
//! intake (persons with their derived row, flags, wishes, names, claims, custody, kinship, the
//! change history and the audit events, chained), in the caller's transaction.

use super::family::{Family, Household};
use super::writers::{uuid, Writers};
use super::Report;
use crate::auth::OrgScope;
use crate::db::repo::bulk::Cell;
use crate::db::repo::facilities;
use crate::db::DbConnection;
use crate::domain::custody::{whereabouts, Event};
use crate::domain::ids::FacilityId;
use crate::domain::names::search_key;
use crate::domain::nationality::standing;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use rand::rngs::StdRng;
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
            Cell::OptText(Some(fid.clone())),
        ]);
        ids.push(pid);
    }
    for (person, kind, relative) in &f.links {
        let (p, r) = (ids[*person].clone(), ids[*relative].clone());
        link(w, ctx, scope, rng, &p, kind.as_str(), &r, report)?;
    }
    Ok(ids)
}
