//! A field of a partial update: absent (leave it), `null` (clear it) or a value (set it).
//! `PATCH` changes only the fields sent.

use serde::{Deserialize, Deserializer};

/// One field of a `PATCH` body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Not sent: keep the current value.
    #[default]
    Missing,
    /// Sent as `null`: clear it.
    Null,
    /// Sent with a value.
    Value(T),
}

impl<T> Patch<T> {
    /// The value after the patch, given the current one.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Missing => current,
            Patch::Null => None,
            Patch::Value(v) => Some(v),
        }
    }
}

/// A value sets the field, `None` clears it (a form that sends every field).
impl<T> From<Option<T>> for Patch<T> {
    fn from(v: Option<T>) -> Patch<T> {
        match v {
            Some(v) => Patch::Value(v),
            None => Patch::Null,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Patch<T>, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            None => Patch::Null,
            Some(v) => Patch::Value(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        a: Patch<i32>,
        #[serde(default)]
        b: Patch<i32>,
        #[serde(default)]
        c: Patch<i32>,
    }

    #[test]
    fn absent_null_and_value_are_told_apart() {
        let body: Body = serde_json::from_str(r#"{"b": null, "c": 3}"#).expect("json");
        assert_eq!((body.a, body.b, body.c), (Patch::Missing, Patch::Null, Patch::Value(3)));
        assert_eq!(body.a.apply(Some(1)), Some(1));
        assert_eq!(body.b.apply(Some(1)), None);
        assert_eq!(body.c.apply(Some(1)), Some(3));
    }
}
