//! The editor's state between round trips: the version's fields, the rules as typed and the
//! JSON of the advanced view, and the actions its buttons post (`add-rule`, `move-up:2`,
//! `add-condition:rules[1].when` ...), applied to the typed state without saving anything.

use super::body::Body;
use super::model::{CondForm, RuleForm, MAX_DEPTH};
use crate::domain::policy::Rule;
use crate::services::policy::views::PolicyVersionView;

/// Everything the editor's form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub summary: String,
    pub source: String,
    pub source_url: String,
    pub note: String,
    /// The lock version the form was loaded at.
    pub version: String,
    pub rules: Vec<RuleForm>,
    /// The advanced view's JSON.
    pub json: String,
}

/// What a button of the editor asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Re-render with the typed changes (the default, also for Enter in a field).
    Refresh,
    Save,
    SaveJson,
    AddRule,
    RemoveRule(usize),
    MoveUp(usize),
    MoveDown(usize),
    /// Adds a sub-condition to the group named by the path (`rules[1].when.of[0]`).
    AddCondition(String),
    /// Removes the sub-condition named by the path.
    RemoveCondition(String),
}

impl Action {
    pub fn parse(value: &str) -> Action {
        let (verb, arg) = value.split_once(':').unwrap_or((value, ""));
        let n = arg.parse::<usize>().ok();
        match (verb, n) {
            ("save", _) => Action::Save,
            ("save-json", _) => Action::SaveJson,
            ("add-rule", _) => Action::AddRule,
            ("remove-rule", Some(i)) => Action::RemoveRule(i),
            ("move-up", Some(i)) => Action::MoveUp(i),
            ("move-down", Some(i)) => Action::MoveDown(i),
            ("add-condition", _) => Action::AddCondition(arg.to_string()),
            ("remove-condition", _) => Action::RemoveCondition(arg.to_string()),
            _ => Action::Refresh,
        }
    }
}

/// The message for a lock version that is missing or not one (only a hand-made or truncated
/// post has that): the form's fault, so 422, not a conflict with someone else's change (409).
pub const BAD_VERSION: &str = "must be the version number the form was loaded at: reload the page";

/// A posted lock version: a whole number from 1 (versions start at 1), or [`BAD_VERSION`].
pub fn lock_version(raw: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(v) if v >= 1 => Ok(v),
        _ => Err(BAD_VERSION.to_string()),
    }
}

/// Pretty JSON of rules, as the advanced view shows it.
pub fn rules_json(rules: &[Rule]) -> String {
    serde_json::to_string_pretty(rules).unwrap_or_default()
}

impl Editor {
    /// The stored version, as the form first shows it.
    pub fn of_view(v: &PolicyVersionView) -> Editor {
        Editor {
            summary: v.summary.clone(),
            source: v.source.clone(),
            source_url: v.source_url.clone(),
            note: v.note.clone(),
            version: v.version.to_string(),
            rules: v.rules.iter().map(RuleForm::of).collect(),
            json: rules_json(&v.rules),
        }
    }

    /// The posted form.
    pub fn parse(b: &Body) -> Editor {
        Editor {
            summary: b.get("summary").to_string(),
            source: b.get("source").to_string(),
            source_url: b.get("source_url").to_string(),
            note: b.get("note").to_string(),
            version: b.get("version").trim().to_string(),
            rules: b.indices("rules").into_iter().map(|i| RuleForm::parse(b, i)).collect(),
            json: b.get("rules_json").to_string(),
        }
    }

    /// The lock version as posted, or the field's message when it is missing or not a number
    /// (save with this one, so that such a post answers 422 rather than a conflict).
    pub fn checked_lock(&self) -> Result<i64, String> {
        lock_version(&self.version)
    }

