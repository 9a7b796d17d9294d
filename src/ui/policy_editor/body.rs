//! A posted form read as an ordered name → value map, with the look-ups the rule editor needs:
//! the indices of repeated blocks (`rules[3]`, `….of[1]`) and the ticked boxes under a name.

use crate::error::{AppError, AppResult};
use std::collections::{BTreeMap, BTreeSet};

/// An urlencoded body (or query string).
#[derive(Debug, Clone, Default)]
pub struct Body(BTreeMap<String, String>);

impl Body {
    /// Reads a POST body (a malformed one reads as empty; one that is not UTF-8 is refused).
    pub fn parse(bytes: &[u8]) -> AppResult<Body> {
        let text = std::str::from_utf8(bytes).map_err(|_| AppError::BadRequest("the form is not UTF-8".into()))?;
        Ok(Body::of_str(text))
    }

    pub fn of_str(text: &str) -> Body {
        Body(serde_urlencoded::from_str::<Vec<(String, String)>>(text).unwrap_or_default().into_iter().collect())
    }

    /// The value ("" if absent).
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    /// Names that start with `prefix`.
    fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a String, &'a String)> + 'a {
        self.0.range(prefix.to_string()..).take_while(move |(k, _)| k.starts_with(prefix))
    }

    /// The indices `i` of the names `{prefix}[i]…`, in order.
    pub fn indices(&self, prefix: &str) -> Vec<usize> {
        let open = format!("{prefix}[");
        let found: BTreeSet<usize> = self
            .under(&open)
            .filter_map(|(k, _)| k[open.len()..].split_once(']').and_then(|(i, _)| i.parse().ok()))
            .collect();
        found.into_iter().collect()
    }

    /// The values `v` of the ticked boxes named `{prefix}.v`.
    pub fn picked(&self, prefix: &str) -> BTreeSet<String> {
        let dot = format!("{prefix}.");
        self.under(&dot)
            .filter(|(_, v)| matches!(v.as_str(), "on" | "true" | "1"))
            .map(|(k, _)| k[dot.len()..].to_string())
            .filter(|v| !v.is_empty() && !v.contains(['.', '[']))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_and_ticked_boxes_are_read_under_their_prefix_only() {
        let b = Body::of_str(
            "rules%5B2%5D.outcome=eligible&rules[0].outcome=x&rules[10].when.type=always\
             &rules[0].when.pick.roj=on&rules[0].when.pick.al-hol=on&rules[0].when.of[0].pick.x=on&rules_json=[]",
        );
        assert_eq!(b.indices("rules"), vec![0, 2, 10]);
        assert_eq!(b.picked("rules[0].when.pick").into_iter().collect::<Vec<_>>(), vec!["al-hol", "roj"]);
        assert!(b.picked("rules[1].when.pick").is_empty());
    }
}
