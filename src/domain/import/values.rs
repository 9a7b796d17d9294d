//! The values people write in list cells, in English, Arabic, Russian and French: sex, the
//! status of a nationality, wishes, yes and no, and kinship ("mother of", "ابن", "сын").

use crate::domain::names::search_key;
use crate::domain::nationality::ClaimStatus;
use crate::domain::person::{KinshipKind, Sex, Wish};

fn folded(s: &str) -> String {
    search_key(&s.replace(['_', '-'], " ")).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Finds the value whose words include the cell's folded text.
fn pick<T: Copy>(cell: &str, table: &[(T, &[&str])]) -> Option<T> {
    let c = folded(cell);
    table.iter().find(|(_, words)| words.iter().any(|w| folded(w) == c)).map(|(v, _)| *v)
}

/// Sex (`None`: empty). An unknown word is an error, `unknown` is a value.
pub fn sex(cell: &str) -> Result<Option<Sex>, String> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    pick(
        cell,
        &[
            (
                Sex::Female,
                &[
                    "female",
                    "f",
                    "woman",
                    "girl",
                    "أنثى",
                    "انثى",
                    "امرأة",
                    "بنت",
                    "женский",
                    "ж",
                    "жен",
                    "femme",
                    "féminin",
                    "fille",
                ],
            ),
            (
                Sex::Male,
                &[
                    "male",
                    "m",
                    "man",
                    "boy",
                    "ذكر",
                    "رجل",
                    "ولد",
                    "мужской",
                    "м",
                    "муж",
                    "homme",
                    "masculin",
                    "garçon",
                    "h",
                ],
            ),
            (Sex::Unknown, &["unknown", "?", "غير معروف", "неизвестно", "inconnu"]),
        ],
    )
    .map(Some)
    .ok_or_else(|| "write female, male or unknown".to_string())
}

/// The status of the nationality (`claimed` when empty).
pub fn claim_status(cell: &str) -> Result<ClaimStatus, String> {
    if cell.trim().is_empty() {
        return Ok(ClaimStatus::Claimed);
    }
    pick(
        cell,
        &[
            (ClaimStatus::Claimed, &["claimed", "مدعى", "مدعاة", "заявлено", "заявленное", "revendiquée", "déclarée"]),
            (ClaimStatus::Unverified, &["unverified", "غير مؤكد", "غير مؤكدة", "не подтверждено", "non vérifiée"]),
            (
                ClaimStatus::Verified,
                &["verified", "confirmed", "مؤكد", "مؤكدة", "подтверждено", "vérifiée", "confirmée"],
            ),
            (ClaimStatus::Denied, &["denied", "refused", "مرفوض", "مرفوضة", "отказано", "refusée"]),
            (
                ClaimStatus::Revoked,
                &[
                    "revoked",
                    "deprived",
                    "stripped",
                    "مسحوبة",
                    "مسحوب",
                    "лишен",
                    "лишена",
                    "отозвано",
                    "retirée",
                    "déchue",
                ],
            ),
        ],
    )
    .ok_or_else(|| "write claimed, unverified, verified, denied or revoked".to_string())
}

/// A wish (`None`: empty).
pub fn wish(cell: &str) -> Result<Option<Wish>, String> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    pick(
        cell,
        &[
            (
                Wish::GoHome,
                &[
                    "go home",
                    "go_home",
                    "return",
                    "return home",
                    "العودة",
                    "العودة إلى الوطن",
                    "вернуться",
                    "домой",
                    "rentrer",
                    "retour",
                ],
            ),
            (
                Wish::StayInRegion,
                &[
                    "stay in region",
                    "stay in the region",
                    "البقاء في المنطقة",
                    "остаться в регионе",
                    "rester dans la région",
                ],
            ),
            (Wish::StayInSyria, &["stay in syria", "البقاء في سوريا", "остаться в сирии", "rester en syrie"]),
            (Wish::Undecided, &["undecided", "غير مقرر", "لم تقرر", "не решил", "не решила", "indécis", "indécise"]),
            (Wish::NotAsked, &["not asked", "لم يسأل", "لم تسأل", "не спрашивали", "pas demandé"]),
        ],
    )
    .map(Some)
    .ok_or_else(|| "write go_home, stay_in_region, stay_in_syria, undecided or not_asked".to_string())
}

