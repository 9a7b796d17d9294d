//! What a page says after a save that went through: a confirmation of what was saved
//! (`?saved=custody`) and the plausibility warnings of the save (a parent aged nine at a child's
//! birth, an admission before birth: `?check=parent_too_young`). The save redirects (303) to the
//! page with these in the query; the page turns them into translated notices at its top.
//! Only kinds travel, never names or dates, so nothing personal ends up in a URL or a log.

use super::i18n::I18n;
use crate::domain::records::plausibility::{Warning, WarningKind};

/// The query parameter that carries the warning kinds.
const CHECK: &str = "check";
/// The query parameter that names what was saved.
const SAVED: &str = "saved";

/// What a save can confirm; each has a `saved-<what>` catalogue key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// A whole family logged through the intake form.
    Intake,
    /// A family's label and notes.
    Family,
    /// A member added to a family.
    Member,
    /// One custody event for several members.
    Moved,
    /// A person's own facts.
    Person,
    Name,
    Claim,
    /// A claim's status.
    Status,
    Custody,
    Kinship,
}

impl Saved {
    const ALL: [Saved; 10] = [
        Saved::Intake,
        Saved::Family,
        Saved::Member,
        Saved::Moved,
        Saved::Person,
        Saved::Name,
        Saved::Claim,
        Saved::Status,
        Saved::Custody,
        Saved::Kinship,
    ];

    fn key(self) -> &'static str {
        match self {
            Saved::Intake => "intake",
            Saved::Family => "family",
            Saved::Member => "member",
            Saved::Moved => "moved",
            Saved::Person => "person",
            Saved::Name => "name",
            Saved::Claim => "claim",
            Saved::Status => "status",
            Saved::Custody => "custody",
            Saved::Kinship => "kinship",
        }
    }
}

fn key(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::ParentTooYoung => "parent_too_young",
        WarningKind::ChildOlderThanParent => "child_older_than_parent",
        WarningKind::EventBeforeBirth => "event_before_birth",
    }
}

/// The warnings' kinds, each once: `a,b` ("" when there are none).
fn kinds(warnings: &[Warning]) -> String {
    let mut kinds: Vec<&str> = warnings.iter().map(|w| key(w.kind)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    kinds.join(",")
}

/// Where a save lands: `path?saved=<what>` and the warnings' kinds, if any.
pub fn landing(path: &str, saved: Saved, warnings: &[Warning]) -> String {
    let checks = kinds(warnings);
    if checks.is_empty() {
        format!("{path}?{SAVED}={}", saved.key())
    } else {
        format!("{path}?{SAVED}={}&{CHECK}={checks}", saved.key())
    }
}

fn pairs(query_string: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query_string).unwrap_or_default()
}

/// The confirmation a query string asks for, in the user's language (unknown kinds: none).
pub fn saved(i18n: &I18n, query_string: &str) -> Option<String> {
    let pairs = pairs(query_string);
    let (_, what) = pairs.iter().find(|(k, _)| k == SAVED)?;
    let saved = Saved::ALL.iter().find(|s| s.key() == what)?;
    Some(i18n.t(&format!("saved-{}", saved.key())))
}

/// The warnings a query string asks for, in the user's language (unknown kinds are ignored).
pub fn notices(i18n: &I18n, query_string: &str) -> Vec<String> {
    let known = [WarningKind::ParentTooYoung, WarningKind::ChildOlderThanParent, WarningKind::EventBeforeBirth];
    pairs(query_string)
        .iter()
        .filter(|(k, _)| k == CHECK)
        .flat_map(|(_, v)| v.split(','))
        .filter_map(|kind| known.iter().find(|k| key(**k) == kind))
        .map(|k| i18n.t(&format!("warn-{}", key(*k))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    fn warning(kind: WarningKind) -> Warning {
        Warning { kind, field: "kinship[0]".into(), subject: "A / B".into(), message: String::new() }
    }

    #[test]
    fn kinds_travel_once_and_come_back_translated() {
        let q = kinds(&[warning(WarningKind::ParentTooYoung), warning(WarningKind::ParentTooYoung)]);
        assert_eq!(q, "parent_too_young");
        assert_eq!(kinds(&[]), "");
        let i18n = I18n::new(Lang::En);
        let shown = notices(&i18n, "check=parent_too_young,nonsense");
        assert_eq!(shown, vec![i18n.t("warn-parent_too_young")]);
        assert_ne!(shown[0], "warn-parent_too_young");
    }

    #[test]
    fn a_save_lands_with_its_confirmation_in_every_language() {
        let at = landing("/persons/p1", Saved::Custody, &[warning(WarningKind::EventBeforeBirth)]);
        assert_eq!(at, "/persons/p1?saved=custody&check=event_before_birth");
        assert_eq!(landing("/families/f", Saved::Member, &[]), "/families/f?saved=member");
        for lang in [Lang::En, Lang::Ar] {
            let i18n = I18n::new(lang);
            for s in Saved::ALL {
                let shown = saved(&i18n, &format!("saved={}", s.key())).expect("known");
                assert!(!shown.starts_with("saved-"), "{lang:?} {}: a catalogue key is missing", s.key());
            }
            assert_eq!(saved(&i18n, "saved=nonsense"), None);
            assert_eq!(saved(&i18n, ""), None);
        }
    }
}
