//! The rows of an import's new members, written with multi-row statements: the same rows, change
//! history, audit events and refresh as the intake's services write for one member
//! (`families::create_in`, `families::insert_member`, `persons::link_in`), built by the same functions, but sent a few
//! thousand at a time instead of one statement each (on PostgreSQL each statement is a round
//! trip: 50,000 members cost some 300,000 of them). The checks the services make per row are
//! made on the file by the analysis that the commit runs again first.

use crate::auth::OrgScope;
use crate::db::models::{ClaimRow, CustodyEventRow, FamilyRow, KinshipRow, PersonNameRow, PersonRow, PersonWishRow};
use crate::db::repo::bulk::{columns, Bulk, Cell};
use crate::db::DbConnection;
use crate::domain::ids::FamilyId;
use crate::domain::person::KinshipKind;
use crate::domain::records::plausibility::Warning;
use crate::error::{AppError, AppResult};
use crate::services::derived::{self, Built};
use crate::services::registry::families::{self, Member};
use crate::services::registry::{claims, custody, persons};
use crate::services::unit::Unit;
use std::collections::HashSet;

/// Buffered rows, flushed parents first.
pub(super) struct Writer {
    families: Bulk,
    persons: Bulk,
    flags: Bulk,
    wishes: Bulk,
    names: Bulk,
    claims: Bulk,
    custody: Bulk,
    kinships: Bulk,
    /// New members whose derived columns and keys are stored after their rows.
    built: Vec<Built>,
    scope: OrgScope,
}

/// Members whose derived columns are stored per statement.
const BUILT_MAX: usize = 500;

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

impl Writer {
    pub(super) fn new(u: &Unit) -> Writer {
        Writer {
            built: Vec::new(),
            scope: u.scope.clone(),
            families: Bulk::new("families", columns::FAMILIES),
            persons: Bulk::new("persons", columns::PERSONS),
            flags: Bulk::new("person_flags", columns::FLAGS),
            wishes: Bulk::new("person_wishes", columns::WISHES),
            names: Bulk::new("person_names", columns::NAMES),
            claims: Bulk::new("nationality_claims", columns::CLAIMS),
            custody: Bulk::new("custody_events", columns::CUSTODY),
            kinships: Bulk::new("kinships", columns::KINSHIPS),
        }
    }

    /// A new family; what `families::create_in` does.
    pub(super) fn family(&mut self, conn: &mut DbConnection, u: &mut Unit, label: String) -> AppResult<FamilyRow> {
        let f = families::new_row(u, label, String::new());
        self.families.push(vec![
            text(f.id.as_str()),
            text(f.organisation_id.as_str()),
            text(&f.label),
            text(&f.notes),
            Cell::Stamp(f.created_at),
            Cell::Stamp(f.updated_at),
            Cell::BigInt(f.version),
        ]);
        families::note_created(conn, u, &f)?;
        self.flush_if_full(conn, u)?;
        Ok(f)
    }

    /// A new member of `family` with its names, claims and custody; what `insert_member` does.
    pub(super) fn member(
        &mut self,
        conn: &mut DbConnection,
        u: &mut Unit,
        family: &FamilyId,
        m: &Member,
        index: usize,
        warnings: &mut Vec<Warning>,
    ) -> AppResult<PersonRow> {
        let row = persons::new_row(u, Some(family), &m.facts);
        self.person(&row);
        for f in &m.facts.flags {
            self.flags.push(vec![text(row.id.as_str()), text(row.organisation_id.as_str()), text(f.as_str())]);
        }
        if let Some(w) = persons::wish_row(u, &row.id, None, &m.facts) {
            self.wish(&w);
        }
        persons::note_created(conn, u, &row)?;
        let mut built = Built { row: row.clone(), names: Vec::new(), statuses: Vec::new(), events: Vec::new() };
        for n in &m.names {
            let name = persons::name_row(u, &row, n);
            self.name(&name);
            persons::note_name_added(conn, u, &row, &name)?;
            built.names.push(name.name);
        }
        let mut countries = HashSet::new();
        for (j, c) in m.claims.iter().enumerate() {
            if !countries.insert(c.country) {
                return Err(AppError::field(
                    &format!("members[{index}].nationalities[{j}].country"),
                    claims::ALREADY_CLAIMED,
                ));
            }
            let claim = claims::new_row(u, &row, c);
            self.claim(&claim);
            claims::note_added(conn, u, &row, &claim)?;
            built.statuses.push(claim.status);
        }
        for (j, c) in m.custody.iter().enumerate() {
            let event = custody::new_row(u, &row, c);
            self.event(&event);
            let field = format!("members[{index}].custody[{j}].date");
            let (_, w) = custody::note_added(conn, u, &row, &event, c, &field)?;
            warnings.extend(w);
            built.events.push(event);
        }
        // As the registry reads them back (whereabouts break ties of a day by this order).
        built.events.sort_by(|a, b| {
            (a.date.earliest, a.created_at, a.id.as_str()).cmp(&(b.date.earliest, b.created_at, b.id.as_str()))
        });
        // Written whole: nothing later in the commit changes its names, claims or custody.
        u.derived_stored(&row.id);
        self.built.push(built);
        self.flush_if_full(conn, u)?;
        Ok(row)
    }

