//! Plausibility warnings after a save (a parent aged nine at a child's birth, an admission
//! before birth): the save went through, so the page redirects as usual and names the kinds of
//! warning in the query (`?check=parent_too_young`); the family page shows them as notices.
//! Only kinds travel, never names or dates, so nothing personal ends up in a URL or a log.

use super::i18n::I18n;
use crate::domain::records::plausibility::{Warning, WarningKind};

/// The query parameter that carries the kinds.
const PARAM: &str = "check";

fn key(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::ParentTooYoung => "parent_too_young",
        WarningKind::ChildOlderThanParent => "child_older_than_parent",
        WarningKind::EventBeforeBirth => "event_before_birth",
    }
}

/// `?check=a,b` for these warnings ("" when there are none), each kind once.
pub fn query(warnings: &[Warning]) -> String {
    let mut kinds: Vec<&str> = warnings.iter().map(|w| key(w.kind)).collect();
    kinds.sort_unstable();
    kinds.dedup();
    if kinds.is_empty() {
        String::new()
    } else {
        format!("?{PARAM}={}", kinds.join(","))
    }
}

/// The notices a query string asks for, in the user's language (unknown kinds are ignored).
pub fn notices(i18n: &I18n, query_string: &str) -> Vec<String> {
    let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query_string).unwrap_or_default();
    let known = [WarningKind::ParentTooYoung, WarningKind::ChildOlderThanParent, WarningKind::EventBeforeBirth];
    pairs
        .iter()
        .filter(|(k, _)| k == PARAM)
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
        let q = query(&[warning(WarningKind::ParentTooYoung), warning(WarningKind::ParentTooYoung)]);
        assert_eq!(q, "?check=parent_too_young");
        assert_eq!(query(&[]), "");
        let i18n = I18n::new(Lang::En);
        let shown = notices(&i18n, "check=parent_too_young,nonsense");
        assert_eq!(shown, vec![i18n.t("warn-parent_too_young")]);
        assert_ne!(shown[0], "warn-parent_too_young");
    }
}
