//! The change history as the family and person pages show it: who changed which field of
//! which record, from what to what, with field names and stored values (custody kinds, kinship
//! kinds, claim statuses) in the reader's language.

use crate::services::registry::history::ChangeView;
use crate::ui::forms::Words as _;
use crate::ui::i18n::I18n;
use std::collections::HashMap;

/// One line of the change history.
pub struct HistoryItem {
    pub when: String,
    pub who: String,
    pub what: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A history field in words: `nationality.GB.status` → "Nationality GB: status".
fn field_label(i18n: &I18n, field: &str) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    match parts.as_slice() {
        ["name", kind] => format!("{}: {}", i18n.t("field-other_name"), i18n.tv("name-kind", kind)),
        ["nationality", cc] => format!("{} {cc}", i18n.t("field-nationality")),
        ["nationality", cc, f] => {
            let f = i18n.maybe(&format!("field-{f}")).unwrap_or(f.to_string());
            format!("{} {cc}: {f}", i18n.t("field-nationality"))
        }
        _ => i18n.maybe(&format!("field-{field}")).unwrap_or_else(|| field.to_string()),
    }
}

/// A stored value in words where it is one of the registry's codes: `recaptured 2026-02` →
/// "recaptured 2026-02" in the reader's language, `parent_of Hafsa` → "parent of Hafsa".
fn value(i18n: &I18n, field: &str, v: &str) -> String {
    let first_word = |prefix: &str| match v.split_once(' ') {
        Some((code, rest)) => format!("{} {rest}", i18n.tv(prefix, code)),
        None => i18n.tv(prefix, v),
    };
    match field {
        "custody" => first_word("custody"),
        "kinship" => first_word("kin-of"),
        "sex" => i18n.tv("sex", v),
        "wish" => i18n.tv("wish", v),
        f if f.starts_with("nationality.") && f.ends_with(".status") => i18n.tv("claim-status", v),
        f if f.starts_with("nationality.") && f.ends_with(".basis") => i18n.tv("basis", v),
        _ => v.to_string(),
    }
}

/// The history lines of these changes; `whose` names the records by id.
pub fn items(i18n: &I18n, changes: Vec<ChangeView>, whose: &HashMap<String, String>) -> Vec<HistoryItem> {
    changes
        .into_iter()
        .map(|c| HistoryItem {
            when: c.changed_at.format("%Y-%m-%d %H:%M").to_string(),
            who: c.actor_name.unwrap_or_default(),
            what: whose.get(&c.entity_id).cloned().unwrap_or_else(|| c.entity_type.clone()),
            old: c.old_value.map(|v| value(i18n, &c.field, &v)).unwrap_or_default(),
            new: c.new_value.map(|v| value(i18n, &c.field, &v)).unwrap_or_default(),
            field: field_label(i18n, &c.field),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn codes_in_history_values_are_translated_and_the_rest_kept() {
        let ar = I18n::new(Lang::Ar);
        let shown = value(&ar, "custody", "recaptured 2026-02-03");
        assert!(shown.ends_with(" 2026-02-03") && !shown.contains("recaptured"), "{shown}");
        assert!(!value(&ar, "kinship", "parent_of Hafsa Yusupova").contains("parent_of"));
        assert_eq!(value(&ar, "notes", "free text"), "free text");
    }
}