    /// A kinship link between two persons (new or imported before), checked as `link_in` checks
    /// it: never a person to themself, never twice the same way (`seen` holds the links this
    /// commit wrote; a link to a person imported before is looked up).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn link(
        &mut self,
        conn: &mut DbConnection,
        u: &mut Unit,
        person: &PersonRow,
        relative: &PersonRow,
        kind: KinshipKind,
        field: &str,
        known_before: bool,
        seen: &mut HashSet<(String, String, &'static str)>,
    ) -> AppResult<()> {
        if person.id == relative.id {
            return Err(AppError::field(field, persons::OWN_RELATIVE));
        }
        let key = (person.id.to_string(), relative.id.to_string(), kind.as_str());
        let twice = !seen.insert(key)
            || (known_before
                && crate::db::repo::kinships::of(conn, u.scope, std::slice::from_ref(&person.id))?
                    .iter()
                    .any(|k| k.relative_id == relative.id && k.kind == kind));
        if twice {
            return Err(AppError::field(field, persons::ALREADY_LINKED));
        }
        let row = persons::kinship_row(u, person, relative, kind);
        self.kinship(&row);
        persons::note_linked(conn, u, person, relative, &row)?;
        self.flush_if_full(conn, u)
    }

    fn person(&mut self, r: &PersonRow) {
        self.persons.push(vec![
            text(r.id.as_str()),
            text(r.organisation_id.as_str()),
            Cell::OptText(r.family_id.as_ref().map(|f| f.to_string())),
            text(&r.given_name),
            text(&r.family_name),
            text(r.sex.as_str()),
            Cell::OptDate(r.birth.earliest),
            Cell::OptDate(r.birth.latest),
            text(&r.place_of_birth),
            Cell::OptDate(r.left_home.earliest),
            Cell::OptDate(r.left_home.latest),
            Cell::OptInt(r.left_home_age),
            Cell::OptDate(r.date_of_death),
            text(&r.notes),
            Cell::Stamp(r.created_at),
            Cell::Stamp(r.updated_at),
            Cell::BigInt(r.version),
        ]);
    }

    fn wish(&mut self, w: &PersonWishRow) {
        self.wishes.push(vec![
            text(&w.id),
            text(w.person_id.as_str()),
            text(w.organisation_id.as_str()),
            text(w.wish.as_str()),
            Cell::OptDate(w.recorded_on),
            Cell::Stamp(w.recorded_at),
            Cell::OptText(w.actor_id.clone()),
        ]);
    }

    fn name(&mut self, n: &PersonNameRow) {
        self.names.push(vec![
            text(n.id.as_str()),
            text(n.person_id.as_str()),
            text(n.organisation_id.as_str()),
            text(n.kind.as_str()),
            text(n.script.as_str()),
            text(&n.name),
            Cell::Stamp(n.created_at),
        ]);
    }

    fn claim(&mut self, c: &ClaimRow) {
        self.claims.push(vec![
            text(c.id.as_str()),
            text(c.person_id.as_str()),
            text(c.organisation_id.as_str()),
            text(c.country_code.as_str()),
            text(c.status.as_str()),
            text(c.basis.as_str()),
            Cell::OptDate(c.decision.earliest),
            Cell::OptDate(c.decision.latest),
            text(&c.legal_note),
            text(&c.source),
            Cell::Stamp(c.created_at),
            Cell::Stamp(c.updated_at),
            Cell::BigInt(c.version),
        ]);
    }

    fn event(&mut self, e: &CustodyEventRow) {
        self.custody.push(vec![
            text(e.id.as_str()),
            text(e.person_id.as_str()),
            text(e.organisation_id.as_str()),
            text(e.kind.as_str()),
            Cell::OptText(e.facility_id.as_ref().map(|f| f.to_string())),
            Cell::Date(e.date.earliest),
            Cell::Date(e.date.latest),
            text(&e.note),
            Cell::Stamp(e.created_at),
        ]);
    }

    fn kinship(&mut self, k: &KinshipRow) {
        self.kinships.push(vec![
            text(k.id.as_str()),
            text(k.organisation_id.as_str()),
            text(k.person_id.as_str()),
            text(k.relative_id.as_str()),
            text(k.kind.as_str()),
            Cell::Stamp(k.created_at),
        ]);
    }

    fn flush_if_full(&mut self, conn: &mut DbConnection, u: &Unit) -> AppResult<()> {
        let all = [
            &self.families,
            &self.persons,
            &self.flags,
            &self.wishes,
            &self.names,
            &self.claims,
            &self.custody,
            &self.kinships,
        ];
        if all.iter().any(|b| b.is_full()) || self.built.len() >= BUILT_MAX {
            self.flush(conn, u)?;
        }
        Ok(())
    }

    /// Writes what is buffered, persons before the rows that name them (the foreign keys are
    /// checked per statement), and the change history owed so far.
    pub(super) fn flush(&mut self, conn: &mut DbConnection, u: &Unit) -> AppResult<()> {
        for b in [
            &mut self.families,
            &mut self.persons,
            &mut self.flags,
            &mut self.wishes,
            &mut self.names,
            &mut self.claims,
            &mut self.custody,
            &mut self.kinships,
        ] {
            b.flush(conn)?;
        }
        if !self.built.is_empty() {
            derived::store_built(conn, &self.scope, &self.built, u.ctx.today())?;
            self.built.clear();
        }
        u.write_history(conn)
    }
}
