//! One row of an import file read into what an intake sends for one person, with each problem
//! named by its row and column. Countries and facilities are named as written; the service
//! resolves them against the reference data (`services::imports`).

use super::columns::{Column, Headers};
use super::{dates, values, Problem};
use crate::domain::nationality::ClaimStatus;
use crate::domain::partial_date::{PartialDate, RawPartialDate};
use crate::domain::person::{KinshipKind, NameKind};
use crate::domain::records::{NameInput, PersonInput};

/// Most other names, or nationalities, one cell may list.
pub const LIST_MAX: usize = 10;

/// A row, read (the checks that need every row or the database come later).
#[derive(Debug, Clone)]
pub struct Row {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub number: usize,
    pub family_key: String,
    pub family_label: Option<String>,
    pub person_key: Option<String>,
    pub person: PersonInput,
    pub other_names: Vec<NameInput>,
    /// Countries as written, with the status and decision date they share.
    pub nationalities: Vec<String>,
    pub status: ClaimStatus,
    pub decision_date: Option<PartialDate>,
    /// The facility as written, and since when (as written, read).
    pub facility: Option<String>,
    pub held_since: Option<PartialDate>,
    /// The kinship, from this row's side, and the relative as written (a person key or a row
    /// number).
    pub relation: Option<(KinshipKind, bool, String)>,
}

/// The cells of one row, and the problems found reading them.
struct Cells<'a> {
    number: usize,
    headers: &'a Headers,
    cells: &'a [String],
    problems: Vec<Problem>,
}

impl Cells<'_> {
    fn get(&self, c: Column) -> &str {
        self.headers.position(c).and_then(|i| self.cells.get(i)).map(|s| s.trim()).unwrap_or("")
    }

    fn problem(&mut self, c: Column, message: impl Into<String>) {
        self.problems.push(Problem::at(self.number, c.name(), message));
    }

    fn value<T>(&mut self, c: Column, read: impl FnOnce(&str) -> Result<T, String>) -> Option<T> {
        let r = read(self.get(c));
        r.map_err(|e| self.problem(c, e)).ok()
    }

    fn date(&mut self, c: Column) -> Option<PartialDate> {
        if self.get(c).is_empty() {
            return None;
        }
        self.value(c, dates::parse_written)
    }

    fn list(&self, c: Column) -> Vec<String> {
        self.get(c).split(';').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    }
}

/// Reads one row; the problems are returned with it (a row with a problem is not imported).
pub fn read(number: usize, headers: &Headers, cells: &[String]) -> (Option<Row>, Vec<Problem>) {
    let mut r = Cells { number, headers, cells, problems: Vec::new() };
    // A formula is never evaluated nor stored: the sender types the value.
    for (i, v) in cells.iter().enumerate() {
        if v.trim_start().starts_with('=') {
            let name = headers.columns.get(i).copied().flatten().map(|c| c.name().to_string());
            r.problems.push(Problem {
                row: Some(number),
                column: Some(name.unwrap_or_else(|| format!("column {}", i + 1))),
                message: "is a formula: type the value itself".into(),
            });
        }
    }
    if !r.problems.is_empty() {
        return (None, r.problems);
    }
    let family_key = r.get(Column::Family).to_string();
    if family_key.is_empty() {
        r.problem(Column::Family, "is required: rows with the same key are one family");
    }
    let birth = r.date(Column::Birth);
    let decision_date = r.date(Column::DecisionDate);
    let held_since = r.date(Column::HeldSince);
    let death = r.date(Column::DateOfDeath);
    let sex = r.value(Column::Sex, values::sex).flatten();
    let status = r.value(Column::NationalityStatus, values::claim_status);
    let wish = r.value(Column::Wish, values::wish).flatten();
    let unaccompanied_minor = r.value(Column::UnaccompaniedMinor, values::yes_no).unwrap_or(false);
    let orphan = r.value(Column::Orphan, values::yes_no).unwrap_or(false);
    let medical_need = r.value(Column::MedicalNeed, values::yes_no).unwrap_or(false);
    let disability = r.value(Column::Disability, values::yes_no).unwrap_or(false);
    let relation = r.value(Column::Relation, values::relation).flatten();
    let relative = r.get(Column::Relative).to_string();
    let relation = match (relation, relative.is_empty()) {
        (Some((kind, reverse)), false) => Some((kind, reverse, relative)),
        (Some(_), true) => {
            r.problem(Column::Relative, "is required with a relation: the person key or row number of the relative");
            None
        }
        (None, false) if r.get(Column::Relation).is_empty() => {
            r.problem(Column::Relation, "is required with a relative: parent_of, child_of, spouse_of ...");
            None
        }
        (None, _) => None,
    };
    let other_names: Vec<NameInput> = r
        .list(Column::OtherNames)
        .into_iter()
        .map(|name| NameInput { kind: NameKind::Alias, script: None, name })
        .collect();
    let nationalities = r.list(Column::Nationality);
    for (c, n) in [(Column::OtherNames, other_names.len()), (Column::Nationality, nationalities.len())] {
        if n > LIST_MAX {
            r.problem(c, format!("lists {n}: at most {LIST_MAX}, separated by `;`"));
        }
    }
    if decision_date.is_some() && nationalities.is_empty() {
        r.problem(Column::DecisionDate, "is given without a nationality");
    }
    let facility = Some(r.get(Column::Facility).to_string()).filter(|f| !f.is_empty());
    if held_since.is_some() && facility.is_none() {
        r.problem(Column::HeldSince, "is given without a facility");
    }
    let date_of_death = match death.map(|d| (d, d.earliest() == d.latest())) {
        Some((d, true)) => Some(d.earliest()),
        Some(_) => {
            r.problem(Column::DateOfDeath, "needs the day (1990-03-14 or 14/03/1990)");
            None
        }
        None => None,
    };
    if !r.problems.is_empty() {
        return (None, r.problems);
    }
    let person = PersonInput {
        given_name: r.get(Column::GivenName).to_string(),
        family_name: r.get(Column::FamilyName).to_string(),
        sex,
        birth: birth.map(RawPartialDate::from),
        place_of_birth: r.get(Column::PlaceOfBirth).to_string(),
        left_home: None,
        left_home_age: None,
        wish,
        wish_recorded_on: None,
        unaccompanied_minor,
        orphan,
        medical_need,
        disability,
        date_of_death,
        notes: r.get(Column::Notes).to_string(),
    };
    let row = Row {
        number,
        family_key,
        family_label: Some(r.get(Column::FamilyLabel).to_string()).filter(|l| !l.is_empty()),
        person_key: Some(r.get(Column::PersonKey).to_string()).filter(|k| !k.is_empty()),
        person,
        other_names,
        nationalities,
        status: status.unwrap_or(ClaimStatus::Claimed),
        decision_date,
        facility,
        held_since,
        relation,
    };
    (Some(row), r.problems)
}

