//! The commit of a previewed import: the kept file is analysed again against the registry as
//! it is now (a problem found then refuses the commit, 422, by row and column), and every new
//! row is written in one unit of work: new families, their members with names, claims and
//! custody, kinship between rows (and to rows imported before), the row keys, and the audit
//! events; all of it or nothing.

use super::analyse::{analyse, Analysis, Reading};
use super::check;
use super::read::{encoding_named, Format};
use super::write::Writer;
use crate::auth::OrgScope;
use crate::db::models::PersonRow;
use crate::db::repo::imports as repo;
use crate::db::repo::{families, persons as person_repo};
use crate::db::DbConnection;
use crate::domain::ids::{FamilyId, PersonId};
use crate::domain::import::rows::Row;
use crate::domain::import::Problem;
use crate::domain::problems::Problems;
use crate::domain::text::check_name;
use crate::error::{AppError, AppResult};
use crate::services::audit::AuditCtx;
use crate::services::unit;
use base64::Engine;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// What a commit wrote.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Committed {
    pub id: String,
    pub families: usize,
    pub persons: usize,
    /// Rows imported before, which created nothing.
    pub rows_known: usize,
    pub kinship_links: usize,
    /// Persons re-evaluated against the published policies at the end.
    pub evaluated: usize,
}

