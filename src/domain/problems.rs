//! Field-level problems: everything wrong with an input, each under the path of its field
//! (`members[1].birth`), collected at once so a form shows every message together.

use std::collections::BTreeMap;

/// Field path -> messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    pub fields: BTreeMap<String, Vec<String>>,
}

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }

    /// Adds a message under a field.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields.entry(field.into()).or_default().push(message.into());
    }

    /// Keeps the value of a check, or records its message under `field`.
    pub fn take<T>(&mut self, field: impl Into<String>, checked: Result<T, String>) -> Option<T> {
        match checked {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }

    /// Adds every problem of another check.
    pub fn absorb(&mut self, other: Problems) {
        for (f, ms) in other.fields {
            self.fields.entry(f).or_default().extend(ms);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `Ok(value)` when nothing was added, else the problems.
    pub fn or<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, Problems> {
        if !self.is_empty() {
            return Err(self);
        }
        match value() {
            Some(v) => Ok(v),
            // A value can be missing only where a problem was recorded; say so rather than panic.
            None => Err(Problems::single("input", "is not valid")),
        }
    }

    /// One message under one field.
    pub fn single(field: &str, message: impl Into<String>) -> Problems {
        let mut p = Problems::new();
        p.add(field, message);
        p
    }
}
