//! Persons, their names, kinship and wishes: the vocabulary caseworkers log families with.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Sex as recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Unknown,
}
crate::string_enum!(Sex { Female => "female", Male => "male", Unknown => "unknown" });

/// What the person wants (their own wish is part of the case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Wish {
    GoHome,
    StayInRegion,
    StayInSyria,
    Undecided,
    NotAsked,
}
crate::string_enum!(Wish { GoHome => "go_home", StayInRegion => "stay_in_region", StayInSyria => "stay_in_syria", Undecided => "undecided", NotAsked => "not_asked" });

/// The kind of another name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// Another name the person is known by.
    Alias,
    /// A nom de guerre.
    NomDeGuerre,
    /// A kunya (Abu X / Umm X).
    Kunya,
    /// Another spelling in the same script.
    Spelling,
    /// The name written in another script (Arabic, Cyrillic ...).
    OtherScript,
    /// A birth or maiden name.
    BirthName,
}
crate::string_enum!(NameKind { Alias => "alias", NomDeGuerre => "nom_de_guerre", Kunya => "kunya", Spelling => "spelling", OtherScript => "other_script", BirthName => "birth_name" });

/// The script a name is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Other,
}
crate::string_enum!(Script { Latin => "latin", Arabic => "arabic", Cyrillic => "cyrillic", Other => "other" });

/// A kinship link from one person to another, read "person is <kind> relative".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KinshipKind {
    /// The person is a parent of the relative.
    ParentOf,
    SpouseOf,
    SiblingOf,
    /// The person is the relative's guardian.
    GuardianOf,
}
crate::string_enum!(KinshipKind { ParentOf => "parent_of", SpouseOf => "spouse_of", SiblingOf => "sibling_of", GuardianOf => "guardian_of" });

impl KinshipKind {
    /// How the link reads from the relative's side.
    pub fn inverse_label(self) -> &'static str {
        match self {
            KinshipKind::ParentOf => "child_of",
            KinshipKind::SpouseOf => "spouse_of",
            KinshipKind::SiblingOf => "sibling_of",
            KinshipKind::GuardianOf => "ward_of",
        }
    }
}

/// Facts about a person that caseworkers tick: a set that can grow without a schema change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PersonFlag {
    /// A child without a parent or guardian in custody with them.
    UnaccompaniedMinor,
    Orphan,
    MedicalNeed,
    Disability,
}
crate::string_enum!(PersonFlag { UnaccompaniedMinor => "unaccompanied_minor", Orphan => "orphan", MedicalNeed => "medical_need", Disability => "disability" });