/// Yes or no (`false` when empty).
pub fn yes_no(cell: &str) -> Result<bool, String> {
    if cell.trim().is_empty() {
        return Ok(false);
    }
    pick(
        cell,
        &[
            (true, &["yes", "y", "true", "1", "x", "نعم", "да", "oui"]),
            (false, &["no", "n", "false", "0", "لا", "нет", "non"]),
        ],
    )
    .ok_or_else(|| "write yes or no".to_string())
}

/// A kinship as written from the row's side: the kind, and whether it reads from the
/// relative's side (`child_of X` is `X parent_of` this person).
pub fn relation(cell: &str) -> Result<Option<(KinshipKind, bool)>, String> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    let table: &[((KinshipKind, bool), &[&str])] = &[
        (
            (KinshipKind::ParentOf, false),
            &[
                "parent_of",
                "parent of",
                "mother of",
                "father of",
                "mother",
                "father",
                "أم",
                "أب",
                "мать",
                "отец",
                "mère",
                "père",
            ],
        ),
        (
            (KinshipKind::ParentOf, true),
            &[
                "child_of",
                "child of",
                "son of",
                "daughter of",
                "son",
                "daughter",
                "ابن",
                "ابنة",
                "بنت",
                "сын",
                "дочь",
                "fils",
                "fille",
            ],
        ),
        (
            (KinshipKind::SpouseOf, false),
            &[
                "spouse_of",
                "spouse of",
                "wife of",
                "husband of",
                "wife",
                "husband",
                "زوج",
                "زوجة",
                "муж",
                "жена",
                "époux",
                "épouse",
            ],
        ),
        (
            (KinshipKind::SiblingOf, false),
            &[
                "sibling_of",
                "sibling of",
                "brother of",
                "sister of",
                "brother",
                "sister",
                "أخ",
                "أخت",
                "брат",
                "сестра",
                "frère",
                "sœur",
                "soeur",
            ],
        ),
        (
            (KinshipKind::GuardianOf, false),
            &["guardian_of", "guardian of", "guardian", "وصي", "опекун", "tuteur", "tutrice"],
        ),
        ((KinshipKind::GuardianOf, true), &["ward_of", "ward of", "under guardianship of", "под опекой", "pupille de"]),
    ];
    pick(cell, table)
        .map(Some)
        .ok_or_else(|| "write parent_of, child_of, spouse_of, sibling_of, guardian_of or ward_of".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_four_languages() {
        assert_eq!(sex("F"), Ok(Some(Sex::Female)));
        assert_eq!(sex("أنثى"), Ok(Some(Sex::Female)));
        assert_eq!(sex("Мужской"), Ok(Some(Sex::Male)));
        assert_eq!(sex(""), Ok(None));
        assert!(sex("tall").is_err());
        assert_eq!(claim_status("Revoked"), Ok(ClaimStatus::Revoked));
        assert_eq!(claim_status("déchue"), Ok(ClaimStatus::Revoked));
        assert_eq!(claim_status(""), Ok(ClaimStatus::Claimed));
        assert_eq!(wish("Go home"), Ok(Some(Wish::GoHome)));
        assert_eq!(yes_no("Да"), Ok(true));
        assert_eq!(yes_no(""), Ok(false));
        assert_eq!(relation("son of"), Ok(Some((KinshipKind::ParentOf, true))));
        assert_eq!(relation("زوجة"), Ok(Some((KinshipKind::SpouseOf, false))));
        assert_eq!(relation("Mère"), Ok(Some((KinshipKind::ParentOf, false))));
        assert!(relation("cousin").is_err());
    }
}