    /// Applies a button's change to the typed rules. Saving is not done here.
    pub fn apply(&mut self, action: &Action) {
        let n = self.rules.len();
        match action {
            Action::AddRule => {
                // Before the default rule, which must stay last.
                let at = if self.ends_with_default() { n - 1 } else { n };
                self.rules.insert(at, RuleForm::starter());
            }
            Action::RemoveRule(i) if *i < n && n > 1 => {
                self.rules.remove(*i);
            }
            // Indices come from the post: checked so that no value (usize::MAX, say) overflows.
            Action::MoveUp(i) if *i > 0 && *i < n => self.rules.swap(*i, i - 1),
            Action::MoveDown(i) if i.checked_add(1).is_some_and(|next| next < n) => self.rules.swap(*i, i + 1),
            Action::AddCondition(path) => {
                if let Some((depth, group)) = self.node_mut(path) {
                    let room = group.kind != super::model::Kind::Not || group.of.is_empty();
                    if group.kind.is_group() && room && depth < MAX_DEPTH {
                        group.of.push(CondForm::starter());
                    }
                }
            }
            Action::RemoveCondition(path) => {
                let (parent, last) = match path.rsplit_once(".of") {
                    Some((parent, last)) => (parent, last),
                    None => return,
                };
                if let Some((_, group)) = self.node_mut(parent) {
                    match last.strip_prefix('[').and_then(|l| l.strip_suffix(']')).map(str::parse::<usize>) {
                        Some(Ok(k)) if k < group.of.len() => {
                            group.of.remove(k);
                        }
                        // `not`'s only sub-condition (`….of`).
                        None if last.is_empty() => group.of.clear(),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn ends_with_default(&self) -> bool {
        self.rules.last().is_some_and(|r| r.when.kind == super::model::Kind::Always)
    }

    /// The condition at a path such as `rules[1].when.of[0].of`, with its depth.
    fn node_mut(&mut self, path: &str) -> Option<(usize, &mut CondForm)> {
        let i = super::model::rule_index(path)?;
        let mut rest = path.strip_prefix(&format!("rules[{i}].when"))?;
        let mut node = &mut self.rules.get_mut(i)?.when;
        let mut depth = 0;
        while !rest.is_empty() {
            rest = rest.strip_prefix(".of")?;
            let k = if let Some(r) = rest.strip_prefix('[') {
                let (k, after) = r.split_once(']')?;
                rest = after;
                k.parse::<usize>().ok()?
            } else {
                0
            };
            node = node.of.get_mut(k)?;
            depth += 1;
        }
        Some((depth, node))
    }

    /// Whether the typed state differs from what is stored (then simulating and publishing,
    /// which use the stored draft, would not show what is on screen).
    pub fn differs_from(&self, stored: &PolicyVersionView, typed: &[Option<Rule>]) -> bool {
        let same_rules = typed.len() == stored.rules.len()
            && typed.iter().zip(&stored.rules).all(|(t, s)| t.as_ref().is_some_and(|t| same_rule(t, s)));
        !(same_rules
            && self.summary.trim() == stored.summary.trim()
            && self.source.trim() == stored.source.trim()
            && self.source_url.trim() == stored.source_url.trim()
            && self.note.trim() == stored.note.trim())
    }
}

/// Equal as rules go: a plain English text and `{"en": ...}` read the same.
fn same_rule(a: &Rule, b: &Rule) -> bool {
    a.when == b.when
        && a.outcome == b.outcome
        && a.conditions == b.conditions
        && a.explanation.texts().iter().filter(|(_, t)| !t.trim().is_empty()).collect::<Vec<_>>()
            == b.explanation.texts().iter().filter(|(_, t)| !t.trim().is_empty()).collect::<Vec<_>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(rules: usize) -> Editor {
        Editor {
            summary: String::new(),
            source: String::new(),
            source_url: String::new(),
            note: String::new(),
            version: "1".into(),
            rules: (0..rules).map(|_| RuleForm::starter()).collect(),
            json: String::new(),
        }
    }

    #[test]
    fn index_buttons_out_of_range_change_nothing_and_never_overflow() {
        for rules in [0, 1, 2] {
            for action in ["move-down", "move-up", "remove-rule"] {
                for i in [usize::MAX, usize::MAX - 1, rules, rules + 1] {
                    let mut ed = editor(rules);
                    ed.apply(&Action::parse(&format!("{action}:{i}")));
                    assert_eq!(ed, editor(rules), "{action}:{i} on {rules} rules");
                }
            }
        }
        assert_eq!(Action::parse("move-down:18446744073709551616"), Action::Refresh, "beyond usize");
    }

    #[test]
    fn a_missing_or_garbled_version_is_a_message_not_a_conflict() {
        assert_eq!(lock_version(" 3 "), Ok(3));
        for raw in ["", "x", "1.0", "0", "-2", "99999999999999999999"] {
            assert_eq!(lock_version(raw), Err(BAD_VERSION.to_string()), "{raw:?}");
        }
        let mut ed = editor(0);
        ed.version = "abc".into();
        assert!(ed.checked_lock().is_err());
    }
}