/// The column of a field that the intake's checks name (`given_name`,
/// `nationalities[0].decision_date`, `custody[0].facility_id` ...).
pub fn column_of_field(field: &str) -> &'static str {
    let head = field.split(['.', '[']).next().unwrap_or("");
    let tail = field.rsplit('.').next().unwrap_or("");
    match (head, tail) {
        ("other_names", _) => Column::OtherNames.name(),
        ("nationalities", "decision_date") => Column::DecisionDate.name(),
        ("nationalities", "status") => Column::NationalityStatus.name(),
        ("nationalities", _) => Column::Nationality.name(),
        ("custody", "date") => Column::HeldSince.name(),
        ("custody", _) => Column::Facility.name(),
        _ => super::columns::ALL.iter().find(|c| c.name() == head).map(|c| c.name()).unwrap_or("row"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Headers {
        Headers::read(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_row_reads_into_an_intake_with_partial_dates_and_lists() {
        let h = headers(&[
            "family",
            "given_name",
            "family_name",
            "other_names",
            "birth",
            "nationality",
            "relation",
            "relative",
        ]);
        let (row, problems) = read(
            2,
            &h,
            &cells(&["F1", "Aisha", "Makhmudova", "عائشة محمود; Айша", "~1990", "RU;TJ", "mother of", "r2"]),
        );
        assert!(problems.is_empty(), "{problems:?}");
        let row = row.expect("read");
        assert_eq!(row.other_names.len(), 2);
        assert_eq!(row.nationalities, vec!["RU".to_string(), "TJ".to_string()]);
        assert_eq!(row.relation, Some((KinshipKind::ParentOf, false, "r2".to_string())));
    }

    #[test]
    fn each_problem_names_its_row_and_column() {
        let h = headers(&["family", "given_name", "family_name", "birth", "sex", "relation"]);
        let (row, problems) = read(7, &h, &cells(&["", "Aisha", "X", "31/02/1990", "tall", "son of"]));
        assert!(row.is_none());
        let at: Vec<(Option<usize>, Option<&str>)> = problems.iter().map(|p| (p.row, p.column.as_deref())).collect();
        for c in ["family", "birth", "sex", "relative"] {
            assert!(at.contains(&(Some(7), Some(c))), "{c}: {problems:?}");
        }
        let (_, formula) = read(8, &h, &cells(&["F", "=HYPERLINK(\"x\")", "X", "", "", ""]));
        assert_eq!(formula.len(), 1);
        assert_eq!(formula[0].column.as_deref(), Some("given_name"));
    }

    #[test]
    fn intake_fields_map_to_columns() {
        assert_eq!(column_of_field("nationalities[1].decision_date"), "decision_date");
        assert_eq!(column_of_field("custody[0].facility_id"), "facility");
        assert_eq!(column_of_field("birth"), "birth");
        assert_eq!(column_of_field("other_names[2].name"), "other_names");
    }
}
