//! The editor's messages in the reader's words: each message translated, the place it concerns
//! said in words ("Rule 3 · Sub-condition 1 · years"), the element it is shown on (`fid`), and
//! the summary of every message at the top of a refused save.

use super::model::{Errors, NOT_A_CHOICE, NOT_A_DATE, NOT_A_NUMBER, NOT_EMPTY};
use crate::i18n::I18n;

/// The `id` of the element a field path is shown in: `rules[2].when.years` → `f-rules-2-when-years`.
pub fn fid(path: &str) -> String {
    let mut id = String::from("f");
    for part in path.split(['[', ']', '.']).filter(|p| !p.is_empty()) {
        id.push('-');
        id.push_str(part);
    }
    id
}

/// A message in the reader's language.
pub fn message(i18n: &I18n, m: &str) -> String {
    const KEYS: &[(&str, &str)] = &[
        ("must be between 1 and 120", "pe-err-years"),
        ("must list at least one condition", "pe-err-of-empty"),
        ("must list at least one status", "pe-err-statuses"),
        ("must list at least one wish", "pe-err-wishes"),
        ("must list at least one facility code", "pe-err-facilities"),
        ("must list facility codes such as al-hol (not display names)", "pe-err-facility-codes"),
        ("must list at least one name", "pe-err-authorities"),
        ("is required: say in plain words what the rule means", "pe-err-explanation"),
        ("give the English text (`en`) too: it is shown where no translation exists", "pe-err-english"),
        ("list what the return requires", "pe-err-conditions-needed"),
        ("only an eligible_with_conditions outcome has conditions", "pe-err-conditions-unexpected"),
        ("no_route is decided by the nationality claim, not by a rule", "pe-err-no-route"),
        ("the last rule must be the default: {\"type\": \"always\"}", "pe-err-last-default"),
        ("a version needs at least one rule", "pe-err-no-rules"),
        (NOT_A_NUMBER, "err-number"),
        (NOT_A_DATE, "err-date-format"),
        (NOT_A_CHOICE, "err-choice"),
        (NOT_EMPTY, "pe-err-not-empty"),
    ];
    if let Some((_, key)) = KEYS.iter().find(|(text, _)| *text == m) {
        return i18n.t(key);
    }
    for (prefix, key) in [("not valid JSON: ", "pe-err-json"), ("not a valid rule list: ", "pe-err-rule-list")] {
        if let Some(detail) = m.strip_prefix(prefix) {
            return i18n.t_args(key, &[("detail", i18n.ltr(detail).into())]);
        }
    }
    crate::ui::forms::translate(i18n, m)
}

/// Where a path is, in words: "Rule 3 · sub-condition 1.2 · years".
pub fn place(i18n: &I18n, path: &str) -> String {
    let field = |f: &str| match f {
        "years" => i18n.t("pe-field-years"),
        "date" => i18n.t("pe-field-date"),
        "is" => i18n.t("field-sex"),
        "any_of" => i18n.t("pe-field-values"),
        "of" => i18n.t("pe-field-sub"),
        "outcome" => i18n.t("pe-outcome"),
        "conditions" => i18n.t("pe-return-conditions"),
        "explanation" => i18n.t("pe-explanation"),
        "summary" => i18n.t("policy-summary"),
        "source" => i18n.t("policy-source"),
        "source_url" => i18n.t("policy-source-url"),
        "note" => i18n.t("policy-note"),
        "rules_json" => i18n.t("pe-json-title"),
        "rules" => i18n.t("pe-rules-title"),
        other => other.to_string(),
    };
    let Some(i) = super::model::rule_index(path) else { return field(path) };
    let mut parts = vec![i18n.t_args("pe-rule-title", &[("n", (i + 1).into())])];
    let rest = path.split_once(']').map(|(_, r)| r).unwrap_or("");
    let segments: Vec<&str> = rest.split('.').filter(|s| !s.is_empty()).collect();
    if segments.first() == Some(&"when") {
        let mut positions = vec![];
        let mut last = None;
        for (n, s) in segments.iter().enumerate().skip(1) {
            match s.strip_prefix("of[").and_then(|k| k.strip_suffix(']')).and_then(|k| k.parse::<usize>().ok()) {
                Some(k) => positions.push((k + 1).to_string()),
                None if *s == "of" && n + 1 < segments.len() => positions.push("1".into()),
                None => last = Some(*s),
            }
        }
        parts.push(if positions.is_empty() {
            i18n.t("pe-condition")
        } else {
            i18n.t_args("pe-sub-title", &[("pos", i18n.ltr(positions.join(".")).into())])
        });
        parts.extend(last.map(field));
    } else {
        parts.extend(segments.first().map(|s| field(s)));
    }
    parts.join(" · ")
}

/// An entry of the error summary: where (in words), what, and a link to the field.
#[derive(Debug, Clone)]
pub struct Problem {
    pub href: String,
    pub place: String,
    pub message: String,
}

/// Every message, in the order of the page.
pub fn problems(i18n: &I18n, errors: &Errors) -> Vec<Problem> {
    let rank = |p: &str| -> (u8, usize) {
        match p {
            "summary" => (0, 0),
            "source" => (0, 1),
            "source_url" => (0, 2),
            "note" => (0, 3),
            "rules" => (2, 0),
            "rules_json" => (3, 0),
            _ => super::model::rule_index(p).map(|i| (1, i)).unwrap_or((4, 0)),
        }
    };
    let mut paths: Vec<&String> = errors.keys().collect();
    // Stable: within a rule, the paths keep their order.
    paths.sort_by_key(|p| rank(p));
    paths
        .into_iter()
        .flat_map(|p| {
            errors[p].iter().map(move |m| Problem {
                href: format!("#{}", if p == "rules" { "rules-list".to_string() } else { fid(p) }),
                place: place(i18n, p),
                message: message(i18n, m),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn a_path_reads_as_a_place_and_names_an_element() {
        let en = I18n::new(Lang::En);
        assert_eq!(place(&en, "rules[2].when.of[0].years"), "Rule 3 · Sub-condition 1 · years");
        assert_eq!(place(&en, "rules[0].when.of.of[1].any_of"), "Rule 1 · Sub-condition 1.2 · the ticked values");
        assert_eq!(place(&en, "rules[1].when"), "Rule 2 · Condition");
        assert_eq!(place(&en, "rules[1].explanation"), "Rule 2 · Explanation");
        assert_eq!(fid("rules[2].when.of[0].years"), "f-rules-2-when-of-0-years");
        assert_eq!(message(&en, "must be between 1 and 120"), "must be between 1 and 120 years");
        let ar = I18n::new(Lang::Ar);
        assert_ne!(message(&ar, "must be between 1 and 120"), "must be between 1 and 120");
    }
}
