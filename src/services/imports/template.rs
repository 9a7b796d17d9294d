//! The import template: the columns in order, two fictional example rows (a mother and her
//! son), and, in the XLSX workbook, a second sheet with what each column allows.

use crate::domain::import::columns::{Column, ALL};
use crate::error::{AppError, AppResult};

/// The example rows, cell by column (fictional people).
fn example(c: Column) -> [&'static str; 2] {
    match c {
        Column::Family => ["F1", "F1"],
        Column::FamilyLabel => ["Family of Amina Example (fictional)", ""],
        Column::PersonKey => ["F1-1", "F1-2"],
        Column::GivenName => ["Amina", "Yusuf"],
        Column::FamilyName => ["Example", "Example"],
        Column::OtherNames => ["أمينة; Амина", ""],
        Column::Sex => ["female", "male"],
        Column::Birth => ["~1990", "03/2016"],
        Column::PlaceOfBirth => ["Lyon", ""],
        Column::Nationality => ["FR", "FR"],
        Column::NationalityStatus => ["claimed", "claimed"],
        Column::DecisionDate => ["", ""],
        Column::Facility => ["Roj", "Roj"],
        Column::HeldSince => ["2019-03", "2019-03"],
        Column::Relation => ["", "child_of"],
        Column::Relative => ["", "F1-1"],
        Column::Wish => ["go_home", ""],
        Column::UnaccompaniedMinor => ["no", "no"],
        Column::Orphan => ["no", "no"],
        Column::MedicalNeed => ["no", "yes"],
        Column::Disability => ["no", "no"],
        Column::DateOfDeath => ["", ""],
        Column::Notes => ["", ""],
    }
}

/// What a column allows, in words.
pub fn allowed(c: Column) -> &'static str {
    match c {
        Column::Family => "required: any text; rows with the same key are one family",
        Column::FamilyLabel => "the family's label (the first row's); made from the first member's name if empty",
        Column::PersonKey => "a key unique in the file: importing a row with a key imported before creates nothing",
        Column::GivenName | Column::FamilyName => "required: in any script",
        Column::OtherNames => "other names and spellings, in any script, separated by ;",
        Column::Sex => "female, male or unknown (also F/M, أنثى/ذكر, ж/м, femme/homme)",
        Column::Birth | Column::DecisionDate | Column::HeldSince => {
            "1990, 03/1990, 1990-03, 1990-03-14, 14/03/1990, or an estimate: ~1990, about 1990, حوالي 1990, около 1990"
        }
        Column::DateOfDeath => "a day: 1990-03-14 or 14/03/1990",
        Column::PlaceOfBirth | Column::Notes => "any text",
        Column::Nationality => {
            "two-letter country codes (RU, GB, FR), three-letter codes or English names, separated by ;"
        }
        Column::NationalityStatus => "claimed (the default), unverified, verified, denied or revoked",
        Column::Facility => "the name or code of a facility (al-Hol, Roj, ...)",
        Column::Relation => {
            "parent_of, child_of, spouse_of, sibling_of, guardian_of or ward_of (also mother of, son of ...)"
        }
        Column::Relative => "the person key (or row number) of the relative, in the same file",
        Column::Wish => "go_home, stay_in_region, stay_in_syria, undecided or not_asked",
        Column::UnaccompaniedMinor | Column::Orphan | Column::MedicalNeed | Column::Disability => {
            "yes or no (empty is no)"
        }
    }
}

/// The template as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read Arabic and
/// Cyrillic right).
pub fn csv() -> AppResult<Vec<u8>> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(ALL.iter().map(|c| c.name())).map_err(|e| AppError::Internal(e.into()))?;
        for i in 0..2 {
            w.write_record(ALL.iter().map(|c| example(*c)[i])).map_err(|e| AppError::Internal(e.into()))?;
        }
        w.flush().map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(out)
}

/// The template as an XLSX workbook: the rows, and a sheet of allowed values.
pub fn xlsx() -> AppResult<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("template workbook: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("families").map_err(fail)?;
    for (j, c) in ALL.iter().enumerate() {
        let col = j as u16;
        sheet.write_string_with_format(0, col, c.name(), &bold).map_err(fail)?;
        for i in 0..2 {
            sheet.write_string(1 + i as u32, col, example(*c)[i]).map_err(fail)?;
        }
    }
    let help = book.add_worksheet().set_name("allowed values").map_err(fail)?;
    help.write_string_with_format(0, 0, "column", &bold).map_err(fail)?;
    help.write_string_with_format(0, 1, "allowed values", &bold).map_err(fail)?;
    for (i, c) in ALL.iter().enumerate() {
        help.write_string(1 + i as u32, 0, c.name()).map_err(fail)?;
        help.write_string(1 + i as u32, 1, allowed(*c)).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}
