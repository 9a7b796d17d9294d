//! The columns of an import file: one per registry field, each recognised by its English name
//! and by the headers people write in English, Arabic, Russian and French (case, accents,
//! spaces, dashes and underscores aside). A header no column knows is reported, never
//! silently dropped.

use crate::domain::names::search_key;

/// A column of the import format (its canonical header is [`Column::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// Rows with the same key are one family. Required.
    Family,
    /// The family's label (the first row's wins); made from the first member's name if absent.
    FamilyLabel,
    /// A stable key of the person in the source list: re-importing a row with a key already
    /// imported creates nothing; kinship refers to it.
    PersonKey,
    GivenName,
    FamilyName,
    /// Other names, separated by `;` (aliases, spellings, the name in another script).
    OtherNames,
    Sex,
    Birth,
    PlaceOfBirth,
    /// Country codes separated by `;` (ISO alpha-2 or alpha-3, or the English name).
    Nationality,
    NationalityStatus,
    /// When a denied or revoked nationality was decided.
    DecisionDate,
    /// The facility (camp or prison) by name or code.
    Facility,
    /// Since when the person is held there.
    HeldSince,
    /// `parent_of`, `spouse_of`, `sibling_of`, `guardian_of`, `child_of`.
    Relation,
    /// The person key (or row number) of the row the relation points to.
    Relative,
    Wish,
    UnaccompaniedMinor,
    Orphan,
    MedicalNeed,
    Disability,
    DateOfDeath,
    Notes,
}

/// Every column, in the template's order.
pub const ALL: &[Column] = &[
    Column::Family,
    Column::FamilyLabel,
    Column::PersonKey,
    Column::GivenName,
    Column::FamilyName,
    Column::OtherNames,
    Column::Sex,
    Column::Birth,
    Column::PlaceOfBirth,
    Column::Nationality,
    Column::NationalityStatus,
    Column::DecisionDate,
    Column::Facility,
    Column::HeldSince,
    Column::Relation,
    Column::Relative,
    Column::Wish,
    Column::UnaccompaniedMinor,
    Column::Orphan,
    Column::MedicalNeed,
    Column::Disability,
    Column::DateOfDeath,
    Column::Notes,
];

/// The columns a file must have.
pub const REQUIRED: &[Column] = &[Column::Family, Column::GivenName, Column::FamilyName];

impl Column {
    /// The canonical (English) header.
    pub fn name(self) -> &'static str {
        match self {
            Column::Family => "family",
            Column::FamilyLabel => "family_label",
            Column::PersonKey => "person_key",
            Column::GivenName => "given_name",
            Column::FamilyName => "family_name",
            Column::OtherNames => "other_names",
            Column::Sex => "sex",
            Column::Birth => "birth",
            Column::PlaceOfBirth => "place_of_birth",
            Column::Nationality => "nationality",
            Column::NationalityStatus => "nationality_status",
            Column::DecisionDate => "decision_date",
            Column::Facility => "facility",
            Column::HeldSince => "held_since",
            Column::Relation => "relation",
            Column::Relative => "relative",
            Column::Wish => "wish",
            Column::UnaccompaniedMinor => "unaccompanied_minor",
            Column::Orphan => "orphan",
            Column::MedicalNeed => "medical_need",
            Column::Disability => "disability",
            Column::DateOfDeath => "date_of_death",
            Column::Notes => "notes",
        }
    }

    /// The headers people write for it, besides its name: English, Arabic, Russian, French.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Column::Family => {
                &["family key", "family id", "household", "عائلة", "الأسرة", "رقم العائلة", "семья", "famille"]
            }
            Column::FamilyLabel => {
                &["family name label", "label", "اسم العائلة المختصر", "название семьи", "libellé famille"]
            }
            Column::PersonKey => &["person id", "key", "id", "رقم الشخص", "номер", "идентификатор", "identifiant"],
            Column::GivenName => &["first name", "given", "forename", "الاسم", "الاسم الأول", "имя", "prénom", "prenom"],
            Column::FamilyName => {
                &["surname", "last name", "اسم العائلة", "الكنية", "اللقب", "фамилия", "nom", "nom de famille"]
            }
            Column::OtherNames => {
                &["aliases", "alias", "other name", "أسماء أخرى", "другие имена", "псевдоним", "autres noms"]
            }
            Column::Sex => &["gender", "الجنس", "пол", "sexe", "genre"],
            Column::Birth => &[
                "date of birth",
                "birth date",
                "dob",
                "born",
                "تاريخ الميلاد",
                "المواليد",
                "дата рождения",
                "год рождения",
                "date de naissance",
                "naissance",
            ],
            Column::PlaceOfBirth => {
                &["birthplace", "مكان الولادة", "مكان الميلاد", "место рождения", "lieu de naissance"]
            }
            Column::Nationality => {
                &["citizenship", "country", "الجنسية", "гражданство", "национальность", "nationalité"]
            }
            Column::NationalityStatus => {
                &["citizenship status", "وضع الجنسية", "статус гражданства", "statut de nationalité"]
            }
            Column::DecisionDate => &["date of decision", "تاريخ القرار", "дата решения", "date de décision"],
            Column::Facility => &["camp", "prison", "place", "المخيم", "السجن", "лагерь", "тюрьма", "место содержания"],
            Column::HeldSince => {
                &["since", "admitted", "date admitted", "منذ", "تاريخ الدخول", "с какого", "дата поступления", "depuis"]
            }
            Column::Relation => {
                &["relationship", "kinship", "القرابة", "صلة القرابة", "родство", "lien", "lien de parenté"]
            }
            Column::Relative => &["related to", "relative key", "القريب", "родственник", "parent de"],
            Column::Wish => &["wishes", "الرغبة", "желание", "souhait"],
            Column::UnaccompaniedMinor => {
                &["unaccompanied", "قاصر غير مصحوب", "несопровождаемый", "mineur non accompagné"]
            }
            Column::Orphan => &["يتيم", "сирота", "orphelin"],
            Column::MedicalNeed => &["medical", "حاجة طبية", "медицинская помощь", "besoin médical"],
            Column::Disability => &["handicap", "إعاقة", "инвалидность"],
            Column::DateOfDeath => &["died", "death", "تاريخ الوفاة", "дата смерти", "date de décès"],
            Column::Notes => &["note", "comments", "ملاحظات", "примечания", "remarques"],
        }
    }
}