/// Commits a previewed import; `progress` hears (rows written, new rows).
pub fn commit(
    conn: &mut DbConnection,
    ctx: &AuditCtx,
    scope: &OrgScope,
    id: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> AppResult<Committed> {
    let stored = repo::find(conn, scope, id)?.ok_or(AppError::NotFound)?;
    if stored.status == "committed" {
        return Err(AppError::Conflict { message: "this import is committed already".into(), current_version: None });
    }
    let Some(content) = stored.content.as_deref() else {
        return Err(AppError::Conflict {
            message: format!("this preview is older than {} hours: upload the file again", super::PREVIEW_HOURS),
            current_version: None,
        });
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(content)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored import file: {e}")))?;
    let format = if stored.format == "xlsx" { Format::Xlsx } else { Format::Csv };
    let preview: super::Preview = serde_json::from_str(&stored.preview).map_err(|e| AppError::Internal(e.into()))?;
    // The rows are checked again as they are written, one at a time, rather than kept checked.
    let how = Reading { format, encoding: encoding_named(&preview.encoding), duplicates: false };
    let started = std::time::Instant::now();
    let mut a = analyse(conn, scope, ctx.today(), &bytes, how, &mut |_, _| {})?;
    drop(bytes);
    let analyse_secs = started.elapsed().as_secs_f64();
    let mut p = problems_of(&a.problems);
    let mut labels = Vec::new();
    for f in &a.families {
        let first = a.rows[f.rows[0]].number;
        labels.push(p.take(format!("rows[{first}].family_label"), check_name(&f.label)));
    }
    if !p.is_empty() {
        return Err(p.into());
    }
    let (families_new, persons_new) = (a.families_new(), a.persons_new());
    let refs = std::mem::take(&mut a.refs);
    let numbers: Vec<usize> = a.rows.iter().map(|r| r.number).collect();
    // Each row is dropped once written (`take`), and each written person kept only until the
    // last link that names it is written (`Links`): what the commit holds stays small per row.
    let mut rows: Vec<Option<Row>> = std::mem::take(&mut a.rows).into_iter().map(Some).collect();
    let plan = Links::plan(&a);
    // What stays of the preview once committed: the counts, not the rows' names.
    let kept = serde_json::to_string(&super::Preview {
        status: "committed".into(),
        problems: Vec::new(),
        warnings: Vec::new(),
        duplicates: Vec::new(),
        problems_total: 0,
        warnings_total: 0,
        duplicates_total: 0,
        committable: false,
        refused: Vec::new(),
        job: None,
        families_new,
        persons_new,
        ..preview
    })
    .map_err(|e| AppError::Internal(e.into()))?;
    let ((links, families_written), flushed) = unit::run_counted(conn, ctx, scope, |conn, u| {
        if !repo::mark_committed(conn, scope, id, (families_new as i64, persons_new as i64), &kept, ctx.now())? {
            return Err(AppError::Conflict {
                message: "this import was committed meanwhile".into(),
                current_version: None,
            });
        }
        let mut writer = Writer::new(u);
        let mut written: HashMap<usize, PersonRow> = HashMap::new();
        let mut ids: Vec<(usize, PersonId)> = Vec::with_capacity(persons_new);
        let mut warnings = Vec::new();
        let (mut families_written, mut links) = (0, 0);
        let mut seen = HashSet::new();
        for (at, (f, label)) in a.families.iter().zip(&labels).enumerate() {
            let new: Vec<usize> = f.rows.iter().copied().filter(|i| !a.known.contains_key(i)).collect();
            if !new.is_empty() {
                // Rows joining a family imported before go to it.
                let earlier: Option<FamilyId> =
                    f.rows.iter().find_map(|i| a.known.get(i).and_then(|k| k.family_id.clone()));
                let family = match earlier.and_then(|id| families::find(conn, scope, &id).ok().flatten()) {
                    Some(family) => family,
                    None => {
                        families_written += 1;
                        writer.family(conn, u, label.clone().unwrap_or_default())?
                    }
                };
                for i in new {
                    let Some(row) = rows[i].take() else { continue };
                    // Checked by the analysis above, with the same references and day: a problem
                    // now would be a fault, and refuses the whole commit rather than skip the row.
                    let (mut problems, mut noted) = (Vec::new(), Vec::new());
                    let member = check::member(&refs, &row, ctx.today(), &mut problems, &mut noted);
                    let Some(member) = member.filter(|_| problems.is_empty()) else {
                        return Err(refused(&problems));
                    };
                    let person = writer.member(conn, u, &family.id, &member, i, &mut warnings)?;
                    ids.push((i, person.id.clone()));
                    if plan.needed(i) {
                        written.insert(i, person);
                    }
                    if ids.len().is_multiple_of(1000) {
                        progress(ids.len(), persons_new);
                    }
                }
            }
            // The links whose new rows are all written now.
            for &l in plan.due(at) {
                let l = a.links[l];
                let mut person = |i: usize| -> AppResult<PersonRow> {
                    if let Some(r) = written.get(&i) {
                        return Ok(r.clone());
                    }
                    let id: PersonId = a.known.get(&i).map(|k| k.person_id.clone()).ok_or(AppError::NotFound)?;
                    person_repo::find(conn, scope, &id)?.ok_or(AppError::NotFound)
                };
                let (pa, pb) = (person(l.a)?, person(l.b)?);
                let field = format!("rows[{}].relative", numbers[l.from]);
                writer.link(conn, u, &pa, &pb, l.kind, &field, a.known.contains_key(&l.a), &mut seen)?;
                links += 1;
            }
            written.retain(|i, _| plan.needed_after(*i, at));
        }
        writer.flush(conn, u)?;
        let (rss_mb, peak_mb) = crate::telemetry::memory_mb();
        tracing::info!(
            rows = ids.len(),
            secs = started.elapsed().as_secs_f64(),
            rss_mb,
            peak_mb,
            "import rows written"
        );
        let keys: Vec<(String, PersonId)> =
            ids.into_iter().map(|(i, id)| (std::mem::take(&mut a.keys[i]), id)).collect();
        repo::insert_rows(conn, scope, id, &keys)?;
        u.audit("import.commit", "import", id);
        progress(keys.len(), persons_new);
        Ok((links, families_written))
    })?;
    let (rss_mb, peak_mb) = crate::telemetry::memory_mb();
    tracing::info!(
        persons = persons_new,
        analyse_secs,
        secs = started.elapsed().as_secs_f64(),
        rss_mb,
        peak_mb,
        "import committed"
    );
    Ok(Committed {
        id: id.to_string(),
        families: families_written,
        persons: persons_new,
        rows_known: a.known.len(),
        kinship_links: links,
        evaluated: flushed.evaluated,
    })
}

/// The file's problems, each under its row and column, as a refusal's fields.
fn problems_of(found: &[Problem]) -> Problems {
    let mut p = Problems::new();
    for x in found {
        let at = match (x.row, &x.column) {
            (Some(r), Some(c)) => format!("rows[{r}].{c}"),
            (Some(r), None) => format!("rows[{r}]"),
            _ => "file".to_string(),
        };
        p.add(at, x.message.clone());
    }
    p
}

/// A refusal (422) with these problems; a row that checks badly without one is a fault.
fn refused(found: &[Problem]) -> AppError {
    if found.is_empty() {
        return AppError::Internal(anyhow::anyhow!("an import row checked at the commit gave no member"));
    }
    problems_of(found).into()
}

/// When each kinship link of the file is written: after the last family that holds one of its
/// new rows (a link to a row imported before, after its other row's family); and so how long
/// each written person is kept for the links that name it.
struct Links {
    /// Link indexes by the position of the family after which they are written.
    due: Vec<Vec<usize>>,
    /// For each row, the position of the last family after which a link still names it.
    until: Vec<Option<usize>>,
}

impl Links {
    fn plan(a: &Analysis) -> Links {
        let mut family_of = vec![0; a.keys.len()];
        for (at, f) in a.families.iter().enumerate() {
            for &i in &f.rows {
                family_of[i] = at;
            }
        }
        let mut due = vec![Vec::new(); a.families.len()];
        let mut until: Vec<Option<usize>> = vec![None; a.keys.len()];
        for (l, link) in a.links.iter().enumerate() {
            // Both rows imported before: the link was written with them.
            if a.known.contains_key(&link.a) && a.known.contains_key(&link.b) {
                continue;
            }
            let at = family_of[link.a].max(family_of[link.b]);
            due[at].push(l);
            for i in [link.a, link.b] {
                until[i] = Some(until[i].map_or(at, |u| u.max(at)));
            }
        }
        Links { due, until }
    }

    /// The links written after the family at this position.
    fn due(&self, at: usize) -> &[usize] {
        &self.due[at]
    }

    /// Whether a link names row `i`.
    fn needed(&self, i: usize) -> bool {
        self.until[i].is_some()
    }

    /// Whether a link written after the family at `at` still names row `i`.
    fn needed_after(&self, i: usize, at: usize) -> bool {
        self.until[i].is_some_and(|u| u > at)
    }
}