/// A header folded for comparison: case, accents and Arabic letter variants folded (as the
/// name search folds them), `_`, `-` and repeated spaces as one space.
fn fold(header: &str) -> String {
    let spaced: String = header.chars().map(|c| if c == '_' || c == '-' || c == '.' { ' ' } else { c }).collect();
    search_key(&spaced).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The column a header names, if any.
pub fn recognise(header: &str) -> Option<Column> {
    let h = fold(header);
    if h.is_empty() {
        return None;
    }
    ALL.iter().copied().find(|c| fold(c.name()) == h || c.synonyms().iter().any(|s| fold(s) == h))
}

/// A file's header row, read: the column of each position (`None`: unknown or repeated).
#[derive(Debug, Clone, Default)]
pub struct Headers {
    pub columns: Vec<Option<Column>>,
    /// Headers no column knows, with their positions (0-based).
    pub unknown: Vec<(usize, String)>,
    /// Columns named twice: the later positions are ignored.
    pub repeated: Vec<(usize, Column)>,
    /// Required columns that are not there.
    pub missing: Vec<Column>,
}

impl Headers {
    /// Reads a header row.
    pub fn read(row: &[String]) -> Headers {
        let mut h = Headers::default();
        for (i, cell) in row.iter().enumerate() {
            match recognise(cell) {
                Some(c) if h.columns.contains(&Some(c)) => {
                    h.repeated.push((i, c));
                    h.columns.push(None);
                }
                Some(c) => h.columns.push(Some(c)),
                None => {
                    if !cell.trim().is_empty() {
                        h.unknown.push((i, cell.trim().chars().take(80).collect()));
                    }
                    h.columns.push(None);
                }
            }
        }
        h.missing = REQUIRED.iter().copied().filter(|c| !h.columns.contains(&Some(*c))).collect();
        h
    }

    /// The position of a column.
    pub fn position(&self, c: Column) -> Option<usize> {
        self.columns.iter().position(|x| *x == Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_four_languages_name_the_same_columns() {
        for (header, column) in [
            ("given_name", Column::GivenName),
            ("First Name", Column::GivenName),
            ("Prénom", Column::GivenName),
            ("Имя", Column::GivenName),
            ("الاسم", Column::GivenName),
            ("Date of birth", Column::Birth),
            ("date-de-naissance", Column::Birth),
            ("Дата рождения", Column::Birth),
            ("تاريخ الميلاد", Column::Birth),
            ("Nationalité", Column::Nationality),
            ("الجنسية", Column::Nationality),
            ("FAMILY", Column::Family),
        ] {
            assert_eq!(recognise(header), Some(column), "{header}");
        }
        assert_eq!(recognise("shoe size"), None);
    }

    #[test]
    fn a_header_row_reports_unknown_repeated_and_missing_columns() {
        let row: Vec<String> = ["family", "Имя", "shoe size", "prénom", ""].iter().map(|s| s.to_string()).collect();
        let h = Headers::read(&row);
        assert_eq!(h.columns, vec![Some(Column::Family), Some(Column::GivenName), None, None, None]);
        assert_eq!(h.unknown, vec![(2, "shoe size".to_string())]);
        assert_eq!(h.repeated, vec![(3, Column::GivenName)]);
        assert_eq!(h.missing, vec![Column::FamilyName]);
    }
}
